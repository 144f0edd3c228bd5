"""Loader for the CMS / IOI task format: the layout TPS exports for CMS, used by IOI 2017-2024 packages.

Layout (folder `root/`):

- `problem.json`: `code` (short name) and `name` (title), or `name` with `title` / `long_name`;
  `time_limit` in CPU seconds; `memory_limit` in MiB or in bytes (see `memory_mib`); `task_type`
  (Batch, Communication, OutputOnly; TwoSteps is refused); `task_type_params`, either a dict (or a JSON
  string of one) with CMS form keys such as `task_type_parameters_Batch_compilation`, or the positional
  list CMS stores (Batch `[compilation, [infile, outfile], evaluation]`, Communication
  `[num_processes, compilation, user_io]`); optional `score_type` / `score_type_parameters` (GroupMin,
  GroupMul, GroupThreshold, Sum: see `ioi_agent/scoring/cms.py`), `score_precision`.
- `subtasks/NN-name.json`: `{"score": 10, "testcases": ["1-01", ...]}`, in file-name order (as CMS sorts).
  An entry of `testcases` that is no test name but contains regex syntax is a regex matched with `re.match`
  against the test names (CMS GroupMin semantics); a string is one regex; an absent `testcases` takes the
  tests named `<N>-...` where N is the file's number prefix; GroupThreshold takes a subtask's threshold
  from `"threshold"` in its file or from `score_type_parameters`. With no `subtasks/` folder,
  `score_type_parameters` (`[[points, regex], ...]`, or `[[points, count], ...]` taking the next `count`
  tests in sorted order; GroupThreshold `[[points, regex-or-count, threshold], ...]`) gives the subtasks,
  else every test is worth an equal share of 100 (TPS's fallback, CMS score type Sum). Sum (parameter: the
  points of one test) is one subtask "all" over every test. A test listed by several subtasks is one test,
  judged once.
- `tests/NAME.in` and `tests/NAME.out`, NAME the CMS codename (`1-01`). Samples: tests whose name contains
  "sample" or "example", and the tests of the first subtask when it is worth 0 points (TPS's "Samples").
- `graders/`: Batch with compilation `grader`: `grader.cpp` and the headers go to `grader_files["cpp"]`
  (`grader.py` to `["python"]`). Communication: `manager.cpp` is the manager; `stub.cpp` (or `grader.cpp`,
  which TPS renames to stub) and the headers go to `grader_files`. Headers are listed so they get copied
  next to the sources; they are never compiled on their own.
- `checker/`: without it, outputs are compared by CMS's white diff (`CheckerKind.WHITE_DIFF`: line by
  line, whitespace runs equal, case-sensitive). `checker.cpp` (plus headers): `CheckerKind.CMS` (`checker input correct_output
  contestant_output`, score on stdout). A checker that includes `testlib.h` and calls `registerTestlibCmd`
  follows the testlib convention (`CheckerKind.TESTLIB`); IOI checkers built on the CMS-adapted testlib
  (`registerChecker(...)`) keep the CMS convention.
- `solutions/<verdict>/FILE`, or flat `solutions/FILE` labelled by `solutions/expected.json` /
  TPS's `solutions.json`, else by a verdict word in the file name, else "unlabelled". TPS verdict words are
  mapped to the project's labels (`model_solution`, `correct` -> `accepted`, `incorrect` -> `wrong_answer`,
  `time_limit` -> `time_limit_exceeded`, ...); the package's own word stays in `CmsSubmission.verdict`.
  `expected.json` maps a path below solutions/ (or a bare file name) to a verdict string or to
  `{"verdict": ..., "score": 30, "subtask_scores": {"01-small": 30, ...}}`: the task score and the points per
  subtask (keys are subtask file stems) the solution must get; they land in `CmsSubmission.expected_score`
  and `expected_subtask_scores`.
- `statement/` or `statements/`: the English statement, markdown preferred over PDF.

Communication: CMS has the manager print each test's score (stdout) and message (stderr); the checker is
then the built-in DIFF placeholder and `CmsProblem.scored_by_manager` is True. `CmsProblem.user_io` says how
contestant processes reach the manager's FIFOs: `std_io` (stdin/stdout redirected) or `fifo_io` (the FIFO
paths as arguments, then the process index when there are several).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ioi_agent.errors import PackageError
from ioi_agent.packages.model import (
    Checker,
    CheckerKind,
    Limits,
    Problem,
    ScoreType,
    Submission,
    Subtask,
    TaskType,
    TestCase,
)
from ioi_agent.packages.validation import parse_model

SOURCE_SUFFIXES = {".cpp", ".cc", ".cxx", ".c", ".py"}
HEADER_SUFFIXES = {".h", ".hpp", ".hh"}
# Grader files by the language family they are compiled with (judge/languages.py): C apart from C++.
LANGUAGE_OF = {".cpp": "cpp", ".cc": "cpp", ".cxx": "cpp", ".c": "c", ".py": "python"}
SPEC = "see the CMS/IOI task format (TPS export)"
# A memory limit this large cannot be MiB (1 TiB); it is bytes, as TPS writes for CMS >= 1.4.
BYTES_THRESHOLD = 1 << 20
REGEX_CHARS = set("*+?[](){}|^$\\")
TASK_TYPES = {
    "batch": TaskType.BATCH,
    "batch2017": TaskType.BATCH,
    "communication": TaskType.COMMUNICATION,
    "communication2017": TaskType.COMMUNICATION,
    "outputonly": TaskType.OUTPUT_ONLY,
    "twosteps": TaskType.TWO_STEPS,
}
# Solution folder / file-name words -> the project's submission labels (see DEMO_CONVENTIONS).
LABEL_ALIASES = {
    "accepted": "accepted",
    "ac": "accepted",
    "correct": "accepted",
    "model_solution": "accepted",
    "model": "accepted",
    "partially_accepted": "partially_accepted",
    "partially_correct": "partially_accepted",
    "partial": "partially_accepted",
    "pa": "partially_accepted",
    "wrong_answer": "wrong_answer",
    "wa": "wrong_answer",
    "incorrect": "wrong_answer",  # TPS's word for a wrong answer
    "time_limit_exceeded": "time_limit_exceeded",
    "time_limit": "time_limit_exceeded",
    "tle": "time_limit_exceeded",
    "run_time_error": "run_time_error",
    "runtime_error": "run_time_error",
    "re": "run_time_error",
    "memory_limit_exceeded": "memory_limit_exceeded",
    "memory_limit": "memory_limit_exceeded",
    "mle": "memory_limit_exceeded",
    "compile_error": "compile_error",
    "compilation_error": "compile_error",
    "ce": "compile_error",
}
LABEL_FILES = ("solutions.json", "expected.json")
LABEL_FIX = 'e.g. "a.cpp": "wrong_answer" or "sub/a.cpp": {"verdict": "incorrect", "score": 30}'


class CmsSubmission(Submission):
    """A labelled solution plus what the package's expected.json / solutions.json promises for it."""

    verdict: str | None = None  # the package's own word (TPS folder or json verdict), before mapping
    expected_score: float | None = None  # task score out of max_score
    expected_subtask_scores: dict[str, float] = Field(default_factory=dict)  # subtask name -> points


