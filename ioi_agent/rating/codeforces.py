"""The official Codeforces rating update, vectorised with numpy.

Definitions (BRIEF section 6, Mike Mirzayanov's published algorithm, codeforces.com/blog/entry/20762):
P(a beats b) = 1/(1+10^((b-a)/400)); seed_i = 1 + sum_{j!=i} P(j beats i); m_i = sqrt(seed_i * rank_i);
R_i = the rating whose seed against the others equals m_i; d_i = trunc((R_i - r_i)/2); then two
zero-sum corrections. Tied contestants take the last place of their tie group.

Speed: ratings are integers, so the seed of any integer rating y against the whole field is one value of
a convolution of the rating histogram with the win-probability kernel. One table over every rating the
searches can visit then answers each probe in O(1), and every bisection runs over all contestants at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from ioi_agent.rating.io import Contestant, RatingChange

NEW_ACCOUNT_RATING = 1400
# Bisection bounds of the official code for R_i: it returns the largest y in [1, 7999] meeting the seed.
NEED_LOW, NEED_HIGH = 1, 8000
# Performance search range [low, high): the range carrot's published performances were computed over.
PERF_LOW, PERF_HIGH = -500, 6000


@dataclass(frozen=True)
class _Field:
    """Seeds of every integer rating in [low, low + len(seed)) against the whole field."""

    low: int
    seed: np.ndarray  # seed[y - low] = 1 + sum over all contestants j of P(j beats y)
    win: np.ndarray  # win[b - a + span] = P(a beats b)
    span: int

    def p_beats(self, a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
        return self.win[np.asarray(b) - np.asarray(a) + self.span]

    def seed_without(self, y: np.ndarray, own: np.ndarray) -> np.ndarray:
        """Seed of rating y against everyone but the contestant whose rating is `own`."""
        return self.seed[y - self.low] - self.p_beats(own, y)


def _build_field(ratings: np.ndarray) -> _Field:
    low = min(PERF_LOW, int(ratings.min()))
    high = max(NEED_HIGH, PERF_HIGH, int(ratings.max()))
    span = high - low
    diffs = np.arange(-span, span + 1, dtype=np.float64)
    win = 1.0 / (1.0 + np.power(10.0, diffs / 400.0))
    rmin = int(ratings.min())
    counts = np.bincount(ratings - rmin).astype(np.float64)
    # conv[n] = sum_k counts[k] * win[n - k]; rating y sits at n = y - rmin + span.
    conv = np.convolve(counts, win)
    start = low - rmin + span
    seed = 1.0 + conv[start : start + span + 1]
    return _Field(low=low, seed=seed, win=win, span=span)


def _trunc_div(a: np.ndarray | int, b: int) -> np.ndarray:
    """Integer division rounding toward zero, as Java's `/` on ints does (numpy's // floors)."""
    a = np.asarray(a, dtype=np.int64)
    return np.sign(a) * (np.abs(a) // b)


def _need_ratings(field: _Field, target: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The official bisection for R, run for all contestants together (same probes, same result)."""
    left = np.full(target.shape, NEED_LOW, dtype=np.int64)
    right = np.full(target.shape, NEED_HIGH, dtype=np.int64)
    while True:
        open_ = right - left > 1
        if not open_.any():
            return left
        mid = (left + right) // 2
        below = field.seed_without(mid, own) < target
        right = np.where(open_ & below, mid, right)
        left = np.where(open_ & ~below, mid, left)


def _own_deltas(field: _Field, own: np.ndarray, ranks: np.ndarray, assumed: np.ndarray) -> np.ndarray:
    """d_i if contestant i had rating `assumed` while the others keep theirs (before corrections)."""
    seed = field.seed_without(assumed, own)
    need = _need_ratings(field, np.sqrt(ranks * seed), own)
    return _trunc_div(need - assumed, 2)


def _correction(deltas: np.ndarray, ratings: np.ndarray, order: np.ndarray) -> int:
    """The two zero-sum corrections added to everyone; `order` breaks equal ratings (by place)."""
    n = len(deltas)
    inc = int(_trunc_div(-int(deltas.sum()), n)) - 1
    top_count = min(4 * math.floor(math.sqrt(n) + 0.5), n)  # Java Math.round: half up
    by_rating = np.lexsort((order, -ratings))[:top_count]
    top_sum = int(deltas[by_rating].sum()) + inc * top_count
    inc_top = min(max(int(_trunc_div(-top_sum, top_count)), -10), 0)
    return inc + inc_top


def used_places(shown_ranks: np.ndarray) -> np.ndarray:
    """Place the formula uses: the last place of the tie group (API ranks 36, 36, 38 -> 37, 37, 38)."""
    order = np.argsort(shown_ranks, kind="stable")
    sorted_ranks = shown_ranks[order]
    places = np.empty_like(shown_ranks)
    places[order] = np.searchsorted(sorted_ranks, sorted_ranks, side="right")
    return places


@dataclass(frozen=True)
class Update:
    """Arrays in input order: place used, rating change, performance (None: unbounded)."""

    places: np.ndarray
    deltas: np.ndarray
    performances: list[int | None]


def rating_update(
    ratings: Sequence[int], shown_ranks: Sequence[int], exact_performance: bool = False
) -> Update:
    """The update for integer ratings (new accounts already at 1400) and API-style ranks.

    Performance is the smallest rating in [PERF_LOW, PERF_HIGH) at which the change would be <= 0; a
    sole winner's is unbounded (None). By default the corrections of the actual contest are held fixed
    (O(n log) in all); `exact_performance` recomputes the whole contest for every probe, as in carrot's
    reference values, costing O(n^2 log) and meant for contests of a few thousand. Both agree on
    carrot's round 1349; on round 917 three of 423 differ by 2-4 points. Last places get small
    performances near 0 because the official bisection never returns an R below 1.
    """
    r = np.asarray(ratings, dtype=np.int64)
    shown = np.asarray(shown_ranks, dtype=np.int64)
    if len(r) == 0:
        return Update(places=r.copy(), deltas=r.copy(), performances=[])
    places = used_places(shown)
    order = np.empty_like(shown)
    order[np.argsort(shown, kind="stable")] = np.arange(len(shown))
    field = _build_field(r)
    raw = _own_deltas(field, r, places.astype(np.float64), r)
    correction = _correction(raw, r, order)
    deltas = raw + correction
    fast = _fast_performances(field, r, places, correction)
    if exact_performance:
        perfs = _exact_performances(field, r, places, order, fast)
    else:
        perfs = fast
    performances = [None if p is None else int(p) for p in perfs]
    return Update(places=places, deltas=deltas, performances=performances)


def _fast_performances(field: _Field, r: np.ndarray, places: np.ndarray, correction: int) -> list[int | None]:
    """First x in [PERF_LOW, PERF_HIGH) with own delta(x) + correction <= 0, bisected for all at once."""
    ranks = places.astype(np.float64)
    lo = np.full(r.shape, PERF_LOW, dtype=np.int64)
    hi = np.full(r.shape, PERF_HIGH, dtype=np.int64)
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        ok = _own_deltas(field, r, ranks, mid) + correction <= 0
        hi = np.where(active & ok, mid, hi)
        lo = np.where(active & ~ok, mid + 1, lo)
    return [None if place == 1 else int(x) for place, x in zip(places.tolist(), lo.tolist(), strict=True)]


def _exact_performances(
    field: _Field, r: np.ndarray, places: np.ndarray, order: np.ndarray, fast: list[int | None]
) -> list[int | None]:
    ranks = places.astype(np.float64)
    grid = np.arange(field.low, field.low + len(field.seed), dtype=np.int64)
    out: list[int | None] = []
    for i, guess in enumerate(fast):
        if guess is None:
            out.append(None)
            continue

        def full_delta(x: int, i: int = i) -> bool:
            # Contestant i at rating x moves everyone's seeds and so the corrections too.
            moved = r.copy()
            moved[i] = x
            seed = field.seed + field.p_beats(x, grid) - field.p_beats(r[i], grid)
            deltas = _own_deltas(replace(field, seed=seed), moved, ranks, moved)
            return int(deltas[i]) + _correction(deltas, moved, order) <= 0

        out.append(_first_true(full_delta, guess, PERF_LOW, PERF_HIGH))
    return out


def _first_true(pred: Callable[[int], bool], guess: int, lo: int, hi: int) -> int:
    """Smallest x in [lo, hi) with pred(x) (monotone false..true), hi if none; gallops from guess."""
    guess = min(max(guess, lo), hi - 1)
    if pred(guess):
        true_at, step = guess, 1
        false_at = lo - 1
        while true_at - step >= lo:
            probe = true_at - step
            if not pred(probe):
                false_at = probe
                break
            true_at, step = probe, step * 2
    else:
        false_at, step = guess, 1
        true_at = hi
        while false_at + step < hi:
            probe = false_at + step
            if pred(probe):
                true_at = probe
                break
            false_at, step = probe, step * 2
    while true_at - false_at > 1:
        mid = (true_at + false_at) // 2
        if pred(mid):
            true_at = mid
        else:
            false_at = mid
    return true_at


def compute_rating_changes(
    contestants: Sequence[Contestant], exact_performance: bool = False
) -> list[RatingChange]:
    """Official rating changes, ordered by place; new accounts (no old rating) count as 1400."""
    ratings = [NEW_ACCOUNT_RATING if c.old_rating is None else c.old_rating for c in contestants]
    update = rating_update(ratings, [c.rank for c in contestants], exact_performance)
    changes = [
        RatingChange(
            handle=c.handle,
            rank=int(place),
            shown_rank=c.rank,
            old_rating=old,
            new_account=c.old_rating is None,
            delta=int(delta),
            new_rating=old + int(delta),
            performance=perf,
            official_delta=c.official_delta,
        )
        for c, old, place, delta, perf in zip(
            contestants,
            ratings,
            update.places.tolist(),
            update.deltas.tolist(),
            update.performances,
            strict=True,
        )
    ]
    return sorted(changes, key=lambda ch: (ch.rank, ch.shown_rank))


def reference_deltas(ratings: Sequence[int], shown_ranks: Sequence[int]) -> list[int]:
    """The algorithm as plain pairwise Python loops: a slow, independent check of `rating_update`."""
    n = len(ratings)

    def p_beats(a: float, b: float) -> float:
        return 1.0 / (1.0 + 10.0 ** ((b - a) / 400.0))

    ranked = sorted(range(n), key=lambda i: shown_ranks[i])
    place = [sum(1 for j in range(n) if shown_ranks[j] <= shown_ranks[i]) for i in range(n)]
    deltas = []
    for i in range(n):
        seed = 1.0 + sum(p_beats(ratings[j], ratings[i]) for j in range(n) if j != i)
        target = math.sqrt(seed * place[i])
        left, right = NEED_LOW, NEED_HIGH
        while right - left > 1:
            mid = (left + right) // 2
            if 1.0 + sum(p_beats(ratings[j], mid) for j in range(n) if j != i) < target:
                right = mid
            else:
                left = mid
        diff = left - ratings[i]
        deltas.append(int(diff / 2))
    total = sum(deltas)
    inc = int(-total / n) - 1
    deltas = [d + inc for d in deltas]
    top_count = min(4 * math.floor(math.sqrt(n) + 0.5), n)
    by_rating = sorted(range(n), key=lambda i: (-ratings[i], ranked.index(i)))[:top_count]
    top_sum = sum(deltas[i] for i in by_rating)
    inc_top = min(max(int(-top_sum / top_count), -10), 0)
    return [d + inc_top for d in deltas]
