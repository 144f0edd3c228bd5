"""Every wait on a box has a deadline: a box whose executor stops answering (here: frozen with SIGSTOP)
ends the request with a sandbox error within the request's wall clock plus a margin, and is replaced."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from ioi_agent.errors import SandboxError
from ioi_agent.sandbox import SandboxPool, choose_backend
from ioi_agent.sandbox import base as sandbox_base
from ioi_agent.sandbox.base import ProcSpec


def _executors(root_pid: int) -> list[psutil.Process]:
    procs = [psutil.Process(root_pid), *psutil.Process(root_pid).children(recursive=True)]
    return [
        p for p in procs if p.name().startswith("python") and any("executor.py" in a for a in p.cmdline())
    ]


def test_a_frozen_box_is_a_sandbox_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    backend, _ = choose_backend("bwrap")
    monkeypatch.setattr(sandbox_base, "REPLY_MARGIN_S", 2.0)
    spec = ProcSpec(argv=["/bin/true"], cwd="/tmp", cpu_s=1.0, wall_s=1.0)
    with SandboxPool(backend, 1) as pool:
        with pool.box() as box:
            assert box.run([spec])[0].ok
            assert box.proc is not None
            (executor,) = _executors(box.proc.pid)
            os.kill(executor.pid, signal.SIGSTOP)
            start = time.monotonic()
            with pytest.raises(SandboxError, match="did not answer"):
                box.run([spec])
            assert time.monotonic() - start < 10
            assert box.run([spec])[0].ok  # a fresh box took its place
