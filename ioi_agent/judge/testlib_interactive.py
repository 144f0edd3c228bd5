"""Interactive problems with a testlib interactor (Polygon, Codeforces).

The interactor runs as `interactor input output answer` in its trusted box, its stdin and stdout joined to
the program's (the same FIFOs and peer start as Kattis interactive), and writes `output` (testlib's
`tout`) for the checker. Its exit code follows testlib: 0 accepted, 1 wrong answer, 2 presentation error,
3 its own failure, 7 partial with `points X`. Then, as Polygon judges, an accepted interaction goes to the
problem's checker: `checker input output answer`.

Outcome, in the order of the Kattis interactive one: an interactor that fails (exit 3 or another code, killed,
past its deadline) is a judge error, unless it only died of the program's own failure (SIGPIPE); an
interactor that rejected while the program died writing to it gives WA; else the program's own failure
(time, memory, crash); else the interactor's verdict, and for an accepted one the checker's.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

from ioi_agent.judge.checkers import run_checker, testlib_result
from ioi_agent.judge.outcomes import runtime_verdict
from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.strategies import (
    InteractiveStrategy,
    checked,
    died_of_broken_pipe,
    failed_run,
    judge_error,
)
from ioi_agent.judge.trusted import TrustedResult
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import TestCase
from ioi_agent.sandbox.base import ProcResult

if TYPE_CHECKING:
    from ioi_agent.judge.runner import Judge

TESTLIB_VERDICTS = (0, 1, 2, 7)  # ok, wrong answer, presentation error, points; 3 is the interactor's failure
TOUT = "tout"  # the interactor's output for the checker, in the feedback folder


class TestlibInteractiveStrategy(InteractiveStrategy):
    def peer_argv(self, judge: Judge, peer: list[str], test: TestCase, feedback: Path) -> list[str]:
        answer = str(test.answer) if test.answer else "/dev/null"
        return [*peer, str(test.input), str(feedback / TOUT), answer]

    def outcome(
        self, judge: Judge, test: TestCase, result: ProcResult, ended: TrustedResult, feedback: Path
    ) -> StoredOutcome:
        run_failure = runtime_verdict(result)
        code = ended.returncode
        if ended.timed_out or code not in TESTLIB_VERDICTS:
            if run_failure is not None and (ended.signal == signal.SIGPIPE or ended.timed_out):
                return failed_run(result, run_failure)
            return judge_error(ended.failure("the interactor"), result.cpu_s, result.peak_mb)
        said = testlib_result(code, ended.stdout + ended.stderr)
        if run_failure is not None and not (said.verdict == Verdict.WA and died_of_broken_pipe(result)):
            return failed_run(result, run_failure)
        if said.verdict != Verdict.AC or said.score < 1.0:
            return checked(said, result.cpu_s, result.peak_mb)
        tout = feedback / TOUT
        if not tout.is_file():
            tout.write_bytes(b"")
        check = run_checker(judge.problem.checker, judge.cache, test.input, test.answer, tout)
        return checked(check, result.cpu_s, result.peak_mb)
