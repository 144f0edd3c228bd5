"""CMS score types as pure reducers over per-test outcomes, and CMS's output comparison (white diff).

Score types (CMS `cms/grading/scoretypes`). A group type's parameters are `[[points, target, ...], ...]`,
target a regex matched at the start of the test names or a count of tests taken in sorted order; a
subtask scores points × reduce(outcomes of its tests):
- GroupMin: the minimum outcome.
- GroupMul: the product of the outcomes.
- GroupThreshold (`[points, target, T]`): 1 when every outcome o satisfies 0 < o <= T, else 0. Zero is
  excluded because CMS's task types give 0 to a run that failed (timeout, crash).
- Sum (parameter: the points of one test): points per test × outcome, summed over every test; no groups,
  so under the "max subtask" task score the whole task is one subtask. Here it is one subtask worth
  points × number of tests whose fraction is the mean outcome.

Early stop (our optimisation; CMS always evaluates every test): the judge stops a subtask at its first
test scoring 0 when `Subtask.stop_on_failure` is set. For the three group types a zero outcome makes the
reduction 0 whatever follows (min, product, threshold's `0 < o`), so the CMS loader sets it and stopping
is exact; for Sum every test counts on its own, so a Sum subtask never stops.

Rounding (`score_precision`, CMS's `round(x, precision)`): CMS keeps every score unrounded and rounds
only where it shows one: a subtask's score in the details, a submission's score (`format_score`) and the
task score of the ranking (`task_score(..., rounded=True)`, the sum over subtasks of the best unrounded
subtask score). `round_score` is that rounding; callers apply it to the value they show, never to the
values they add up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import get_args

from ioi_agent.judge.compare import white_diff as judged_white_diff
from ioi_agent.packages.model import ScoreType

SCORE_TYPES: tuple[ScoreType, ...] = get_args(ScoreType)


def _outcomes(test_scores: Sequence[float | None]) -> list[float]:
    """A test that was not run (None) scores 0, as in CMS where every test of a scored submission has one."""
    return [0.0 if s is None else float(s) for s in test_scores]


def group_min(outcomes: Sequence[float]) -> float:
    return min(outcomes)


def group_mul(outcomes: Sequence[float]) -> float:
    return math.prod(outcomes)


def group_threshold(outcomes: Sequence[float], threshold: float) -> float:
    return 1.0 if all(0.0 < o <= threshold for o in outcomes) else 0.0


def sum_fraction(outcomes: Sequence[float]) -> float:
    return sum(outcomes) / len(outcomes)


def fraction(
    score_type: ScoreType, test_scores: Sequence[float | None], threshold: float | None = None
) -> float:
    """The subtask's score as a fraction of its points, in [0, 1]; a subtask without tests scores 1.
    Outcomes are clamped to [0, 1] except for GroupThreshold, whose threshold applies to the raw outcome."""
    raw = _outcomes(test_scores)
    if not raw:
        return 1.0
    outcomes = raw if score_type == "GroupThreshold" else [max(0.0, min(1.0, o)) for o in raw]
    if score_type == "GroupMin":
        return group_min(outcomes)
    if score_type == "GroupMul":
        return group_mul(outcomes)
    if score_type == "GroupThreshold":
        if threshold is None:
            raise ValueError("GroupThreshold needs a threshold")
        return group_threshold(outcomes, threshold)
    if score_type == "Sum":
        return sum_fraction(outcomes)
    raise ValueError(f"unknown score type {score_type!r}; use one of {', '.join(SCORE_TYPES)}")


def subtask_score(
    score_type: ScoreType,
    points: float,
    test_scores: Sequence[float | None],
    threshold: float | None = None,
) -> float:
    """points × the score type's reduction of the test scores (unrounded, as CMS adds them up)."""
    return points * fraction(score_type, test_scores, threshold)


def round_score(score: float, precision: int | None) -> float:
    """CMS's display rounding to `score_precision` decimals; None leaves the score as it is."""
    return score if precision is None else round(score, precision)


# --- output comparison ------------------------------------------------------------------------------


def white_diff(output: bytes, answer: bytes) -> tuple[bool, str]:
    """CMS's white diff: the outputs are equal when line i of one equals line i of the other for every i,
    two lines being equal when they differ only in the amount and kind of whitespace (leading and
    trailing whitespace included), and lines made only of whitespace at the end of either file do not
    count. Whitespace: space, \\t, \\n, \\v, \\f, \\r (the Unicode White_Space characters in ASCII). Case-sensitive;
    no number tolerance. Returns (equal, message)."""
    return judged_white_diff(output, answer)  # read a batch of lines at a time: linear, bounded memory
