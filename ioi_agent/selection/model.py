"""The data every selection stage passes on: candidates, generated inputs, the execution matrix, clusters,
features, rules and feedback. Pydantic models, so each stage's output can be stored and read back.

Flow: `CandidatePool` (from a pool file or a submissions/ folder) → `GeneratedInputs` (testgen.py) →
`ExecutionMatrix` (matrix.py) → `Cluster`s (clusters.py) → `CandidateFeatures` (features.py), all bundled in
a `SelectionContext` that a `SubmissionPolicy` (policies.py) reads, together with the `Feedback` the
official grader (grader.py) returns. Nothing here knows the hidden tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    field_serializer,
)

from ioi_agent.judge.verdict import Verdict


class Candidate(BaseModel):
    """One sampled (or replayed) program."""

    model_config = ConfigDict(frozen=True)

    id: str  # stable within a pool: "<job[:12]>-<sample_index>"
    problem: str
    subtask: str | None = None  # the subtask its prompt asked for; None = the whole problem
    language: str = "cpp"
    code: str
    ok: bool = True  # False: the sample had no program (no_code) or a cut-off one (truncated)
    mean_logprob: float | None = None
    completion_tokens: int | None = None
    label: str | None = None  # replayed programs: their submissions/ folder (for reports, never for choosing)


class CandidatePool(BaseModel):
    """The candidates of one problem, plus the model-written generators and validators (C++ sources)."""

    problem: str
    candidates: list[Candidate]
    generators: list[Candidate] = Field(default_factory=list)
    validators: list[Candidate] = Field(default_factory=list)

    def by_id(self) -> dict[str, Candidate]:
        return {c.id: c for c in self.candidates}


class GeneratedInputs(BaseModel):
    """Inputs kept per subtask (ids are the input's SHA-256), stored as files under `folder`."""

    folder: str
    per_subtask: dict[str, list[str]]
    fallback: bool = False  # True: the pool had no generators; only the public examples are used
    note: str = ""  # what happened, for the report (e.g. "no generators in the pool: public examples only")
    stats: dict[str, dict[str, int]] = Field(default_factory=dict)  # subtask -> generated/valid/duplicate


class RunStatus(StrEnum):
    OK = "ok"  # ran to the end within the limits; `output` holds its output's hash
    TLE = "TLE"
    MLE = "MLE"
    OLE = "OLE"
    RE = "RE"
    JE = "JE"


class Run(BaseModel):
    """One candidate on one generated input."""

    status: RunStatus
    output: str | None = None  # SHA-256 of the output (normalised: trailing whitespace per line)
    time_s: float = 0.0


class PublicResult(BaseModel):
    """One candidate on one public example, checked against its answer."""

    verdict: Verdict
    score: float  # in [0, 1]
    time_s: float = 0.0
    output: str | None = None  # SHA-256 of the output as for `Run` (batch problems; None otherwise)


class CandidateExecution(BaseModel):
    candidate: str
    compiled: bool
    compile_message: str = ""
    public: dict[str, PublicResult] = Field(default_factory=dict)  # sample test name -> result
    # input id -> run. Built by matrix.py: an arrays.RunsView (a Run made per access, none stored); stored
    # and read back: a plain dict.
    generated: Mapping[str, Run] = Field(default_factory=dict)

    @field_serializer("generated", mode="wrap")
    def _plain_generated(self, value: Mapping[str, Run], handler: SerializerFunctionWrapHandler) -> Any:
        return handler(dict(value))


class ExecutionMatrix(BaseModel):
    """Per candidate, its public results and its runs on the generated inputs.

    The runs also exist as numpy arrays (arrays.py: candidates × inputs of int32 output keys and float64
    times), which clusters.py and features.py read: built directly by matrix.py, or from `executions` on
    first use (`arrays.matrix_arrays`). They are not serialised: JSON keeps the per-run form."""

    problem: str
    time_limit_s: float
    executions: dict[str, CandidateExecution]  # candidate id -> its runs
    _arrays: Any = PrivateAttr(default=None)  # arrays.MatrixArrays | None
    _runs: Any = PrivateAttr(default=None)  # matrix.RunCount | None: sandbox runs made vs exhaustive

    def __eq__(self, other: object) -> bool:
        # The arrays are a cache of `executions`: two matrices with the same runs are equal either way.
        if not isinstance(other, ExecutionMatrix):
            return NotImplemented
        return (self.problem, self.time_limit_s, self.executions) == (
            other.problem,
            other.time_limit_s,
            other.executions,
        )


class Cluster(BaseModel):
    """Candidates of one subtask whose behaviour (output or failure kind) agrees on every kept input."""

    subtask: str
    signature: str  # hash of the behaviour vector
    members: list[str]  # candidate ids, in pool order


class CandidateFeatures(BaseModel):
    """Features of one candidate for one subtask; names and meaning are listed in features.py."""

    candidate: str
    subtask: str
    values: dict[str, float]


class SelectionContext(BaseModel):
    """Everything a policy may look at for one problem: public facts and its own executions."""

    problem: str
    subtasks: list[str]  # in package order
    points: dict[str, float]
    # Public structure: subtask -> the subtasks it strictly contains (by test sets, as the statement says)
    contains: dict[str, list[str]] = Field(default_factory=dict)
    pool: CandidatePool
    inputs: GeneratedInputs
    matrix: ExecutionMatrix
    clusters: dict[str, list[Cluster]]  # subtask -> clusters, largest first
    features: dict[str, dict[str, CandidateFeatures]]  # subtask -> candidate id -> features
    # subtask -> the candidates whose runs on its generated inputs selection reads (contenders.py); a
    # subtask missing here reads every compiling candidate's (contexts built by hand, older files)
    contenders: dict[str, list[str]] = Field(default_factory=dict)


class RulesName(StrEnum):
    IOI = "ioi"
    CODEFORCES = "codeforces"


class Rules(BaseModel):
    name: RulesName = RulesName.IOI
    max_submissions: int = 50
    min_interval_s: float = 60.0  # between two submissions of one task (IOI: one minute)

    @classmethod
    def ioi(cls, budget: int | None = None) -> Rules:
        return cls(name=RulesName.IOI, max_submissions=budget or 50, min_interval_s=60.0)

    @classmethod
    def codeforces(cls, budget: int | None = None) -> Rules:
        return cls(name=RulesName.CODEFORCES, max_submissions=budget or 10, min_interval_s=0.0)


class Feedback(BaseModel):
    """What the official grader tells the contestant about one submission, as the rules allow.

    IOI: the score of every subtask. Codeforces: the pretest verdict only (no subtask scores)."""

    index: int  # 1-based submission number for this task
    candidate: str
    at_s: float  # contest time of the submission
    compiled: bool
    subtask_scores: dict[str, float] | None = None  # IOI only
    verdict: Verdict | None = None  # Codeforces: verdict on the pretests
    pretests_passed: bool | None = None  # Codeforces only
    failed_test: int | None = None  # Codeforces: 1-based pretest it failed on, as Codeforces shows it
