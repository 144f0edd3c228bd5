"""pass@k against brute-force enumeration and exact binomials; n@k bootstrap: its limits, the public filter,
clustering order and seeded reproducibility."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from ioi_agent.scoring.passk import _cluster_order, n_at_k_bootstrap, pass_at_k, pass_at_k_table


def brute_pass_at_k(n: int, c: int, k: int) -> float:
    """The share of k-subsets of n samples (the first c correct) holding a correct one."""
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(i < c for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize("n", range(1, 9))
def test_pass_at_k_matches_enumeration(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_pass_at_k(n, c, k), abs=1e-12), (n, c, k)


@pytest.mark.parametrize(("n", "c", "k"), [(200, 3, 10), (1000, 1, 100), (5000, 2500, 100), (3000, 7, 1)])
def test_pass_at_k_is_exact_for_large_pools(n: int, c: int, k: int) -> None:
    exact = 1 - Fraction(math.comb(n - c, k), math.comb(n, k))
    assert pass_at_k(n, c, k) == pytest.approx(float(exact), rel=1e-9, abs=1e-12)


def test_pass_at_k_edges_and_errors() -> None:
    assert pass_at_k(10, 0, 5) == 0.0
    assert pass_at_k(10, 6, 5) == 1.0  # n - c < k: every subset holds a correct sample
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    for bad in [(0, 0, 1), (5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6)]:
        with pytest.raises(ValueError):
            pass_at_k(*bad)
    assert set(pass_at_k_table(12, 3)) == {"pass@1", "pass@10"}
    assert set(pass_at_k_table(100, 3)) == {"pass@1", "pass@10", "pass@100"}
    assert pass_at_k_table(12, 3)["pass@1"] == pytest.approx(0.25)


def test_n_at_k_all_correct_and_none_correct() -> None:
    ok = [True] * 6
    assert n_at_k_bootstrap([True] * 6, ok, None, 1, 6, resamples=200) == (1.0, 0.0)
    assert n_at_k_bootstrap([False] * 6, ok, None, 10, 6, resamples=200) == (0.0, 0.0)
    assert n_at_k_bootstrap([True] * 6, ok, [0, 0, 1, 1, 2, 2], 1, 6, resamples=200) == (1.0, 0.0)


def test_public_filter_removes_every_wrong_candidate() -> None:
    passes = [True] + [False] * 9
    # Without a filter, one random submission out of k solves one time in ten.
    unfiltered, err = n_at_k_bootstrap(passes, [True] * 10, None, 1, 200, resamples=2000, seed=1)
    assert abs(unfiltered - 0.1) < 5 * err + 1e-9
    # The filter keeps exactly the correct one: it is in 200 draws all but 0.9**200 of the time.
    filtered, err = n_at_k_bootstrap(passes, passes, None, 1, 200, resamples=2000, seed=1)
    assert filtered == 1.0 and err == 0.0
    # Nothing passes the filter: nothing is submitted.
    assert n_at_k_bootstrap(passes, [False] * 10, None, 10, 50, resamples=100) == (0.0, 0.0)


def test_n_at_k_matches_closed_forms() -> None:
    passes = [True] * 3 + [False] * 7
    ok = [True] * 10
    # n >= k: every draw is submitted, solved iff a correct one was drawn: 1 - 0.7**k.
    mean, err = n_at_k_bootstrap(passes, ok, None, 10, 4, resamples=4000, seed=3)
    assert abs(mean - (1 - 0.7**4)) < 5 * err
    # n = 1 of k random draws: the chosen one is correct with probability 0.3 whatever k is.
    mean, err = n_at_k_bootstrap(passes, ok, None, 1, 25, resamples=4000, seed=3)
    assert abs(mean - 0.3) < 5 * err
    assert 0 < err < 0.02


def test_clusters_are_submitted_largest_first() -> None:
    # Two wrong behaviours shared by many samples, one correct sample alone in its cluster.
    passes = [False] * 6 + [False] * 3 + [True]
    clusters = ["a"] * 6 + ["b"] * 3 + ["c"]
    ok = [True] * 10
    k = 400  # every cluster is drawn, sizes close to 6:3:1
    assert n_at_k_bootstrap(passes, ok, clusters, 2, k, resamples=300)[0] == 0.0
    assert n_at_k_bootstrap(passes, ok, clusters, 3, k, resamples=300)[0] == 1.0
    # Without clusters 3 random submissions find it 1 - 0.9**3 = 27% of the time.
    mean, err = n_at_k_bootstrap(passes, ok, None, 3, k, resamples=1000)
    assert abs(mean - (1 - 0.9**3)) < 5 * err
    # The largest cluster is the correct one: one submission suffices.
    flipped = [True] * 6 + [False] * 4
    assert n_at_k_bootstrap(flipped, ok, clusters, 1, k, resamples=300)[0] == 1.0


def test_cluster_order_wraps_around() -> None:
    codes = np.array([2, 0, 1, 0, 0, 1])  # cluster 0: 3 members, 1: 2, 2: 1
    rng = np.random.default_rng(0)
    for _ in range(20):
        order = _cluster_order(codes, rng)
        assert sorted(order.tolist()) == list(range(6))  # each draw once
        assert codes[order].tolist() == [0, 1, 2, 0, 1, 0]  # largest first, then around again


def test_cluster_ties_are_broken_at_random() -> None:
    codes = np.array([0, 1, 2, 3])
    rng = np.random.default_rng(0)
    firsts = {int(codes[_cluster_order(codes, rng)[0]]) for _ in range(60)}
    assert firsts == {0, 1, 2, 3}


def test_n_at_k_is_reproducible_with_its_seed() -> None:
    passes = [True, False, False, True, False, False, False]
    ok = [True, True, False, True, True, False, True]
    a = n_at_k_bootstrap(passes, ok, None, 1, 5, resamples=500, seed=7)
    assert a == n_at_k_bootstrap(passes, ok, None, 1, 5, resamples=500, seed=7)
    others = {n_at_k_bootstrap(passes, ok, None, 1, 5, resamples=500, seed=s) for s in range(8, 12)}
    assert others - {a}, "different seeds gave the very same estimate every time"
    clustered = n_at_k_bootstrap(passes, ok, [1, 2, 3, 1, 2, 3, 4], 2, 5, resamples=300, seed=5)
    assert clustered == n_at_k_bootstrap(passes, ok, [1, 2, 3, 1, 2, 3, 4], 2, 5, resamples=300, seed=5)


def test_n_at_k_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        n_at_k_bootstrap([], [], None, 1, 1)
    with pytest.raises(ValueError):
        n_at_k_bootstrap([True, False], [True], None, 1, 2)
    with pytest.raises(ValueError):
        n_at_k_bootstrap([True], [True], [1, 2], 1, 2)
    with pytest.raises(ValueError):
        n_at_k_bootstrap([True], [True], None, 0, 2)
