"""Nothing transient is stored, each case provoked for real on each sandbox: a wall-clock TLE while the
machine has no CPU to spare (CPU hogs on every core), a box that died under a run (killed from outside,
as the OOM killer would), a run whose sweep failed. Each outcome is still reported; it is judged again
next time; an honest outcome beside it is stored. (A judge error is never stored either:
tests/judge/test_judge.py::test_judge_error_is_never_stored.)"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore, StoredOutcome
from ioi_agent.judge.transient import OVERLOADED, storable
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from tests.conftest import write_kattis_problem

SUM = '#include <cstdio>\nint main(){ long a, b; scanf("%ld %ld", &a, &b); printf("%ld\\n", a + b); }\n'
SLEEP = "#include <unistd.h>\nint main(){ sleep(30); }\n"
LOOP = "int main(){ volatile unsigned long x = 0; for (;;) x++; }\n"
# Answers right, after a pause long enough for the box to be killed under it.
SLOW_SUM = (
    '#include <cstdio>\n#include <unistd.h>\nint main(){ long a, b; scanf("%ld %ld", &a, &b); usleep(1500000);'
    ' printf("%ld\\n", a + b); }\n'
)
# Answers right, then leaves more entries in its work folder than the executor's sweep takes
# (SWEEP_BUDGET, 10 000; within the folder's inode quota): the sweep gives up and the box is replaced.
UNSWEEPABLE = (
    "#include <cstdio>\n#include <fcntl.h>\n#include <unistd.h>\n#include <string>\n#include <sys/stat.h>\n"
    'int main(){ long a, b; scanf("%ld %ld", &a, &b); printf("%ld\\n", a + b); fflush(stdout);'
    ' mkdir("/box/work/tmp/many", 0755); for (int i = 0; i < 12000; i++)'
    ' close(open(("/box/work/tmp/many/" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0600)); }\n'
)


def outcome(verdict: Verdict, time_s: float) -> StoredOutcome:
    return StoredOutcome(verdict=verdict, score=0.0, time_s=time_s, memory_mb=1.0)


def test_the_rules() -> None:
    assert storable(outcome(Verdict.AC, 0.1), 1.0, False, 1.0)  # an answer: whatever the load
    assert not storable(outcome(Verdict.AC, 0.1), 1.0, True, 0.0)  # got across a failed box
    assert not storable(outcome(Verdict.JE, 0.0), 1.0, False, 0.0)
    assert storable(outcome(Verdict.TLE, 1.2), 1.0, False, 1.0)  # past its CPU limit: the program's
    assert not storable(outcome(Verdict.TLE, 0.3), 1.0, False, OVERLOADED)  # the wall clock, no CPU free
    assert not storable(outcome(Verdict.TLE, 0.3), 1.0, False, None)  # load unknown: not stored
    assert storable(outcome(Verdict.TLE, 0.0), 1.0, False, 0.2)  # it slept on an idle machine


def problem_at(root: Path, time_s: float):
    problem = load_problem(write_kattis_problem(root, {"1": ("1 2\n", "3\n")}))
    problem.limits.time_s = time_s
    return problem


def source(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(f"// {tmp_path}\n{text}")  # a key of its own: the session's store may know the text
    return path


@contextmanager
def hogs() -> Iterator[None]:
    """Every CPU busy, many times over, for as long as the block runs."""
    count = 16 * (os.cpu_count() or 1)
    procs = [
        # Each in a session of its own: the scheduler shares a CPU between sessions (autogroups) before
        # processes, and a bubblewrap box is a session of its own.
        subprocess.Popen(
            [sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL, start_new_session=True
        )
        for _ in range(count)
    ]
    try:
        time.sleep(1.0)
        yield
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def test_a_wall_clock_tle_on_an_overloaded_machine_is_not_stored(sandbox_name: str, tmp_path: Path) -> None:
    """A program that sleeps, and one that spins but gets a sliver of a CPU: both stopped by the wall
    clock (2 × 0.5 + 1 s) with CPU time below the limit, on a machine with no CPU free: reported TLE, not
    stored; the answer judged beside them is stored."""
    problem = problem_at(tmp_path / "p", 0.5)
    store = ResultStore(tmp_path / "results.sqlite")
    names = [source(tmp_path, n, t) for n, t in (("sleep.cpp", SLEEP), ("loop.cpp", LOOP), ("sum.cpp", SUM))]
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=store) as judge:
        for path in names:
            assert judge.compile(path).ok  # compiled before the hogs start
        with hogs():
            results = judge.judge_sources(names)
        assert [r.verdict for r in results] == [Verdict.TLE, Verdict.TLE, Verdict.AC]
        for r in results[:2]:
            assert r.max_time_s < 0.5 and "wall-clock cap" in r.subtasks[0].tests[0].message
        assert store.count() == 1  # the answer only
        again = judge.judge_sources(names[2:])[0]
        assert again.subtasks[0].tests[0].cached


def kill_box_under_run(judge: Judge, key: str, errors: list[str]) -> None:
    """Wait for the program to run in the box, then kill the box from outside."""
    deadline = time.monotonic() + 120
    target = f"/box/bin/{judge.pool.program_name(key)}/prog"
    while time.monotonic() < deadline:
        for proc in psutil.process_iter(["cmdline"]):
            if (proc.info["cmdline"] or [""])[0] == target:
                box = judge.pool.boxes[0]
                if box.backend == "docker":
                    subprocess.run(["docker", "kill", box.name], capture_output=True, timeout=60)
                else:
                    assert box.proc is not None
                    box.proc.kill()
                return
        time.sleep(0.05)
    errors.append("the program never ran")


def test_an_outcome_across_a_box_that_died_is_not_stored(sandbox_name: str, tmp_path: Path) -> None:
    problem = problem_at(tmp_path / "p", 5.0)
    store = ResultStore(tmp_path / "results.sqlite")
    path = source(tmp_path, "slow.cpp", SLOW_SUM)
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=store) as judge:
        program = judge.compile(path)
        errors: list[str] = []
        killer = threading.Thread(target=kill_box_under_run, args=(judge, program.key, errors))
        killer.start()
        first = judge.judge_sources([path])[0]
        killer.join()
        assert not errors
        # The box was started again and the run repeated there: the answer is right, and not stored.
        assert first.verdict == Verdict.AC
        assert judge.pool.boxes[0].failures == 1
        assert store.count() == 0
        again = judge.judge_sources([path])[0]  # no failure this time: stored
        assert again.verdict == Verdict.AC and not again.subtasks[0].tests[0].cached
        assert store.count() == 1


def test_an_outcome_whose_sweep_failed_is_not_stored(sandbox_name: str, tmp_path: Path) -> None:
    problem = problem_at(tmp_path / "p", 2.0)
    store = ResultStore(tmp_path / "results.sqlite")
    hostile = source(tmp_path, "unsweep.cpp", UNSWEEPABLE)
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=store) as judge:
        first = judge.judge_sources([hostile])[0]
        assert first.verdict == Verdict.AC  # its answer was right: reported
        assert judge.pool.boxes[0].failures == 1  # the executor said its sweep failed
        assert store.count() == 0  # but not stored: what the box holds now is not a clean box
    # (The box replacing it, in a fresh work folder, and the honest run after: tests/sandbox.)
