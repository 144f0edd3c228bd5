"""Problem packages: load a Kattis, CMS/IOI or Polygon package folder, or a Hugging Face dataset problem
(`hf:...`), into one `Problem` model. `sources.py` lists and loads whole sources."""

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
    """Load a package folder; the format is told by `problem.yaml` (Kattis), `problem.json` (CMS) or
    `problem.xml` (Polygon). An `hf:` reference naming one dataset problem loads it (sources.py)."""
    if str(path).startswith("hf:"):
        from ioi_agent.packages.sources import load_one

        return load_one(str(path))
    root = Path(path).resolve()
    if not root.is_dir():
        raise PackageError(root, "not a folder", fix="give the path of a problem package folder")
    if (root / "problem.yaml").is_file():
        from ioi_agent.packages.kattis import load_kattis

        return load_kattis(root)
    if (root / "problem.json").is_file():
        from ioi_agent.packages.cms import load_cms

        return load_cms(root)
    if (root / "problem.xml").is_file():
        from ioi_agent.packages.polygon import load_polygon

        return load_polygon(root)
    raise PackageError(
        root,
        "neither problem.yaml (Kattis format), problem.json (CMS/IOI format) nor problem.xml (Polygon) found",
        fix="point at the package's top folder, or name a dataset problem as hf:OWNER/NAME:SELECTOR",
    )
