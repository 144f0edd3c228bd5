"""Deterministic test generator for Solar Farm: `python3 generator/gen.py` rewrites data/secret/.

Answers are exact: Dinkelbach's method on integers (lambda = p/q, maximise sum(a*q - p*b) over
blocks of length >= K) until the best value is 0; the fraction is then rounded to 9 decimals.
"""

from __future__ import annotations

import random
import shutil
from itertools import accumulate
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "secret"
POINTS = {"group1": 15, "group2": 25, "group3": 20, "group4": 40}
INCLUDES = {
    "group1": [],
    "group2": ["group1"],
    "group3": [],
    "group4": ["group1", "group2", "group3"],
}


def best_block(a: list[int], b: list[int], k: int) -> tuple[int, int, int]:
    """(numerator, denominator, length) of a most efficient block of length >= k."""
    n = len(a)
    pa = list(accumulate(a, initial=0))
    pb = list(accumulate(b, initial=0))
    p, q, length = 0, 1, 0
    while True:
        prefix = list(accumulate((x * q - p * y for x, y in zip(a, b, strict=True)), initial=0))
        best, best_i, best_j = None, 0, 0
        low, low_i = prefix[0], 0
        for j in range(k, n + 1):
            if prefix[j - k] < low:
                low, low_i = prefix[j - k], j - k
            value = prefix[j] - low
            if best is None or value > best:
                best, best_i, best_j = value, low_i, j
        if best <= 0 and length:
            return p, q, length
        p, q = pa[best_j] - pa[best_i], pb[best_j] - pb[best_i]
        length = best_j - best_i
        if best <= 0:  # the starting lambda 0 was already optimal (all a are 0)
            return p, q, length


def decimal(p: int, q: int) -> str:
    scaled = (p * 10**9 * 2 + q) // (2 * q)  # round half up
    return f"{scaled // 10**9}.{scaled % 10**9:09d}"


def uniform(n: int, k: int, amax: int, bmax: int, rng: random.Random) -> tuple[list[int], list[int], int]:
    return [rng.randint(0, amax) for _ in range(n)], [rng.randint(1, bmax) for _ in range(n)], k


def twin_gems(n: int, k: int, rng: random.Random) -> tuple[list[int], list[int], int]:
    """Mediocre panels around two short excellent stretches whose starts are K apart.

    Any block of exactly K panels covers only one stretch's worth of excellent panels, the
    block spanning both has twice as many: the best block is longer than K.
    """
    a = [rng.randint(0, 300) for _ in range(n)]
    b = [rng.randint(500, 1000) for _ in range(n)]
    gem = max(1, k // 4)
    start = rng.randrange(n - k - gem + 1)
    for i in [*range(start, start + gem), *range(start + k, start + k + gem)]:
        a[i], b[i] = rng.randint(900, 1000), rng.randint(1, 20)
    return a, b, k


def smooth(n: int, k: int, rng: random.Random) -> tuple[list[int], list[int], int]:
    """Slowly drifting efficiency, so that many blocks have nearly the same value."""
    a, b = [], []
    level = 500
    for _ in range(n):
        level = min(1000, max(1, level + rng.randint(-3, 3)))
        a.append(min(1000, max(0, level + rng.randint(-2, 2))))
        b.append(rng.randint(480, 520))
    return a, b, k


def own_tests(rng: random.Random) -> dict[str, list[tuple[str, tuple[list[int], list[int], int]]]]:
    # The first own test of group2 / group3 / group4 stops the cubic / quadratic solutions early.
    return {
        "group1": [
            ("random", uniform(300, 5, 1000, 1000, rng)),
            ("twin-gems", twin_gems(300, 12, rng)),
            ("whole", uniform(300, 300, 1000, 1000, rng)),
            ("single", uniform(1, 1, 1000, 1000, rng)),
            ("zeros", ([0] * 250, [rng.randint(1, 1000) for _ in range(250)], 7)),
            ("smooth", smooth(300, 40, rng)),
        ],
        "group2": [
            ("random-max", uniform(5000, 30, 1000, 1000, rng)),
            ("twin-gems", twin_gems(5000, 100, rng)),
            ("smooth", smooth(4000, 700, rng)),
        ],
        "group3": [
            ("random-max", uniform(100_000, 1, 99, 99, rng)),
            ("ones", ([1000] * 2000, [1000] * 2000, 1)),
            ("random", uniform(10_000, 1, 1000, 1000, rng)),
        ],
        "group4": [
            ("twin-gems-max", twin_gems(100_000, 500, rng)),
            ("smooth", smooth(10_000, 2500, rng)),
            ("random-small-k", uniform(10_000, 2, 1000, 1000, rng)),
        ],
    }


def write_test(path: Path, test: tuple[list[int], list[int], int]) -> tuple[int, int]:
    a, b, k = test
    path.with_suffix(".in").write_text(f"{len(a)} {k}\n{' '.join(map(str, a))}\n{' '.join(map(str, b))}\n")
    p, q, length = best_block(a, b, k)
    path.with_suffix(".ans").write_text(decimal(p, q) + "\n")
    return k, length


def write_testdata(folder: Path, points: int) -> None:
    folder.joinpath("testdata.yaml").write_text(
        f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n"
    )


def main() -> None:
    rng = random.Random(7_2024)
    tests = own_tests(rng)
    for group in POINTS:
        shutil.rmtree(DATA / group, ignore_errors=True)
    for group, points in POINTS.items():
        folder = DATA / group
        folder.mkdir(parents=True)
        write_testdata(folder, points)
        number = 0
        for included in INCLUDES[group]:
            for source in sorted((DATA / included).glob("*.in")):
                if source.is_symlink():
                    continue  # already reached through the group that owns it
                number += 1
                name = f"{number:03d}-{source.stem[4:]}"
                for suffix in (".in", ".ans"):
                    link = folder / (name + suffix)
                    link.symlink_to(Path("..") / included / (source.stem + suffix))
        tag = "g" + group.removeprefix("group")
        for desc, test in tests[group]:
            number += 1
            k, length = write_test(folder / f"{number:03d}-{tag}-{desc}", test)
            print(f"{group}/{desc}: K={k} best block length={length}")


if __name__ == "__main__":
    main()
