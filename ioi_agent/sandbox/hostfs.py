"""The host's only ways to touch what a box created: open, read and remove it without following anything.

A box's work folder is the program's to shape: any entry below it may be a symbolic link to a host file,
a FIFO that blocks its reader, a folder where a file was, a folder without permissions, a tree deeper
than a path can name. So the host never passes a path below a work folder to open, chown, chmod or
rmtree: it opens the work folder itself (its parent belongs to the judge), walks down one component at
a time with O_NOFOLLOW | O_DIRECTORY relative to the last fd, opens files O_NONBLOCK and keeps only
regular ones, and removes trees with the fd walk of `sandbox/boxtree.py` (the executor's own, loaded
from the folder the boxes mount, so the host and the box remove trees the same way).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import stat
from pathlib import Path
from types import ModuleType

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@functools.cache
def boxtree() -> ModuleType:
    """sandbox/boxtree.py, loaded from the folder the boxes mount (the executor's own copy)."""
    from ioi_agent.sandbox.base import executor_dir  # base builds on this module

    spec = importlib.util.spec_from_file_location("ioi_agent_boxtree", executor_dir() / "boxtree.py")
    if spec is None or spec.loader is None:
        raise ImportError("sandbox/boxtree.py is missing from the executor's folder")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parts(relative: str) -> list[str] | None:
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        return None
    return parts


def _open_parent(root: Path, parts: list[str]) -> int | None:
    """An fd of the folder holding `root/parts`, every component below `root` opened without following."""
    try:
        fd = os.open(root, _DIR_FLAGS)
    except OSError:
        return None
    for part in parts[:-1]:
        try:
            nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
        except OSError:
            os.close(fd)
            return None
        os.close(fd)
        fd = nxt
    return fd


def open_below(root: Path, relative: str, flags: int = _FILE_FLAGS, kind: int = stat.S_IFREG) -> int | None:
    """An fd of the file `root/relative` (opened with `flags`, never following a link: O_NOFOLLOW is
    always added), or None when any component is missing, a link or not a folder, or the file is not
    of `kind` (by default a regular file: not a folder, FIFO, socket or device)."""
    parts = _parts(relative)
    if parts is None:
        return None
    fd = _open_parent(root, parts)
    if fd is None:
        return None
    try:
        file_fd = os.open(parts[-1], flags | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        fits = stat.S_IFMT(os.fstat(file_fd).st_mode) == kind
    except OSError:
        fits = False
    if not fits:
        os.close(file_fd)
        return None
    return file_fd


def remove_below(root: Path, relative: str) -> bool:
    """Remove `root/relative` whatever the program made of it (file, folder tree, link, FIFO); never
    raises. True when it is gone; what stays is swept by the executor or goes with the box's folder."""
    parts = _parts(relative)
    if parts is None:
        return False
    fd = _open_parent(root, parts)
    if fd is None:
        return False
    try:
        return bool(boxtree().remove(fd, parts[-1]))
    finally:
        os.close(fd)


def remove_tree(path: Path) -> bool:
    """Remove the folder `path` (its parent is the judge's) and everything below it; never raises."""
    return bool(boxtree().remove_path(str(path)))
