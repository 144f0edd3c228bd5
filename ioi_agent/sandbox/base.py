"""One sandbox interface, several backends.

A `Box` is one long-lived sandbox (a container or a bubblewrap namespace) running the in-box executor
(`sandbox/executor.py`) as its first process. The host talks to it over a pipe, one JSON line per run
(the executor's stdin/stdout; for a box whose stdio is relayed by a daemon, as Docker's is, a Unix socket
instead: see `Box.relayed_stdio`).
Every box sees the same three folders at the same box paths:
  /box/in   read-only, not listable: test inputs under unguessable names (a keyed hash of the content),
            so a run opens only the input it was given (never the answers)
  /box/bin  read-only: compiled programs, content-addressed
  /box/work this box's own scratch: its top belongs to the judge (as root, not writable by the box), its
            folders run/, out/ and tmp/ to the box (program outputs, compile output, FIFOs). Each start
            of a box gets a new work folder made by the host: a box whose executor could not sweep what
            a program left (it says so in its reply, then exits) is replaced, never reused, and the host
            removes the old folder only through `hostfs` (fd walks that follow nothing).
"""

from __future__ import annotations

import array
import json
import os
import select
import socket
import struct
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from binascii import a2b_base64
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from ioi_agent.errors import SandboxError
from ioi_agent.sandbox import workdir
from ioi_agent.sandbox.cgroups import BoxGroups
from ioi_agent.sandbox.hostfs import remove_tree

BOX_IN = "/box/in"
BOX_BIN = "/box/bin"
BOX_WORK = "/box/work"
BOX_EXECUTOR = "/box/executor"
# The whole environment of a box's first process (the executor) and of every program it starts unless a
# run names its own: nothing of the judge's environment (tokens, paths, settings) reaches a box.
BOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
BASE_UID = 10000  # box i runs as uid BASE_UID + i, so one box's process count never starves another
CONTROL_SOCKET = ".executor.sock"  # under the box's work folder, only until the executor has connected
START_TIMEOUT_S = 120.0
# Boxes are started from this one thread, which lives as long as the judge: bubblewrap's
# --die-with-parent is PR_SET_PDEATHSIG, which fires when the *thread* that forked it ends, so a box
# replaced from a worker thread would be killed when that worker's pool shuts down.
_STARTER = ThreadPoolExecutor(1, thread_name_prefix="box-start")
REPLY_MARGIN_S = 30.0  # beyond a request's longest wall clock, how long the host waits for the reply


class ProcSpec(BaseModel):
    """One process of a run, with box paths."""

    argv: list[str]
    cwd: str = BOX_WORK + "/run"
    stdin: str | None = None
    stdout: str | None = None
    stderr: str | None = None
    cpu_s: float
    wall_s: float
    mem_mb: int | None = None
    # Address space a runtime reserves and never uses (PyPy): added to RLIMIT_AS where no cgroup counts
    # memory, never to the memory limit itself.
    as_extra_mb: int = 0
    out_mb: int = 64
    nproc: int = 16
    env: dict[str, str] | None = None
    clean_dirs: list[str] = Field(default_factory=list)


class ProcResult(BaseModel):
    exit_code: int | None = None
    signal: int | None = None
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_mb: float = 0.0
    cpu_exceeded: bool = False
    wall_exceeded: bool = False
    output_exceeded: bool = False
    mem_exceeded: bool = False
    spawn_error: str | None = None
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.signal is None and not self.spawn_error


@dataclass(frozen=True)
class Mounts:
    """Host folders shared by all boxes of a judge."""

    inputs: Path
    binaries: Path
    executor: Path


