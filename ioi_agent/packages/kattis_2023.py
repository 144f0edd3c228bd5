"""Loader for the 2023-07 draft of the Kattis problem package format (`problem_format_version:
2023-07-draft`, or `2023-07`, which problemtools reads as the same version).

Recognised from problem.yaml itself (`format_version`); without the key a package is legacy. What the
draft states and this loader applies (spec/2023-07-draft.md of Kattis/problem-package-format):
- `type`: a string or a list of pass-fail / scoring / multi-pass / interactive / submit-answer, with the
  incompatible pairs refused; there is no `validation` key: a custom output validator is the one program
  in `output_validator/` (problemtools' 2023-07 folder; the plural legacy folder is read when it is the
  only one), required by interactive and multi-pass problems.
- `limits`: `time_limit`, `time_multipliers` (`ac_to_time_limit` 2.0, `time_limit_to_tle` 1.5), `memory`,
  `output`, `validation_passes`; statements in `statement/`.
- Test data: `data/sample`, `data/secret` (tests or groups, not both), used in lexicographic order. A
  group's `test_group.yaml` gives `max_score` (100 for secret; a group of a bounded secret must give
  its own), `score_aggregation` (pass-fail, sum or min; sum for secret, pass-fail for groups) and
  `output_validator_args`. A scoring submission's score is secret's: pass-fail scores the maximum when
  every test is accepted, sum adds the tests' scores (each worth max_score / its test count), min takes
  the least (each worth max_score); a failed test scores 0. Samples do not count in a scoring problem; a
  pass-fail problem needs every sample and secret test accepted. A package that has only legacy
  `testdata.yaml` files is read with the legacy keys, as problemtools reads 2023-07 packages.
- `submissions/<folder>/<program>` (a file or a folder): the folder's default requirements
  (`DEFAULT_EXPECTATIONS`) and every matching glob of `submissions/submissions.yaml` (keys `permitted`,
  `required`, `score`, and the same under test-group or test globs) become the submission's
  `expectations`, checked by `judge/labels.expectations_satisfied`.
Not supported (refused with a message): `require_pass`, `submit-answer`.
"""

from __future__ import annotations

import itertools
import math
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ioi_agent.errors import PackageError
from ioi_agent.packages.kattis import (
    SOURCE_SUFFIXES,
    KattisLimits,
    grader_sources,
    group_subtasks,
    include_files,
    kattis_limits,
    load_group,
    output_checker,
    read_yaml,
    root_config,
    statement_file,
    test_case,
)
from ioi_agent.packages.model import Group, Problem, Submission, Subtask, TaskType, TestCase
from ioi_agent.packages.validation import parse_model

VERSIONS = {"2023-07-draft", "2023-07"}
LEGACY = {"legacy", "legacy-icpc"}
TYPES = {"pass-fail", "scoring", "multi-pass", "interactive", "submit-answer"}
INCOMPATIBLE = [("pass-fail", "scoring"), ("submit-answer", "multi-pass"), ("submit-answer", "interactive")]
SECRET_MAX_SCORE = 100.0
SPEC_VERDICTS = {"AC", "WA", "TLE", "RTE"}
# The spec's "Default directories": each folder's requirements on its submissions' test verdicts.
DEFAULT_EXPECTATIONS: dict[str, dict[str, list[str]]] = {
    "accepted": {"permitted": ["AC"]},
    "rejected": {"required": ["RTE", "TLE", "WA"]},
    "wrong_answer": {"permitted": ["AC", "WA"], "required": ["WA"]},
    "time_limit_exceeded": {"permitted": ["AC", "TLE"], "required": ["TLE"]},
    "run_time_error": {"permitted": ["AC", "RTE"], "required": ["RTE"]},
    "brute_force": {"permitted": ["AC", "RTE", "TLE"], "required": ["RTE", "TLE"]},
}
# Keys of a submissions.yaml entry that are not requirements on a test scope.
SUBMISSION_KEYS = {
    "language",
    "entrypoint",
    "authors",
    "model_solution",
    "permitted",
    "required",
    "score",
    "message",
    "use_for_time_limit",
}


