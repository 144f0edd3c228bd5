"""A TLE near the limit is judged twice before it is stored (a busy machine can push a program that fits
over the limit); any other verdict, and a TLE far over the limit, once."""

from __future__ import annotations

from pathlib import Path

from ioi_agent.judge.runner import Judge
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from tests.conftest import write_kattis_problem

LOOP = "int main(){ volatile unsigned long x = 0; for (;;) x++; }\n"
SUM = '#include <cstdio>\nint main(){ long a, b; scanf("%ld %ld", &a, &b); printf("%ld\\n", a + b); }\n'


def test_a_timeout_is_run_twice_and_an_answer_once(tmp_path: Path) -> None:
    problem = load_problem(write_kattis_problem(tmp_path / "sum", {"1": ("1 2\n", "3\n")}))
    problem.limits.time_s = 0.3
    (tmp_path / "loop.cpp").write_text(LOOP)
    (tmp_path / "sum.cpp").write_text(SUM)
    with Judge(problem, sandbox="bwrap", jobs=1) as judge:
        calls: list[str] = []
        real = judge.strategy.run_test

        def counting(judge_, program, test):
            calls.append(program.key)
            return real(judge_, program, test)

        judge.strategy.run_test = counting  # type: ignore[method-assign]
        loop, ok = judge.judge_sources([tmp_path / "loop.cpp", tmp_path / "sum.cpp"])
        assert (loop.verdict, ok.verdict) == (Verdict.TLE, Verdict.AC)
        assert sorted(calls.count(k) for k in set(calls)) == [1, 2]
        again = judge.judge_sources([tmp_path / "loop.cpp"])[0]
        assert again.verdict == Verdict.TLE and again.subtasks[0].tests[0].cached  # stored after the re-run
