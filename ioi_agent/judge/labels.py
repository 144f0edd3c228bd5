"""What a labelled submission's folder promises about its result.

Kattis (`submissions/<label>/`): the label is the verdict of the whole submission.

CMS/IOI packages exported by TPS (`solutions/<verdict>/`): the folder is the verdict TPS's solutions.json
gives the solution, whose `except` list (the subtasks where it does something else) the export drops. So
`model_solution` promises the full score; `correct` promises a fully solved subtask with points (a
subtask solution is filed as correct); `partially_correct` a score strictly between 0 and the maximum;
every other word (`incorrect`, `time_limit`, `runtime_error`, `memory_limit`, `failed`,
`protocol_violation`, ...) less than the full score, since the folder names how it fails somewhere,
not everywhere. The package's own word is `CmsSubmission.verdict`; see `promise_label`.
"""

from __future__ import annotations

from ioi_agent.judge.results import SubmissionResult
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Submission

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
CMS_FULL = {"accepted", "model_solution"}
CMS_SOME_SUBTASK = {"correct"}
NO_PROMISE = {"", "unlabelled"}


def promise_label(submission: Submission) -> str:
    """The word whose promise applies: a CMS package's own folder word when it has one, else the label."""
    return getattr(submission, "verdict", None) or submission.label


def label_expectation(label: str, problem_format: str = "kattis") -> str | None:
    """A short description of what the label promises, or None for a label with no promise."""
    if problem_format == "cms":
        if label in NO_PROMISE:
            return None
        if label in CMS_FULL:
            return "AC, full score"
        if label in CMS_SOME_SUBTASK:
            return "a subtask with points fully solved"
        if label in PARTIAL:
            return "0 < score < max"
        return "score < max"
    if label in ACCEPTED:
        return "AC, full score"
    if label in PARTIAL:
        return "0 < score < max"
    if label in LABEL_VERDICTS:
        return f"verdict {LABEL_VERDICTS[label]}"
    return None


def label_satisfied(
    label: str, result: SubmissionResult, max_score: float, problem_format: str = "kattis"
) -> bool | None:
    """Whether the result keeps the label's promise; None when the label promises nothing."""
    if label_expectation(label, problem_format) is None:
        return None
    full = result.verdict == Verdict.AC and result.score >= max_score - SCORE_EPS
    partial = SCORE_EPS < result.score < max_score - SCORE_EPS
    if problem_format == "cms":
        if label in CMS_FULL:
            return full
        if label in CMS_SOME_SUBTASK:
            return any(s.points > 0 and s.score >= s.points - SCORE_EPS for s in result.subtasks)
        if label in PARTIAL:
            return partial
        return result.score < max_score - SCORE_EPS
    if label in ACCEPTED:
        return full
    if label in PARTIAL:
        return partial
    return result.verdict == LABEL_VERDICTS[label]
