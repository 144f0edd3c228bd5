"""File helpers every layer shares: atomic writes under unique temporary names, and folder locks.

Two ioi-agent processes may share one cache or one output folder: a temporary file always has a name no
other process or thread uses (`tempfile.mkstemp` in the target's folder), and is renamed into place only
when complete, so a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ioi_agent.errors import IoiAgentError


def atomic_write(target: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Write `data` to `target` through a uniquely named temporary file in the same folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def unique_sibling(target: Path, suffix: str = ".part") -> Path:
    """A path beside `target` that no other process or thread will pick (for a file or folder built in
    place and then renamed onto `target`)."""
    return target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(6).hex()}{suffix}")


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another process holds it.
    The lock goes with the file's last descriptor, so with the process, however it ends."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def folder_lock(folder: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (a `.lock` file in it) or fail at once with one line: two runs
    must not write one state folder. The lock goes with the process, however it ends."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    if not try_lock(fd):
        os.close(fd)
        raise IoiAgentError(
            f"{folder}: another run is using this {what} (fix: wait for it to end, or use another folder)"
        ) from None
    try:
        yield
    finally:
        os.close(fd)
