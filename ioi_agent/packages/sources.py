"""One loader interface over every problem source: a package folder (Kattis, CMS, Polygon; detected, or
named by `fmt`), a folder of package folders, or a Hugging Face dataset reference (`hf:...`, see
`hf_datasets.py`). Every source becomes `Problem`s; `list_source` says what a source holds without
loading tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ioi_agent.errors import PackageError
from ioi_agent.packages import hf_datasets as hf
from ioi_agent.packages.model import Problem

FORMATS = ("kattis", "cms", "polygon", "hf")
MARKERS = {"kattis": "problem.yaml", "cms": "problem.json", "polygon": "problem.xml"}


@dataclass(frozen=True)
class SourceEntry:
    """One problem a source holds: how to name it to any command, and what it is."""

    reference: str  # a folder path or an `hf:` reference loading exactly this problem
    name: str
    title: str
    format: str
    what: str  # a short description (task type, tests, ...)


def detect_format(root: Path) -> str | None:
    """The package format of a folder by its marker file, or None."""
    for fmt, marker in MARKERS.items():
        if (root / marker).is_file():
            return fmt
    return None


def is_package_dir(root: Path) -> bool:
    return root.is_dir() and detect_format(root) is not None


def load_folder(root: Path, fmt: str | None = None) -> Problem:
    fmt = fmt or detect_format(root)
    if fmt == "kattis":
        from ioi_agent.packages.kattis import load_kattis

        return load_kattis(root)
    if fmt == "cms":
        from ioi_agent.packages.cms import load_cms

        return load_cms(root)
    if fmt == "polygon":
        from ioi_agent.packages.polygon import load_polygon

        return load_polygon(root)
    if fmt == "hf":
        problems = load_dataset(hf.parse_reference(str(root)))
        return _one(problems, str(root))
    raise PackageError(
        root,
        "no problem.yaml (Kattis), problem.json (CMS/IOI) or problem.xml (Polygon) found",
        fix="point at the package's top folder, or name a dataset as hf:OWNER/NAME:SELECTOR",
    )


def _kind(ref: hf.DatasetRef) -> str:
    """Which dataset shape a reference is: by the hub name, else by a local copy's columns."""
    from ioi_agent.packages import hf_codeforces, hf_ioi

    if not ref.local:
        name = ref.dataset.lower()
        if name.endswith("/ioi") or "ioi" in name.split("/")[-1]:
            return "ioi"
        if "codeforces" in name:
            return "codeforces"
        raise PackageError(
            ref.text, "unknown dataset", fix=f"use {hf_ioi.PROBLEMS} or {hf_codeforces.NAME} (or a copy)"
        )
    root = Path(ref.dataset)
    if (root / "ioi").is_dir():
        return "ioi"
    cols = hf.columns(hf.open_local(root, ref.text, exclude=(hf_codeforces.GENERATED,)))
    if hf_ioi.is_ioi(cols):
        return "ioi"
    if hf_codeforces.is_codeforces(cols):
        return "codeforces"
    raise PackageError(
        root,
        f"the columns ({', '.join(sorted(cols)[:8])}, ...) are neither open-r1/ioi's nor open-r1/codeforces's",
        fix="give a copy of open-r1/ioi (with ioi-test-cases) or open-r1/codeforces",
    )


def load_dataset(ref: hf.DatasetRef) -> list[Problem]:
    if _kind(ref) == "ioi":
        from ioi_agent.packages.hf_ioi import load_ioi

        return load_ioi(ref)
    from ioi_agent.packages.hf_codeforces import load_codeforces

    return load_codeforces(ref)


def _one(problems: list[Problem], source: str) -> Problem:
    if len(problems) != 1:
        names = ", ".join(p.name for p in problems[:5])
        raise PackageError(
            source,
            f"names {len(problems)} problems ({names}{', ...' if len(problems) > 5 else ''}), not one",
            fix=f"name one problem (see: ioi-agent problem list {source})",
        )
    return problems[0]


def load_one(source: str | Path, fmt: str | None = None) -> Problem:
    """Exactly one problem: a package folder or a dataset reference naming one problem."""
    if hf.is_reference(source) or fmt == "hf":
        return _one(load_dataset(hf.parse_reference(source)), str(source))
    root = Path(source).expanduser().resolve()
    if not root.is_dir():
        raise PackageError(
            root, "not a folder", fix="give the path of a problem package folder, or hf:OWNER/NAME:SELECTOR"
        )
    return load_folder(root, fmt)


def load_all(source: str | Path, fmt: str | None = None) -> list[Problem]:
    """Every problem of a source: a dataset reference, a package folder, or a folder of package folders."""
    if hf.is_reference(source) or fmt == "hf":
        return load_dataset(hf.parse_reference(source))
    root = Path(source).expanduser().resolve()
    if root.is_dir() and fmt is None and detect_format(root) is None:
        inner = sorted(d for d in root.iterdir() if is_package_dir(d))
        if inner:
            return [load_folder(d) for d in inner]
    return [load_one(root, fmt)]


def list_source(source: str | Path, fmt: str | None = None) -> list[SourceEntry]:
    """What a source holds. Dataset problems are listed from their rows alone (no test is read); package
    folders are loaded, and one that does not load is listed with its error as `what`."""
    if hf.is_reference(source) or fmt == "hf":
        ref = hf.parse_reference(source)
        kind = _kind(ref)
        if kind == "ioi":
            from ioi_agent.packages.hf_ioi import list_ioi

            rows = list_ioi(ref)
        else:
            from ioi_agent.packages.hf_codeforces import list_codeforces

            rows = list_codeforces(ref)
        return [SourceEntry(r, n, t, f"hf {kind}", w) for r, n, t, w in rows]
    root = Path(source).expanduser().resolve()
    if not root.is_dir():
        raise PackageError(
            root, "not a folder", fix="give a package folder, a folder of packages, or hf:OWNER/NAME"
        )
    folders = (
        [root] if (fmt or detect_format(root)) else sorted(d for d in root.iterdir() if is_package_dir(d))
    )
    if not folders:
        raise PackageError(
            root,
            "holds no Kattis, CMS or Polygon package",
            fix="give a package folder or a folder of packages",
        )
    out = []
    for folder in folders:
        kind = fmt or detect_format(folder) or "?"
        try:
            p = load_folder(folder, fmt)
        except PackageError as exc:
            out.append(SourceEntry(str(folder), folder.name, "", kind, f"does not load: {exc}"))
            continue
        what = f"{p.task_type.value}, {len(p.tests)} tests, {len(p.subtasks)} subtasks, {len(p.submissions)} labelled"
        out.append(SourceEntry(str(folder), p.name, p.title, kind, what))
    return out
