"""Loader for the Kattis / ICPC problem package format (the spec's "legacy" version, plus the 2023-07
keys `limits.time_limit`, `limits.time_multipliers`, list-valued `type` and multi-pass).

Test data groups keep everything their testdata.yaml says (inherited from the parent group): `grading`
(default, or custom with the one program in graders/), `grader_flags`, accept/reject scores, `range`,
`on_reject`, and their tests and subgroups in package order; ioi_agent/scoring/kattis.py applies them.
`validation: custom score` marks the validator's score.txt as the tests' scores. include/<language>/ is
copied whole (folders too), and an included main.* is the program's entry point, as Kattis does."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ioi_agent.errors import PackageError
from ioi_agent.packages.model import (
    Checker,
    CheckerKind,
    Group,
    Limits,
    Problem,
    Submission,
    Subtask,
    TaskType,
    TestCase,
)
from ioi_agent.packages.validation import parse_model

SOURCE_SUFFIXES = {".cpp", ".cc", ".cxx", ".c", ".py"}
LANGUAGE_FOLDERS = {
    "cpp": "cpp",
    "c++": "cpp",
    "python": "python",
    "python3": "python",
    "c": "c",
    "java": "java",
    "kotlin": "kotlin",
    "rust": "rust",
}
# A submission's language, as problemtools' languages.yaml names it, by the `files` globs of each (one
# file: no tie to break); a *.py with a python2 shebang is Python 2 (`languages.yaml`: shebang).
SUBMISSION_LANGUAGES = {
    ".c": "c",
    **dict.fromkeys((".cc", ".C", ".cpp", ".cxx", ".c++"), "cpp"),
    ".java": "java",
    ".kt": "kotlin",
    ".rs": "rust",
    ".py": "python3",
    ".py3": "python3",
    ".py2": "python2",
}
_PYTHON2_SHEBANG = re.compile(rb"^#!.*python2\b")
PASS_FAIL_POINTS = 100.0  # a pass/fail problem is one subtask worth this much


class KattisLimits(BaseModel):
    model_config = ConfigDict(extra="allow")

    time_limit: float | None = Field(default=None, gt=0)
    time_multiplier: float | None = Field(default=None, gt=0)
    time_safety_margin: float | None = Field(default=None, gt=0)
    time_multipliers: float | dict[str, float] | None = None
    memory: int = Field(default=1024, gt=0)
    output: int = Field(default=8, gt=0)
    validation_passes: int = Field(default=2, ge=1)


class ProblemYaml(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str | dict[str, str] | None = None
    type: str | list[str] = "pass-fail"
    validation: str = "default"
    validator_flags: str = ""
    limits: KattisLimits = KattisLimits()
    languages: str | list[str] | None = None

    @field_validator("limits", mode="before")
    @classmethod
    def _none_limits(cls, v: Any) -> Any:
        return {} if v is None else v


class TestdataYaml(BaseModel):
    """testdata.yaml: every key optional; a group inherits what it does not set from its parent."""

    model_config = ConfigDict(extra="allow")

    grading: str | None = None
    grader_flags: str | None = None
    accept_score: float | None = None
    reject_score: float | None = None
    range: str | None = None
    on_reject: str | None = None
    output_validator_flags: str | None = None

    @field_validator("on_reject")
    @classmethod
    def _on_reject(cls, v: str | None) -> str | None:
        if v is not None and v not in ("break", "continue"):
            raise ValueError("must be 'break' or 'continue'")
        return v

    @field_validator("grading")
    @classmethod
    def _grading(cls, v: str | None) -> str | None:
        if v is not None and v not in ("default", "custom"):
            raise ValueError("must be 'default' or 'custom'")
        return v

    @field_validator("grader_flags", "output_validator_flags", mode="before")
    @classmethod
    def _flags_text(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @field_validator("range")
    @classmethod
    def _range(cls, v: str | None) -> str | None:
        if v is not None:
            parts = str(v).split()
            if len(parts) != 2:
                raise ValueError("must be two numbers 'MIN MAX'")
            [float(p) for p in parts]
        return v


def _kattis_fix(key: str) -> str:
    return "see the Kattis problem package format"


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise PackageError(path, f"invalid YAML{where}", fix="correct the YAML syntax") from None
    except OSError as exc:
        raise PackageError(path, f"cannot read: {exc.strerror}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PackageError(path, "expected a mapping of keys to values at the top level")
    return data


def load_kattis(root: Path) -> Problem:
    """A Kattis package in the legacy format, or in the 2023-07 draft when problem.yaml says so."""
    yaml_path = root / "problem.yaml"
    raw = read_yaml(yaml_path)
    from ioi_agent.packages import kattis_2023  # it builds on this module's readers

    if kattis_2023.format_version(raw, yaml_path) != "legacy":
        return kattis_2023.load(root, raw)
    meta = parse_model(ProblemYaml, raw, yaml_path, _kattis_fix)
    types = [meta.type] if isinstance(meta.type, str) else list(meta.type)
    scoring = "scoring" in types
    validation = meta.validation.split()
    interactive = "interactive" in validation or "interactive" in types
    multi_pass = "multi-pass" in validation or "multi-pass" in types
    if "custom" not in validation and (interactive or multi_pass):
        validation = ["custom", *validation[1:]]

    data_dir = root / "data"
    if not data_dir.is_dir():
        raise PackageError(data_dir, "missing test data folder", fix="add data/sample and data/secret")
    tests: dict[str, TestCase] = {}
    grader = grader_sources(root) if scoring else []
    group_tree = load_group(data_dir, root, tests, root_config(), grader)
    if not tests:
        raise PackageError(data_dir, "no tests found (NAME.in files)", fix="add tests under data/secret/")

    checker, manager = output_checker(root, validation, meta.validator_flags, interactive or multi_pass)
    if scoring and "score" in validation[1:]:
        checker = checker.model_copy(update={"writes_score": True})
    task_type = TaskType.INTERACTIVE if interactive else TaskType.MULTI_PASS if multi_pass else TaskType.BATCH
    limits = kattis_limits(root, meta.limits)
    title = meta.name if isinstance(meta.name, str) else (meta.name or {}).get("en") or root.name
    return Problem(
        name=root.name,
        title=title,
        root=root,
        format="kattis",
        task_type=task_type,
        scoring=scoring,
        limits=limits,
        tests=tests,
        samples=[n for n, t in tests.items() if t.is_sample],
        subtasks=group_subtasks(group_tree, tests, scoring, data_dir, checker.writes_score),
        groups=group_tree,
        checker=checker,
        manager_sources=manager,
        validation_passes=meta.limits.validation_passes if multi_pass else 1,
        grader_files=include_files(root),
        statement=statement_file(root),
        submissions=_submissions(root),
        languages=_languages(meta.languages),
    )


def root_config() -> dict[str, Any]:
    return {
        "grading": "default",
        "grader_flags": "",
        "accept_score": 1.0,
        "reject_score": 0.0,
        "range": None,
        "on_reject": "break",
        "output_validator_flags": "",
    }


def grader_sources(root: Path) -> list[Path]:
    """The sources of the package's custom grader (graders/: at most one program, a file or a folder)."""
    folder = root / "graders"
    if not folder.is_dir():
        return []
    programs = [p for p in sorted(folder.iterdir()) if p.is_dir() or p.suffix in SOURCE_SUFFIXES]
    if len(programs) > 1:
        raise PackageError(folder, "there is more than one custom grader", fix="keep one program in graders/")
    if not programs:
        return []
    program = programs[0]
    if not program.is_dir():
        return [program]
    sources = sorted(p for p in program.iterdir() if p.suffix in SOURCE_SUFFIXES)
    if not sources:
        raise PackageError(program, "grader folder has no source file", fix="add NAME.cpp or NAME.py")
    return sources


