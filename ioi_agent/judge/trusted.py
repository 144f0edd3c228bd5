"""Trusted programs (checkers, interactors, managers, output validators, graders, and their host
compile): one way to run them, boxed, with limits, deadlines and a life tied to the judge's.

CMS's `trusted_step` is the model: 10 s of CPU, a wall clock of 2 × CPU + 1 s, 4 GiB of address space,
in a sandbox of their own. Each runs in a one-shot box of its own (`sandbox/trusted_box.py`: its own uid,
never root, and of the host's files only those it is given); `guard` (sandbox/guard.c) sets the limits and
PR_SET_PDEATHSIG before exec, so a judge that is killed takes its managers and checkers with it; each runs
in a process group of its own, killed whole at its deadline. Output to the judge goes to unnamed files the
judge opened (never a path), read back with a size cap. Nothing here waits without a deadline.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ioi_agent.sandbox.base import executor_dir
from ioi_agent.sandbox.trusted_box import boxed

CAPTURE_CAP = 1 << 20  # bytes of a trusted program's stdout/stderr the judge reads


@dataclass(frozen=True)
class TrustedLimits:
    """CMS's trusted-step limits (config: trusted_sandbox_max_time_s, _max_memory_kib)."""

    cpu_s: float = 10.0
    wall_s: float | None = None  # default 2 × cpu_s + 1, as CMS
    mem_mb: int = 4096
    out_mb: int = 256
    nproc: int = 256

    @property
    def wall(self) -> float:
        return self.wall_s if self.wall_s is not None else 2 * self.cpu_s + 1


TRUSTED = TrustedLimits()


@dataclass(frozen=True)
class TrustedResult:
    returncode: int | None  # None: killed at its wall-clock deadline
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def signal(self) -> int | None:
        return -self.returncode if self.returncode is not None and self.returncode < 0 else None

    def failure(self, what: str) -> str:
        """One line saying how the program ended badly (for a JE message)."""
        if self.timed_out:
            return f"{what} ran past its wall-clock limit"
        if self.signal == signal.SIGXCPU:
            return f"{what} ran past its CPU limit"
        if self.signal:
            return f"{what} was killed by signal {self.signal}: {self.stderr.strip()[-300:]}"
        return f"{what} exited with {self.returncode}: {self.stderr.strip()[-300:]}"


_live: dict[int, subprocess.Popen[bytes]] = {}
_live_lock = threading.Lock()
_guard_lock = threading.Lock()
_guard_path: list[str | None] = []


def _guard() -> str | None:
    """The guard binary, built once per content into the cache; None without gcc (limits are then set
    from outside with prlimit, and only the process group ties the program to the judge)."""
    with _guard_lock:
        if _guard_path:
            return _guard_path[0]
        from ioi_agent.sandbox import cache_root  # late: the sandbox package imports this layer's peers

        source = executor_dir() / "guard.c"
        gcc = shutil.which("gcc")
        path: str | None = None
        if source.is_file() and gcc:
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
            binary = cache_root() / "guard" / digest / "guard"
            if not binary.is_file():
                binary.parent.mkdir(parents=True, exist_ok=True)
                part = binary.with_name(f"guard.{os.getpid()}.{threading.get_ident()}")
                built = subprocess.run([gcc, "-O2", "-o", str(part), str(source)], capture_output=True)
                if built.returncode == 0:
                    os.replace(part, binary)
            path = str(binary) if binary.is_file() else None
        _guard_path.append(path)
        return path


