"""One small strategy per task type: how one test of one program is run and checked.

Every strategy returns a `StoredOutcome`; the runner handles caching, early stop and aggregation.
Trusted programs (checkers, interactors, managers) run on the host; contestant programs run in a box and
talk to them through FIFOs in the box's work folder (the same inode on both sides of the bind mount).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from ioi_agent.judge.checkers import (
    CHECKER_TIMEOUT_S,
    CheckResult,
    cms_result,
    host_program,
    kattis_result,
    run_checker,
)
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.verdict import Verdict, runtime_verdict
from ioi_agent.packages.model import Problem, TaskType, TestCase
from ioi_agent.sandbox.base import BOX_WORK, Box, ProcResult, ProcSpec

if TYPE_CHECKING:
    from ioi_agent.judge.runner import Judge

RUN_CWD = "/tmp/run"


def contestant_spec(
    judge: Judge, program: CompiledProgram, stdin: str | None, stdout: str | None, **extra
) -> ProcSpec:
    limits = judge.problem.limits
    tl = judge.time_limit
    return ProcSpec(
        argv=[*program.argv, *extra.pop("args", [])],
        cwd=RUN_CWD,
        stdin=stdin,
        stdout=stdout,
        stderr=extra.pop("stderr", None),
        cpu_s=tl,
        wall_s=2 * tl + 1,
        mem_mb=limits.memory_mb,
        out_mb=limits.output_mb,
        nproc=judge.nproc,
        clean_dirs=[RUN_CWD],
    )


def failed_run(result: ProcResult, verdict: Verdict) -> StoredOutcome:
    message = result.spawn_error or (
        f"signal {result.signal}" if result.signal else f"exit code {result.exit_code}"
    )
    if verdict == Verdict.TLE:
        message = f"CPU {result.cpu_s:.3f} s" + (" (wall-clock cap)" if result.wall_exceeded else "")
    return StoredOutcome(
        verdict=verdict, score=0.0, time_s=result.cpu_s, memory_mb=result.peak_mb, message=message
    )


def checked(check: CheckResult, time_s: float, memory_mb: float) -> StoredOutcome:
    """The outcome a checker decided, with the run's time and memory."""
    return StoredOutcome(
        verdict=check.verdict, score=check.score, time_s=time_s, memory_mb=memory_mb, message=check.message
    )


def judge_error(message: str, time_s: float = 0.0, memory_mb: float = 0.0) -> StoredOutcome:
    return StoredOutcome(verdict=Verdict.JE, score=0.0, time_s=time_s, memory_mb=memory_mb, message=message)


class Scratch:
    """A unique folder under the box's work folder, visible to the box, removed afterwards."""

    def __init__(self, box: Box):
        self.name = uuid.uuid4().hex[:12]
        self.host = box.work / "out" / self.name
        self.box = f"{BOX_WORK}/out/{self.name}"
        self.host.mkdir(parents=True)
        self.uid = box.uid
        self._own(self.host)

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            os.chown(path, self.uid, self.uid)

    def fifo(self, name: str) -> tuple[Path, str]:
        path = self.host / name
        os.mkfifo(path, 0o600)
        self._own(path)
        return path, f"{self.box}/{name}"

    def remove(self) -> None:
        shutil.rmtree(self.host, ignore_errors=True)


class Strategy(ABC):
    @abstractmethod
    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome: ...


_TRAILING_SPACE = re.compile(rb"[ \t\r\f\v]+(?=\n)")


def output_digest(path: Path) -> str:
    """SHA-256 of a program's output, normalised so that outputs a token checker treats alike mostly hash
    alike: trailing whitespace of each line and trailing blank lines are dropped (CRLF counts as LF)."""
    data = path.read_bytes() if path.exists() else b""
    return hashlib.sha256(_TRAILING_SPACE.sub(b"", data).rstrip()).hexdigest()


