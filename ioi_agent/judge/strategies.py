"""One small strategy per task type: how one test of one program is run and checked.

Every strategy returns a `StoredOutcome`; the runner handles caching, early stop and aggregation.
Trusted programs (checkers, interactors, managers) run on the host; contestant programs run in a box and
talk to them through FIFOs in the box's work folder (the same inode on both sides of the bind mount).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from ioi_agent.judge.boxfiles import copy_out, read_out, remove_below, run_for_output, run_series_for_output
from ioi_agent.judge.checkers import (
    KATTIS_AC,
    KATTIS_WA,
    CheckResult,
    compare_tokens,
    compare_white_diff,
    host_program,
    kattis_result,
    run_checker,
)
from ioi_agent.judge.compare import digest_of
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.languages import HALF_MEMLIM, MEMLIM
from ioi_agent.judge.outcomes import runtime_verdict
from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.trusted import TRUSTED, TrustedLimits, TrustedProcess, TrustedResult, run_trusted
from ioi_agent.judge.verdict import Verdict, worst
from ioi_agent.packages.model import CheckerKind, Problem, TaskType, TestCase
from ioi_agent.sandbox.base import BOX_WORK, Box, ProcResult, ProcSpec
from ioi_agent.sandbox.trusted_box import own_for_trusted, share_with_trusted

if TYPE_CHECKING:
    from ioi_agent.judge.runner import Judge

RUN_CWD = "/tmp/run"


def contestant_spec(
    judge: Judge, program: CompiledProgram, stdin: str | None, stdout: str | None, **extra
) -> ProcSpec:
    limits = judge.problem.limits
    tl = judge.time_limit
    memlim = str(limits.memory_mb)
    return ProcSpec(
        argv=[
            *(
                a.replace(MEMLIM, memlim).replace(HALF_MEMLIM, str(limits.memory_mb // 2))
                for a in program.argv
            ),
            *extra.pop("args", []),
        ],
        cwd=RUN_CWD,
        stdin=stdin,
        stdout=stdout,
        # A JVM's stderr tells a heap that ran out (MLE) from another failure.
        stderr=extra.pop("stderr", None) or (f"{RUN_CWD}/.stderr" if program.memory_allowance_mb else None),
        cpu_s=tl,
        wall_s=2 * tl + 1,
        # A JVM's heap is the limit (-Xmx); its own memory and address space are not the program's.
        mem_mb=limits.memory_mb + program.memory_allowance_mb,
        as_extra_mb=program.address_space_mb,
        out_mb=limits.output_mb,
        nproc=max(judge.nproc, program.min_nproc),
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


def worst_failure(results: list[ProcResult]) -> StoredOutcome | None:
    """Several processes of one test (Communication, TwoSteps): the outcome of the most severe failure,
    with the processes' summed time and largest peak; None when every process ended normally."""
    failures = [(v, r) for r in results if (v := runtime_verdict(r)) is not None]
    if not failures:
        return None
    verdict = worst(v for v, _ in failures)
    run = next(r for v, r in failures if v == verdict)
    total, peak = sum(r.cpu_s for r in results), max(r.peak_mb for r in results)
    return failed_run(run, verdict).model_copy(update={"time_s": total, "memory_mb": peak})


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
        self.work = box.work
        self.host = box.work / "out" / self.name
        self.box = f"{BOX_WORK}/out/{self.name}"
        self.host.mkdir(parents=True)
        self.uid = box.uid
        self.own(self.host)

    def own(self, path: Path) -> None:
        if os.geteuid() == 0:
            os.chown(path, self.uid, self.uid)

    def fifo(self, name: str) -> tuple[Path, str]:
        path = self.host / name
        os.mkfifo(path, 0o600)
        self.own(path)
        share_with_trusted(path, 0o660)  # the interactor or manager at the other end runs in a trusted box
        return path, f"{self.box}/{name}"

    def remove(self) -> None:
        remove_below(self.work, f"out/{self.name}")  # whatever the program made of it; never raises


class Strategy(ABC):
    @abstractmethod
    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome: ...

    def series(self, judge: Judge) -> bool:
        """Whether `run_tests` takes several tests in one exchange with a box."""
        return False

    def run_tests(self, judge: Judge, program: CompiledProgram, tests: list[TestCase]) -> list[StoredOutcome]:
        """Outcomes for a prefix of `tests` (at least the first)."""
        return [self.run_test(judge, program, tests[0])]


