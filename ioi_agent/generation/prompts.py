"""Prompts: what the model is asked, per problem or per subtask, as chat messages.

Per-subtask prompts show the statement with the other subtasks' rows of the scoring table removed (as o1-ioi
rewrote statements), so the model writes for one subtask's constraints. Function-style tasks show the
grader's interface and forbid `main`. The wording lives in template files (`templates/*.txt`, Python
`string.Template` syntax); a user's folder with files of the same names overrides them one by one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from pydantic import BaseModel, ConfigDict

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import RecordKind, sha256_text
from ioi_agent.packages.model import Problem, Subtask, TaskType

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_FILES = {
    "system": "system.txt",
    RecordKind.CANDIDATE: "solve.txt",
    RecordKind.GENERATOR: "generator.txt",
    RecordKind.VALIDATOR: "validator.txt",
}
LANGUAGES = {
    "cpp": ("C++17", "cpp"),
    "python": ("Python 3", "python"),
}
MAX_SAMPLES = 5
MAX_SAMPLE_CHARS = 2000
HEADER_SUFFIXES = {".h", ".hpp", ".hh"}
TEXT_STATEMENTS = {".md", ".tex", ".txt", ".markdown"}


class Prompt(BaseModel):
    """One request to the model: chat messages and what they are for."""

    model_config = ConfigDict(frozen=True)

    kind: RecordKind
    problem: str
    subtask: str | None  # None: the whole problem
    language: str
    messages: list[dict[str, str]]

    @property
    def sha256(self) -> str:
        return sha256_text(json.dumps(self.messages, sort_keys=True, ensure_ascii=False))


@dataclass(frozen=True)
class Templates:
    texts: dict[str, str]

    @classmethod
    def load(cls, override_dir: Path | str | None = None) -> Templates:
        if override_dir is not None and not Path(override_dir).is_dir():
            raise IoiAgentError(
                f"{override_dir}: templates folder not found (fix: give a folder of .txt templates)"
            )
        texts: dict[str, str] = {}
        for key, name in TEMPLATE_FILES.items():
            path = DEFAULT_TEMPLATES / name
            if override_dir is not None:
                user = Path(override_dir) / name
                if user.is_file():
                    path = user
            texts[str(key)] = path.read_text(encoding="utf-8")
        return cls(texts)

    def render(self, key: str, values: dict[str, str]) -> str:
        try:
            text = Template(self.texts[key]).substitute(values)
        except (KeyError, ValueError) as exc:
            raise IoiAgentError(
                f"template {TEMPLATE_FILES.get(key, key)}: unknown or bad placeholder {exc} "
                f"(fix: use only ${{{', $'.join(sorted(values))}}}, and $$ for a dollar sign)"
            ) from None
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@dataclass(frozen=True)
class Statement:
    title: str
    text: str


def load_statement(problem: Problem) -> Statement:
    """The statement as the model sees it: LaTeX or Markdown source, comment lines dropped; the title from
    `\\problemname{}` when the package gives none of its own."""
    if problem.statement is None:
        raise IoiAgentError(
            f"{problem.root}: no statement file found (fix: add problem_statement/problem.en.md or .tex)"
        )
    if problem.statement.suffix not in TEXT_STATEMENTS:
        raise IoiAgentError(
            f"{problem.statement}: the model needs a text statement, not {problem.statement.suffix or 'this file'} "
            "(fix: add the statement as Markdown or LaTeX beside it, e.g. problem.en.md)"
        )
    try:
        text = problem.statement.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise IoiAgentError(f"{problem.statement}: cannot read the statement: {exc.strerror}") from None
    title = problem.title
    if problem.statement.suffix == ".tex":
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))
        named = re.search(r"\\problemname\{([^}]*)\}\s*", text)
        if named:
            if title == problem.name and named.group(1).strip():
                title = named.group(1).strip()
            text = text[: named.start()] + text[named.end() :]
    return Statement(title=title, text=text.strip())


def subtask_number(name: str) -> int | None:
    """The number a statement uses for a subtask: the first integer in its name (group3, 02-small)."""
    found = re.search(r"\d+", name)
    return int(found.group()) if found else None


_LATEX_TABLE = re.compile(r"(\\begin\{tabular\}(?:\{(?:[^{}]|\{[^{}]*\})*\})?)(.*?)(\\end\{tabular\})", re.S)
_LATEX_CELL_NOISE = re.compile(r"\\hline|\\textbf|\\(?:sub)?task|[${}\s]|subtask|group", re.IGNORECASE)
_MD_ROW_NUMBER = re.compile(r"^\s*\|\s*(?:\*\*)?\s*(?:subtask\s*|group\s*)?(\d+)\s*(?:\*\*)?\s*\|", re.I)
_LIST_ITEM = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*)?(?:(?:subtask|group)\s*(\d+)\b|(\d+)[.)]\s*\(?\s*\d+(?:\.\d+)?\s*points?\b)",
    re.I,
)
_HEADING = re.compile(r"^(#{1,6})\s+(?:subtask|group)\s*(\d+)\b", re.I)


def restrict_to_subtask(text: str, target: int, others: set[int]) -> tuple[str, bool]:
    """Remove the other subtasks' rows, items and sections; True when something was found to remove."""
    others = others - {target}
    found = False

    def latex_table(match: re.Match[str]) -> str:
        nonlocal found
        head, body, tail = match.groups()
        parts = re.split(r"(\\\\(?:\s*\\hline)*)", body)
        rows = [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
        numbers = []
        for row, _sep in rows:
            cell = _LATEX_CELL_NOISE.sub("", row.split("&")[0]) if "&" in row else ""
            numbers.append(int(cell) if cell.isdigit() else None)
        if target not in numbers or not any(n in others for n in numbers):
            return match.group(0)
        found = True
        kept = "".join(row + sep for (row, sep), n in zip(rows, numbers, strict=True) if n not in others)
        return head + kept + tail

    text = _LATEX_TABLE.sub(latex_table, text)

    out: list[str] = []
    skip_level = 0
    for line in text.splitlines():
        heading = _HEADING.match(line)
        any_heading = re.match(r"^(#{1,6})\s", line)
        if skip_level and any_heading and len(any_heading.group(1)) <= skip_level:
            skip_level = 0
        if heading:
            if int(heading.group(2)) in others:
                skip_level, found = len(heading.group(1)), True
                continue
        if skip_level:
            continue
        row = _MD_ROW_NUMBER.match(line)
        item = _LIST_ITEM.match(line)
        number = int(row.group(1)) if row else None
        if number is None and item:
            number = int(item.group(1) or item.group(2))
        if number is not None and number in others:
            found = True
            continue
        out.append(line)
    return "\n".join(out), found


def _samples_text(problem: Problem, function_style: bool, statement: str) -> str:
    """The package's public examples, unless the statement already shows them."""
    if not problem.samples or problem.task_type in (
        TaskType.INTERACTIVE,
        TaskType.COMMUNICATION,
        TaskType.MULTI_PASS,
    ):
        return ""  # the test files there are the judge's side of a dialogue, not the program's input
    first = problem.tests[problem.samples[0]].input.read_text(encoding="utf-8", errors="replace").strip()
    if first and _squash(first) in _squash(statement):
        return ""
    if function_style:
        labels = ("Grader input", "Grader output")
    else:
        labels = ("Input", "Output")
    parts = ["## Examples"]
    for i, name in enumerate(problem.samples[:MAX_SAMPLES], start=1):
        test = problem.tests[name]
        parts.append(f"### Example {i}")
        for label, path in zip(labels, (test.input, test.answer), strict=True):
            if path is None:
                continue
            body = path.read_text(encoding="utf-8", errors="replace")
            if len(body) > MAX_SAMPLE_CHARS:
                body = body[:MAX_SAMPLE_CHARS] + "\n... (cut)\n"
            parts.append(f"{label}:\n```\n{body.rstrip()}\n```")
    return "\n\n".join(parts)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _limits_text(problem: Problem) -> str:
    parts = []
    if problem.limits.time_s:
        parts.append(f"time limit {problem.limits.time_s:g} s per test")
    parts.append(f"memory limit {problem.limits.memory_mb} MB")
    return "Limits: " + ", ".join(parts) + "."


def _interface_files(problem: Problem, language: str) -> list[Path]:
    return [f for f in problem.grader_files.get(language, []) if f.is_file()]  # not include/ folders


def _io_rules(problem: Problem, language: str) -> str:
    name = LANGUAGES[language][0]
    rules = [
        f"Write the solution in {name}"
        + (" (compiled with g++ -std=c++17 -O2)." if language == "cpp" else ".")
    ]
    files = _interface_files(problem, language)
    if files:
        rules.append(
            "This task is function-style: your code is compiled together with the official grader, which "
            "has the main function, reads the input and calls your functions. Do not write a main function "
            "and do not read standard input or write standard output yourself."
        )
        headers = [f for f in files if f.suffix in HEADER_SUFFIXES]
        shown = headers if language == "cpp" else [f for f in files if "grader" not in f.name.lower()]
        for f in shown:
            body = f.read_text(encoding="utf-8", errors="replace").rstrip()
            rules.append(f"Interface ({f.name}):\n```{LANGUAGES[language][1]}\n{body}\n```")
        if headers and language == "cpp":
            rules.append(
                "Include the header with " + ", ".join(f'#include "{h.name}"' for h in headers) + "."
            )
        if not shown:
            rules.append("The grader's files: " + ", ".join(f.name for f in files) + ".")
    elif problem.task_type in (TaskType.INTERACTIVE, TaskType.MULTI_PASS):
        flush = "cout << flush or fflush(stdout)" if language == "cpp" else "print(..., flush=True)"
        rules.append(
            "This problem is interactive: your program talks to the judge through standard input and "
            f"standard output. Flush the output after every message ({flush})."
        )
    else:
        rules.append(
            "Read the input from standard input and write the answer to standard output; print nothing else."
        )
    return "\n\n".join(rules)


def build_prompt(
    problem: Problem,
    kind: RecordKind,
    language: str,
    subtask: Subtask | None,
    templates: Templates,
    statement: Statement | None = None,
) -> Prompt:
    """The prompt for one problem (subtask=None) or one subtask of it."""
    if language not in LANGUAGES:
        raise IoiAgentError(f"unknown language {language!r} (fix: use cpp or python)")
    if kind != RecordKind.CANDIDATE:
        language = "cpp"  # generators and validators are C++ programs whatever the solutions' language
    statement = statement or load_statement(problem)
    text = statement.text
    if subtask is not None:
        text, note = _subtask_view(problem, subtask, text)
        target = f"subtask {subtask_number(subtask.name) or subtask.name}"
    else:
        note, target = "", "the problem"
    function_style = bool(_interface_files(problem, language))
    values = {
        "problem": problem.name,
        "title": statement.title,
        "statement": text,
        "samples": _samples_text(problem, function_style, statement.text),
        "limits": _limits_text(problem),
        "io_rules": _io_rules(problem, language),
        "language_name": LANGUAGES[language][0],
        "fence": LANGUAGES[language][1],
        "subtask_note": note,
        "subtask": subtask.name if subtask else "",
        "points": f"{subtask.points:g}" if subtask else f"{problem.max_score:g}",
        "target": target,
    }
    messages = []
    system = templates.render("system", values).strip()
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": templates.render(str(kind), values)})
    return Prompt(
        kind=kind,
        problem=problem.name,
        subtask=subtask.name if subtask else None,
        language=language,
        messages=messages,
    )


def _subtask_view(problem: Problem, subtask: Subtask, text: str) -> tuple[str, str]:
    number = subtask_number(subtask.name)
    label = f"subtask {number}" if number is not None else f"the subtask {subtask.name!r}"
    note = (
        f"This prompt is about {label} only ({subtask.points:g} points): every test of it satisfies the "
        f"constraints of {label}, on top of the general constraints."
    )
    if number is None:
        return text, note
    others = {
        n for s in problem.subtasks if (n := subtask_number(s.name)) is not None and s.name != subtask.name
    }
    restricted, _found = restrict_to_subtask(text, number, others)
    return restricted, note


def prompts_for(
    problem: Problem,
    kind: RecordKind,
    language: str,
    per_subtask: bool,
    templates: Templates,
) -> list[Prompt]:
    """Whole-problem prompt, or one per subtask that is worth points (a 0-point samples subtask is skipped).

    Test generators and validators are always per subtask: each subtask has its own constraints."""
    statement = load_statement(problem)
    if per_subtask or kind != RecordKind.CANDIDATE:
        subtasks = [s for s in problem.subtasks if s.points > 0] or problem.subtasks
        return [build_prompt(problem, kind, language, s, templates, statement) for s in subtasks]
    return [build_prompt(problem, kind, language, None, templates, statement)]