def _fix(key: str) -> str:
    return "see the problem package format, version 2023-07-draft"


def format_version(data: dict[str, Any], path: Path) -> str:
    """ "legacy" or "2023-07-draft", from problem.yaml's `problem_format_version`."""
    version = str(data.get("problem_format_version", "legacy"))
    if version in LEGACY:
        return "legacy"
    if version in VERSIONS:
        return "2023-07-draft"
    raise PackageError(
        path,
        f"problem_format_version {version!r} is not supported",
        field="problem_format_version",
        fix="use 2023-07-draft, or leave the key out for the legacy format",
    )


class TimeMultipliers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ac_to_time_limit: float = Field(default=2.0, ge=1)
    time_limit_to_tle: float = Field(default=1.5, ge=1)


class Limits2023(BaseModel):
    model_config = ConfigDict(extra="allow")  # code, compilation_*, validation_* are the system's

    time_multipliers: TimeMultipliers = TimeMultipliers()
    time_limit: float | None = Field(default=None, gt=0)
    time_resolution: float = Field(default=1.0, gt=0)
    memory: int = Field(default=2048, gt=0)
    output: int = Field(default=8, gt=0)
    validation_passes: int = Field(default=2, ge=2)


class ProblemYaml2023(BaseModel):
    model_config = ConfigDict(extra="allow")

    problem_format_version: str
    type: str | list[str] = "pass-fail"
    name: str | dict[str, str] | None = None
    limits: Limits2023 = Limits2023()

    @field_validator("limits", mode="before")
    @classmethod
    def _none_limits(cls, v: Any) -> Any:
        return {} if v is None else v


class TestGroupYaml(BaseModel):
    model_config = ConfigDict(extra="allow")

    max_score: float | str | None = None
    score_aggregation: str | None = None
    require_pass: str | list[str] | None = None
    output_validator_args: list[str] | str | None = None

    @field_validator("max_score")
    @classmethod
    def _max_score(cls, v: float | str | None) -> float | str | None:
        if isinstance(v, str) and v != "unbounded":
            raise ValueError("must be a non-negative integer or 'unbounded'")
        if isinstance(v, float | int) and v < 0:
            raise ValueError("must be a non-negative integer or 'unbounded'")
        return v

    @field_validator("score_aggregation")
    @classmethod
    def _aggregation(cls, v: str | None) -> str | None:
        if v is not None and v not in ("pass-fail", "sum", "min"):
            raise ValueError("must be pass-fail, sum or min")
        return v


class Expectation(BaseModel):
    """One requirement of submissions.yaml (or of a default folder) on the tests of `scope` (a glob of
    test groups or tests below data/; empty: every test)."""

    scope: str = ""
    permitted: list[str] | None = None
    required: list[str] | None = None
    score: tuple[float, float] | None = None


class Submission2023(Submission):
    expectations: list[Expectation] = Field(default_factory=list)


