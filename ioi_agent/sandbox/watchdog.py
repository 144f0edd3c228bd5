"""The pool's watchdog: what a judge that died without closing its pool (SIGKILL, the OOM killer, a crash
in C) left behind is removed all the same.

`SandboxPool` starts this file as a script (standard library only: it starts in tens of milliseconds and
imports nothing of the judge) in a session of its own, so that a ^C at the terminal or a signal to the
judge's process group does not reach it. It reads lines on its stdin, a pipe only the judge holds open:
  dir PATH         the pool's session folder
  cgroup PATH      a folder of the pool's cgroups (removed with its sub-groups, their processes killed)
  containers NAME  the prefix of the names of the pool's Docker containers (boxes restarted later too)
  done             the pool closed itself: nothing to do
At the end of its input without `done` (the kernel closed the judge's end: the judge is gone) it removes
the containers (`docker rm -f`), the cgroups and the session folder, and exits. bubblewrap boxes need no
help: they run with --die-with-parent, so the kernel kills them with the judge.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

DOCKER_TIMEOUT_S = 60.0  # a wedged engine must not keep the watchdog (or a closing pool) forever


def remove_cgroup(folder: Path, attempts: int = 50) -> None:
    """rmdir a cgroup and its children; a group with processes left cannot go: they are killed first."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_dir():
            remove_cgroup(child, attempts)
    for _ in range(attempts):
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            _kill_members(folder)
            time.sleep(0.02)


def _kill_members(folder: Path) -> None:
    try:
        pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def remove_containers(prefix: str) -> None:
    """`docker rm -f` every container whose name starts with `prefix` (running or not)."""
    try:
        listed = subprocess.run(
            ["docker", "ps", "-a", "--format", "{{.Names}}"],
            capture_output=True,
            text=True,
            timeout=DOCKER_TIMEOUT_S,
        )
        names = [n for n in listed.stdout.split() if n.startswith(prefix)]
        if names:
            subprocess.run(["docker", "rm", "-f", *names], capture_output=True, timeout=DOCKER_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        pass


def clean(dirs: list[Path], groups: list[Path], containers: list[str]) -> None:
    """Containers first (their processes sit in the pool's cgroups), then the groups, then the files."""
    for prefix in containers:
        remove_containers(prefix)
    for folder in groups:
        remove_cgroup(folder)
    for folder in dirs:
        _unmount_below(folder)  # a quota tmpfs (quota.py) left mounted would keep the folder
        shutil.rmtree(folder, ignore_errors=True)


def _unmount_below(folder: Path) -> None:
    try:  # imported in the judge's process, or run as a script beside quota.py (standard library only)
        from ioi_agent.sandbox.quota import unmount_all_under
    except ImportError:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the folder out
        from quota import unmount_all_under  # type: ignore[no-redef]
    unmount_all_under(folder)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a ^C ends the judge, which then closes its pool
    dirs: list[Path] = []
    groups: list[Path] = []
    containers: list[str] = []
    for raw in sys.stdin.buffer:
        kind, _, arg = os.fsdecode(raw.rstrip(b"\n")).partition(" ")
        if kind == "done":
            return
        if kind == "dir":
            dirs.append(Path(arg))
        elif kind == "cgroup":
            groups.append(Path(arg))
        elif kind == "containers":
            containers.append(arg)
    clean(dirs, groups, containers)


if __name__ == "__main__":
    main()


class Watchdog:
    """The judge's side: starts the watchdog and tells it what to remove should the judge die."""

    def __init__(self) -> None:
        read, self._write = os.pipe()  # neither end is inherited by the boxes: only the judge holds it
        try:
            self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-I", "-S", os.path.abspath(__file__)],
                stdin=read,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            self.proc = None  # nothing watches: a killed judge leaves its folders, as before
        finally:
            os.close(read)

    def tell(self, kind: str, arg: str | Path) -> None:
        try:
            os.write(self._write, f"{kind} {os.fspath(arg)}\n".encode())
        except OSError:
            pass  # the watchdog is gone (killed by hand): the judge still cleans up what it closes

    def done(self) -> None:
        """The pool closed itself: the watchdog exits without touching anything."""
        if self._write < 0:
            return
        self.tell("done", "")
        os.close(self._write)
        self._write = -1
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
