"""Result models of judging (the JSON that `ioi-agent judge --json` prints)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ioi_agent.judge.verdict import Verdict


class TestResult(BaseModel):
    test: str
    verdict: Verdict
    score: float  # in [0, 1]
    time_s: float
    memory_mb: float
    message: str = ""
    cached: bool = False


class SubtaskResult(BaseModel):
    name: str
    points: float
    score: float
    verdict: Verdict
    tests: list[TestResult] = Field(default_factory=list, exclude=True)


class CompileInfo(BaseModel):
    ok: bool
    message: str = ""
    not_judged: str = ""  # why it was not judged at all (its language is not installed here, ...)


class SubmissionResult(BaseModel):
    source: str
    verdict: Verdict
    score: float
    subtasks: list[SubtaskResult]
    compile: CompileInfo
    max_time_s: float = 0.0
    max_memory_mb: float = 0.0
    label: str | None = Field(default=None, exclude=True)

    def subtask_scores(self) -> dict[str, float] | None:
        """Per-subtask scores for the IOI task score; None when it did not compile (CMS skips those)."""
        return {s.name: s.score for s in self.subtasks} if self.compile.ok else None


class JudgeReport(BaseModel):
    problem: str
    max_score: float
    task_score: float
    submissions: list[SubmissionResult]
