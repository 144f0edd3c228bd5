"""Content-addressed files for the cluster: packed once on the driver, unpacked once per node.

A blob is a deterministic tar of a file or a folder (no times, owners or host paths beyond the names it
needs), named by its SHA-256: the same program or package gives the same digest on every driver, so a
node's disk copy is reused across runs, drivers and actors. Nodes unpack a blob under
`cache_root()/cluster/<kind>/<digest>` through a private temporary folder renamed into place: several
actors of one node may miss at once, one rename wins, the others drop their copy.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ioi_agent.packages.model import Problem
from ioi_agent.sandbox import cache_root

M = TypeVar("M")
PACKAGE_FILES = "files"  # folder of a package blob holding the problem's files under their host paths
# Fields of a Problem only the driver reads: the labelled submissions (the time limit is derived on the
# driver), the statement, the Kattis group tree (aggregation and custom graders run on the driver).
DRIVER_ONLY = {"submissions": [], "statement": None}


@dataclass(frozen=True)
class Blob:
    """What travels with every call: the digest (the node's cache key), the name the content has on
    disk, and the Ray object holding the tar, fetched only by a node that misses it."""

    digest: str
    name: str
    ref: Any  # ray.ObjectRef; nested in a dataclass so Ray passes the reference, not the bytes


def _info(name: str, size: int, mode: int, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.type = size, kind
    info.mode = 0o755 if kind == tarfile.DIRTYPE or mode & 0o111 else 0o644
    return info  # mtime, uid and gid stay 0: the digest depends on content and names only


def pack(entries: dict[str, Path]) -> bytes:
    """A tar of `{name in the tar: host file or folder}`, symlinks followed, sorted, reproducible."""
    files: dict[str, Path] = {}
    folders: set[str] = set()
    for name, path in entries.items():
        if path.is_dir():
            folders.add(name)
            for sub in path.rglob("*"):
                rel = f"{name}/{sub.relative_to(path).as_posix()}"
                if sub.is_dir():
                    folders.add(rel)
                elif sub.is_file():
                    files[rel] = sub
        elif path.is_file():
            files[name] = path
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(folders | set(files)):
            if name in files:
                data = files[name].read_bytes()
                tar.addfile(_info(name, len(data), files[name].stat().st_mode), io.BytesIO(data))
            else:
                tar.addfile(_info(name, 0, 0, tarfile.DIRTYPE))
    return buffer.getvalue()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_blob(path: Path) -> tuple[str, str, bytes]:
    """(digest, name, tar) of a program: its file, or its folder (output-only, TwoSteps)."""
    data = pack({path.name: path})
    return digest(data), path.name, data


def node_folder(kind: str, key: str, fetch: Callable[[], bytes]) -> Path:
    """This node's unpacked copy of a blob (`fetch` is called only when the node has none)."""
    base = cache_root() / "cluster" / kind
    target = base / key
    if target.is_dir():
        return target
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)
    tmp = base / f".{key}.{uuid.uuid4().hex[:8]}"
    try:
        with tarfile.open(fileobj=io.BytesIO(fetch())) as tar:
            tar.extractall(tmp, filter="data")
        # Boxes run under their own uids: sources and test files must be readable by them.
        for p in [tmp, *tmp.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() or p.stat().st_mode & 0o111 else 0o644)
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():  # not a lost race: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


# --- problems -------------------------------------------------------------------------------------


def map_paths(value: M, fn: Callable[[Path], Path]) -> M:
    """`value` with every Path inside it (models, lists, tuples, dicts) replaced by `fn(path)`."""
    if isinstance(value, Path):
        return fn(value)  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = map_paths(old, fn)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, list | tuple):
        items = [map_paths(v, fn) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)  # type: ignore[return-value]
    if isinstance(value, dict):
        mapped = {k: map_paths(v, fn) for k, v in value.items()}
        return value if all(mapped[k] is v for k, v in value.items()) else mapped  # type: ignore[return-value]
    return value


def _member(path: Path) -> str:
    return f"{PACKAGE_FILES}/{path.resolve().as_posix().lstrip('/')}"


def portable_problem(problem: Problem) -> tuple[Problem, bytes]:
    """The problem as a node sees it (every path relative to its unpacked package) and the package blob:
    every file and folder the judging of a test reads (tests, checker, interactor or manager, grader
    files), whatever package format, and problems built in memory (generated inputs, added subtasks)."""
    # The root (a folder nobody reads while judging) and the group tree are left out of the walk: the
    # tree rides along unchanged, its custom graders stay on the driver, which aggregates.
    slim = problem.model_copy(update={**DRIVER_ONLY, "groups": None, "root": None})
    entries: dict[str, Path] = {}

    def record(path: Path) -> Path:
        member = _member(path)
        entries[member] = path
        return Path(member)

    portable = map_paths(slim, record)
    portable = portable.model_copy(update={"root": Path("."), "groups": problem.groups})
    return portable, pack(entries)


def rebase_problem(portable: Problem, folder: Path) -> Problem:
    """The portable problem with its paths under this node's unpacked package `folder`."""
    groups = portable.groups
    rebased = map_paths(portable.model_copy(update={"groups": None}), lambda p: folder / p)
    return rebased.model_copy(update={"groups": groups})
