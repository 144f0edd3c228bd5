"""Reading what a program left in its box, without following anything the program planted.

A box's work folder is writable by the program: any component of a path below it may have been swapped
for a symbolic link to a host file, or the file itself for a FIFO that blocks its reader. So the host
walks the path one component at a time from the work folder (which the program cannot replace: its
parent belongs to the judge), each with O_NOFOLLOW, opens the file without blocking, accepts only a
regular file, and copies at most `cap` bytes into a file of its own that checkers then read.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from ioi_agent.sandbox import SandboxPool
from ioi_agent.sandbox.base import BOX_WORK, ProcResult, ProcSpec
from ioi_agent.sandbox.hostfs import open_below, remove_below

__all__ = ["copy_out", "open_below", "read_out", "remove_below", "run_captured", "run_for_output"]


def read_out(root: Path, relative: str, cap: int) -> bytes | None:
    """The first `cap` bytes of the box file `root/relative`, read as `copy_out` reads it; None when the
    file is absent or unsafe."""
    fd = open_below(root, relative)
    if fd is None:
        return None
    with os.fdopen(fd, "rb", buffering=0) as src:
        chunks = []
        left = cap
        while left > 0:
            chunk = src.read(min(1 << 20, left))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


def copy_out(root: Path, relative: str, dest: Path, cap: int) -> bool:
    """Copy the box file `root/relative` to the judge's own `dest` (at most `cap` bytes); an absent or
    unsafe file leaves `dest` empty. Returns whether a regular file was there."""
    fd = open_below(root, relative)
    with open(dest, "wb") as out:
        if fd is None:
            return False
        with os.fdopen(fd, "rb") as src:
            left = cap
            while left > 0:
                chunk = src.read(min(1 << 20, left))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)
    return True


def run_captured(pool: SandboxPool, spec: ProcSpec, dest: Path, cap: int) -> ProcResult:
    """The one way to run a program in a box for its stdout: borrow a box, run `spec` with stdout and
    stderr sent to uniquely named files of the box, copy the stdout out into the judge's own `dest` (at most
    `cap` bytes, no planted link followed), and leave nothing behind in the box."""
    result, data = run_for_output(pool, spec, cap)
    dest.write_bytes(data)
    return result


def run_for_output(pool: SandboxPool, spec: ProcSpec, cap: int) -> tuple[ProcResult, bytes]:
    """`run_captured`, with the stdout (at most `cap` bytes; empty when absent or unsafe) returned
    instead of written to a file: a built-in comparison then reads no file of the judge's."""
    name = uuid.uuid4().hex[:12]
    out_rel, err_rel = f"out/{name}.out", f"out/{name}.err"
    with pool.box() as box:
        spec = spec.model_copy(update={"stdout": f"{BOX_WORK}/{out_rel}", "stderr": f"{BOX_WORK}/{err_rel}"})
        try:
            result = box.run([spec])[0]
            data = read_out(box.work, out_rel, cap)
        finally:
            for rel in (out_rel, err_rel):
                remove_below(box.work, rel)  # a folder or a FIFO where the file was goes too
    return result, data or b""


# Largest stdout a run of a series hands back in its reply; a larger one is read from its file.
INLINE_OUTPUT = 1 << 20


def run_series_for_output(
    pool: SandboxPool, specs: list[ProcSpec], cap: int
) -> list[tuple[ProcResult, bytes]]:
    """`run_for_output` for several runs of one program, in one exchange with one box (`Box.run_series`):
    results for a prefix of `specs` (at least one), each with its stdout (at most `cap` bytes)."""
    names = [uuid.uuid4().hex[:12] for _ in specs]
    specs = [
        spec.model_copy(
            update={"stdout": f"{BOX_WORK}/out/{name}.out", "stderr": f"{BOX_WORK}/out/{name}.err"}
        )
        for spec, name in zip(specs, names, strict=True)
    ]
    out = []
    with pool.box() as box:
        left = names  # whose files may be in the box: the executor removed those it handed back
        try:
            series = box.run_series(specs, min(cap, INLINE_OUTPUT))
            left = []
            for name, (result, data) in zip(names, series, strict=False):
                if data is None:  # larger than a reply takes: from its file, as run_for_output reads it
                    left = [name]
                    data = read_out(box.work, f"out/{name}.out", cap)
                out.append((result, (data or b"")[:cap]))
        finally:
            for name in left:
                for suffix in ("out", "err"):
                    remove_below(box.work, f"out/{name}.{suffix}")
    return out
