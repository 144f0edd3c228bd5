"""Deterministic test generator for Lanterns: `python3 generator/gen.py` rewrites data/secret/.

Answers are computed here in Python (monotonic stacks), independently of the C++ reference.
Later subtasks include earlier ones through relative symlinks, as IOI does.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "secret"
POINTS = {"group1": 20, "group2": 30, "group3": 50}
# group3 contains every test of group1 and group2 first, then its own tests.
INCLUDES = {"group1": [], "group2": [], "group3": ["group1", "group2"]}


def glow(b: list[int]) -> int:
    """Number of ordered pairs (i, j) where lantern i lights lantern j."""
    n = len(b)
    total = 0
    for order in (range(n - 1, -1, -1), range(n)):
        stack: list[int] = []
        for i in order:
            while stack and b[stack[-1]] <= b[i]:
                stack.pop()
            if stack:
                total += abs(stack[-1] - i)
            else:
                # no brighter lantern on this side: light reaches the end of the row
                total += (n - 1 - i) if order.step < 0 else i
            stack.append(i)
    return total


def blocks_non_increasing(n: int, top: int, rng: random.Random) -> list[int]:
    """Values top, top-1, ..., 1 in random-length blocks: O(n^2) for a scanning brute force."""
    cuts = sorted(rng.sample(range(1, n), top - 1))
    out: list[int] = []
    prev = 0
    for value, cut in zip(range(top, 0, -1), cuts + [n], strict=True):
        out.extend([value] * (cut - prev))
        prev = cut
    return out


def mountain(n: int, rng: random.Random) -> list[int]:
    peak = rng.randrange(n)
    up = sorted(rng.sample(range(1, 10**9 + 1), peak + 1))
    down = sorted(rng.sample(range(1, 10**9 + 1), n - peak - 1), reverse=True)
    return up + down


def sawtooth(n: int, teeth: int, rng: random.Random) -> list[int]:
    """Long decreasing runs: deep stacks, many pops at each restart."""
    out: list[int] = []
    while len(out) < n:
        length = min(n - len(out), n // teeth)
        start = rng.randint(10**8, 10**9)
        out.extend(start - 7 * k for k in range(length))
    return out


def own_tests(rng: random.Random) -> dict[str, list[tuple[str, list[int]]]]:
    # The first own test of group2 and group3 is the one that stops quadratic solutions early.
    return {
        "group1": [
            ("equal", [7] * 1000),
            ("random-big", [rng.randint(1, 10**9) for _ in range(1000)]),
            ("random-ties", [rng.randint(1, 5) for _ in range(1000)]),
            ("mountain", mountain(1000, rng)),
            ("single", [rng.randint(1, 10**9)]),
            ("pair-equal", [5, 5]),
            ("blocks", blocks_non_increasing(997, 40, rng)),
        ],
        "group2": [
            ("blocks-max", blocks_non_increasing(200_000, 10, rng)),
            ("random", [rng.randint(1, 10) for _ in range(50_000)]),
            ("random-1-3", [rng.randint(1, 3) for _ in range(30_000)]),
            ("equal", [10] * 20_000),
            ("increasing", blocks_non_increasing(1000, 10, rng)[::-1]),
        ],
        "group3": [
            ("two-values-max", rng.choices((99, 100), weights=(1, 9), k=150_000)),
            ("random-big", [rng.randint(1, 10**9) for _ in range(30_000)]),
            ("sawtooth", sawtooth(20_000, 25, rng)),
            ("mountain", mountain(5_000, rng)),
        ],
    }


def write_test(path: Path, b: list[int]) -> None:
    path.with_suffix(".in").write_text(f"{len(b)}\n{' '.join(map(str, b))}\n")
    path.with_suffix(".ans").write_text(f"{glow(b)}\n")


def write_testdata(folder: Path, points: int) -> None:
    folder.joinpath("testdata.yaml").write_text(
        f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n"
    )


def main() -> None:
    rng = random.Random(20240717)
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
        for desc, b in tests[group]:
            number += 1
            write_test(folder / f"{number:03d}-{tag}-{desc}", b)


if __name__ == "__main__":
    main()
