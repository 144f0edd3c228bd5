"""CMS Communication as CMS defines it, on the official IOI 2024 `machine` package and on small packages
written here to misbehave: no open order deadlocks, no misbehaving manager, contestant or checker hangs
the judge, and a judge killed mid-test leaves no process (or container) behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ioi_agent.judge.labels import label_satisfied, promise_label
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from tests.conftest import SHARED

MACHINE = SHARED / "data" / "cms" / "ioi-2024" / "machine"

# A manager in the CMS convention: argv = u0_to_m m_to_u0; the test input on stdin; it sends x to the
# contestant and expects x + 1 back; score on stdout, message on stderr. OPEN_ORDER picks which FIFO
# it opens first: a judge that opens the contestant's ends blocking, stdin first, deadlocks on "read".
MANAGER = r"""
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <unistd.h>
int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    long x;
    if (scanf("%ld", &x) != 1) return 3;
    MISBEHAVE;
    FILE *to = nullptr, *from = nullptr;
    if (READ_FIRST) { from = fopen(argv[1], "r"); to = fopen(argv[2], "w"); }
    else { to = fopen(argv[2], "w"); from = fopen(argv[1], "r"); }
    if (!to || !from) { printf("0\n"); fprintf(stderr, "cannot open\n"); return 0; }
    fprintf(to, "%ld\n", x); fflush(to);
    long y;
    if (fscanf(from, "%ld", &y) != 1) { printf("0\n"); fprintf(stderr, "no answer\n"); return 0; }
    if (y == x + 1) { printf("1\n"); fprintf(stderr, "Correct\n"); }
    else { printf("0\n"); fprintf(stderr, "Wrong\n"); }
    return 0;
}
"""

GOOD = '#include <cstdio>\nint main(){long x; scanf("%ld",&x); printf("%ld\\n", x+1); return 0;}\n'
EXITS_AT_ONCE = "int main(){return 0;}\n"
NEVER_READS = "#include <unistd.h>\nint main(){ for(;;) pause(); }\n"
CRASHES = "#include <cstdlib>\nint main(){ abort(); }\n"


def ping_package(root: Path, read_first: bool = False, misbehave: str = "") -> Path:
    (root / "graders").mkdir(parents=True)
    (root / "subtasks").mkdir()
    (root / "tests").mkdir()
    (root / "problem.json").write_text(
        json.dumps(
            {
                "code": "ping",
                "name": "Ping",
                "time_limit": 1.0,
                "memory_limit": 268435456,
                "task_type": "Communication",
                "task_type_params": {
                    "task_type_parameters_Communication_num_processes": 1,
                    "task_type_parameters_Communication_compilation": "alone",
                },
            }
        )
    )
    text = MANAGER.replace("READ_FIRST", "1" if read_first else "0").replace("MISBEHAVE", misbehave or "")
    (root / "graders" / "manager.cpp").write_text(text)
    (root / "subtasks" / "01-all.json").write_text(json.dumps({"score": 100, "testcases": ["1-01"]}))
    (root / "tests" / "1-01.in").write_text("41\n")
    return root


def sources(tmp_path: Path, **programs: str) -> list[Path]:
    out = []
    for name, text in programs.items():
        path = tmp_path / f"{name}.cpp"
        path.write_text(text)
        out.append(path)
    return out


@pytest.mark.parametrize("read_first", [False, True], ids=["manager-writes-first", "manager-reads-first"])
def test_no_open_order_deadlocks(tmp_path: Path, sandbox_name: str, read_first: bool) -> None:
    problem = load_problem(ping_package(tmp_path / "ping", read_first=read_first))
    programs = sources(tmp_path, good=GOOD, exits=EXITS_AT_ONCE, crash=CRASHES, idle=NEVER_READS)
    start = time.monotonic()
    with Judge(problem, sandbox=sandbox_name, jobs=2) as judge:
        good, exits, crash, idle = judge.judge_sources(programs)
    assert (good.verdict, good.score) == (Verdict.AC, 100)
    # The manager reads end-of-file and scores 0: a wrong answer, not a hang.
    assert (exits.verdict, exits.score) == (Verdict.WA, 0)
    assert (crash.verdict, crash.score) == (Verdict.RE, 0)
    assert (idle.verdict, idle.score) == (Verdict.TLE, 0)  # wall clock 2 × 1 + 1 s
    assert time.monotonic() - start < 60


def test_manager_that_waits_forever_is_a_judge_error(tmp_path: Path, sandbox_name: str) -> None:
    problem = load_problem(ping_package(tmp_path / "ping", misbehave="for(;;) pause()"))
    start = time.monotonic()
    with Judge(problem, sandbox=sandbox_name) as judge:
        (result,) = judge.judge_sources(sources(tmp_path, good=GOOD))
    elapsed = time.monotonic() - start
    assert result.verdict == Verdict.JE and "manager" in result.subtasks[0].tests[0].message
    assert elapsed < 60, elapsed
    # A judge error is not a fact about the program: judged again, it runs again.
    with Judge(problem, sandbox=sandbox_name) as judge:
        (again,) = judge.judge_sources(sources(tmp_path, good=GOOD))
    assert not again.subtasks[0].tests[0].cached


def test_manager_that_crashes_is_a_judge_error(tmp_path: Path) -> None:
    problem = load_problem(ping_package(tmp_path / "ping", misbehave="abort()"))
    with Judge(problem, sandbox="bwrap") as judge:
        (result,) = judge.judge_sources(sources(tmp_path, good=GOOD))
    assert result.verdict == Verdict.JE


@pytest.mark.skipif(
    not MACHINE.is_dir(), reason="../shared/data/cms/ioi-2024/machine is not beside this checkout"
)
def test_official_machine_solutions_get_their_labels(sandbox_name: str) -> None:
    problem = load_problem(MACHINE)
    assert problem.num_processes == 1 and problem.user_io == "std_io"  # type: ignore[attr-defined]
    subs = problem.submissions
    assert len(subs) == 17
    with Judge(problem, sandbox=sandbox_name) as judge:
        results = judge.judge_sources([s.path for s in subs])
    wrong = [
        f"{s.path.parent.name}/{s.path.name}: {r.verdict} {r.score}"
        for s, r in zip(subs, results, strict=True)
        if not label_satisfied(promise_label(s), r, problem.max_score, problem.format)
    ]
    assert not wrong
    full = {s.path.parent.name for s, r in zip(subs, results, strict=True) if r.score == problem.max_score}
    assert full == {"correct", "model_solution"}


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        p, pp = (int(x) for x in line.split())
        children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except OSError:
            pass
    return alive


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_judge_leaves_nothing_behind(tmp_path: Path, sandbox_name: str, how: signal.Signals) -> None:
    """Kill the judge (SIGKILL; SIGTERM as `timeout` sends) while a manager, a box and a contestant are
    running: all of them go too, containers included."""
    package = ping_package(tmp_path / "ping", misbehave="for(;;) pause()")
    (program,) = sources(tmp_path, good=GOOD)
    judge = subprocess.Popen(
        [sys.executable, "-m", "ioi_agent", "judge", str(package), str(program), "--sandbox", sandbox_name],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ,
    )
    try:
        deadline = time.monotonic() + 60
        seen: set[int] = set()
        while time.monotonic() < deadline:  # wait until the manager runs (its name is "prog")
            tree = _descendants(judge.pid)
            seen.update(tree)
            names = [
                Path(f"/proc/{p}/exe").resolve().name for p in _alive(tree) if Path(f"/proc/{p}").exists()
            ]
            if "prog" in names:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the manager never started")
        time.sleep(0.5)
        seen.update(_descendants(judge.pid))
    finally:
        judge.send_signal(how)
        try:
            judge.wait(timeout=30)
        except subprocess.TimeoutExpired:
            judge.kill()
            judge.wait()
            pytest.fail(f"the judge did not end within 30 s of {how.name}")
    deadline = time.monotonic() + 15
    while _alive(list(seen)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(list(seen))
    if sandbox_name == "docker":
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            names = subprocess.run(
                ["docker", "ps", "-q", "--filter", f"name=ioi-box-{judge.pid}-"],
                capture_output=True,
                text=True,
            ).stdout.split()
            if not names:
                break
            time.sleep(0.5)
        assert not names, "containers of the killed judge are still running"
