"""What a labelled submission's folder promises about its result (Kattis `submissions/<label>/`)."""

from __future__ import annotations

from ioi_agent.judge.results import SubmissionResult
from ioi_agent.judge.verdict import Verdict

SCORE_EPS = 1e-6
# Folder names, with the spellings CMS/IOI packages use, mapped to the one verdict they promise.
LABEL_VERDICTS: dict[str, Verdict] = {
    "wrong_answer": Verdict.WA,
    "time_limit_exceeded": Verdict.TLE,
    "run_time_error": Verdict.RE,
    "runtime_error": Verdict.RE,
    "memory_limit_exceeded": Verdict.MLE,
    "output_limit_exceeded": Verdict.OLE,
    "compile_error": Verdict.CE,
    "compilation_error": Verdict.CE,
}
ACCEPTED = {"accepted", "correct", "model_solution"}
PARTIAL = {"partially_accepted", "partially_correct", "partial"}


def label_expectation(label: str) -> str | None:
    """A short description of what the label promises, or None for a label with no promise."""
    if label in ACCEPTED:
        return "AC, full score"
    if label in PARTIAL:
        return "0 < score < max"
    if label in LABEL_VERDICTS:
        return f"verdict {LABEL_VERDICTS[label]}"
    return None


def label_satisfied(label: str, result: SubmissionResult, max_score: float) -> bool | None:
    """Whether the result keeps the label's promise; None when the label promises nothing."""
    if label in ACCEPTED:
        return result.verdict == Verdict.AC and result.score >= max_score - SCORE_EPS
    if label in PARTIAL:
        return SCORE_EPS < result.score < max_score - SCORE_EPS
    if label in LABEL_VERDICTS:
        return result.verdict == LABEL_VERDICTS[label]
    return None