def load(root: Path, raw: dict[str, Any]) -> Problem:
    yaml_path = root / "problem.yaml"
    meta = parse_model(ProblemYaml2023, raw, yaml_path, _fix)
    types = _types(meta.type, yaml_path)
    scoring = "scoring" in types
    interactive, multi_pass = "interactive" in types, "multi-pass" in types
    data_dir = root / "data"
    if not data_dir.is_dir():
        raise PackageError(data_dir, "missing test data folder", fix="add data/sample and data/secret")
    tests: dict[str, TestCase] = {}
    if any(data_dir.rglob("test_group.yaml")) or not any(data_dir.rglob("testdata.yaml")):
        tree, subtasks = _load_tree(data_dir, root, tests, scoring)
    else:  # an earlier draft's testdata.yaml: problemtools reads its legacy keys
        tree = load_group(data_dir, root, tests, root_config(), grader_sources(root) if scoring else [])
        subtasks = group_subtasks(tree, tests, scoring, data_dir)
    if not tests:
        raise PackageError(data_dir, "no tests found (NAME.in files)", fix="add tests under data/secret/")
    validation = ["custom"] if _validator_folder(root) or interactive or multi_pass else ["default"]
    flags = " ".join(_group_args(data_dir / "secret") or _group_args(data_dir))
    checker, manager = output_checker(
        root, validation, flags, interactive or multi_pass, _validator_folder(root) or "output_validator"
    )
    if checker.sources:
        checker = checker.model_copy(update={"flags": [], "writes_score": scoring})
    limits = kattis_limits(root, _legacy_limits(meta.limits))
    title = meta.name if isinstance(meta.name, str) else (meta.name or {}).get("en") or root.name
    return Problem(
        name=root.name,
        title=title,
        root=root,
        format="kattis",
        task_type=TaskType.INTERACTIVE
        if interactive
        else TaskType.MULTI_PASS
        if multi_pass
        else TaskType.BATCH,
        scoring=scoring,
        limits=limits,
        tests=tests,
        samples=[n for n, t in tests.items() if t.is_sample],
        subtasks=subtasks,
        groups=tree,
        checker=checker,
        manager_sources=manager,
        validation_passes=meta.limits.validation_passes if multi_pass else 1,
        grader_files=include_files(root),
        statement=statement_file(root, "statement") or statement_file(root),
        submissions=list(_submissions(root)),
    )


def _types(value: str | list[str], path: Path) -> set[str]:
    types = [value] if isinstance(value, str) else list(value)
    unknown = [t for t in types if t not in TYPES]
    if not types or unknown or len(set(types)) != len(types):
        raise PackageError(
            path,
            f"type {value!r} is not valid",
            field="type",
            fix=f"use values from {sorted(TYPES)}, once each",
        )
    for a, b in INCOMPATIBLE:
        if a in types and b in types:
            raise PackageError(path, f"type has both {a} and {b}", field="type", fix="keep one of them")
    if "submit-answer" in types:
        raise PackageError(path, "submit-answer problems are not supported", field="type")
    return set(types)


def _legacy_limits(limits: Limits2023) -> KattisLimits:
    return KattisLimits(
        time_limit=limits.time_limit,
        time_multipliers=limits.time_multipliers.model_dump(),
        memory=limits.memory,
        output=limits.output,
        validation_passes=limits.validation_passes,
    )


def _validator_folder(root: Path) -> str | None:
    """output_validator/ (the draft's), else the legacy output_validators/ an earlier draft used."""
    for name in ("output_validator", "output_validators"):
        if (root / name).is_dir() and any((root / name).iterdir()):
            return name
    return None


def _group_config(folder: Path) -> TestGroupYaml:
    path = folder / "test_group.yaml"
    config = parse_model(TestGroupYaml, read_yaml(path), path, _fix) if path.is_file() else TestGroupYaml()
    if config.require_pass:
        raise PackageError(path, "require_pass is not supported", field="require_pass")
    return config


def _group_args(folder: Path) -> list[str]:
    args = _group_config(folder).output_validator_args if folder.is_dir() else None
    return args.split() if isinstance(args, str) else list(args or [])


def _test_files(folder: Path) -> list[Path]:
    """A group's tests, in any folder below it (groups hold folders, not further groups), by name."""
    return sorted(folder.rglob("*.in"), key=lambda p: p.relative_to(folder).as_posix())


def _max_score(config: TestGroupYaml, default: float) -> float:
    if config.max_score == "unbounded":
        return math.inf
    return default if config.max_score is None else float(config.max_score)


def _group(
    name: str, tests: list[str], aggregation: str, max_score: float, children: list[Group] | None = None
) -> Group:
    """The draft's group as the legacy grading model (scoring/kattis.py) computes it: pass-fail and min
    as the least of tests worth max_score each, sum as the sum of tests worth max_score / count."""
    count = len(tests) + len(children or [])
    worth = max_score / count if aggregation == "sum" and count and math.isfinite(max_score) else max_score
    flags = ["sum" if aggregation == "sum" else "min", "first_error"]
    return Group(
        name=name,
        tests=tests,
        children=children or [],
        aggregation=flags[0],
        first_error=True,
        accept_score=worth if math.isfinite(worth) else 1.0,
        reject_score=0.0,
        range_min=0.0,
        range_max=max_score,
        on_reject="continue" if aggregation == "sum" else "break",
        grader_flags=flags,
        items=[("test", t) for t in tests] + [("group", c.name) for c in children or []],
    )


