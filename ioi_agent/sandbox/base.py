"""One sandbox interface, several backends.

A `Box` is one long-lived sandbox (a container or a bubblewrap namespace) running the in-box executor
(`sandbox/executor.py`) as its first process. The host talks to it over a pipe, one JSON line per run.
Every box sees the same three folders at the same box paths:
  /box/in   read-only: test inputs, content-addressed (never the answers)
  /box/bin  read-only: compiled programs, content-addressed
  /box/work read-write: this box's own scratch (program outputs, compile output, FIFOs)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from ioi_agent.errors import SandboxError

BOX_IN = "/box/in"
BOX_BIN = "/box/bin"
BOX_WORK = "/box/work"
BOX_EXECUTOR = "/box/executor"
BASE_UID = 10000  # box i runs as uid BASE_UID + i, so one box's process count never starves another


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

    def __init__(self, index: int, mounts: Mounts, work: Path, memory_cap_mb: int):
        self.index = index
        self.mounts = mounts
        self.work = work
        self.memory_cap_mb = memory_cap_mb
        self.uid = BASE_UID + index if os.geteuid() == 0 else os.geteuid()
        self.proc: subprocess.Popen[str] | None = None
        self._seq = 0
        self._lock = threading.Lock()

    @abstractmethod
    def command(self) -> list[str]:
        """The host command that starts the box with the executor attached to its stdin/stdout."""

    def popen_kwargs(self) -> dict:
        return {}

    def start(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        for sub in ("run", "out", "tmp"):
            (self.work / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            for path in [self.work, *self.work.iterdir()]:
                os.chown(path, self.uid, self.uid)
        try:
            self.proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                bufsize=1,
                **self.popen_kwargs(),
            )
        except OSError as exc:
            raise SandboxError(f"{self.backend}: cannot start the box: {exc}") from None
        hello = self.proc.stdout.readline() if self.proc.stdout else ""
        if not hello:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            self.close()
            raise SandboxError(f"{self.backend}: the box did not start: {err.strip()[-400:] or 'no output'}")
        info = json.loads(hello)
        if not info.get("ready"):
            raise SandboxError(f"{self.backend}: unexpected greeting from the box: {hello!r}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def run(self, procs: list[ProcSpec]) -> list[ProcResult]:
        """Run the processes concurrently; restarts a dead box once before reporting a sandbox error."""
        with self._lock:
            for attempt in range(2):
                if not self.alive():
                    self.close()
                    self.start()
                try:
                    return self._request(procs)
                except BrokenPipeError:
                    if attempt:
                        raise SandboxError(
                            f"{self.backend}: box {self.index} died twice running one request"
                        ) from None
        raise AssertionError("unreachable")

    def _request(self, procs: list[ProcSpec]) -> list[ProcResult]:
        assert self.proc and self.proc.stdin and self.proc.stdout
        self._seq += 1
        req = {"id": str(self._seq), "procs": [p.model_dump() for p in procs]}
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise BrokenPipeError from None
        line = self.proc.stdout.readline()
        if not line:
            raise BrokenPipeError
        reply = json.loads(line)
        if "error" in reply:
            raise SandboxError(f"{self.backend}: executor error: {reply['error']}")
        return [ProcResult.model_validate(r) for r in reply["results"]]

    def close(self) -> None:
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

    def clear_work(self) -> None:
        """Empty the box's scratch folders (host side, between requests that leave files)."""
        for sub in ("out", "tmp"):
            path = self.work / sub
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                os.chown(path, self.uid, self.uid)

    def host_path(self, box_path: str) -> Path:
        """Map a path under /box/work to the host."""
        if not box_path.startswith(BOX_WORK):
            raise ValueError(box_path)
        return self.work / box_path[len(BOX_WORK) :].lstrip("/")


class Backend(ABC):
    name = "abstract"

    @abstractmethod
    def available(self) -> str | None:
        """None when usable here, else the reason it is not."""

    @abstractmethod
    def make_box(self, index: int, mounts: Mounts, work: Path, memory_cap_mb: int) -> Box: ...
