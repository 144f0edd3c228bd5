"""expected.py against brute-force enumeration of every k-subset on small random pools."""

from __future__ import annotations

import math
import random
from itertools import combinations

import pytest

from ioi_agent.scoring.ioi import task_score
from ioi_agent.selection.expected import (
    oracle_codeforces,
    oracle_ioi,
    oracle_ioi_search,
    order_statistic_weights,
    random_expected_codeforces,
    random_expected_ioi,
)


def _random_pool(rng: random.Random, n: int, subtasks: list[str]) -> list[dict[str, float] | None]:
    points = {s: rng.choice([5.0, 10.0, 25.0]) for s in subtasks}
    pool: list[dict[str, float] | None] = []
    for _ in range(n):
        if rng.random() < 0.15:
            pool.append(None)
            continue
        # Mostly 0 or full, sometimes partial credit, as GroupMin with partial checkers gives.
        pool.append({s: points[s] * rng.choice([0.0, 0.0, 1.0, 1.0, 0.5, rng.random()]) for s in subtasks})
    return pool


def _brute_mean(pool, subtasks, k):
    k = min(k, len(pool))
    sets = list(combinations(pool, k))
    return sum(task_score(c, subtasks) for c in sets) / len(sets)


def _brute_best(pool, subtasks, k):
    k = min(k, len(pool))
    return max(task_score(c, subtasks) for c in combinations(pool, k))


@pytest.mark.parametrize("case", range(40))
def test_random_expected_ioi_matches_enumeration(case: int) -> None:
    rng = random.Random(case)
    subtasks = [f"s{i}" for i in range(rng.randint(1, 4))]
    pool = _random_pool(rng, rng.randint(1, 8), subtasks)
    for k in range(1, len(pool) + 2):
        assert random_expected_ioi(pool, subtasks, k) == pytest.approx(
            _brute_mean(pool, subtasks, k), abs=1e-9
        )


@pytest.mark.parametrize("case", range(40))
def test_oracle_ioi_matches_enumeration(case: int) -> None:
    rng = random.Random(1000 + case)
    subtasks = [f"s{i}" for i in range(rng.randint(1, 5))]
    pool = _random_pool(rng, rng.randint(1, 9), subtasks)
    for k in range(1, len(pool) + 2):
        value, proven = oracle_ioi_search(pool, subtasks, k)
        assert proven
        assert value == pytest.approx(_brute_best(pool, subtasks, k), abs=1e-9)


def test_oracle_beats_greedy_when_specialists_pair_up() -> None:
    # Greedy takes the generalist first (24) and then gains only 8; two specialists reach 40.
    subtasks = ["a", "b", "c", "d"]
    pool = [
        {"a": 6, "b": 6, "c": 6, "d": 6},
        {"a": 10, "b": 10, "c": 0, "d": 0},
        {"a": 0, "b": 0, "c": 10, "d": 10},
    ]
    assert oracle_ioi(pool, subtasks, 1) == 24
    assert oracle_ioi(pool, subtasks, 2) == 40
    assert oracle_ioi(pool, subtasks, 3) == 40


def test_oracle_node_limit_returns_a_reachable_lower_bound() -> None:
    rng = random.Random(7)
    subtasks = [f"s{i}" for i in range(8)]
    pool = [{s: rng.random() * 10 for s in subtasks} for _ in range(60)]
    exact, proven = oracle_ioi_search(pool, subtasks, 3)
    assert proven
    capped, capped_proven = oracle_ioi_search(pool, subtasks, 3, node_limit=1)
    assert not capped_proven
    assert 0 < capped <= exact + 1e-9


def test_weights_are_a_distribution_and_survive_large_pools() -> None:
    for n, k in [(1, 1), (5, 2), (30, 7), (10_000, 50), (10_000, 9_999)]:
        w = order_statistic_weights(n, k)
        assert w.sum() == pytest.approx(1.0, abs=1e-9)
        assert (w >= 0).all()
    w = order_statistic_weights(40, 6)
    for i in range(1, 41):
        assert w[i - 1] == pytest.approx(math.comb(i - 1, 5) / math.comb(40, 6), rel=1e-12, abs=1e-300)
    # 10,000 candidates, one in a hundred solves the single subtask: 1 - C(9900, 50) / C(10000, 50).
    pool = [{"s": 100.0 if i % 100 == 0 else 0.0} for i in range(10_000)]
    exact = 1 - math.comb(9900, 50) / math.comb(10_000, 50)
    assert random_expected_ioi(pool, ["s"], 50) == pytest.approx(100 * exact, rel=1e-9)


def test_edges() -> None:
    assert random_expected_ioi([], ["s"], 5) == 0.0
    assert random_expected_ioi([{"s": 3.0}], ["s"], 0) == 0.0
    assert random_expected_ioi([None, None], ["s"], 2) == 0.0
    assert oracle_ioi([None, {"s": 3.0}], ["s"], 1) == 3.0
    assert oracle_ioi([{"s": 3.0}], ["s"], 0) == 0.0
    # A subtask a vector does not mention scores 0 there.
    assert random_expected_ioi([{"a": 4.0}, {"b": 2.0}], ["a", "b"], 1) == pytest.approx(3.0)


@pytest.mark.parametrize("case", range(30))
def test_codeforces_matches_enumeration(case: int) -> None:
    rng = random.Random(5000 + case)
    accepted = [rng.random() < 0.3 for _ in range(rng.randint(1, 9))]
    for k in range(0, len(accepted) + 2):
        kk = min(k, len(accepted))
        sets = list(combinations(accepted, kk)) if kk else []
        brute = sum(any(c) for c in sets) / len(sets) if sets else 0.0
        assert random_expected_codeforces(accepted, k) == pytest.approx(brute, abs=1e-12)
        best = max((any(c) for c in sets), default=False)
        assert oracle_codeforces(accepted, k) == float(best)


def test_codeforces_large_pool() -> None:
    accepted = [i % 1000 == 0 for i in range(10_000)]  # 10 accepted
    expected = 1 - math.comb(9990, 10) / math.comb(10_000, 10)
    assert random_expected_codeforces(accepted, 10) == pytest.approx(expected, rel=1e-12)