def output_digest(path: Path) -> str:
    """SHA-256 of a program's output, normalised so that outputs a token checker treats alike mostly hash
    alike: trailing whitespace of each line and trailing blank lines are dropped (CRLF counts as LF)."""
    return digest_of(path.read_bytes() if path.exists() else b"")


def check_output(judge: Judge, test: TestCase, output: bytes) -> CheckResult:
    """The problem's checker on an output held in memory: the built-in comparisons read it there (as
    `run_checker` would from a file); a checker program gets it in a file of the judge's own."""
    checker = judge.problem.checker
    if checker.kind in (CheckerKind.DIFF, CheckerKind.WHITE_DIFF):
        answer = test.answer.read_bytes() if test.answer else b""
        if checker.kind == CheckerKind.WHITE_DIFF:
            return compare_white_diff(output, answer)
        return compare_tokens(output, answer, checker)
    path = judge.pool.private / f"{uuid.uuid4().hex[:12]}.out"
    try:
        path.write_bytes(output)
        return run_checker(checker, judge.cache, test.input, test.answer, path, test.validator_flags)
    finally:
        path.unlink(missing_ok=True)


class BatchStrategy(Strategy):
    """stdin → program → stdout → checker (also function-style tasks: the grader was compiled in), or
    with file I/O (CMS Batch `input.txt` / `output.txt`): the input is placed in the program's working
    folder under its name, the output taken from there.

    The output is read out of the box (`boxfiles.read_out`: no link the program planted is followed, at
    most the output cap) into the judge's memory before anything looks at it; a checker program gets it
    in the judge's own folder. The outcome carries the output's hash
    (`extra["output_sha256"]`), so selection can compare programs' outputs; a test without an answer
    (a generated input) is not checked: a normal run is AC."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        problem = judge.problem
        cap = problem.limits.output_mb << 20
        if problem.input_file or problem.output_file:
            result, output = self._run_with_files(judge, program, test, cap)
        else:
            spec = contestant_spec(judge, program, judge.pool.stage_input(test.input), None)
            result, output = run_for_output(judge.pool, spec, cap)
        return self._outcome(judge, test, result, output)

    def series(self, judge: Judge) -> bool:
        """Whether `run_tests` can take several tests at once: stdin/stdout only (file I/O places files)."""
        return not (judge.problem.input_file or judge.problem.output_file)

    def run_tests(self, judge: Judge, program: CompiledProgram, tests: list[TestCase]) -> list[StoredOutcome]:
        """`run_test` for several tests in one exchange with a box; outcomes for a prefix of them (at
        least the first): the box stops after a failed run, which most often ends the chain anyway."""
        specs = [contestant_spec(judge, program, judge.pool.stage_input(t.input), None) for t in tests]
        ran = run_series_for_output(judge.pool, specs, judge.problem.limits.output_mb << 20)
        return [self._outcome(judge, t, r, o) for t, (r, o) in zip(tests, ran, strict=False)]

    @staticmethod
    def _outcome(judge: Judge, test: TestCase, result: ProcResult, output: bytes) -> StoredOutcome:
        verdict = runtime_verdict(result)
        if verdict is not None:
            return failed_run(result, verdict)
        extra = {"output_sha256": digest_of(output)}
        if test.answer is None:
            return StoredOutcome(
                verdict=Verdict.AC, score=1.0, time_s=result.cpu_s, memory_mb=result.peak_mb, extra=extra
            )
        check = check_output(judge, test, output)
        return StoredOutcome(
            verdict=check.verdict,
            score=check.score,
            time_s=result.cpu_s,
            memory_mb=result.peak_mb,
            message=check.message,
            extra=extra,
        )

    @staticmethod
    def _run_with_files(
        judge: Judge, program: CompiledProgram, test: TestCase, cap: int
    ) -> tuple[ProcResult, bytes]:
        """File I/O: a folder of the run's own in the box is its working folder, holding the input under
        its name; the output file (or stdout) is read out of it."""
        problem = judge.problem
        stdin = None if problem.input_file else judge.pool.stage_input(test.input)
        with judge.pool.box() as box:
            scratch = Scratch(box)
            try:
                if problem.input_file:
                    placed = scratch.host / problem.input_file
                    shutil.copyfile(test.input, placed)
                    scratch.own(placed)
                stdout = None if problem.output_file else f"{scratch.box}/stdout"
                spec = contestant_spec(judge, program, stdin, stdout, stderr=f"{scratch.box}/stderr")
                spec = spec.model_copy(update={"cwd": scratch.box, "clean_dirs": []})
                result = box.run([spec])[0]
                output = read_out(box.work, f"out/{scratch.name}/{problem.output_file or 'stdout'}", cap)
            finally:
                scratch.remove()
        return result, output or b""


_PEER_SCRIPT = 'exec "$0" "$@" > "$IOI_TO" < "$IOI_FROM"'
# After the program ended, how long its output validator may take to give its verdict.
PEER_GRACE_S = 10.0


def validator_limits(time_limit: float) -> TrustedLimits:
    """A Kattis output validator's limits: the trusted ones, and enough to outlive the program it talks
    to (the program's wall clock is 2 × its limit + 1 s)."""
    return TrustedLimits(
        cpu_s=max(TRUSTED.cpu_s, 2 * time_limit + 1),
        wall_s=max(TRUSTED.wall, 2 * time_limit + 1 + PEER_GRACE_S),
        mem_mb=TRUSTED.mem_mb,
    )


def _start_peer(
    argv: list[str], to_user: Path, from_user: Path, feedback: Path, limits: TrustedLimits
) -> TrustedProcess:
    """Start a trusted peer whose stdout feeds the contestant and whose stdin reads it.

    The shell opens the FIFO towards the contestant, then the one from it; any order would do: the
    contestant's side opens its stdin without blocking (launch.c `wait_for_writer`)."""
    env = {"IOI_TO": str(to_user), "IOI_FROM": str(from_user)}
    return TrustedProcess(
        ["sh", "-c", _PEER_SCRIPT, *argv], env=env, limits=limits, write=[to_user, from_user, feedback]
    )


def died_of_broken_pipe(result: ProcResult) -> bool:
    return (
        result.signal == signal.SIGPIPE
        or "BrokenPipeError" in result.stderr_tail
        or "Broken pipe" in result.stderr_tail
    )


def _validator_argv(judge: Judge, validator: list[str], test: TestCase, feedback: Path) -> list[str]:
    answer = str(test.answer) if test.answer else "/dev/null"
    flags = [*judge.problem.checker.flags, *test.validator_flags]
    return [*validator, str(test.input), answer, f"{feedback}/", *flags]


class InteractiveStrategy(Strategy):
    """Kattis interactive: the output validator talks to the program through its stdin/stdout.

    Outcome, as problemtools decides it (judge/execute.py): a validator that fails (exit other than 42 or
    43, killed, past its deadline) is a judge error, unless it only died of the program's own failure
    (SIGPIPE); a validator that rejected first (the program then died writing to it) gives WA; else the
    program's time, then its crash; else the validator's verdict and score (score.txt)."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        from ioi_agent.judge.communication import release_fifos  # it builds on this module

        validator = host_program(judge.problem.manager_sources, judge.cache)
        feedback = Path(tempfile.mkdtemp(prefix="feedback-", dir=judge.pool.session))  # not box-visible
        own_for_trusted(feedback)
        try:
            with judge.pool.box() as box:
                scratch = Scratch(box)
                try:
                    to_host, to_box = scratch.fifo("to_user")
                    from_host, from_box = scratch.fifo("from_user")
                    peer = _start_peer(
                        self.peer_argv(judge, validator, test, feedback),
                        to_host,
                        from_host,
                        feedback,
                        validator_limits(judge.time_limit),
                    )
                    spec = contestant_spec(judge, program, to_box, from_box, stderr=f"{scratch.box}/err")
                    try:
                        result = box.run([spec])[0]
                    except BaseException:
                        peer.kill()
                        peer.finish()
                        raise
                    release_fifos([to_host], [from_host])
                    ended = peer.finish(time.monotonic() + PEER_GRACE_S)
                finally:
                    scratch.remove()
            return self.outcome(judge, test, result, ended, feedback)
        finally:
            shutil.rmtree(feedback, ignore_errors=True)

    def peer_argv(self, judge: Judge, peer: list[str], test: TestCase, feedback: Path) -> list[str]:
        """The trusted peer's command line (its stdin and stdout are the program's)."""
        return _validator_argv(judge, peer, test, feedback)

    def outcome(
        self, judge: Judge, test: TestCase, result: ProcResult, ended: TrustedResult, feedback: Path
    ) -> StoredOutcome:
        run_failure = runtime_verdict(result)
        code = ended.returncode
        if ended.timed_out or code not in (KATTIS_AC, KATTIS_WA):
            if run_failure is not None and (ended.signal == signal.SIGPIPE or ended.timed_out):
                return failed_run(result, run_failure)
            return judge_error(ended.failure("the output validator"), result.cpu_s, result.peak_mb)
        check = kattis_result(code, feedback, ended.stderr)
        if run_failure is None or (check.verdict == Verdict.WA and died_of_broken_pipe(result)):
            return checked(check, result.cpu_s, result.peak_mb)
        return failed_run(result, run_failure)


class MultiPassStrategy(Strategy):
    """Kattis multi-pass: run again on `nextpass.in` while the validator asks for it (problemtools: a
    rejection with a nextpass.in, or more passes than `validation_passes`, is a judge error)."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        validator = host_program(judge.problem.manager_sources or judge.problem.checker.sources, judge.cache)
        feedback = Path(tempfile.mkdtemp(prefix="feedback-", dir=judge.pool.session))  # not box-visible
        own_for_trusted(feedback)
        current_input = test.input
        total_time, peak = 0.0, 0.0
        try:
            for _pass in range(judge.problem.validation_passes):
                stdin = judge.pool.stage_input(current_input)
                with judge.pool.box() as box:
                    scratch = Scratch(box)
                    try:
                        spec = contestant_spec(
                            judge, program, stdin, f"{scratch.box}/out", stderr=f"{scratch.box}/err"
                        )
                        result = box.run([spec])[0]
                        output = feedback / "team_output"
                        cap = judge.problem.limits.output_mb << 20
                        copy_out(box.work, f"out/{scratch.name}/out", output, cap)  # no link followed
                    finally:
                        scratch.remove()
                total_time, peak = max(total_time, result.cpu_s), max(peak, result.peak_mb)
                verdict = runtime_verdict(result)
                if verdict is not None:
                    return failed_run(result, verdict).model_copy(update={"time_s": total_time})
                nextpass = feedback / "nextpass.in"
                nextpass.unlink(missing_ok=True)
                (feedback / "score.txt").unlink(missing_ok=True)
                ran = run_trusted(
                    _validator_argv(judge, validator, test, feedback),
                    stdin=output,
                    limits=validator_limits(judge.time_limit),
                    write=[feedback],
                )
                if ran.timed_out or ran.returncode not in (KATTIS_AC, KATTIS_WA):
                    return judge_error(ran.failure("the output validator"), total_time, peak)
                check = kattis_result(ran.returncode, feedback, ran.stderr)
                if check.verdict != Verdict.AC:
                    if nextpass.exists():
                        return judge_error(
                            "output validator wrote nextpass.in and rejected", total_time, peak
                        )
                    return checked(check, total_time, peak)
                if not nextpass.exists():
                    return checked(check, total_time, peak)
                current_input = feedback / f"pass{_pass + 2}.in"
                os.replace(nextpass, current_input)
            return judge_error(
                f"output validator gave no verdict within {judge.problem.validation_passes} passes",
                total_time,
                peak,
            )
        finally:
            shutil.rmtree(feedback, ignore_errors=True)


