"""A box's work folder on the host: made new for every start of a box, emptied and named only through fds.

The top is the judge's (mode 0755: as root the box cannot write there); `run/`, `out/` and `tmp/` are
the box's uid's. A folder is never reused: a box that starts again (it died, or its executor could not
sweep what a program left) gets a new one, and the old one is removed through `hostfs`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ioi_agent.sandbox import hostfs

BOX_WORK = "/box/work"
WORK_SUBDIRS = ("run", "out", "tmp")  # the box's own folders under its work folder
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def fresh(
    home: Path, starts: int, uid: int, prepare: Callable[[Path], None] | None = None
) -> tuple[Path, int]:
    """A new work folder beside `home` (home.N, N past `starts` and past any that exists), made before
    its box exists: nothing in it was made by a program, so nothing needs a chown that could follow a
    planted link. `prepare` is called on the empty folder before its sub-folders are made (quota.py mounts
    a capped tmpfs there). Returns it and its number."""
    home.parent.mkdir(parents=True, exist_ok=True)
    while True:
        starts += 1
        path = home.with_name(f"{home.name}.{starts}")
        try:
            os.mkdir(path, 0o755)
            break
        except FileExistsError:
            continue  # never a folder that exists: it may be an old one
    if prepare is not None:
        prepare(path)
    os.chmod(path, 0o755)  # whatever the umask
    fd = os.open(path, _DIR_FLAGS)
    try:
        for sub in WORK_SUBDIRS:
            os.mkdir(sub, 0o755, dir_fd=fd)
            sub_fd = os.open(sub, _DIR_FLAGS, dir_fd=fd)
            try:
                os.fchmod(sub_fd, 0o755)
                if os.geteuid() == 0:
                    os.fchown(sub_fd, uid, uid)
            finally:
                os.close(sub_fd)
    finally:
        os.close(fd)
    return path, starts


def clear(work: Path) -> bool:
    """Empty `out/` and `tmp/` of a work folder through fds; False when something stays."""
    tree = hostfs.boxtree()
    try:
        top = os.open(work, _DIR_FLAGS)
    except OSError:
        return False
    clean = True
    try:
        for sub in ("out", "tmp"):
            fd = tree.open_dir(top, sub)
            if fd is None:
                clean = False
                continue
            try:
                clean = bool(tree.clear(fd)) and clean
            finally:
                os.close(fd)
    finally:
        os.close(top)
    return clean


def host_path(work: Path, box_path: str) -> Path:
    """The host name of a path under /box/work (a name: what a box made is opened through `hostfs`)."""
    relative = box_path[len(BOX_WORK) :] if box_path.startswith(BOX_WORK + "/") else None
    if relative is None or any(p in (".", "..") for p in relative.split("/")):
        raise ValueError(box_path)
    return work / relative.lstrip("/")