def _load_tree(
    data_dir: Path, root: Path, tests: dict[str, TestCase], scoring: bool
) -> tuple[Group, list[Subtask]]:
    secret_dir = data_dir / "secret"
    if not secret_dir.is_dir():
        raise PackageError(secret_dir, "missing secret test data", fix="add data/secret/ with tests")
    sample_dir = data_dir / "sample"
    samples = _add_tests(sample_dir, root, tests, True) if sample_dir.is_dir() else []
    sample = _group("sample", samples, "pass-fail", 0.0)
    config = _group_config(secret_dir)
    secret_max = _max_score(config, SECRET_MAX_SCORE) if scoring else SECRET_MAX_SCORE
    aggregation = (config.score_aggregation or "sum") if scoring else "pass-fail"
    group_dirs = sorted(p for p in secret_dir.iterdir() if p.is_dir())
    loose = list(secret_dir.glob("*.in"))
    if group_dirs and loose:
        raise PackageError(
            secret_dir, "data/secret holds both tests and groups", fix="move the tests into groups"
        )
    children, subtasks = [], []
    if group_dirs:
        for folder in group_dirs:
            child_config = _group_config(folder)
            child_aggregation = child_config.score_aggregation or "pass-fail"
            if aggregation == "pass-fail":
                child_aggregation, child_max = "pass-fail", secret_max  # the group passes or secret fails
            else:
                child_max = _max_score(child_config, math.inf)
                if scoring and math.isfinite(secret_max) and not math.isfinite(child_max):
                    raise PackageError(
                        folder / "test_group.yaml",
                        "a group of a bounded secret needs its own max_score",
                        field="max_score",
                        fix="give the group's max_score",
                    )
            names = _add_tests(folder, root, tests, False)
            children.append(_group(f"secret/{folder.name}", names, child_aggregation, child_max))
        secret = _group("secret", [], aggregation, secret_max, children)
    else:
        secret = _group("secret", _add_tests(secret_dir, root, tests, False), aggregation, secret_max)
    # The submission is secret's (scoring: samples ignored) or every test's verdict (pass-fail).
    flags = ["ignore_sample", "first_error"] if scoring else ["first_error"]
    tree = Group(
        name="",
        children=[sample, secret],
        items=[("group", "sample"), ("group", "secret")],
        grader_flags=flags,
        first_error=True,
        ignore_sample=scoring,
        on_reject="continue" if scoring else "break",
    )
    if not scoring:
        return tree, [Subtask(name="all", points=SECRET_MAX_SCORE, tests=[*samples, *_all(secret)])]
    if aggregation == "pass-fail" or not children:
        return tree, [
            Subtask(
                name="secret",
                points=_points(secret_max),
                tests=_all(secret),
                stop_on_failure=secret.on_reject == "break",
            )
        ]
    for child in children:
        subtasks.append(
            Subtask(
                name=child.name.removeprefix("secret/"),
                points=_points(child.range_max),
                tests=list(child.tests),
                stop_on_failure=child.on_reject == "break",
            )
        )
    return tree, subtasks


def _points(max_score: float) -> float:
    return max_score if math.isfinite(max_score) else 0.0  # an unbounded group has no maximum to show


def _all(group: Group) -> list[str]:
    return [*group.tests, *(t for c in group.children for t in _all(c))]


def _add_tests(folder: Path, root: Path, tests: dict[str, TestCase], is_sample: bool) -> list[str]:
    args = _group_args(folder)
    names = []
    for entry in _test_files(folder):
        test = test_case(entry, root, is_sample, args)
        tests[test.name] = test
        names.append(test.name)
    return names


