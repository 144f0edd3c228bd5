#!/usr/bin/env python3
"""Writes data/ for "postcard" (everything except data/sample/). Deterministic: fixed seeds.

Pass-1 input: "encode", then "N K T C", then the K increasing values. C = K * b with b the bit
length of N (fixed-width codes always fit). T = C in subtasks 1 and 2; in subtask 3
T = K * (l + 2) with l the smallest l >= 0 such that K * 2^l >= N.
The .ans file holds the values, one per line (what the decoder must print).
Run from anywhere: python3 generator/gen.py
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def low_bits(n: int, k: int) -> int:
    low = 0
    while (k << low) < n:
        low += 1
    return low


def spread(n: int, k: int, rng: random.Random, must: tuple[int, ...] = ()) -> list[int]:
    chosen = set(must)
    while len(chosen) < k:
        chosen.add(rng.randint(1, n))
    return sorted(chosen)


def clustered(n: int, k: int, rng: random.Random) -> list[int]:
    # Half of the values crowd the first 3% of the range, the rest are spread out.
    dense = set(rng.sample(range(1, max(k, n * 3 // 100) + 1), k // 2))
    while len(dense) < k:
        dense.add(rng.randint(1, n))
    return sorted(dense)


Maker = Callable[[random.Random], tuple[int, list[int]]]

# group -> (points, tight budget?, [(seed, maker), ...]); group2 also gets group1's tests.
GROUPS: list[tuple[str, int, bool, list[tuple[int, Maker]]]] = [
    (
        "group1",
        10,
        False,
        [
            (101, lambda r: (1000, spread(1000, 100, r))),
            (102, lambda r: (1000, [1000])),
            (103, lambda r: (777, list(range(300, 350)))),
            (104, lambda r: (100, list(range(1, 101)))),
        ],
    ),
    (
        "group2",
        20,
        False,
        [
            (201, lambda r: (1, [1])),
            (202, lambda r: (65536, spread(65536, 1000, r, must=(65536,)))),
            (203, lambda r: (1000000, spread(1000000, 1000, r))),
            (204, lambda r: (1000000, sorted(r.sample(range(1, 5001), 1000)))),
        ],
    ),
    (
        "group3",
        70,
        True,
        [
            (301, lambda r: (1000000, spread(1000000, 20000, r))),
            (302, lambda r: (1000000, clustered(1000000, 20000, r))),
            (303, lambda r: (524288, spread(524288, 20000, r, must=(524288,)))),
            (304, lambda r: (20000, list(range(1, 20001)))),
            (305, lambda r: (1000000, spread(1000000, 4, r, must=(1, 1000000)))),
            (306, lambda r: (999999, spread(999999, 17, r))),
        ],
    ),
]


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="ascii")


def main() -> None:
    secret = DATA / "secret"
    if secret.exists():
        shutil.rmtree(secret)
    secret.mkdir(parents=True)
    write(DATA / "testdata.yaml", "on_reject: continue\nrange: 0 100\ngrader_flags: ignore_sample\n")
    write(secret / "testdata.yaml", "on_reject: continue\nrange: 0 100\n")

    number = 0
    group1_tests: list[str] = []
    for index, (group, points, tight, tests) in enumerate(GROUPS, start=1):
        folder = secret / group
        folder.mkdir()
        write(
            folder / "testdata.yaml",
            f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n",
        )
        if group == "group2":  # subtask 2 contains subtask 1 (same budget rule T = C)
            for name in group1_tests:
                for ext in (".in", ".ans"):
                    os.symlink(f"../group1/{name}{ext}", folder / f"{name}{ext}")
        for case, (seed, make) in enumerate(tests, start=1):
            number += 1
            name = f"{number:03d}-g{index}-{case:02d}"
            n, values = make(random.Random(seed))
            k = len(values)
            assert values == sorted(set(values)) and 1 <= values[0] and values[-1] <= n
            cap = k * n.bit_length()
            full = min(cap, k * (low_bits(n, k) + 2)) if tight else cap
            write(folder / f"{name}.in", f"encode\n{n} {k} {full} {cap}\n{' '.join(map(str, values))}\n")
            write(folder / f"{name}.ans", "".join(f"{v}\n" for v in values))
            if group == "group1":
                group1_tests.append(name)


if __name__ == "__main__":
    main()
