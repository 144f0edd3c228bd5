#!/usr/bin/env python3
"""Writes data/ for "ridge" (everything except data/sample/). Deterministic: fixed seeds.

A test input is two lines, "N Q" and "P seed"; the interactor regenerates the heights from the seed
with splitmix64 (h[1] = r % 10^6, then steps of 1 + r % 100 up to P and down after it), so even
N = 10^6 costs a few bytes. The .ans file holds P (the interactor does not read it).
Run from anywhere: python3 generator/gen.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

# group -> (points, query limit Q, [(N, P, seed), ...]); later groups also get every earlier test.
GROUPS: list[tuple[str, int, int, list[tuple[int, int, int]]]] = [
    ("group1", 20, 50, [(1, 1, 11), (2, 1, 12), (50, 1, 13), (37, 19, 14)]),
    ("group2", 30, 40, [(1000, 1000, 21), (1000, 1, 22), (999, 500, 23), (1000, 731, 24)]),
    (
        "group3",
        50,
        35,
        [(1000000, 1000000, 31), (1000000, 1, 32), (999983, 618034, 33), (600000, 299999, 34)],
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
    earlier: list[tuple[str, str]] = []  # (group folder, test name) of every test written so far
    for index, (group, points, limit, tests) in enumerate(GROUPS, start=1):
        folder = secret / group
        folder.mkdir()
        write(
            folder / "testdata.yaml",
            f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n",
        )
        # IOI style: a harder subtask contains the tests of the easier ones (relative symlinks).
        for source_group, name in earlier:
            for ext in (".in", ".ans"):
                os.symlink(f"../{source_group}/{name}{ext}", folder / f"{name}{ext}")
        own = []
        for case, (n, peak, seed) in enumerate(tests, start=1):
            number += 1
            name = f"{number:03d}-g{index}-{case:02d}"
            write(folder / f"{name}.in", f"{n} {limit}\n{peak} {seed}\n")
            write(folder / f"{name}.ans", f"{peak}\n")
            own.append((group, name))
        earlier.extend(own)


if __name__ == "__main__":
    main()