def _default_modes(flags: list[str]) -> tuple[str, str]:
    """The default grader's score and verdict modes for these flags (the last one given wins)."""
    score, verdict = "sum", "worst_error"
    for flag in flags:
        if flag in ("sum", "avg", "min", "max"):
            score = flag
        if flag in ("worst_error", "no_errors", "first_error", "always_accept"):
            verdict = flag
    return score, verdict


def load_group(
    folder: Path, root: Path, tests: dict[str, TestCase], inherited: dict[str, Any], grader: list[Path]
) -> Group:
    config = dict(inherited)
    if folder != root / "data":
        # ignore_sample is a flag of data/ only (problemtools refuses it below): a group inheriting it
        # from data/ grades its own children, not data/'s "samples, then secret".
        config["grader_flags"] = " ".join(
            f for f in str(config["grader_flags"]).split() if f != "ignore_sample"
        )
    td_path = folder / "testdata.yaml"
    if td_path.is_file():
        td = parse_model(TestdataYaml, read_yaml(td_path), td_path, _kattis_fix)
        config.update({k: v for k, v in td.model_dump(include=set(root_config())).items() if v is not None})
    flags = str(config["grader_flags"]).split()
    lo, hi = (float(x) for x in config["range"].split()) if config["range"] else (float("-inf"), float("inf"))
    name = folder.relative_to(root / "data").as_posix() if folder != root / "data" else ""
    if config["grading"] == "custom" and not grader:
        raise PackageError(
            td_path if td_path.is_file() else folder,
            "grading is custom but the package has no grader",
            fix="add the grader program to graders/",
        )
    score_mode, verdict_mode = _default_modes(flags)
    group = Group(
        name=name,
        aggregation=score_mode,
        first_error=verdict_mode == "first_error",
        accept_if_any_accepted="accept_if_any_accepted" in flags,
        ignore_sample="ignore_sample" in flags,
        accept_score=float(config["accept_score"]),
        reject_score=float(config["reject_score"]),
        range_min=lo,
        range_max=hi,
        on_reject=config["on_reject"],
        grading=config["grading"],
        grader_flags=flags,
        grader=grader if config["grading"] == "custom" else [],
    )
    is_sample = name == "sample" or name.startswith("sample/")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_dir():
            if name == "" and entry.name not in ("sample", "secret"):
                continue  # e.g. data/invalid_input: not judged
            child = load_group(entry, root, tests, config, grader)
            group.children.append(child)
            group.items.append(("group", child.name))
        elif entry.suffix == ".in":
            test = test_case(entry, root, is_sample, str(config["output_validator_flags"]).split())
            tests[test.name] = test
            group.tests.append(test.name)
            group.items.append(("test", test.name))
    return group


