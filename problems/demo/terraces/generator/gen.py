"""Deterministic test generator for Terraces: `python3 generator/gen.py` rewrites data/secret/.

Answers are computed here in Python. Water left of the leftmost maximum m of [L, R] is
sum(prefix maxima from L over [L, m)) - sum(H[L..m-1]); the prefix-maxima sums follow the chain
of "next strictly higher" terraces, which passes through m. The right side is symmetric around
the rightmost maximum, and between the two maxima the water is flat.
"""

from __future__ import annotations

import random
import shutil
from itertools import accumulate
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "secret"
POINTS = {"group1": 10, "group2": 20, "group3": 30, "group4": 40}
INCLUDES = {"group1": [], "group2": [], "group3": [], "group4": ["group1", "group2", "group3"]}

Query = tuple[int, int]


class Solver:
    def __init__(self, h: list[int]) -> None:
        n = len(h)
        self.h = h
        self.prefix = list(accumulate(h, initial=0))
        # from_left[i] = sum over t >= i of max(h[i..t]); from_right[i + 1] = sum over t <= i of max(h[t..i])
        self.from_left = [0] * (n + 1)
        stack: list[int] = []
        for i in range(n - 1, -1, -1):
            while stack and h[stack[-1]] <= h[i]:
                stack.pop()
            nxt = stack[-1] if stack else n
            self.from_left[i] = h[i] * (nxt - i) + self.from_left[nxt]
            stack.append(i)
        self.from_right = [0] * (n + 1)
        stack = []
        for i in range(n):
            while stack and h[stack[-1]] <= h[i]:
                stack.pop()
            prv = stack[-1] if stack else -1
            self.from_right[i + 1] = h[i] * (i - prv) + self.from_right[prv + 1]
            stack.append(i)
        # sparse tables of (height, -index) for the leftmost maximum and (height, index) for the rightmost
        self.left_max = [[(v, -i) for i, v in enumerate(h)]]
        self.right_max = [[(v, i) for i, v in enumerate(h)]]
        step = 1
        while 2 * step <= n:
            for table in (self.left_max, self.right_max):
                last = table[-1]
                table.append([max(last[i], last[i + step]) for i in range(n - 2 * step + 1)])
            step *= 2

    def _range_max(self, table: list[list[tuple[int, int]]], lo: int, hi: int) -> tuple[int, int]:
        level = (hi - lo + 1).bit_length() - 1
        return max(table[level][lo], table[level][hi - (1 << level) + 1])

    def water(self, lo: int, hi: int) -> int:
        top, neg_m = self._range_max(self.left_max, lo, hi)
        m = -neg_m
        _, m2 = self._range_max(self.right_max, lo, hi)
        p = self.prefix
        left = self.from_left[lo] - self.from_left[m] - (p[m] - p[lo])
        right = self.from_right[hi + 1] - self.from_right[m2 + 1] - (p[hi + 1] - p[m2 + 1])
        middle = top * max(0, m2 - m - 1) - (p[m2] - p[m + 1] if m2 > m else 0)
        return left + middle + right


def random_queries(n: int, q: int, rng: random.Random) -> list[Query]:
    out = [(0, n - 1), (n - 1, n - 1)]
    while len(out) < q:
        lo, hi = sorted((rng.randrange(n), rng.randrange(n)))
        out.append((lo, hi))
    return out[:q]


