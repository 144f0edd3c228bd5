"""The problem model every later layer uses, whatever format the package came in.

A `Problem` is a normalised view: tests by name, subtasks (IOI view: points and the tests they contain),
the Kattis group tree when the package has one (for Kattis group semantics), limits, the checker and the
task type with its helper programs. Loaders in `kattis.py` and `cms.py` build it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TaskType(StrEnum):
    BATCH = "batch"  # stdin/stdout, or a function-style task compiled together with a grader
    INTERACTIVE = "interactive"  # an interactor talks to one contestant process through pipes
    COMMUNICATION = "communication"  # a manager talks to N concurrent contestant processes through FIFOs
    MULTI_PASS = "multi_pass"  # the contestant runs again on input the validator writes (Kattis multi-pass)
    OUTPUT_ONLY = "output_only"  # the submission is the outputs themselves
    # CMS TwoSteps: the submission's files, compiled with the package's manager, run twice at once
    # (`prog 0 FIFO` reads the input, `prog 1 FIFO` writes the output), the output then checked.
    TWO_STEPS = "two_steps"


class CheckerKind(StrEnum):
    DIFF = "diff"  # built in: whitespace-separated tokens, optional float tolerance (Kattis default)
    WHITE_DIFF = "white_diff"  # built in, CMS without checker: lines equal up to runs of whitespace
    KATTIS = "kattis"  # output validator: exit 42/43, score.txt in the feedback folder
    CMS = "cms"  # `checker input correct_output contestant_output`; score on stdout, message on stderr
    TESTLIB = "testlib"  # `checker input contestant_output answer`; exit 0/1/2/3/7 with `points X`


class Checker(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: CheckerKind = CheckerKind.DIFF
    # Source files of a custom checker, compiled once per problem (all of them together).
    sources: list[Path] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    float_abs_tol: float | None = None
    float_rel_tol: float | None = None
    case_sensitive: bool = False
    space_change_sensitive: bool = False
    # Kattis `validation: custom score`: the validator's score.txt is the test's score (an absolute value).
    writes_score: bool = False


class TestCase(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # unique in the problem, e.g. "secret/group1/001-g1-01" or "1-01"
    input: Path  # resolved path (symlinks followed)
    answer: Path | None = None
    is_sample: bool = False
    # Kattis `output_validator_flags` of the test's group (testdata.yaml, inherited): passed to the
    # output validator after the problem's `validator_flags`.
    validator_flags: list[str] = Field(default_factory=list)


class Group(BaseModel):
    """A Kattis test-data group: its own tests and subgroups, aggregated by its testdata.yaml."""

    # The default range is infinite: JSON must carry it as -Infinity / Infinity, not null, or a problem
    # sent to the grader process (pass/fail Kattis packages) no longer validates on the way back.
    model_config = ConfigDict(ser_json_inf_nan="constants")

    name: str  # path below data/, e.g. "secret/group1"
    tests: list[str] = Field(default_factory=list)  # test names directly in this group, in order
    children: list[Group] = Field(default_factory=list)
    aggregation: str = "sum"  # "sum" or "min" (grader_flags)
    first_error: bool = False  # verdict = first error in order, otherwise worst error
    accept_if_any_accepted: bool = False
    ignore_sample: bool = False
    accept_score: float = 1.0
    reject_score: float = 0.0
    range_min: float = float("-inf")
    range_max: float = float("inf")
    on_reject: str = "break"  # "break" or "continue"
    # The whole testdata.yaml grading setup, as Kattis applies it (ioi_agent/scoring/kattis.py):
    grading: str = "default"  # "custom": the package's grader (graders/) aggregates this group
    grader_flags: list[str] = Field(default_factory=list)  # arguments of the (default or custom) grader
    grader: list[Path] = Field(default_factory=list)  # custom grader sources (grading: custom)
    # Tests and subgroups in package order (file names sorted), as (kind, name): kind "test" or "group".
    items: list[tuple[str, str]] = Field(default_factory=list)


# CMS score types (see ioi_agent/scoring/cms.py); Kattis problems keep the default, GroupMin.
ScoreType = Literal["GroupMin", "GroupMul", "GroupThreshold", "Sum"]


class Subtask(BaseModel):
    """The IOI view of scoring: points × the score type's reduction of the tests' scores (see
    `ioi_agent.scoring.cms`): GroupMin (min, the default), GroupMul (product), GroupThreshold (1 when every
    test scores in (0, threshold], else 0), Sum (the mean: each test is worth points / its test count)."""

    name: str
    points: float
    tests: list[str]
    # Stop at the first failing test (IOI, Kattis on_reject: break with min). Tests not run score nothing.
    stop_on_failure: bool = True
    score_type: ScoreType = "GroupMin"
    threshold: float | None = None  # GroupThreshold only


class Limits(BaseModel):
    time_s: float | None = None  # CPU seconds; None until resolved (see timelimit.py)
    time_source: str = ""
    memory_mb: int = 2048
    output_mb: int = 64
    # Kattis derives a missing time limit from the slowest accepted submission.
    time_multiplier: float = 5.0
    # Kattis legacy `time_safety_margin`: problemtools checks labelled submissions at limit / margin
    # (partially_accepted) and limit × margin (the others' "OK with extra time").
    time_safety_margin: float = 2.0
    # Processes and threads a contestant's run may have together; None: the judge's default. CMS runs
    # evaluations single-process (isolate --processes=1) unless a contest language needs threads.
    processes: int | None = None


class Submission(BaseModel):
    """A program shipped with the package, labelled by its folder."""

    path: Path
    label: str  # folder name: accepted, wrong_answer, ... or a CMS solutions/ label
    # The language the package says it is in, in the format's own words (Polygon's source type, e.g.
    # cpp.g++17; Kattis's language id from its suffix, e.g. python3); "" = by its suffix. The judge maps
    # it (judge/languages.py); one it has no language for is reported as not judged.
    language: str = ""


class Problem(BaseModel):
    name: str  # short name (folder name)
    title: str
    root: Path
    format: str  # "kattis" or "cms"
    task_type: TaskType = TaskType.BATCH
    scoring: bool = True  # False: pass/fail (ICPC), reported as one subtask of 100 points
    limits: Limits
    tests: dict[str, TestCase]  # in package order
    samples: list[str] = Field(default_factory=list)
    subtasks: list[Subtask]
    groups: Group | None = None  # Kattis group tree rooted at data/
    checker: Checker = Checker()
    # Interactor (interactive), manager (communication) or multi-pass validator sources.
    manager_sources: list[Path] = Field(default_factory=list)
    # How an interactive problem's interactor talks: "kattis" (an output validator: `validator input answer
    # feedback_dir`, exit 42/43), or "testlib" (Polygon: `interactor input output answer`, testlib's exit
    # codes, then the checker on the output it wrote).
    interactor_convention: str = "kattis"
    num_processes: int = 1  # communication: contestant processes
    # Batch with file I/O (CMS `io_0_inputfile` / `io_1_outputfile`): the program reads this file from its
    # working folder instead of stdin / writes this one instead of stdout; "" = stdin / stdout.
    input_file: str = ""
    output_file: str = ""
    validation_passes: int = 1  # multi-pass: at most this many passes
    # Files compiled together with a submission, by language ("cpp", "python"); Kattis include/ or CMS graders/.
    grader_files: dict[str, list[Path]] = Field(default_factory=dict)
    statement: Path | None = None
    submissions: list[Submission] = Field(default_factory=list)
    # The languages a contestant may use, in the format's words (Kattis `languages`); [] = any.
    languages: list[str] = Field(default_factory=list)

    @property
    def max_score(self) -> float:
        return sum(s.points for s in self.subtasks)

    def subtask(self, name: str) -> Subtask:
        for s in self.subtasks:
            if s.name == name:
                return s
        raise KeyError(name)
