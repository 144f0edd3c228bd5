"""The Kattis loader's grading configuration: testdata.yaml `grading`/`grader_flags` inheritance, the
custom grader in graders/, the order of tests and subgroups, group points, and when a subtask's chain may
stop at its first rejected test."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.errors import PackageError
from ioi_agent.packages import load_problem


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


BASE = {
    "problem.yaml": "type: scoring\nvalidation: custom score\nlimits:\n  time_limit: 1\n",
    "output_validators/v/v.py": "import sys\nsys.exit(42)\n",
    "data/sample/1.in": "1\n",
    "data/sample/1.ans": "1\n",
    "data/testdata.yaml": "on_reject: continue\nrange: 0 100\ngrader_flags: ignore_sample\n",
    "data/secret/testdata.yaml": "on_reject: continue\nrange: 0 100\ngrader_flags: first_error accept_if_any_accepted\n",
    "data/secret/g1/testdata.yaml": "on_reject: break\ngrading: custom\ngrader_flags: rescale 1000 40\nrange: 0 40\n",
    "data/secret/g1/g1/testdata.yaml": "grading: default\ngrader_flags: min\nrange: 0 1000\n",
    "data/secret/g1/g1/a.in": "1\n",
    "data/secret/g1/g1/a.ans": "1\n",
    "data/secret/g2/testdata.yaml": "grader_flags: min max\naccept_score: 60\nrange: 0 60\n",
    "data/secret/g2/b.in": "1\n",
    "data/secret/g2/b.ans": "1\n",
    "data/secret/g2/c/x.in": "1\n",
    "data/secret/g2/c/x.ans": "1\n",
    "data/secret/g2/d.in": "1\n",
    "data/secret/g2/d.ans": "1\n",
    "graders/grader.py": "print('AC 0')\n",
}


def test_grading_config(tmp_path: Path) -> None:
    p = load_problem(write(tmp_path / "p", BASE))
    assert p.checker.writes_score
    secret = p.groups.children[1]
    g1, g2 = secret.children
    assert (g1.grading, g1.grader_flags, [s.name for s in g1.grader]) == (
        "custom",
        ["rescale", "1000", "40"],
        ["grader.py"],
    )
    inner = g1.children[0]
    assert (inner.grading, inner.grader_flags, inner.grader) == ("default", ["min"], [])
    # Inherited: g2/c has g2's flags; the last score mode given wins.
    assert g2.aggregation == "max" and g2.children[0].grader_flags == ["min", "max"]
    # Tests and subgroups sorted together.
    assert g2.items == [("test", "secret/g2/b"), ("group", "secret/g2/c"), ("test", "secret/g2/d")]
    assert [(s.name, s.points) for s in p.subtasks] == [("g1", 40), ("g2", 60)]
    stops = {s.name: s.stop_on_failure for s in p.subtasks}
    # g1: one nested group, breaking (set on g1, inherited by g1/g1): its first rejection ends the subtask. g2: its subgroup c (default
    # grading) is followed by d, and it inherits on_reject: continue from secret: every test runs.
    assert stops == {"g1": True, "g2": False}


def test_custom_grading_needs_a_grader(tmp_path: Path) -> None:
    files = {k: v for k, v in BASE.items() if not k.startswith("graders/")}
    with pytest.raises(PackageError, match="no grader"):
        load_problem(write(tmp_path / "p", files))


def test_one_grader_at_most(tmp_path: Path) -> None:
    files = {**BASE, "graders/other.py": "print('AC 0')\n"}
    with pytest.raises(PackageError, match="more than one custom grader"):
        load_problem(write(tmp_path / "p", files))