def executor_dir() -> Path:
    """The folder holding executor.py: the checkout's top-level sandbox/, or ioi_agent._box in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "sandbox"
    if (checkout / "executor.py").is_file():
        return checkout
    return Path(str(resources.files("ioi_agent._box")))


class Box(ABC):
    """A started sandbox with its executor; `run` is not thread-safe: one worker owns one box."""

    backend = "abstract"
    # Docker relays a container's stdio through the client, dockerd and the shim: three processes and
    # hops per message, ~0.6 ms of CPU per run. Such boxes talk over a Unix socket in the work folder,
    # which the executor connects to at start; the host accepts that one connection (checking its uid)
    # and removes the socket before any program runs, so no program can reach it.
    relayed_stdio = False
    # Set by the pool where runs get cgroups (cgroups.py): their open files reach the executor over the
    # same Unix socket (SCM_RIGHTS), so a box with groups always talks over the socket.
    groups: BoxGroups | None = None
    retired = False  # set by a closing pool: the box is never started again
    # Times the box itself failed (died, could not sweep its work folder, stopped answering, refused a
    # request): a result obtained across one is not a fact about the program (the pool's `watch`).
    failures = 0

    def __init__(self, index: int, mounts: Mounts, work: Path, memory_cap_mb: int):
        self.index = index
        self.mounts = mounts
        self.home = work  # each start's work folder is a new one beside it: home.1, home.2, ...
        self.work = work
        self._starts = 0
        self._stale = False  # the executor said it exits after its reply: a sweep it could not finish
        self.memory_cap_mb = memory_cap_mb
        self.uid = BASE_UID + index if os.geteuid() == 0 else os.geteuid()
        self.proc: subprocess.Popen[str] | None = None
        self._conn: socket.socket | None = None
        self._to_box = None  # text streams of the executor's protocol: its stdin/stdout, or the socket
        self._from_box = None
        self._seq = 0
        self._lock = threading.Lock()
        self._groups_sent = False

    @abstractmethod
    def command(self) -> list[str]:
        """The host command that starts the box with the executor attached to its stdin/stdout."""

    def popen_kwargs(self) -> dict:
        return {}

    def _prepare_work(self, path: Path) -> None:
        """Called on a new, empty work folder before its sub-folders are made (quota.QuotaBox mounts)."""
        return None

    def start(self) -> None:
        if self.retired:  # an interrupted judge: a worker's restart must not outlive the pool
            raise SandboxError(f"{self.backend}: box {self.index} belongs to a closed pool")
        if self._starts:
            remove_tree(self.work)  # the last start's folder: its box is closed
        self.work, self._starts = workdir.fresh(self.home, self._starts, self.uid, self._prepare_work)
        self._stale = False
        command = self.command()
        wants_socket = self.relayed_stdio or self.groups is not None
        listener = self._listen() if wants_socket and self._socket_fits() else None
        self._groups_sent = False
        if listener is not None:
            command = [*command, "--connect", f"{BOX_WORK}/{CONTROL_SOCKET}"]
        try:
            self.proc = _STARTER.submit(
                subprocess.Popen,
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                bufsize=1,
                **self.popen_kwargs(),
            ).result()
        except OSError as exc:
            if listener is not None:
                listener.close()
            raise SandboxError(f"{self.backend}: cannot start the box: {exc}") from None
        if listener is not None:
            self._accept(listener)
        else:
            self._to_box, self._from_box = self.proc.stdin, self.proc.stdout
        hello = self._from_box.readline() if self._from_box else ""
        if not hello:
            self._fail_start("no output")
        info = json.loads(hello)
        if not info.get("ready"):
            raise SandboxError(f"{self.backend}: unexpected greeting from the box: {hello!r}")

    def ready(self) -> None:
        """A live box with a clean work folder: one whose executor is gone, or said it is going (it
        could not sweep what a run left), is replaced by a fresh box with a new work folder. Called
        before anything is placed in the box (the pool calls it when lending a box)."""
        if self._stale or not self.alive():
            self.close()
            self.start()

    def _fail_start(self, why: str) -> None:
        err = ""
        if self.proc is not None and self.proc.stderr:
            if self.proc.poll() is None:
                self.proc.kill()
            err = self.proc.stderr.read()
        self.close()
        raise SandboxError(f"{self.backend}: the box did not start: {err.strip()[-400:] or why}")

    def _socket_fits(self) -> bool:
        """A Unix socket path has at most 107 bytes; with a longer work folder, stdio it is."""
        return len(os.fsencode(self.work / CONTROL_SOCKET)) < 108

    def _listen(self) -> socket.socket:
        path = self.work / CONTROL_SOCKET  # in a work folder just made: nothing planted there
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        if os.geteuid() == 0:
            os.chown(path, self.uid, self.uid, follow_symlinks=False)
        os.chmod(path, 0o600)
        listener.listen(1)
        listener.settimeout(0.2)
        return listener

    def _accept(self, listener: socket.socket) -> None:
        """Take the executor's connection; the socket file goes before any program can run."""
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while True:
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    assert self.proc is not None
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        self._fail_start("the executor never connected")
                    continue
                _pid, uid, _gid = struct.unpack(
                    "3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
                )
                if uid == self.uid:
                    break
                conn.close()  # not the box's executor
        finally:
            listener.close()
            (self.work / CONTROL_SOCKET).unlink(missing_ok=True)
        conn.settimeout(None)
        self._conn = conn
        self._to_box = conn.makefile("w", encoding="utf-8", newline="\n")
        self._from_box = conn.makefile("r", encoding="utf-8", newline="\n")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def run(self, procs: list[ProcSpec]) -> list[ProcResult]:
        """Run the processes concurrently; restarts a dead box once before reporting a sandbox error."""
        with self._lock:
            for attempt in range(2):
                self.ready()
                try:
                    self._send_groups(len(procs))
                    results = self._request(procs)
                    if self.groups is not None and self._conn is not None:
                        self.groups.mark_used(len(procs))
                    return results
                except BrokenPipeError:
                    self.failures += 1  # it died under the request (a box dead between two is no failure)
                    # Started afresh even if its client still runs: a killed container's `docker run`
                    # outlives it for a while, and the next request would meet the same dead socket.
                    self.close()
                    if attempt:
                        raise SandboxError(
                            f"{self.backend}: box {self.index} died twice running one request"
                        ) from None
        raise AssertionError("unreachable")

    def run_series(self, procs: list[ProcSpec], capture: int) -> list[tuple[ProcResult, bytes | None]]:
        """Run the processes alone each, one after another, in one exchange with the executor (each run
        as clean as its own request). With `capture`, each run's stdout (at most `capture` bytes) comes
        back with its result and its stdout and stderr files are gone; None where it did not (larger:
        the file stays). The series stops after a run that failed or whose stdout did not come back, so
        the results may be fewer than the processes (at least one)."""
        if self.groups is not None and self.groups.fresh_each_run:
            procs = procs[:1]  # a slot whose peak cannot be reset takes one run, then a fresh group
        with self._lock:
            for attempt in range(2):
                self.ready()
                try:
                    self._send_groups(1)
                    request = {"series": [p.model_dump() for p in procs], "capture": capture}
                    replies = self._exchange(request, sum(p.wall_s for p in procs))
                    if self.groups is not None and self._conn is not None:
                        self.groups.mark_used(1)
                    out = []
                    for reply in replies:
                        data = reply.pop("stdout", None)
                        out.append(
                            (ProcResult.model_validate(reply), None if data is None else a2b_base64(data))
                        )
                    return out
                except BrokenPipeError:
                    self.failures += 1  # it died under the request (a box dead between two is no failure)
                    # Started afresh even if its client still runs: a killed container's `docker run`
                    # outlives it for a while, and the next request would meet the same dead socket.
                    self.close()
                    if attempt:
                        raise SandboxError(
                            f"{self.backend}: box {self.index} died twice running one request"
                        ) from None
        raise AssertionError("unreachable")

    def _send_groups(self, count: int) -> None:
        """Give the executor (new, or needing more or fresh slots) the run slots' open cgroup files."""
        if self.groups is None or self._conn is None:
            return  # no cgroups here, or a stdio box: the executor uses rlimits
        try:
            changed = self.groups.ensure(count)
        except OSError as exc:
            raise SandboxError(f"{self.backend}: cannot prepare the run's cgroups: {exc}") from None
        if self._groups_sent and not changed:
            return
        message, fds = self.groups.message()
        if len(fds) > 250:  # SCM_MAX_FD is 253
            raise SandboxError(f"{self.backend}: too many concurrent processes for cgroup slots ({count})")
        self._seq += 1
        line = json.dumps({"id": str(self._seq), **message}) + "\n"
        assert self._to_box is not None and self._from_box is not None
        try:
            self._to_box.flush()
            self._conn.sendmsg(
                [line.encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds).tobytes())]
            )
            reply_line = self._from_box.readline()
        except OSError:
            raise BrokenPipeError from None
        if not reply_line:
            raise BrokenPipeError
        reply = json.loads(reply_line)
        if not reply.get("ok"):
            raise SandboxError(f"{self.backend}: the executor refused the cgroup slots: {reply}")
        self._groups_sent = True

    def _request(self, procs: list[ProcSpec]) -> list[ProcResult]:
        replies = self._exchange(
            {"procs": [p.model_dump() for p in procs]}, max((p.wall_s for p in procs), default=0.0)
        )
        return [ProcResult.model_validate(r) for r in replies]

    def _exchange(self, request: dict, longest_s: float) -> list[dict]:
        """Send one request, wait for its reply (at most `longest_s` + the margin); its results."""
        assert self._to_box is not None and self._from_box is not None
        self._seq += 1
        req = {"id": str(self._seq), **request}
        try:
            self._to_box.write(json.dumps(req) + "\n")
            self._to_box.flush()
        except (BrokenPipeError, OSError):
            raise BrokenPipeError from None
        # The executor enforces every limit itself; this deadline is for a box that stopped answering
        # (a wedged executor, a container the engine froze): the judge waits for nothing forever.
        wait_s = longest_s + REPLY_MARGIN_S
        try:
            if self._conn is not None:
                self._conn.settimeout(wait_s)
            elif not select.select([self._from_box], [], [], wait_s)[0]:
                raise TimeoutError
            line = self._from_box.readline()
        except TimeoutError:
            self.failures += 1
            self.close()
            raise SandboxError(
                f"{self.backend}: box {self.index} did not answer within {wait_s:.0f} s; it was stopped"
            ) from None
        except OSError:
            raise BrokenPipeError from None
        finally:
            if self._conn is not None:
                self._conn.settimeout(None)
        if not line:
            raise BrokenPipeError
        reply = json.loads(line)
        if reply.get("dirty"):
            self._stale = True  # the executor exits after this reply: the next request gets a fresh box
            self.failures += 1
        if "error" in reply:
            self.failures += 1
            raise SandboxError(f"{self.backend}: executor error: {reply['error']}")
        return reply["results"]

    def close(self) -> None:
        if self._conn is not None:
            for stream in (self._to_box, self._from_box):
                try:
                    stream.close()  # the executor sees the end of its input and exits
                except OSError:
                    pass
            self._conn.close()
            self._conn = None
        self._to_box = self._from_box = None
        if self.proc is not None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait()
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream:
                    stream.close()
            self.proc = None

    def abort(self) -> None:
        """Stop the box now, whatever it runs, from any thread, and retire it: the worker waiting for its
        reply gets an error at once instead of the request's wall clock later (an interrupted judge)."""
        self.retired = True
        conn, proc = self._conn, self.proc
        if conn is not None:
            try:
                conn.shutdown(socket.SHUT_RDWR)  # wakes a reader blocked on the socket
            except OSError:
                pass
        if proc is not None:
            try:
                proc.kill()  # bubblewrap takes the whole box with it; Docker's container: close()
            except OSError:
                pass

    def clear_work(self) -> None:
        """Empty the box's out/ and tmp/ from the host side (the executor sweeps after each request
        itself), through fds only; a box folder that cannot be emptied marks the box for replacement."""
        if not workdir.clear(self.work):
            self._stale = True

    def host_path(self, box_path: str) -> Path:
        """The host name of a path under /box/work: a name only; open what a box made through `hostfs`."""
        return workdir.host_path(self.work, box_path)


class Backend(ABC):
    name = "abstract"

    @abstractmethod
    def available(self) -> str | None:
        """None when usable here, else the reason it is not."""

    @abstractmethod
    def make_box(self, index: int, mounts: Mounts, work: Path, memory_cap_mb: int) -> Box: ...
