"""Exact reference scores for a pool: what k random submissions score on average, and the best k can do.

IOI: each candidate is a vector of per-subtask scores (in points; None = did not compile, scores nothing),
and a task's score is the sum over subtasks of the best score any chosen submission got (CMS "max subtask").
Codeforces: each candidate is accepted or not, and a problem counts once any chosen submission is accepted.

Random selection draws k distinct candidates uniformly from all n (k >= n: all of them). By linearity the
expected task score is the sum over subtasks of E[max of k draws]; with the n values of one subtask sorted
ascending v_(1) <= ... <= v_(n), the i-th is the maximum exactly when it and k-1 of the i-1 below it are drawn:

    E[max] = sum_i v_(i) * C(i-1, k-1) / C(n, k)

The weights are computed by the ratio w_n = k/n, w_(i-1) = w_i * (i-k)/(i-1), so n ~ 10^4 never overflows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

ScoreVector = Mapping[str, float] | None

# Branch-and-bound nodes before the oracle settles for the best set found so far (see oracle_ioi_search).
ORACLE_NODE_LIMIT = 100_000


def order_statistic_weights(n: int, k: int) -> np.ndarray:
    """w[i] = P(the (i+1)-th smallest of n values is the maximum of k drawn without replacement)."""
    if n <= 0:
        return np.zeros(0)
    k = max(1, min(k, n))
    w = np.zeros(n)
    w[n - 1] = k / n
    for i in range(n, k, -1):  # i is 1-based: w_(i-1) from w_i
        w[i - 2] = w[i - 1] * (i - k) / (i - 1)
    return w


def _matrix(vectors: Sequence[ScoreVector], subtasks: Sequence[str]) -> np.ndarray:
    """n × len(subtasks) scores; a candidate that did not compile (None) or lacks a subtask scores 0 there."""
    rows = [[0.0 if v is None else float(v.get(s, 0.0)) for s in subtasks] for v in vectors]
    return np.array(rows, dtype=float).reshape(len(vectors), len(subtasks))


def random_expected_ioi(vectors: Sequence[ScoreVector], subtasks: Sequence[str], k: int) -> float:
    """Exact expected IOI task score of k submissions drawn uniformly without replacement from `vectors`."""
    n = len(vectors)
    if n == 0 or k <= 0 or not subtasks:
        return 0.0
    scores = np.sort(_matrix(vectors, subtasks), axis=0)
    weights = order_statistic_weights(n, k)
    return float((weights @ scores).sum())


def _frontier(scores: np.ndarray) -> np.ndarray:
    """The distinct rows that no other row dominates (>= everywhere, > somewhere)."""
    rows = np.unique(scores, axis=0)
    # Larger totals first: a row can only be dominated by one with a larger total, so one pass suffices.
    # The order also lets the search below find good sets early.
    rows = rows[np.argsort(-rows.sum(axis=1), kind="stable")]
    kept = np.zeros_like(rows)
    count = 0
    for row in rows:
        if count == 0 or not np.any(np.all(kept[:count] >= row, axis=1)):
            kept[count] = row
            count += 1
    return kept[:count]


def _greedy(rows: np.ndarray, k: int) -> float:
    """Add the row with the largest gain k times (the classic 1 - 1/e approximation for a max-coverage sum)."""
    best = np.zeros(rows.shape[1])
    for _ in range(k):
        gains = np.maximum(rows, best).sum(axis=1) - best.sum()
        i = int(np.argmax(gains))
        if gains[i] <= 0:
            break
        best = np.maximum(best, rows[i])
    return float(best.sum())


def oracle_ioi_search(
    vectors: Sequence[ScoreVector], subtasks: Sequence[str], k: int, node_limit: int = ORACLE_NODE_LIMIT
) -> tuple[float, bool]:
    """(best task score any k candidates reach, whether that is proven optimal).

    Only the non-dominated distinct vectors matter. With k at least the number of subtasks that anyone scores
    on, one best candidate per subtask reaches the sum of the per-subtask maxima. Otherwise a depth-first
    branch and bound over sets of at most k frontier vectors, seeded with the greedy answer; when it would
    visit more than `node_limit` nodes it stops and returns the best set found (never below greedy), marked
    not proven."""
    if k <= 0 or not vectors or not subtasks:
        return 0.0, True
    scores = _matrix(vectors, subtasks)
    maxima = scores.max(axis=0)
    useful = int((maxima > 0).sum())
    if k >= useful:
        return float(maxima.sum()), True
    rows = _frontier(scores)
    if k >= len(rows):
        return float(maxima.sum()), True
    best_value = _greedy(rows, k)
    m = len(rows)
    # suffix_max[i] = per-subtask maxima of rows[i:]: what every remaining row together could reach.
    suffix_max = np.zeros((m + 1, rows.shape[1]))
    for i in range(m - 1, -1, -1):
        suffix_max[i] = np.maximum(suffix_max[i + 1], rows[i])
    nodes = 0
    proven = True

    # Sets are visited once each, as increasing index sequences.
    def dfs(start: int, current: np.ndarray, left: int) -> None:
        nonlocal best_value, nodes, proven
        value = float(current.sum())
        best_value = max(best_value, value)
        if left == 0 or start >= m or not proven:
            return
        nodes += 1
        if nodes > node_limit:
            proven = False
            return
        # Two upper bounds: all remaining rows at once, and the sum of the `left` largest single-row gains
        # (adding a set gains at most the sum of its rows' gains, since the score is a sum of maxima).
        gains = np.maximum(rows[start:], current).sum(axis=1) - value
        top = float(np.sort(gains)[::-1][:left].sum())
        if min(float(np.maximum(current, suffix_max[start]).sum()), value + top) <= best_value + 1e-9:
            return
        for i in range(start, m):
            if np.maximum(current, suffix_max[i]).sum() <= best_value + 1e-9:
                break  # the bound only shrinks as i grows
            if gains[i - start] > 0:
                dfs(i + 1, np.maximum(current, rows[i]), left - 1)
            if not proven:
                return

    dfs(0, np.zeros(rows.shape[1]), k)
    return best_value, proven


def oracle_ioi(vectors: Sequence[ScoreVector], subtasks: Sequence[str], k: int) -> float:
    """The best IOI task score any k of the candidates reach (see oracle_ioi_search for how)."""
    return oracle_ioi_search(vectors, subtasks, k)[0]


def random_expected_codeforces(accepted: Sequence[bool], k: int) -> float:
    """P(at least one of k distinct uniformly drawn candidates is accepted) = 1 - C(n-a, k) / C(n, k)."""
    n, a = len(accepted), sum(1 for x in accepted if x)
    if n == 0 or k <= 0 or a == 0:
        return 0.0
    if k > n - a:
        return 1.0
    # C(n-a, k)/C(n, k) as a product of k ratios below 1: no overflow, no cancellation in the factors.
    log_none = sum(math.log((n - a - j) / (n - j)) for j in range(k))
    return 1.0 - math.exp(log_none)


def oracle_codeforces(accepted: Sequence[bool], k: int) -> float:
    """1 when some candidate is accepted and at least one submission is allowed, else 0."""
    return 1.0 if k >= 1 and any(accepted) else 0.0
