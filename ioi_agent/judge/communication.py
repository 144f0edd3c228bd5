"""CMS Communication, as CMS's task type defines it (cms/grading/tasktypes/Communication.py).

A manager (trusted, on the host) talks to N concurrent contestant processes (each in a box and under a uid
of its own) through two FIFOs
per process: it writes `m_to_u{i}` and reads `u{i}_to_m`, gets `u0_to_m m_to_u0 u1_to_m m_to_u1 ...` as
arguments and the test input on stdin, and prints the test's score on stdout and its message on stderr.
A contestant process has the FIFOs as stdin and stdout (`std_io`, CMS's default) or as its first two
arguments, from-manager first (`fifo_io`), followed by its index when there are several processes.

Limits, as CMS sets them: the manager gets max(N × (time limit + 1), 10) s of CPU, a wall clock of
2 × that + 1 s, and the trusted memory limit; each contestant process gets the task's limits, and their
CPU times are summed: a sum reaching the limit is a timeout.

Outcome, in CMS's order: a manager that fails (nonzero exit, killed, past its deadline) is a judge error;
else a contestant process that failed (time, memory, crash) gives that verdict with score 0; else the
manager's score. No open can deadlock (see `wait_for_writer` in sandbox/launch.c), and a manager still
blocked on a FIFO whose contestant never came is released once the contestants have ended.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from ioi_agent.judge.checkers import cms_result, host_program
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.strategies import (
    Scratch,
    Strategy,
    checked,
    contestant_spec,
    failed_run,
    judge_error,
    worst_failure,
)
from ioi_agent.judge.trusted import TRUSTED, TrustedLimits, TrustedProcess
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import TestCase
from ioi_agent.sandbox.base import Box, ProcResult, ProcSpec
from ioi_agent.sandbox.hostfs import open_below
from ioi_agent.sandbox.trusted_box import own_for_trusted

if TYPE_CHECKING:
    from ioi_agent.judge.runner import Judge

# After the contestants ended, how long a manager that already has its answer may take to say it.
MANAGER_GRACE_S = 5.0
_TAKING_BOXES = threading.Lock()


def _run_all(boxes: list[Box], specs: list[ProcSpec]) -> list[ProcResult]:
    """Run spec i in box i, all at once (each box's run blocks until its program ended)."""
    if len(boxes) == 1:
        return boxes[0].run(specs)
    with ThreadPoolExecutor(len(boxes)) as pool:
        futures = [pool.submit(box.run, [spec]) for box, spec in zip(boxes, specs, strict=True)]
        return [f.result()[0] for f in futures]


def release_fifos(to_peer: list[Path], from_peer: list[Path]) -> None:
    """Open and close the far end of each FIFO without blocking, so that a trusted peer blocked opening
    one (its contestant never opened the other end) gets through the open and sees end-of-file or a
    broken pipe instead of waiting forever. Harmless for a peer that has them open already."""
    for path, flags in [*((p, os.O_RDONLY) for p in to_peer), *((p, os.O_WRONLY) for p in from_peer)]:
        # Each is a Scratch FIFO, work/out/<scratch>/<name>: walked from the work folder without
        # following a link (the program may have swapped its scratch folder), and only a FIFO opened.
        # None: ENXIO (no reader to write to, nobody blocked), or no FIFO there any more.
        fd = open_below(path.parents[2], "/".join(path.parts[-3:]), flags | os.O_NONBLOCK, stat.S_IFIFO)
        if fd is not None:
            os.close(fd)


def manager_limits(time_limit: float, num_processes: int) -> TrustedLimits:
    return TrustedLimits(cpu_s=max(num_processes * (time_limit + 1.0), TRUSTED.cpu_s), mem_mb=TRUSTED.mem_mb)


class CommunicationStrategy(Strategy):
    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        problem = judge.problem
        manager = host_program(problem.manager_sources, judge.cache)
        n = problem.num_processes
        user_io = getattr(problem, "user_io", "std_io")
        workdir = Path(tempfile.mkdtemp(prefix="manager-", dir=judge.pool.private))
        own_for_trusted(workdir)
        with ExitStack() as stack:
            # One box (and so one uid) per contestant process: none can signal, ptrace or read another.
            # Taken all at once under a lock, so two tests that each need several boxes cannot each
            # hold some and wait for the rest.
            with _TAKING_BOXES:
                boxes = [stack.enter_context(judge.pool.box()) for _ in range(n)]
            scratches = [Scratch(box) for box in boxes]
            stack.callback(lambda: [sc.remove() for sc in scratches])
            stack.callback(shutil.rmtree, workdir, True)
            to_user: list[Path] = []
            from_user: list[Path] = []
            fifo_args: list[str] = []
            specs: list[ProcSpec] = []
            for i, scratch in enumerate(scratches):
                m_to_u, m_to_u_box = scratch.fifo(f"m_to_u{i}")
                u_to_m, u_to_m_box = scratch.fifo(f"u{i}_to_m")
                to_user.append(m_to_u)
                from_user.append(u_to_m)
                fifo_args += [str(u_to_m), str(m_to_u)]
                index = [str(i)] if n > 1 else []
                if user_io == "fifo_io":  # the program (its stub) opens the FIFOs named on its command line
                    spec = contestant_spec(judge, program, None, None, args=[m_to_u_box, u_to_m_box, *index])
                else:
                    spec = contestant_spec(judge, program, m_to_u_box, u_to_m_box, args=index)
                specs.append(spec.model_copy(update={"stderr": f"{scratch.box}/err{i}"}))
            with open(test.input, "rb") as stdin:
                mgr = TrustedProcess(
                    [*manager, *fifo_args],
                    stdin=stdin,
                    cwd=workdir,
                    limits=manager_limits(judge.time_limit, n),
                    write=[workdir, *to_user, *from_user],
                )
            try:
                results = _run_all(boxes, specs)
            except BaseException:
                mgr.kill()
                mgr.finish()
                raise
            release_fifos(to_user, from_user)
            verdict = mgr.finish(time.monotonic() + MANAGER_GRACE_S + judge.time_limit)
        if verdict.returncode != 0:
            return judge_error(verdict.failure("the manager"))
        return self._outcome(judge, results, verdict.stdout, verdict.stderr)

    @staticmethod
    def _outcome(judge: Judge, results: list[ProcResult], stdout: str, stderr: str) -> StoredOutcome:
        total = sum(r.cpu_s for r in results)
        peak = max(r.peak_mb for r in results)
        failure = worst_failure(results)
        if failure is not None:
            return failure
        if total >= judge.time_limit:  # each process within the limit, their sum not (CMS)
            worst_run = max(results, key=lambda r: r.cpu_s)
            outcome = failed_run(worst_run, Verdict.TLE)
            message = f"CPU {total:.3f} s over {len(results)} processes"
            return outcome.model_copy(update={"time_s": total, "memory_mb": peak, "message": message})
        return checked(cms_result(0, stdout, stderr), total, peak)