def long_queries(n: int, q: int, rng: random.Random) -> list[Query]:
    """Sections covering most of the row: the worst case for per-query scanning."""
    edge = max(1, n // 10)
    return [(rng.randrange(edge), n - 1 - rng.randrange(edge)) for _ in range(q)]


def prefix_queries(n: int, q: int, rng: random.Random) -> list[Query]:
    out = [(0, n - 1), (0, 0)]
    out += [(0, n - 1 - rng.randrange(max(1, n // 4))) for _ in range(q // 2)]
    while len(out) < q:
        out.append((0, rng.randrange(n)))
    return out[:q]


def uniform(n: int, hmax: int, rng: random.Random) -> list[int]:
    return [rng.randint(0, hmax) for _ in range(n)]


def plateaus(n: int, hmax: int, rng: random.Random) -> list[int]:
    """Runs of equal heights: many sections have several highest terraces (ties)."""
    out: list[int] = []
    while len(out) < n:
        out.extend([rng.randint(0, hmax)] * rng.randint(1, 8))
    return out[:n]


def valleys(n: int, hmax: int, rng: random.Random) -> list[int]:
    """V-shaped valleys of random depth between ridges."""
    out: list[int] = []
    while len(out) < n:
        width = rng.randint(2, max(2, n // 20))
        ridge = rng.randint(hmax // 2, hmax)
        out.extend(abs(ridge - 2 * ridge * k // width) for k in range(width + 1))
    return out[:n]


def terraced_hill(n: int, hmax: int, rng: random.Random) -> list[int]:
    """A hill made of flat terraces with small dips, with a flat summit."""
    peak_lo, peak_hi = sorted(rng.sample(range(n), 2))
    out = []
    for i in range(n):
        if i < peak_lo:
            base = hmax * i // max(1, peak_lo)
        elif i > peak_hi:
            base = hmax * (n - 1 - i) // max(1, n - 1 - peak_hi)
        else:
            base = hmax
        out.append(max(0, base - rng.choice((0, 0, 0, 1, 2)) * max(1, hmax // 20)))
    return out


def own_tests(rng: random.Random) -> dict[str, list[tuple[str, list[int], list[Query]]]]:
    big = 10**9
    return {
        "group1": [
            ("random", uniform(300, big, rng), random_queries(300, 300, rng)),
            ("small-heights", uniform(300, 10, rng), random_queries(300, 300, rng)),
            ("plateaus", plateaus(300, 5, rng), random_queries(300, 300, rng)),
            ("valleys", valleys(300, big, rng), long_queries(300, 300, rng)),
            ("single", [rng.randint(0, big)], [(0, 0)]),
            ("flat", [42] * 300, random_queries(300, 300, rng)),
        ],
        "group2": [
            ("hill", terraced_hill(50_000, 1000, rng), prefix_queries(50_000, 10_000, rng)),
            ("random", uniform(6_000, big, rng), prefix_queries(6_000, 3_000, rng)),
            ("valleys", valleys(5_000, big, rng), prefix_queries(5_000, 2_000, rng)),
        ],
        "group3": [
            ("random-max", uniform(100_000, 10, rng), long_queries(100_000, 6_000, rng)),
            ("plateaus", plateaus(20_000, 10, rng), random_queries(20_000, 5_000, rng)),
            ("zero-ten", [rng.choice((0, 10)) for _ in range(10_000)], random_queries(10_000, 3_000, rng)),
        ],
        "group4": [
            ("hill", terraced_hill(40_000, 10**6, rng), long_queries(40_000, 6_000, rng)),
            ("valleys", valleys(6_000, big, rng), random_queries(6_000, 3_000, rng)),
            ("plateaus", plateaus(5_000, big, rng), random_queries(5_000, 3_000, rng)),
        ],
    }


def write_test(path: Path, h: list[int], queries: list[Query]) -> None:
    lines = [f"{len(h)} {len(queries)}", " ".join(map(str, h))]
    lines += [f"{lo} {hi}" for lo, hi in queries]
    path.with_suffix(".in").write_text("\n".join(lines) + "\n")
    solver = Solver(h)
    path.with_suffix(".ans").write_text("".join(f"{solver.water(lo, hi)}\n" for lo, hi in queries))


def write_testdata(folder: Path, points: int) -> None:
    folder.joinpath("testdata.yaml").write_text(
        f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n"
    )


def main() -> None:
    rng = random.Random(1_000_003)
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
                number += 1
                name = f"{number:03d}-{source.stem[4:]}"
                for suffix in (".in", ".ans"):
                    link = folder / (name + suffix)
                    link.symlink_to(Path("..") / included / (source.stem + suffix))
        tag = "g" + group.removeprefix("group")
        for desc, h, queries in tests[group]:
            number += 1
            write_test(folder / f"{number:03d}-{tag}-{desc}", h, queries)


if __name__ == "__main__":
    main()
