"""IOI scoring as CMS implements it (score types in `cms.py`, default GroupMin; score mode "max subtask").

Rounding to the task's `score_precision` (when given) follows CMS: scores are added up unrounded and
rounded only where shown (the submission's score, the task score), see `cms.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ioi_agent.scoring import cms


def subtask_score(
    points: float,
    test_scores: Sequence[float | None],
    score_type: cms.ScoreType = "GroupMin",
    threshold: float | None = None,
) -> float:
    """points × the score type's reduction of the test scores (GroupMin: the minimum test score in [0, 1]);
    a test that was not run (None) scores 0."""
    return cms.subtask_score(score_type, points, test_scores, threshold)


def submission_score(subtask_scores: Mapping[str, float], precision: int | None = None) -> float:
    return cms.round_score(sum(subtask_scores.values()), precision)


def task_score(
    submissions: Iterable[Mapping[str, float] | None],
    subtasks: Iterable[str],
    precision: int | None = None,
) -> float:
    """Sum over subtasks of the best score any submission got on it; None = did not compile (skipped).
    Rounded to `precision` decimals at the end when given (CMS rounds the sum, not the parts)."""
    best = {name: 0.0 for name in subtasks}
    for scores in submissions:
        if scores is None:
            continue
        for name in best:
            best[name] = max(best[name], scores.get(name, 0.0))
    return cms.round_score(sum(best.values()), precision)