# --- submissions ------------------------------------------------------------------------------


def expand_braces(pattern: str) -> list[str]:
    """`{a,b}` alternatives of a glob (the spec supports brace expansion, not `**` or `[...]`)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return list(
        itertools.chain.from_iterable(expand_braces(head + alt + tail) for alt in match.group(1).split(","))
    )


def in_scope(path: str, pattern: str) -> bool:
    """Whether a path (a test below data/, a submission below submissions/) or one of its folders
    matches the glob: a `*` stays within one path part, braces give alternatives."""
    parts = path.split("/")
    for alternative in expand_braces(pattern):
        pattern_parts = alternative.strip("/").split("/")
        prefix = parts[: len(pattern_parts)]
        if len(prefix) == len(pattern_parts) and all(
            fnmatchcase(p, q) for p, q in zip(prefix, pattern_parts, strict=True)
        ):
            return True
    return False


def _program_file(program: Path, entrypoint: str | None) -> Path | None:
    if program.is_file():
        return program if program.suffix in SOURCE_SUFFIXES else None
    sources = sorted(p for p in program.iterdir() if p.is_file() and p.suffix in SOURCE_SUFFIXES)
    if entrypoint and (program / entrypoint).is_file():
        return program / entrypoint
    mains = [p for p in sources if p.stem == "main"]
    return (mains or sources or [None])[0]


def _submissions(root: Path) -> list[Submission2023]:
    folder = root / "submissions"
    if not folder.is_dir():
        return []
    yaml_path = folder / "submissions.yaml"
    config = read_yaml(yaml_path) if yaml_path.is_file() else {}
    out = []
    for label_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for program in sorted(label_dir.iterdir()):
            rel = program.relative_to(folder).as_posix()
            entries = [v for k, v in config.items() if isinstance(v, dict) and in_scope(rel, str(k))]
            entrypoint = next((str(e["entrypoint"]) for e in entries if e.get("entrypoint")), None)
            path = _program_file(program, entrypoint)
            if path is None:
                continue
            out.append(
                Submission2023(
                    path=path,
                    label=label_dir.name,
                    expectations=_expectations(label_dir.name, rel, config, yaml_path),
                )
            )
    return out


def _expectations(label: str, rel: str, config: dict[str, Any], path: Path) -> list[Expectation]:
    """The folder's default requirements (a submissions.yaml key naming the folder replaces the keys it
    gives) and those of every other matching glob."""
    out: list[Expectation] = []
    default = dict(DEFAULT_EXPECTATIONS.get(label, {}))
    if isinstance(config.get(label), dict):
        default.update(config[label])
    if default:
        out += _rules(default, "", path)
    for key, value in config.items():
        if str(key) != label and isinstance(value, dict) and in_scope(rel, str(key)):
            out += _rules(value, "", path)
    return out


def _rules(entry: dict[str, Any], scope: str, path: Path) -> list[Expectation]:
    rules = []
    own = {k: entry[k] for k in ("permitted", "required", "score") if k in entry}
    if own:
        rules.append(_expectation(own, scope, path))
    for key, value in entry.items():
        if key not in SUBMISSION_KEYS and isinstance(value, dict):
            rules += _rules(value, str(key), path)
    return rules


def _expectation(entry: dict[str, Any], scope: str, path: Path) -> Expectation:
    for key in ("permitted", "required"):
        verdicts = entry.get(key)
        if verdicts is not None and (not isinstance(verdicts, list) or not set(verdicts) <= SPEC_VERDICTS):
            raise PackageError(path, f"{key} must be a list of {sorted(SPEC_VERDICTS)}", field=key)
    score = entry.get("score")
    bounds = None
    if isinstance(score, int | float):
        bounds = (float(score), float(score))
    elif isinstance(score, list) and len(score) == 2:
        bounds = (float(score[0]), float(score[1]))
    elif score is not None:
        raise PackageError(path, "score must be a number or a list of two numbers", field="score")
    return Expectation(
        scope=scope, permitted=entry.get("permitted"), required=entry.get("required"), score=bounds
    )
