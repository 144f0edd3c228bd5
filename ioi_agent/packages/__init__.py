"""Problem packages: load a Kattis or CMS/IOI package folder into one `Problem` model."""

from __future__ import annotations

from pathlib import Path

from ioi_agent.errors import PackageError
from ioi_agent.packages.model import (
    Checker,
    CheckerKind,
    Group,
    Limits,
    Problem,
    Submission,
    Subtask,
    TaskType,
    TestCase,
)

__all__ = [
    "Checker",
    "CheckerKind",
    "Group",
    "Limits",
    "Problem",
    "Submission",
    "Subtask",
    "TaskType",
    "TestCase",
    "load_problem",
]


def load_problem(path: Path | str) -> Problem:
    """Load a package folder; the format is told by `problem.yaml` (Kattis) or `problem.json` (CMS)."""
    root = Path(path).resolve()
    if not root.is_dir():
        raise PackageError(root, "not a folder", fix="give the path of a problem package folder")
    if (root / "problem.yaml").is_file():
        from ioi_agent.packages.kattis import load_kattis

        return load_kattis(root)
    if (root / "problem.json").is_file():
        from ioi_agent.packages.cms import load_cms

        return load_cms(root)
    raise PackageError(
        root,
        "neither problem.yaml (Kattis format) nor problem.json (CMS/IOI format) found",
        fix="point at the package's top folder",
    )