def test_case(entry: Path, root: Path, is_sample: bool, validator_flags: list[str]) -> TestCase:
    """The test whose input is `entry` (NAME.in beside NAME.ans), named by its path below data/."""
    answer = entry.with_suffix(".ans")
    if not answer.exists():
        raise PackageError(entry, "test input has no answer file", fix=f"add {answer.name}")
    if not entry.resolve().is_file():
        raise PackageError(entry, "test is a broken symbolic link", fix="point it at an existing file")
    return TestCase(
        name=entry.relative_to(root / "data").with_suffix("").as_posix(),
        input=follow_link(entry),
        answer=follow_link(answer),
        is_sample=is_sample,
        validator_flags=validator_flags,
    )


LINK_TEXT_MAX = 512


def follow_link(path: Path) -> Path:
    """Resolve a test file that is a symbolic link, or a link stored as text.

    A checkout or copy made without symlink support (git with core.symlinks=false, some archivers)
    leaves each link as a small file holding the target path; such a file is followed like the link."""
    seen = set()
    current = path.resolve()
    while current not in seen and current.stat().st_size <= LINK_TEXT_MAX:
        seen.add(current)
        try:
            text = current.read_text(encoding="utf-8").strip()
        except (UnicodeDecodeError, OSError):
            break
        if not text or any(c.isspace() for c in text) or not text.endswith(current.suffix):
            break
        target = (current.parent / text).resolve()
        if not target.is_file():
            raise PackageError(
                path, f"test is a link to a missing file {text}", fix="point it at an existing file"
            )
        current = target
    return current


def group_max_score(group: Group, writes_score: bool = False) -> float:
    """The best score a group can give (its points in the IOI view).

    A group graded by the package's grader, or whose tests the validator scores, has its range's top as
    its best (the package says so there); otherwise the default grader's aggregate of the best each child
    can give (accept_score for a test), kept in the range."""
    if (group.grading == "custom" or writes_score) and math.isfinite(group.range_max):
        return group.range_max
    parts = [group.accept_score for _ in group.tests] + [
        group_max_score(c, writes_score) for c in group.children
    ]
    if group.ignore_sample:
        parts = parts[-1:]
    if not parts:
        return 0.0
    mode = group.aggregation
    best = min(parts) if mode == "min" else max(parts) if mode == "max" else sum(parts)
    if mode == "avg":
        best /= len(parts)
    return min(best, group.range_max)