class OutputOnlyStrategy(Strategy):
    """The submission is a folder of outputs: `output_<test>.txt` (CMS) or `<test>.out`."""

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        folder = Path(program.argv[0])
        leaf = test.name.split("/")[-1]
        for candidate in (folder / f"output_{leaf}.txt", folder / f"{leaf}.out", folder / f"{leaf}.txt"):
            if candidate.is_file():
                check = run_checker(
                    judge.problem.checker,
                    judge.cache,
                    test.input,
                    test.answer,
                    candidate,
                    test.validator_flags,
                )
                return checked(check, 0.0, 0.0)
        return StoredOutcome(
            verdict=Verdict.WA, score=0.0, time_s=0.0, memory_mb=0.0, message="no output file for this test"
        )


def strategy_for(problem: Problem) -> Strategy:
    # They build on this module.
    from ioi_agent.judge.communication import CommunicationStrategy
    from ioi_agent.judge.twosteps import TwoStepsStrategy

    if problem.task_type == TaskType.INTERACTIVE and problem.interactor_convention == "testlib":
        from ioi_agent.judge.testlib_interactive import TestlibInteractiveStrategy

        return TestlibInteractiveStrategy()
    return {
        TaskType.BATCH: BatchStrategy,
        TaskType.INTERACTIVE: InteractiveStrategy,
        TaskType.MULTI_PASS: MultiPassStrategy,
        TaskType.COMMUNICATION: CommunicationStrategy,
        TaskType.OUTPUT_ONLY: OutputOnlyStrategy,
        TaskType.TWO_STEPS: TwoStepsStrategy,
    }[problem.task_type]()