class TrustedProcess:
    """A started trusted program; `finish` waits for it until its deadline, then kills its group."""

    def __init__(
        self,
        argv: list[str],
        *,
        stdin: int | IO[bytes] | None = None,
        stdout: int | IO[bytes] | None = None,
        cwd: Path | str | None = None,
        limits: TrustedLimits = TRUSTED,
        env: dict[str, str] | None = None,
        read: Iterable[Path | str] = (),
        write: Iterable[Path | str] = (),
    ):
        """`argv`'s absolute paths, `read` and `cwd` are visible to it read-only, `write` read-write (see
        trusted_box.boxed); `env`: its variables besides PATH, HOME and LANG."""
        self.limits = limits
        self.deadline = time.monotonic() + limits.wall
        self._out = None if stdout is not None else tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        guard = _guard()
        prefix = []
        if guard:
            prefix = [
                guard,
                str(os.getpid()),
                str(max(1, int(limits.cpu_s + 0.999))),
                str(limits.mem_mb),
                str(limits.out_mb),
                str(limits.nproc),
            ]
        command = boxed(argv, read=read, write=write, cwd=cwd, env=env)
        self._boxed = command.boxed
        try:
            self.proc = subprocess.Popen(
                [*prefix, *command.argv],
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=stdout if stdout is not None else self._out,
                stderr=self._err,
                env=command.env,
                pass_fds=command.pass_fds,
                start_new_session=True,  # its own group: killed whole, and out of reach of the judge's ^C
                **command.popen,
            )
        finally:
            command.close()
        if not guard:
            _prlimit(self.proc.pid, limits)
        with _live_lock:
            _live[self.proc.pid] = self.proc

    def _status(self, code: int) -> int:
        """The program's exit status: bubblewrap reports a program killed by signal S as exit 128 + S
        (as a shell does), which becomes -S again here."""
        if self._boxed and 128 < code <= 128 + 64:
            return 128 - code
        return code

    def poll(self) -> int | None:
        return self.proc.poll()

    def kill(self) -> None:
        _kill_group(self.proc)

    def finish(self, deadline: float | None = None) -> TrustedResult:
        """Wait until it exits or the deadline (its own wall limit by default) passes; kill it then."""
        until = min(self.deadline, deadline) if deadline is not None else self.deadline
        timed_out = False
        try:
            self.proc.wait(timeout=max(0.0, until - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
        _kill_group(self.proc)  # whatever it left behind in its group goes too
        self.proc.wait()
        with _live_lock:
            _live.pop(self.proc.pid, None)
        return TrustedResult(
            returncode=None if timed_out else self._status(self.proc.returncode),
            stdout=_read_capped(self._out),
            stderr=_read_capped(self._err),
            timed_out=timed_out,
        )


def run_trusted(
    argv: list[str],
    *,
    stdin: Path | None = None,
    cwd: Path | str | None = None,
    limits: TrustedLimits = TRUSTED,
    env: dict[str, str] | None = None,
    read: Iterable[Path | str] = (),
    write: Iterable[Path | str] = (),
) -> TrustedResult:
    """Run a trusted program to the end (or its deadline): stdin from a file, output captured."""
    where = {"cwd": cwd, "limits": limits, "env": env, "read": read, "write": write}
    if stdin is None:
        return TrustedProcess(argv, **where).finish()  # type: ignore[arg-type]
    with open(stdin, "rb") as f:
        return TrustedProcess(argv, stdin=f, **where).finish()  # type: ignore[arg-type]


def _read_capped(f: IO[bytes] | None) -> str:
    if f is None:
        return ""
    try:
        f.seek(0)
        return f.read(CAPTURE_CAP).decode("utf-8", "replace")
    finally:
        f.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _prlimit(pid: int, limits: TrustedLimits) -> None:
    import resource

    cpu = max(1, int(limits.cpu_s + 0.999))
    for res, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (limits.mem_mb << 20,) * 2),
        (resource.RLIMIT_FSIZE, (limits.out_mb << 20,) * 2),
    ):
        try:
            resource.prlimit(pid, res, value)
        except (ProcessLookupError, OSError):
            pass


def kill_all_trusted() -> None:
    """Kill every trusted program still running (exit, SIGTERM, ^C: see cli.main)."""
    with _live_lock:
        procs = list(_live.values())
        _live.clear()
    for proc in procs:
        _kill_group(proc)


atexit.register(kill_all_trusted)