def verification_limits(time_limit: float, margin: float) -> tuple[float, float]:
    """problemtools' limits for checking labelled submissions around a derived limit: a
    partially_accepted program must keep its promise at the low one (a margin in both directions), the
    others may keep theirs at the high one ("OK with extra time"). Rounded as problemtools (2024) rounds."""
    low = max(1.0, min(float(int(0.5 + time_limit / margin)), time_limit - 1))
    high = max(time_limit + 1.0, float(int(0.5 + time_limit * margin)))
    return low, high


def surely_rejected(group: Group) -> bool:
    """Whether a rejected test anywhere in the group surely makes the group's verdict a rejection."""
    _, verdict_mode = _default_modes(group.grader_flags)
    if group.grading == "custom" or group.accept_if_any_accepted or group.ignore_sample:
        return False
    if verdict_mode == "always_accept" and group.grader_flags:
        return False
    return all(surely_rejected(c) for c in group.children)


def stops_at_first_rejection(group: Group) -> bool:
    """Whether Kattis judges nothing more of this group after its first rejected test: then the judge
    may stop the group's chain there (otherwise it runs every test and the group rule picks the judged).

    True when every group inside breaks on a rejection and a subgroup followed by more items surely
    passes its rejection up."""
    if group.on_reject != "break":
        return False
    items = group.items or [("test", t) for t in group.tests] + [("group", c.name) for c in group.children]
    children = {c.name: c for c in group.children}
    for i, (kind, name) in enumerate(items):
        if kind != "group":
            continue
        child = children[name]
        if not stops_at_first_rejection(child):
            return False
        if i + 1 < len(items) and not surely_rejected(child):
            return False
    return True


def group_tests(group: Group) -> list[str]:
    out = list(group.tests)
    for child in group.children:
        out.extend(group_tests(child))
    return out


def group_subtasks(
    tree: Group, tests: dict[str, TestCase], scoring: bool, data_dir: Path, writes_score: bool = False
) -> list[Subtask]:
    secret = next((c for c in tree.children if c.name == "secret"), None)
    if secret is None:
        raise PackageError(data_dir / "secret", "missing secret test data", fix="add data/secret/ with tests")
    if not scoring:
        names = [] if tree.ignore_sample else [n for n in tests if tests[n].is_sample]
        return [Subtask(name="all", points=PASS_FAIL_POINTS, tests=names + group_tests(secret))]
    subtasks = []
    if secret.tests:
        loose = Group(**{**secret.model_dump(), "children": [], "items": []})
        subtasks.append(
            Subtask(
                name="secret",
                points=group_max_score(loose, writes_score),
                tests=list(secret.tests),
                stop_on_failure=secret.on_reject == "break" and secret.aggregation == "min",
            )
        )
    for child in secret.children:
        subtasks.append(
            Subtask(
                name=child.name.removeprefix("secret/"),
                points=group_max_score(child, writes_score),
                tests=group_tests(child),
                stop_on_failure=stops_at_first_rejection(child),
            )
        )
    return subtasks


