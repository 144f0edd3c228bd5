"""IOI scoring as CMS implements it (score type GroupMin, score mode "max subtask")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def subtask_score(points: float, test_scores: Sequence[float | None]) -> float:
    """points × the minimum test score in [0, 1]; a test that was not run (None) scores 0."""
    if not test_scores:
        return points
    return points * min(0.0 if s is None else max(0.0, min(1.0, s)) for s in test_scores)


def submission_score(subtask_scores: Mapping[str, float]) -> float:
    return sum(subtask_scores.values())


def task_score(submissions: Iterable[Mapping[str, float] | None], subtasks: Iterable[str]) -> float:
    """Sum over subtasks of the best score any submission got on it; None = did not compile (skipped)."""
    best = {name: 0.0 for name in subtasks}
    for scores in submissions:
        if scores is None:
            continue
        for name in best:
            best[name] = max(best[name], scores.get(name, 0.0))
    return sum(best.values())
