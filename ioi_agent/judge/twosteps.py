"""CMS TwoSteps (cms/grading/tasktypes/TwoSteps.py): the submission's files are compiled together with the
package's manager (their `main`), and the program runs twice at once in one box: `prog 0 FIFO` with the
test input on stdin, `prog 1 FIFO` with its stdout as the output; the two talk through the FIFO, which the
manager code opens itself. Each run has the task's limits; an error in either is the verdict (score 0);
otherwise the output is checked like a Batch output (white diff, or the checker: `comparator`).
Times are summed, as CMS merges the two runs' statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ioi_agent.judge.boxfiles import copy_out
from ioi_agent.judge.checkers import run_checker
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.strategies import Scratch, Strategy, checked, contestant_spec, worst_failure
from ioi_agent.packages.model import TestCase

if TYPE_CHECKING:
    from ioi_agent.judge.runner import Judge


class TwoStepsStrategy(Strategy):
    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        stdin = judge.pool.stage_input(test.input)
        with judge.pool.box() as box:
            scratch = Scratch(box)
            output = judge.pool.private / f"{scratch.name}.out"
            try:
                _, fifo = scratch.fifo("fifo")
                first = contestant_spec(judge, program, stdin, None, args=["0", fifo])
                second = contestant_spec(judge, program, None, f"{scratch.box}/output", args=["1", fifo])
                results = box.run(
                    [
                        first.model_copy(update={"stderr": f"{scratch.box}/err0"}),
                        second.model_copy(update={"stderr": f"{scratch.box}/err1"}),
                    ]
                )
                copy_out(box.work, f"out/{scratch.name}/output", output, judge.problem.limits.output_mb << 20)
            finally:
                scratch.remove()
        try:
            failure = worst_failure(results)
            if failure is not None:
                return failure
            total, peak = sum(r.cpu_s for r in results), max(r.peak_mb for r in results)
            check = run_checker(
                judge.problem.checker, judge.cache, test.input, test.answer, output, test.validator_flags
            )
            return checked(check, total, peak)
        finally:
            output.unlink(missing_ok=True)
