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
- `submissions/`: `kattis_submissions.py`.
Not supported (refused with a message): `require_pass`, `submit-answer`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ioi_agent.errors import PackageError
from ioi_agent.packages.kattis import (
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
from ioi_agent.packages.kattis_submissions import load_submissions
from ioi_agent.packages.model import Group, Problem, Subtask, TaskType, TestCase
from ioi_agent.packages.validation import parse_model

VERSIONS = {"2023-07-draft", "2023-07"}
LEGACY = {"legacy", "legacy-icpc"}
TYPES = {"pass-fail", "scoring", "multi-pass", "interactive", "submit-answer"}
INCOMPATIBLE = [("pass-fail", "scoring"), ("submit-answer", "multi-pass"), ("submit-answer", "interactive")]
SECRET_MAX_SCORE = 100.0


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
        submissions=list(load_submissions(root)),
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
