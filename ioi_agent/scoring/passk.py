"""pass@k and n@k: how often a pool of samples solves a problem, as the Codex and AlphaCode papers define it.

- pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained on Code"): the probability that at
  least one of k samples drawn *without* replacement from n samples, c of them correct, is correct:
  1 − C(n−c, k) / C(n, k). Computed as the product 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which never forms the
  huge binomials (exact up to float rounding for any n).
- n@k (Li et al. 2022, "Competition-level code generation with AlphaCode"): the fraction of problems solved
  when n submissions are chosen from k samples by the selection procedure (filter on the public examples,
  then cluster). AlphaCode estimates it from a larger pool by bootstrap; `n_at_k_bootstrap` documents the
  exact procedure used here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of n samples with c correct: 1 − C(n−c, k)/C(n, k) (requires 1 <= k <= n)."""
    if n < 1 or not 0 <= c <= n:
        raise ValueError(f"pass@k needs n >= 1 and 0 <= c <= n (got n={n}, c={c})")
    if not 1 <= k <= n:
        raise ValueError(f"pass@k needs 1 <= k <= n (got k={k}, n={n})")
    if n - c < k:
        return 1.0  # every k-subset holds a correct sample
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=np.float64)))


def pass_at_k_table(n: int, c: int, ks: Sequence[int] = (1, 10, 100)) -> dict[str, float]:
    """{"pass@k": value} for each k in ks that the pool is large enough for (k <= n)."""
    return {f"pass@{k}": pass_at_k(n, c, k) for k in ks if 1 <= k <= n}


def n_at_k_bootstrap(
    passes: Sequence[bool],
    filter_ok: Sequence[bool],
    cluster_ids: Sequence[int | str] | None,
    n: int,
    k: int,
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """n@k of one problem by bootstrap over a pool of N samples; returns (mean, standard error).

    `passes[i]`: sample i solves the problem (hidden tests); `filter_ok[i]`: it passes every public example;
    `cluster_ids[i]`: its cluster (same behaviour on generated inputs), or None for no clustering.

    Each of `resamples` rounds, with one `numpy.random.default_rng(seed)` for all rounds:
    1. draw k samples from the pool uniformly *with replacement* (the bootstrap: the pool stands in for
       the model; k may exceed N), a sample drawn twice counts as two submissions-to-be;
    2. keep the draws with `filter_ok`; if none is kept, the round scores 0 (nothing is submitted, as in
       AlphaCode, where filtering can leave no sample);
    3. choose n of the kept draws (all of them when fewer than n are kept):
       - without clusters: n uniformly at random, without repeating a draw;
       - with clusters: clusters are ranked by the number of kept draws they hold, largest first, ties in
         random order; the first pass takes one random member of each cluster in rank order, the next
         pass another random not yet chosen member of each cluster that has one left, and so on (wrapping
         around, as AlphaCode does when n exceeds the number of clusters) until n are chosen;
    4. the round scores 1 if any chosen draw `passes`, else 0.
    mean = the average round score; standard error = the rounds' sample standard deviation / √resamples
    (the Monte Carlo error of the estimate given this pool, not the model's sampling variance).
    """
    passes_a = np.asarray(passes, dtype=bool)
    filter_a = np.asarray(filter_ok, dtype=bool)
    size = len(passes_a)
    if size == 0:
        raise ValueError("n@k needs a non-empty pool")
    if len(filter_a) != size or (cluster_ids is not None and len(cluster_ids) != size):
        raise ValueError("passes, filter_ok and cluster_ids must have one entry per sample")
    if n < 1 or k < 1 or resamples < 1:
        raise ValueError(f"n@k needs n >= 1, k >= 1 and resamples >= 1 (got n={n}, k={k}, {resamples})")
    codes = None
    if cluster_ids is not None:
        # Any hashable ids (strings or ints) become small integers, one per distinct cluster.
        _, codes = np.unique(np.asarray([str(c) for c in cluster_ids]), return_inverse=True)
    rng = np.random.default_rng(seed)
    outcomes = np.zeros(resamples, dtype=np.float64)
    for r in range(resamples):
        draw = rng.integers(0, size, size=k)
        kept = draw[filter_a[draw]]
        if kept.size == 0:
            continue
        if kept.size <= n:
            chosen = kept
        elif codes is None:
            chosen = rng.choice(kept, size=n, replace=False)
        else:
            chosen = kept[_cluster_order(codes[kept], rng)[:n]]
        outcomes[r] = float(passes_a[chosen].any())
    mean = float(outcomes.mean())
    stderr = float(outcomes.std(ddof=1) / np.sqrt(resamples)) if resamples > 1 else 0.0
    return mean, stderr


def _cluster_order(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions into `codes` in submission order: round j takes the j-th (random) member of each cluster,
    clusters by size descending with random tie-breaks."""
    uniq, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    tie = rng.random(len(uniq))
    by_size = np.lexsort((tie, -counts))  # last key is the primary one
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[by_size] = np.arange(len(uniq))
    # Random position of each member within its cluster: sort by (cluster, random key), then count.
    within_key = rng.random(len(codes))
    grouped = np.lexsort((within_key, inverse))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    member_round = np.empty(len(codes), dtype=np.int64)
    member_round[grouped] = np.arange(len(codes)) - starts[inverse[grouped]]
    return np.lexsort((rank[inverse], member_round))