class BatchStrategy(Strategy):
    """stdin → program → stdout → checker (also function-style tasks: the grader was compiled in).

    The outcome carries the output's hash (`extra["output_sha256"]`), so selection can compare programs'
    outputs; a test without an answer (a generated input) is not checked: a normal run is AC."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        stdin = judge.pool.stage_input(test.input)
        name = uuid.uuid4().hex[:12]  # plain files, no folder: this is the hot path
        with judge.pool.box() as box:
            out_host, err_host = box.work / "out" / f"{name}.out", box.work / "out" / f"{name}.err"
            spec = contestant_spec(
                judge, program, stdin, f"{BOX_WORK}/out/{name}.out", stderr=f"{BOX_WORK}/out/{name}.err"
            )
            result = box.run([spec])[0]
        try:
            verdict = runtime_verdict(result)
            if verdict is not None:
                return failed_run(result, verdict)
            extra = {"output_sha256": output_digest(out_host)}
            if test.answer is None:
                return StoredOutcome(
                    verdict=Verdict.AC, score=1.0, time_s=result.cpu_s, memory_mb=result.peak_mb, extra=extra
                )
            check = run_checker(judge.problem.checker, judge.cache, test.input, test.answer, out_host)
            return checked(check, result.cpu_s, result.peak_mb).model_copy(update={"extra": extra})
        finally:
            out_host.unlink(missing_ok=True)
            err_host.unlink(missing_ok=True)


def _start_peer(argv: list[str], to_user: Path, from_user: Path) -> subprocess.Popen[bytes]:
    """Start a trusted peer whose stdout feeds the contestant and whose stdin reads it.

    The shell opens the FIFO towards the contestant first, then the one from it: the executor opens the
    contestant's stdin first too, so neither side blocks forever on its second open."""
    script = 'exec "$0" "$@" > "$IOI_TO" < "$IOI_FROM"'
    env = {**os.environ, "IOI_TO": str(to_user), "IOI_FROM": str(from_user)}
    return subprocess.Popen(
        ["sh", "-c", script, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _finish_peer(peer: subprocess.Popen[bytes], contestant: ProcResult) -> tuple[int | None, str]:
    """Wait for a peer once the contestant ended; a peer still blocked after that is killed."""
    try:
        _, err = peer.communicate(timeout=0.5 if contestant.spawn_error else CHECKER_TIMEOUT_S)
        return peer.returncode, err.decode(errors="replace")
    except subprocess.TimeoutExpired:
        peer.kill()
        peer.communicate()
        return None, "the interactor did not finish"


def _broken_pipe(result: ProcResult) -> bool:
    return (
        result.signal == signal.SIGPIPE
        or "BrokenPipeError" in result.stderr_tail
        or "Broken pipe" in result.stderr_tail
    )


class InteractiveStrategy(Strategy):
    """Kattis interactive: the output validator talks to the program through its stdin/stdout."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        validator = host_program(judge.problem.manager_sources, judge.cache)
        answer = str(test.answer) if test.answer else "/dev/null"
        with judge.pool.box() as box:
            scratch = Scratch(box)
            to_host, to_box = scratch.fifo("to_user")
            from_host, from_box = scratch.fifo("from_user")
            feedback = scratch.host / "feedback"
            feedback.mkdir()
            peer = _start_peer(
                [*validator, str(test.input), answer, f"{feedback}/", *judge.problem.checker.flags],
                to_host,
                from_host,
            )
            spec = contestant_spec(judge, program, to_box, from_box, stderr=f"{scratch.box}/err")
            result = box.run([spec])[0]
        try:
            code, err = _finish_peer(peer, result)
            run_failure = runtime_verdict(result)
            if run_failure == Verdict.TLE:
                return failed_run(result, run_failure)
            if code is None:
                return judge_error(err, result.cpu_s, result.peak_mb)
            check = kattis_result(code, feedback, err)
            # The program's own failure wins (precedence; a validator killed by SIGPIPE because the program
            # died is the program's doing too), unless the program only died writing to a validator that
            # had already rejected it and quit (SIGPIPE, or Python's BrokenPipeError).
            if run_failure is None or (check.verdict == Verdict.WA and _broken_pipe(result)):
                return checked(check, result.cpu_s, result.peak_mb)
            return failed_run(result, run_failure)
        finally:
            scratch.remove()


class MultiPassStrategy(Strategy):
    """Kattis multi-pass: run again on `nextpass.in` while the validator asks for it."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        validator = host_program(judge.problem.manager_sources or judge.problem.checker.sources, judge.cache)
        answer = str(test.answer) if test.answer else "/dev/null"
        feedback = Path(judge.pool.session) / f"feedback-{uuid.uuid4().hex[:12]}"
        feedback.mkdir()
        current_input = test.input
        total_time, peak = 0.0, 0.0
        try:
            for _pass in range(judge.problem.validation_passes):
                stdin = judge.pool.stage_input(current_input)
                with judge.pool.box() as box:
                    scratch = Scratch(box)
                    spec = contestant_spec(
                        judge, program, stdin, f"{scratch.box}/out", stderr=f"{scratch.box}/err"
                    )
                    result = box.run([spec])[0]
                    output = feedback / "team_output"
                    if (scratch.host / "out").exists():
                        shutil.copyfile(scratch.host / "out", output)
                    else:
                        output.write_bytes(b"")
                    scratch.remove()
                total_time, peak = max(total_time, result.cpu_s), max(peak, result.peak_mb)
                verdict = runtime_verdict(result)
                if verdict is not None:
                    return failed_run(result, verdict)
                nextpass = feedback / "nextpass.in"
                nextpass.unlink(missing_ok=True)
                with open(output, "rb") as out:
                    proc = subprocess.run(
                        [*validator, str(test.input), answer, f"{feedback}/", *judge.problem.checker.flags],
                        stdin=out,
                        capture_output=True,
                        text=True,
                        timeout=CHECKER_TIMEOUT_S,
                    )
                check = kattis_result(proc.returncode, feedback, proc.stderr)
                if check.verdict != Verdict.AC or not nextpass.exists():
                    return checked(check, total_time, peak)
                current_input = feedback / f"pass{_pass + 2}.in"
                os.replace(nextpass, current_input)
            return judge_error("validator asked for more passes than allowed", total_time, peak)
        except subprocess.TimeoutExpired:
            return judge_error("validator timed out", total_time, peak)
        finally:
            shutil.rmtree(feedback, ignore_errors=True)


class CommunicationStrategy(Strategy):
    """CMS Communication: a manager on the host, N concurrent contestant processes in one box.

    FIFOs per process i, as CMS makes them: the manager writes `m_to_u{i}` and reads `u{i}_to_m`, and gets
    `u0_to_m m_to_u0 u1_to_m m_to_u1 ...` as arguments, the test input on stdin; it prints the score on
    stdout, the message on stderr. A contestant process has the FIFOs as stdin and stdout (`std_io`) or
    as its first two arguments (`fifo_io`), followed by its index when there are several processes.
    Time is the sum over contestant processes; a sum reaching the limit is a timeout (CMS)."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        manager = host_program(judge.problem.manager_sources, judge.cache)
        n = judge.problem.num_processes
        with judge.pool.box() as box:
            scratch = Scratch(box)
            fifo_args: list[str] = []
            specs = []
            for i in range(n):
                m_to_u, m_to_u_box = scratch.fifo(f"m_to_u{i}")
                u_to_m, u_to_m_box = scratch.fifo(f"u{i}_to_m")
                fifo_args += [str(u_to_m), str(m_to_u)]
                index = [str(i)] if n > 1 else []
                if getattr(judge.problem, "user_io", "std_io") == "fifo_io":  # the stub opens the FIFOs
                    spec = contestant_spec(judge, program, None, None, args=[m_to_u_box, u_to_m_box, *index])
                else:  # std_io: the FIFOs are the process's stdin and stdout
                    spec = contestant_spec(judge, program, m_to_u_box, u_to_m_box, args=index)
                specs.append(spec.model_copy(update={"stderr": f"{scratch.box}/err{i}"}))
            with open(test.input, "rb") as stdin:
                manager_proc = subprocess.Popen(
                    [*manager, *fifo_args],
                    stdin=stdin,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=scratch.host,
                )
            results = box.run(specs)
        try:
            try:
                out, err = manager_proc.communicate(timeout=CHECKER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                manager_proc.kill()
                manager_proc.communicate()
                return judge_error("manager did not finish")
            total = sum(r.cpu_s for r in results)
            peak = max(r.peak_mb for r in results)
            if total >= judge.time_limit:
                worst_run = max(results, key=lambda r: r.cpu_s)
                outcome = failed_run(worst_run, Verdict.TLE)
                return outcome.model_copy(
                    update={"time_s": total, "message": f"CPU {total:.3f} s over {n} processes"}
                )
            for r in results:
                verdict = runtime_verdict(r)
                if verdict is not None:
                    return failed_run(r, verdict).model_copy(update={"time_s": total})
            check = cms_result(
                manager_proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")
            )
            return checked(check, total, peak)
        finally:
            scratch.remove()


class OutputOnlyStrategy(Strategy):
    """The submission is a folder of outputs: `output_<test>.txt` (CMS) or `<test>.out`."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        folder = Path(program.argv[0])
        leaf = test.name.split("/")[-1]
        for candidate in (folder / f"output_{leaf}.txt", folder / f"{leaf}.out", folder / f"{leaf}.txt"):
            if candidate.is_file():
                check = run_checker(judge.problem.checker, judge.cache, test.input, test.answer, candidate)
                return checked(check, 0.0, 0.0)
        return StoredOutcome(
            verdict=Verdict.WA, score=0.0, time_s=0.0, memory_mb=0.0, message="no output file for this test"
        )


def strategy_for(problem: Problem) -> Strategy:
    return {
        TaskType.BATCH: BatchStrategy,
        TaskType.INTERACTIVE: InteractiveStrategy,
        TaskType.MULTI_PASS: MultiPassStrategy,
        TaskType.COMMUNICATION: CommunicationStrategy,
        TaskType.OUTPUT_ONLY: OutputOnlyStrategy,
    }[problem.task_type]()
