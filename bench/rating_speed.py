"""Speed of the vectorised Codeforces rating update against the plain pairwise loop.

Run: python bench/rating_speed.py [--n 15000] [--naive-n 400]
The pairwise loop (`reference_deltas`) is timed on a smaller contest in the same run; its 15,000 figure is
an O(n^2) extrapolation and is labelled so. The vectorised timing includes performances, which the loop
does not compute, so the ratio understates the gain.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from ioi_agent.rating.codeforces import rating_update, reference_deltas


def synthetic_contest(n: int, seed: int) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(seed)
    ratings = np.clip(rng.normal(1500, 450, n).round(), -50, 3900).astype(int).tolist()
    shown = np.sort(rng.integers(1, n + 1, n)).tolist()  # API-style ranks with ties
    return ratings, shown


def best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=15000)
    parser.add_argument("--naive-n", type=int, default=400)
    args = parser.parse_args()

    big = synthetic_contest(args.n, 1)
    small = synthetic_contest(args.naive_n, 2)
    vec_big = best_of(3, lambda: rating_update(*big))
    vec_small = best_of(3, lambda: rating_update(*small))
    naive_small = best_of(1, lambda: reference_deltas(*small))
    assert rating_update(*small).deltas.tolist() == reference_deltas(*small)
    naive_big = naive_small * (args.n / args.naive_n) ** 2

    print(f"vectorised, n={args.n}: {vec_big:.3f} s (deltas + performances, best of 3)")
    print(f"vectorised, n={args.naive_n}: {vec_small:.4f} s")
    print(f"pairwise Python loop, n={args.naive_n}: {naive_small:.2f} s (deltas only)")
    print(f"ratio at n={args.naive_n} (measured): {naive_small / vec_small:.0f}x")
    print(
        f"pairwise loop at n={args.n}, extrapolated O(n^2): {naive_big:.0f} s; ratio {naive_big / vec_big:.0f}x"
    )


if __name__ == "__main__":
    main()
