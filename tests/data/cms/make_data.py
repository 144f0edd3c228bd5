#!/usr/bin/env python3
"""Regenerates tests/ and subtasks/ of the two CMS packages here (courier, bestrun). Deterministic.

Run from anywhere: python3 tests/data/cms/make_data.py
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent


def reset(package: Path) -> None:
    for folder in ("tests", "subtasks"):
        shutil.rmtree(package / folder, ignore_errors=True)
        (package / folder).mkdir()


def write_subtasks(package: Path, subtasks: list[tuple[str, int, list[str]]]) -> None:
    # IOI / TPS export naming: subtasks/NN-name.json, NN = subtask index (00 = samples, 0 points).
    for index, (name, score, tests) in enumerate(subtasks):
        text = json.dumps({"score": score, "testcases": tests}, indent=2) + "\n"
        (package / "subtasks" / f"{index:02d}-{name}.json").write_text(text)


def courier() -> None:
    package = HERE / "courier"
    reset(package)
    rng = random.Random(2024)
    tests = {
        "0-01": [5, 0, 1048575, 77],
        "1-01": [1],
        "1-02": [rng.randint(0, 1) for _ in range(1000)],
        "1-03": [0] * 1000,
        "2-01": [rng.randrange(1 << 20) for _ in range(1000)],
        "2-02": [(1 << 20) - 1] * 1000,
        "2-03": [1048575],
        "2-04": [rng.randrange(1 << 16) for _ in range(500)],
    }
    for name, values in tests.items():
        line = " ".join(map(str, values))
        (package / "tests" / f"{name}.in").write_text(f"{len(values)}\n{line}\n")
        (package / "tests" / f"{name}.out").write_text(f"{line}\n")  # informative: the manager judges
    binary = [t for t in tests if t.startswith("1-")]
    write_subtasks(
        package,
        [("samples", 0, ["0-01"]), ("binary", 30, binary), ("full", 70, sorted(tests))],
    )


def best_segment(values: list[int]) -> tuple[int, int, int]:
    best, left, right = values[0], 0, 0
    current, start = 0, 0
    for i, x in enumerate(values):
        if current <= 0:
            current, start = x, i
        else:
            current += x
        if current > best:
            best, left, right = current, start, i
    return best, left, right


def bestrun() -> None:
    package = HERE / "bestrun"
    reset(package)
    rng = random.Random(7)
    big = 20000
    tests = {
        "0-01": [-2, 5, -1, 3, -9, 4, 4, -3],
        "1-01": [7],
        "1-02": [rng.randint(-100, 100) for _ in range(100)],
        "1-03": [-1000] + [rng.randint(-50, 60) for _ in range(99)],
        "2-01": [rng.randint(-(10**6), 10**6) for _ in range(big)],
        "2-02": [rng.randint(-(10**6), -1) for _ in range(big)],
        "2-03": [rng.randint(1, 10**6) for _ in range(big)],
        "2-04": [(10**6 if i % 2 else -(10**6 - 1)) for i in range(big)],
    }
    for name, values in tests.items():
        s, left, right = best_segment(values)
        if len(values) <= 100:  # cross-check the scan by brute force where that is cheap
            assert s == max(sum(values[i : j + 1]) for i in range(len(values)) for j in range(i, len(values)))
        (package / "tests" / f"{name}.in").write_text(f"{len(values)}\n{' '.join(map(str, values))}\n")
        (package / "tests" / f"{name}.out").write_text(f"{s} {left} {right}\n")
    # partially_correct/value_only.cpp answers (S, 0, 0): it must be wrong somewhere in every subtask.
    assert best_segment(tests["1-02"])[0] != tests["1-02"][0]
    assert best_segment(tests["2-01"])[0] != tests["2-01"][0]
    small = [t for t in tests if t.startswith("1-")]
    write_subtasks(
        package,
        [("samples", 0, ["0-01"]), ("small", 30, small), ("full", 70, sorted(tests))],
    )


if __name__ == "__main__":
    courier()
    bestrun()
