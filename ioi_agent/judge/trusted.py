"""Trusted programs (checkers, interactors, managers, output validators, graders, and their host
compile): one way to run them, boxed, with limits, deadlines and a life tied to the judge's.

CMS's `trusted_step` is the model: 10 s of CPU, a wall clock of 2 × CPU + 1 s, 4 GiB of address space,
in a sandbox of their own. Each runs in a one-shot box of its own (`sandbox/trusted_box.py`: its own uid,
never root, and of the host's files only those it is given); `guard` (sandbox/guard.c) sets the limits and
PR_SET_PDEATHSIG before exec, so a judge that is killed takes its managers and checkers with it; each runs
in a process group of its own, killed whole at its deadline. Output to the judge goes to unnamed files the
judge opened (never a path), read back with a size cap (`CAPTURE_CAP`), as are the files a trusted program
leaves for the judge (`read_capped`: no link followed, at most a cap). Nothing here waits without a
deadline, and a trusted program that cannot even start is a failed `TrustedResult` (a judge error for its
run), not an exception.

The host's own bound on every trusted program, whatever a role asks: `$IOI_AGENT_TRUSTED_MEMORY_MB` (address
space, default 4096 as CMS) and `$IOI_AGENT_TRUSTED_OUTPUT_MB` (largest file it writes, its captured
stdout and stderr included, default 256), read at each start.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from ioi_agent.sandbox.base import executor_dir
from ioi_agent.sandbox.trusted_box import boxed

CAPTURE_CAP = 1 << 20  # bytes of a trusted program's stdout/stderr the judge reads
MEMORY_ENV, OUTPUT_ENV = "IOI_AGENT_TRUSTED_MEMORY_MB", "IOI_AGENT_TRUSTED_OUTPUT_MB"


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

    def bounded(self) -> TrustedLimits:
        """These limits within the host's bounds (`$IOI_AGENT_TRUSTED_MEMORY_MB`, `_OUTPUT_MB`)."""
        return replace(
            self,
            mem_mb=min(self.mem_mb, _env_mb(MEMORY_ENV, TrustedLimits.mem_mb)),
            out_mb=min(self.out_mb, _env_mb(OUTPUT_ENV, TrustedLimits.out_mb)),
        )


def _env_mb(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


TRUSTED = TrustedLimits()


@dataclass(frozen=True)
class TrustedResult:
    returncode: int | None  # None: killed at its wall-clock deadline
    stdout: str
    stderr: str
    timed_out: bool = False
    start_error: str = ""  # why it could not be started (then returncode is None)

    @property
    def signal(self) -> int | None:
        return -self.returncode if self.returncode is not None and self.returncode < 0 else None

    def failure(self, what: str) -> str:
        """One line saying how the program ended badly (for a JE message)."""
        if self.start_error:
            return f"{what} could not be started: {self.start_error}"
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
        trusted_box.boxed); `env`: its variables besides PATH, HOME and LANG. One that cannot be started
        (its files unreachable, no process to be had) finishes at once with `start_error` set."""
        limits = limits.bounded()
        self.limits = limits
        self.deadline = time.monotonic() + limits.wall
        self._out = None if stdout is not None else tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        self.start_error = ""
        self._boxed = True
        try:
            self.proc: subprocess.Popen[bytes] | None = self._start(
                argv, stdin, stdout, cwd, env, read, write
            )
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            self.proc, self.start_error = None, str(exc)[:300] or type(exc).__name__

    def _start(
        self,
        argv: list[str],
        stdin: int | IO[bytes] | None,
        stdout: int | IO[bytes] | None,
        cwd: Path | str | None,
        env: dict[str, str] | None,
        read: Iterable[Path | str],
        write: Iterable[Path | str],
    ) -> subprocess.Popen[bytes]:
        limits = self.limits
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
            proc = subprocess.Popen(
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
            _prlimit(proc.pid, limits)
        with _live_lock:
            _live[proc.pid] = proc
        return proc

    def _status(self, code: int) -> int:
        """The program's exit status: bubblewrap reports a program killed by signal S as exit 128 + S
        (as a shell does), which becomes -S again here."""
        if self._boxed and 128 < code <= 128 + 64:
            return 128 - code
        return code

    def poll(self) -> int | None:
        return self.proc.poll() if self.proc is not None else 1

    def kill(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc)

    def finish(self, deadline: float | None = None) -> TrustedResult:
        """Wait until it exits or the deadline (its own wall limit by default) passes; kill it then."""
        if self.proc is None:
            _read_capped(self._out)
            _read_capped(self._err)
            return TrustedResult(returncode=None, stdout="", stderr="", start_error=self.start_error)
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


def read_capped(path: Path, cap: int) -> bytes | None:
    """The first `cap` bytes of a file a trusted program left for the judge (a feedback file, say), or
    None when it is absent, not a regular file, or a symbolic link (never followed: the judge runs as
    root, the program's box sees only its own folders)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    with os.fdopen(fd, "rb", buffering=0) as f:
        chunks, left = [], cap
        while left > 0 and (chunk := f.read(min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


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