class CmsProblem(Problem):
    """A `Problem` plus what only the CMS format says (kept here so the shared model stays unchanged)."""

    submissions: list[CmsSubmission] = Field(default_factory=list)

    user_io: str = "std_io"  # communication: "std_io" or "fifo_io"
    scored_by_manager: bool = False  # communication without checker: the manager prints the test score
    score_precision: int = 0  # CMS rounds the shown task/submission scores to this many decimals


class ProblemJson(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str | None = None
    name: str | None = None
    title: str | None = None
    long_name: str | None = None
    time_limit: float | None = Field(default=None, gt=0)
    memory_limit: float | None = Field(default=None, gt=0)
    task_type: str
    task_type_params: str | dict[str, Any] | list[Any] | None = None
    score_type: str | None = None
    score_type_parameters: Any = None
    score_precision: int | None = Field(default=None, ge=0)


class SubtaskJson(BaseModel):
    model_config = ConfigDict(extra="allow")

    score: float = Field(ge=0)
    testcases: list[str] | str | int | None = None


FIXES = {
    "task_type": 'add "task_type": "Batch" (or Communication, OutputOnly)',
    "time_limit": "give the CPU time limit in seconds, e.g. 1.0",
    "memory_limit": "give the memory limit in MiB (e.g. 256) or in bytes (e.g. 268435456)",
    "score": 'give the subtask\'s points, e.g. "score": 10',
    "testcases": 'list the subtask\'s test names, e.g. "testcases": ["1-01", "1-02"]',
}


def read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageError(path, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PackageError(path, "not UTF-8 text", fix="save the file as UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(
            path,
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            fix="correct the JSON syntax",
        ) from None


def read_json_object(path: Path) -> dict[str, Any]:
    data = read_json(path)
    if not isinstance(data, dict):
        raise PackageError(path, "expected a JSON object {...} at the top level", fix=SPEC)
    return data


def _cms_fix(key: str) -> str:
    return FIXES.get(key, SPEC)


def memory_mib(value: float) -> int:
    """`memory_limit` in MiB: values of at least 2**20 are bytes (TPS exports bytes), smaller ones MiB."""
    if value >= BYTES_THRESHOLD:
        return max(1, math.ceil(value / BYTES_THRESHOLD))
    return max(1, math.ceil(value))


def load_cms(root: Path) -> Problem:
    root = Path(root).resolve()
    json_path = root / "problem.json"
    meta = parse_model(ProblemJson, read_json_object(json_path), json_path, _cms_fix)
    task_type = _task_type(meta.task_type, json_path)
    params = _task_params(meta, task_type, json_path)

    has_checker = (root / "checker").is_dir()
    files = _test_files(root, task_type, needs_answer=_needs_answers(task_type, has_checker))
    subtasks, sample_subtask = _subtasks(root, meta, files, json_path)
    samples = {n for n in files if "sample" in n.lower() or "example" in n.lower()}
    if sample_subtask is not None:
        samples.update(sample_subtask.tests)
    tests = {
        name: TestCase(name=name, input=inp, answer=ans, is_sample=name in samples)
        for name, (inp, ans) in files.items()
    }

    checker = (
        _checker(root, params, json_path) if task_type != TaskType.COMMUNICATION or has_checker else None
    )
    grader_files, manager = _graders(root, task_type, params)
    code = meta.code or (meta.name if (meta.title or meta.long_name) else None) or root.name
    title = meta.title or meta.long_name or meta.name or code
    return CmsProblem(
        name=code,
        title=title,
        root=root,
        format="cms",
        task_type=task_type,
        scoring=True,
        limits=_limits(meta, task_type, json_path),
        tests=tests,
        samples=[n for n in tests if n in samples],
        subtasks=subtasks,
        checker=checker or Checker(),
        manager_sources=manager,
        num_processes=params.get("num_processes", 1),
        input_file=params.get("input_file", "") if task_type == TaskType.BATCH else "",
        output_file=params.get("output_file", "") if task_type == TaskType.BATCH else "",
        grader_files=grader_files,
        statement=_statement(root),
        submissions=_submissions(root, [s.name for s in subtasks]),
        user_io=params.get("user_io", "std_io"),
        scored_by_manager=task_type == TaskType.COMMUNICATION and checker is None,
        # CMS's default is 0 decimals; IOI packages give 2.
        score_precision=meta.score_precision if meta.score_precision is not None else 0,
    )


def _task_type(value: str, path: Path) -> TaskType:
    key = value.strip().lower().replace("_", "").replace("-", "")
    if key not in TASK_TYPES:
        raise PackageError(
            path,
            f"unknown task type {value!r}",
            field="task_type",
            fix="use Batch, Communication, OutputOnly or TwoSteps",
        )
    return TASK_TYPES[key]


def _task_params(meta: ProblemJson, task_type: TaskType, path: Path) -> dict[str, Any]:
    """Normalise `task_type_params` (dict, JSON string of a dict, or CMS's positional list) to short keys:
    compilation, input_file, output_file, evaluation, num_processes, user_io."""
    raw = meta.task_type_params
    field = "task_type_params"
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as exc:
            raise PackageError(path, f"not a valid JSON string: {exc.msg}", field=field, fix=SPEC) from None
    out: dict[str, Any] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            short = re.sub(r"^task_type_parameters_[A-Za-z0-9]+_", "", key)
            short = {"io_0_inputfile": "input_file", "io_1_outputfile": "output_file"}.get(short, short)
            out[short] = value
    elif isinstance(raw, list):
        out = _positional_params(raw, task_type, path)
    elif raw is not None:
        raise PackageError(path, "expected an object, a list or a JSON string", field=field, fix=SPEC)

    graders = path.parent / "graders"
    if task_type == TaskType.BATCH:
        default = (
            "grader" if (graders / "grader.cpp").is_file() or (graders / "grader.py").is_file() else "alone"
        )
        out.setdefault("compilation", default)
        if out["compilation"] not in ("grader", "alone"):
            raise PackageError(path, "compilation must be 'grader' or 'alone'", field=field, fix=SPEC)
        for key in ("input_file", "output_file"):
            name = out.get(key) or ""
            if name and (name in (".", "..") or "/" in name or "\0" in name):
                raise PackageError(
                    path,
                    f"{key} {name!r} is not a plain file name",
                    field=field,
                    fix='use a name such as "input.txt", or "" for stdin/stdout',
                )
            out[key] = name
    if task_type == TaskType.COMMUNICATION:
        stub = any((graders / f"{b}{s}").is_file() for b in ("stub", "grader") for s in SOURCE_SUFFIXES)
        out.setdefault("compilation", "stub" if stub else "alone")
        if out["compilation"] not in ("stub", "alone"):
            raise PackageError(path, "compilation must be 'stub' or 'alone'", field=field, fix=SPEC)
        # CMS's default: the FIFOs are the processes' stdin and stdout (the IOI 2024 stubs read stdin).
        out.setdefault("user_io", "std_io")
        if out["user_io"] not in ("std_io", "fifo_io"):
            raise PackageError(path, "user_io must be 'std_io' or 'fifo_io'", field=field, fix=SPEC)
        n = out.get("num_processes", 1)
        if isinstance(n, str) and n.strip().isdigit():
            n = int(n)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise PackageError(path, "num_processes must be a positive integer", field=field, fix=SPEC)
        out["num_processes"] = n
    else:
        out.pop("num_processes", None)
    return out


def _positional_params(raw: list[Any], task_type: TaskType, path: Path) -> dict[str, Any]:
    try:
        if task_type == TaskType.BATCH:
            compilation, io, *rest = raw
            return {
                "compilation": compilation,
                "input_file": io[0],
                "output_file": io[1],
                **({"evaluation": rest[0]} if rest else {}),
            }
        if task_type == TaskType.COMMUNICATION:
            keys = ("num_processes", "compilation", "user_io")
            return dict(zip(keys, raw, strict=False))
        return {"evaluation": raw[0]} if raw else {}
    except (ValueError, IndexError, TypeError):
        raise PackageError(
            path,
            f"unexpected list {raw!r} for task type {task_type.value}",
            field="task_type_params",
            fix=SPEC,
        ) from None


def _needs_answers(task_type: TaskType, has_checker: bool) -> bool:
    if task_type in (TaskType.BATCH, TaskType.TWO_STEPS):
        return True
    # A checker or a manager may judge without a reference output; the diff comparison cannot.
    return not has_checker if task_type == TaskType.OUTPUT_ONLY else False


def _test_files(root: Path, task_type: TaskType, needs_answer: bool) -> dict[str, tuple[Path, Path | None]]:
    folder = root / "tests"
    if not folder.is_dir():
        raise PackageError(folder, "missing test folder", fix="add tests/NAME.in and tests/NAME.out")
    files: dict[str, tuple[Path, Path | None]] = {}
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    for entry in entries:
        if entry.suffix == ".in":
            answer = entry.with_suffix(".out")
            if not answer.exists():
                if needs_answer:
                    raise PackageError(entry, "test input has no output file", fix=f"add tests/{answer.name}")
                answer = None
            for f in (entry, answer):
                if f is not None and not f.resolve().is_file():
                    raise PackageError(
                        f, "test file is a broken symbolic link", fix="point it at an existing file"
                    )
            files[entry.stem] = (entry.resolve(), answer.resolve() if answer else None)
        elif entry.suffix == ".out" and not entry.with_suffix(".in").exists():
            raise PackageError(entry, "test output has no input file", fix=f"add tests/{entry.stem}.in")
    if not files:
        raise PackageError(
            folder, "no tests found (NAME.in files)", fix="add tests/NAME.in and tests/NAME.out"
        )
    return files


def _subtasks(
    root: Path, meta: ProblemJson, files: dict[str, Any], json_path: Path
) -> tuple[list[Subtask], Subtask | None]:
    """The subtasks and, when TPS's convention marks one (first file, 0 points), the samples subtask."""
    score_type = (meta.score_type or "GroupMin").strip()
    if score_type not in get_args(ScoreType):
        raise PackageError(
            json_path,
            f"score type {score_type!r} is not supported",
            field="score_type",
            fix="use GroupMin (IOI subtasks), GroupMul, GroupThreshold or Sum",
        )
    names = sorted(files)
    folder = root / "subtasks"
    subtask_files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if score_type == "Sum":
        return _sum_subtasks(meta.score_type_parameters, names, json_path), None
    if subtask_files:
        subtasks = []
        for index, path in enumerate(subtask_files):
            data = parse_model(SubtaskJson, read_json_object(path), path, _cms_fix)
            number = re.match(r"\d+", path.stem)
            prefix = int(number.group()) if number else index
            tests = _targets(data.testcases, names, path, "testcases", default_prefix=prefix)
            threshold = None
            if score_type == "GroupThreshold":
                threshold = _file_threshold(data, meta.score_type_parameters, index, path, json_path)
            subtasks.append(
                Subtask(
                    name=path.stem,
                    points=data.score,
                    tests=tests,
                    stop_on_failure=True,  # a zero settles a group type's subtask (see scoring/cms.py)
                    score_type=score_type,
                    threshold=threshold,
                )
            )
        sample = subtasks[0] if subtasks[0].points == 0 else None
        return subtasks, sample
    if meta.score_type_parameters is not None:
        return _group_subtasks(meta.score_type_parameters, names, json_path, score_type), None
    if score_type == "GroupThreshold":
        raise PackageError(
            json_path,
            "GroupThreshold needs its thresholds",
            field="score_type_parameters",
            fix="give [[points, tests-regex-or-count, threshold], ...]",
        )
    return _sum_subtasks(100.0 / len(names), names, json_path), None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _file_threshold(data: SubtaskJson, params: Any, index: int, path: Path, json_path: Path) -> float:
    """GroupThreshold with subtasks/ files: `threshold` in the file, else the index-th entry of
    score_type_parameters (`[points, target, threshold]`)."""
    extra = data.model_extra or {}
    if "threshold" in extra:
        if not _is_number(extra["threshold"]):
            raise PackageError(
                path, "threshold must be a number", field="threshold", fix='e.g. "threshold": 1.0'
            )
        return float(extra["threshold"])
    params = _json_list(params, json_path)
    if isinstance(params, list) and index < len(params):
        entry = params[index]
        if isinstance(entry, list) and len(entry) >= 3 and _is_number(entry[2]):
            return float(entry[2])
    raise PackageError(
        path,
        "GroupThreshold needs this subtask's threshold",
        field="threshold",
        fix='add "threshold": T here, or [points, tests, T] to score_type_parameters in problem.json',
    )


def _json_list(params: Any, path: Path) -> Any:
    """score_type_parameters as CMS stores them: a JSON value, or a string holding one."""
    if isinstance(params, str):
        try:
            return json.loads(params)
        except json.JSONDecodeError as exc:
            raise PackageError(
                path, f"not valid JSON: {exc.msg}", field="score_type_parameters", fix=SPEC
            ) from None
    return params


def _targets(spec: Any, names: list[str], path: Path, field: str, default_prefix: int) -> list[str]:
    if spec is None:
        chosen = [n for n in names if (m := re.match(r"(\d+)-", n)) and int(m.group(1)) == default_prefix]
        if not chosen:
            raise PackageError(
                path,
                f"no testcases listed and no test named {default_prefix}-*",
                field=field,
                fix=FIXES["testcases"],
            )
        return chosen
    if isinstance(spec, str):
        return _regex_targets(spec, names, path, field)
    if isinstance(spec, int):
        raise PackageError(
            path, "a test count needs the score_type_parameters form", field=field, fix=FIXES[field]
        )
    known = set(names)
    chosen: list[str] = []
    for i, item in enumerate(spec):
        if item in known:
            found = [item]
        elif REGEX_CHARS & set(item):
            found = _regex_targets(item, names, path, f"{field}.{i}")
        else:
            raise PackageError(
                path,
                f"unknown test {item!r}",
                field=f"{field}.{i}",
                fix=f"add tests/{item}.in or remove it here",
            )
        chosen.extend(t for t in found if t not in chosen)
    if not chosen:
        raise PackageError(path, "subtask has no tests", field=field, fix=FIXES["testcases"])
    return chosen


def _regex_targets(pattern: str, names: list[str], path: Path, field: str) -> list[str]:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise PackageError(
            path, f"invalid regex {pattern!r}: {exc}", field=field, fix="correct the regex"
        ) from None
    found = [n for n in names if regex.match(n)]  # CMS matches at the start of the name (re.match)
    if not found:
        raise PackageError(path, f"regex {pattern!r} matches no test", field=field, fix="correct the regex")
    return found


def _group_subtasks(
    params: Any, names: list[str], path: Path, score_type: ScoreType = "GroupMin"
) -> list[Subtask]:
    """CMS ScoreTypeGroup parameters: `[[points, target], ...]`, GroupThreshold `[[points, target, T], ...]`;
    targets all regexes (matched at the start of the names) or all counts (the next tests in sorted order)."""
    field = "score_type_parameters"
    params = _json_list(params, path)
    size = 3 if score_type == "GroupThreshold" else 2
    shape = "[[points, tests-regex-or-count" + (", threshold" if size == 3 else "") + "], ...]"
    if not isinstance(params, list) or not all(isinstance(p, list) and len(p) >= size for p in params):
        raise PackageError(path, f"expected {shape}", field=field, fix=SPEC)
    targets = [p[1] for p in params]
    if all(isinstance(t, int) and not isinstance(t, bool) for t in targets):
        if sum(targets) > len(names):
            raise PackageError(
                path, f"counts add up to more than the {len(names)} tests", field=field, fix=SPEC
            )
        start, chosen = 0, []
        for t in targets:
            chosen.append(names[start : start + t])
            start += t
    elif all(isinstance(t, str) for t in targets):
        chosen = [_regex_targets(t, names, path, f"{field}.{i}.1") for i, t in enumerate(targets)]
    else:
        raise PackageError(path, "test targets must be all counts or all regexes", field=field, fix=SPEC)
    subtasks = []
    for i, (p, tests) in enumerate(zip(params, chosen, strict=True)):
        if not _is_number(p[0]) or p[0] < 0:
            raise PackageError(path, "points must be a number >= 0", field=f"{field}.{i}.0", fix=SPEC)
        threshold = None
        if size == 3:
            if not _is_number(p[2]):
                raise PackageError(path, "threshold must be a number", field=f"{field}.{i}.2", fix=SPEC)
            threshold = float(p[2])
        subtasks.append(
            Subtask(
                name=f"subtask{i}",
                points=float(p[0]),
                tests=tests,
                stop_on_failure=True,  # a zero settles a group type's subtask (see scoring/cms.py)
                score_type=score_type,
                threshold=threshold,
            )
        )
    return subtasks


def _sum_subtasks(points: Any, names: list[str], path: Path) -> list[Subtask]:
    """CMS score type Sum: every test is worth `points` × its outcome. CMS's "max subtask" task score sees
    no groups there and takes the best submission's total, so the task is one subtask ("all") worth
    points × the number of tests, whose score is points × the sum of the outcomes; it never stops early."""
    if isinstance(points, str):
        try:
            points = json.loads(points)
        except json.JSONDecodeError:
            pass
    if not _is_number(points) or points < 0:
        raise PackageError(
            path, "Sum needs the points of one test", field="score_type_parameters", fix="e.g. 10"
        )
    return [
        Subtask(
            name="all",
            points=float(points) * len(names),
            tests=list(names),
            stop_on_failure=False,
            score_type="Sum",
        )
    ]


def _checker(root: Path, params: dict[str, Any], json_path: Path) -> Checker:
    folder = root / "checker"
    if not folder.is_dir():
        if params.get("evaluation") == "comparator":
            raise PackageError(
                folder, "task_type_params ask for a checker but there is none", fix="add checker/checker.cpp"
            )
        # CMS without a checker: white diff (lines equal up to whitespace, case-sensitive), not tokens.
        return Checker(kind=CheckerKind.WHITE_DIFF, case_sensitive=True)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    sources = [p for p in files if p.suffix in SOURCE_SUFFIXES]
    main = [p for p in sources if p.stem == "checker"] or sources
    if not main:
        raise PackageError(folder, "checker folder has no source file", fix="add checker/checker.cpp")
    if len(main) > 1:
        raise PackageError(
            folder, "several checker sources and none named checker.*", fix="name one checker.cpp"
        )
    headers = [p for p in files if p.suffix in HEADER_SUFFIXES]
    text = main[0].read_text(encoding="utf-8", errors="replace")
    uses_testlib = re.search(r'#\s*include\s*[<"]testlib\.h[>"]', text) is not None
    # The IOI/TPS testlib variant registers with registerChecker() and speaks the CMS protocol.
    kind = CheckerKind.TESTLIB if uses_testlib and "registerChecker" not in text else CheckerKind.CMS
    return Checker(kind=kind, sources=[main[0], *headers])


def _graders(
    root: Path, task_type: TaskType, params: dict[str, Any]
) -> tuple[dict[str, list[Path]], list[Path]]:
    folder = root / "graders"
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    headers = [p for p in files if p.suffix in HEADER_SUFFIXES]
    out: dict[str, list[Path]] = {}

    def add(program_stems: tuple[str, ...]) -> None:
        for p in files:
            if p.stem in program_stems and p.suffix in LANGUAGE_OF:
                lang = LANGUAGE_OF[p.suffix]
                out.setdefault(lang, []).append(p)
        for lang in ("cpp", "c"):
            if lang in out:
                out[lang].extend(headers)

    if task_type == TaskType.TWO_STEPS:
        # The manager is compiled with the submission's own files (it is their main), headers beside.
        manager = [p for p in files if p.stem == "manager" and p.suffix in LANGUAGE_OF]
        if not manager:
            raise PackageError(folder, "TwoSteps task without a manager", fix="add graders/manager.cpp")
        for p in manager:
            out.setdefault(LANGUAGE_OF[p.suffix], []).append(p)
        for lang in ("cpp", "c"):
            if lang in out:
                out[lang].extend(headers)
        return out, []
    if task_type == TaskType.BATCH and params.get("compilation") == "grader":
        add(("grader",))
        if not out:
            raise PackageError(
                folder, "compilation is 'grader' but there is no grader", fix="add graders/grader.cpp"
            )
        return out, []
    if task_type != TaskType.COMMUNICATION:
        return out, []
    managers = [p for p in files if p.stem == "manager" and p.suffix in SOURCE_SUFFIXES]
    if not managers:
        raise PackageError(folder, "Communication task without a manager", fix="add graders/manager.cpp")
    if params.get("compilation") == "stub":
        stems = ("stub",) if any(p.stem == "stub" for p in files) else ("grader",)
        add(stems)
        if not out:
            raise PackageError(
                folder, "compilation is 'stub' but there is no stub", fix="add graders/stub.cpp"
            )
    return out, [managers[0], *headers]


def _statement(root: Path) -> Path | None:
    found: list[Path] = []
    for name in ("statement", "statements"):
        folder = root / name
        if folder.is_dir():
            found.extend(p for p in folder.rglob("*") if p.is_file())
    found.extend(p for p in root.glob("statement.*") if p.is_file())
    kinds = [".md", ".txt", ".html", ".tex", ".pdf"]
    found = [p for p in found if p.suffix in kinds]
    if not found:
        return None

    def rank(p: Path) -> tuple[int, int, str]:
        english = 0 if p.stem in ("en", "en_US", "en_GB", "statement", "index", "problem") else 1
        return (english, kinds.index(p.suffix), p.as_posix())

    return min(found, key=rank)


def _label_word(word: str) -> str | None:
    word = word.lower().replace("-", "_")
    if word in LABEL_ALIASES:
        return LABEL_ALIASES[word]
    for alias in sorted(LABEL_ALIASES, key=len, reverse=True):
        if re.search(rf"(^|[_.]){re.escape(alias)}($|[_.])", word):
            return LABEL_ALIASES[alias]
    return None


class SolutionEntry(BaseModel):
    """One entry of `solutions/expected.json` or TPS's `solutions.json`: a bare verdict string, or an object."""

    model_config = ConfigDict(extra="allow")

    verdict: str | None = None
    score: float | None = None
    subtask_scores: dict[str, float] = Field(default_factory=dict)


def _solution_entries(folder: Path, subtask_names: list[str]) -> dict[str, SolutionEntry]:
    """Path below solutions/ (or bare file name) -> what the package says the solution gets."""
    out: dict[str, SolutionEntry] = {}
    for name in LABEL_FILES:
        path = folder / name
        if not path.is_file():
            continue
        for key, value in read_json_object(path).items():
            data = {"verdict": value} if isinstance(value, str) else value
            if not isinstance(data, dict):
                raise PackageError(path, "expected a verdict string or an object", field=key, fix=LABEL_FIX)
            try:
                entry = SolutionEntry.model_validate(data)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join([key, *(str(p) for p in err["loc"])])
                raise PackageError(path, err["msg"], field=where, fix=LABEL_FIX) from None
            if not (folder / key).is_file() and not any(folder.rglob(key)):
                raise PackageError(
                    path, f"names a missing solution {key!r}", field=key, fix="correct the path"
                )
            unknown = sorted(set(entry.subtask_scores) - set(subtask_names))
            if unknown:
                raise PackageError(
                    path,
                    f"unknown subtask {unknown[0]!r}",
                    field=f"{key}.subtask_scores",
                    fix=f"use the subtask file names: {', '.join(subtask_names)}",
                )
            out[key] = entry
    return out


def _label(verdict: str) -> str:
    return LABEL_ALIASES.get(verdict.lower(), verdict)


def _submissions(root: Path, subtask_names: list[str]) -> list[CmsSubmission]:
    folder = root / "solutions"
    out: list[CmsSubmission] = []
    if not folder.is_dir():
        return out
    entries = _solution_entries(folder, subtask_names)
    for src in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES):
        rel = src.relative_to(folder)
        entry = entries.get(rel.as_posix()) or entries.get(src.name) or SolutionEntry()
        # The folder names the verdict (TPS); a flat file takes it from the json, else from its name.
        verdict = rel.parts[0] if len(rel.parts) > 1 else entry.verdict
        label = _label(verdict) if verdict else _label_word(src.stem)
        out.append(
            CmsSubmission(
                path=src,
                label=label or "unlabelled",
                verdict=verdict,
                expected_score=entry.score,
                expected_subtask_scores=entry.subtask_scores,
            )
        )
    return out


CMS_PROCESSES = 1


def _limits(meta: ProblemJson, task_type: TaskType, path: Path) -> Limits:
    if meta.memory_limit is None and task_type != TaskType.OUTPUT_ONLY:
        raise PackageError(path, "missing key", field="memory_limit", fix=FIXES["memory_limit"])
    return Limits(
        time_s=meta.time_limit,
        time_source="problem.json time_limit" if meta.time_limit is not None else "",
        # OutputOnly runs nothing of the contestant's, so the model's default stands.
        memory_mb=memory_mib(meta.memory_limit) if meta.memory_limit is not None else Limits().memory_mb,
        # CMS evaluates single-process (isolate --processes=1: no fork, no thread) when no contest
        # language requires threads, as at the IOI (C++ only).
        processes=CMS_PROCESSES,
    )