def parse_validator_flags(flags: str, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    words = flags.split()
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("case_sensitive", "space_change_sensitive"):
            out[w] = True
            i += 1
        elif w in ("float_tolerance", "float_relative_tolerance", "float_absolute_tolerance"):
            if i + 1 >= len(words):
                raise PackageError(path, f"{w} needs a number", field="validator_flags")
            try:
                value = float(words[i + 1])
            except ValueError:
                raise PackageError(path, f"{w} needs a number", field="validator_flags") from None
            if w != "float_absolute_tolerance":
                out["float_rel_tol"] = value
            if w != "float_relative_tolerance":
                out["float_abs_tol"] = value
            i += 2
        else:
            i += 1  # flags meant for a custom validator are passed through
    return out


def output_checker(
    root: Path, validation: list[str], flags: str, needs_custom: bool, folder_name: str = "output_validators"
) -> tuple[Checker, list[Path]]:
    """The output validator (the default one, or the first program in `folder_name`) and the sources an
    interactive or multi-pass problem runs as its manager."""
    if validation[0] != "custom":
        opts = parse_validator_flags(flags, root / "problem.yaml")
        return Checker(kind=CheckerKind.DIFF, flags=flags.split(), **opts), []
    folder = root / folder_name
    programs = sorted(p for p in folder.iterdir()) if folder.is_dir() else []
    programs = [p for p in programs if p.is_dir() or p.suffix in SOURCE_SUFFIXES]
    if not programs:
        raise PackageError(
            folder, "validation is custom but there is no output validator", fix=f"add {folder_name}/NAME/"
        )
    program = programs[0]
    sources = (
        sorted(p for p in program.iterdir() if p.suffix in SOURCE_SUFFIXES) if program.is_dir() else [program]
    )
    if not sources:
        raise PackageError(
            program, "output validator folder has no source file", fix="add NAME.cpp or NAME.py"
        )
    checker = Checker(kind=CheckerKind.KATTIS, sources=sources, flags=flags.split())
    return checker, (sources if needs_custom else [])


def kattis_limits(root: Path, limits: KattisLimits) -> Limits:
    time_s, source = limits.time_limit, "problem.yaml limits.time_limit"
    marker = root / ".timelimit"
    if time_s is None and marker.is_file():
        try:
            time_s, source = float(marker.read_text().split()[0]), ".timelimit"
        except (ValueError, IndexError):
            raise PackageError(marker, "expected a number of seconds", fix="write e.g. 1.0") from None
    multiplier = limits.time_multiplier or 5.0
    margin = limits.time_safety_margin or 2.0
    if isinstance(limits.time_multipliers, dict):
        multiplier = limits.time_multipliers.get("ac_to_time_limit", 2.0)
        margin = limits.time_multipliers.get("time_limit_to_tle", 1.5)
    elif isinstance(limits.time_multipliers, int | float):
        multiplier = float(limits.time_multipliers)
    return Limits(
        time_s=time_s,
        time_source=source if time_s is not None else "",
        memory_mb=limits.memory,
        output_mb=limits.output,
        time_multiplier=multiplier,
        time_safety_margin=margin,
    )


def include_files(root: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    folder = root / "include"
    if not folder.is_dir():
        return out
    for lang_dir in sorted(folder.iterdir()):
        lang = "default" if lang_dir.name == "default" else LANGUAGE_FOLDERS.get(lang_dir.name)
        if lang and lang_dir.is_dir():  # files and folders: Kattis copies the whole tree
            out.setdefault(lang, []).extend(
                sorted(p for p in lang_dir.iterdir() if p.is_file() or p.is_dir())
            )
    default = out.pop("default", [])
    for lang in sorted(set(LANGUAGE_FOLDERS.values())):
        if default:
            out.setdefault(lang, []).extend(default)
    return out


def statement_file(root: Path, folder_name: str = "problem_statement") -> Path | None:
    folder = root / folder_name
    if not folder.is_dir():
        return None
    for pattern in (
        "problem.en.md",
        "problem.md",
        "problem.en.tex",
        "problem.tex",
        "problem.*.md",
        "problem.*.tex",
    ):
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    return None


def _submissions(root: Path) -> list[Submission]:
    folder = root / "submissions"
    out: list[Submission] = []
    if not folder.is_dir():
        return out
    for label_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for src in sorted(label_dir.iterdir()):
            if src.is_file() and src.suffix in SUBMISSION_LANGUAGES:
                out.append(Submission(path=src, label=label_dir.name, language=_language(src)))
    return out


def _language(src: Path) -> str:
    language = SUBMISSION_LANGUAGES[src.suffix]
    if language == "python3" and src.suffix == ".py":
        with src.open("rb") as f:
            if _PYTHON2_SHEBANG.match(f.readline()):
                return "python2"
    return language


def _languages(value: str | list[str] | None) -> list[str]:
    """problem.yaml `languages`: "all" (or absent) is any language; else the ids, space-separated
    (legacy) or a list (2023-07)."""
    ids = value.split() if isinstance(value, str) else list(value or [])
    return [] if ids in ([], ["all"]) else ids
