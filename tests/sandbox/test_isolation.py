"""Judge isolation as IOI defines it, attacked by programs in each sandbox: memory and CPU count every
process of a run together (one cgroup per run), and every run starts clean (no file of an earlier run,
no other test's input). Each test names the old behaviour it pins: RLIMIT_AS and ru_maxrss per process,
CPU time of the waited-for process only, a /tmp shared by every run of a box, a listable /box/in."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem
from ioi_agent.sandbox import SandboxPool, choose_backend, file_digest
from ioi_agent.sandbox.base import BOX_WORK, Box, ProcResult, ProcSpec
from tests.conftest import run_verdict, write_kattis_problem

PY = "/usr/bin/python3"
MIB = 1 << 20

# Parent and child each touch 180 MiB and hold it together for a while.
PAIR = """
import os, time
pid = os.fork()
x = bytearray(180 << 20)
x[::4096] = b"1" * len(x[::4096])
time.sleep(0.5)
if pid:
    os.waitpid(pid, 0)
else:
    os._exit(0)
print("done")
"""

# A child in its own session burns CPU; the parent sleeps, then exits without waiting for it.
ORPHAN_BURNS_CPU = """
import os, time
if os.fork() == 0:
    os.setsid()
    while True:
        pass
time.sleep({sleep})
print("parent done")
"""

# Leaves files wherever a program may write.
LEAVE_FILES = """
import os
for path in ["/tmp/leak", "/tmp/run/leak", "/box/work/leak", "/box/work/out/leak", "/box/work/tmp/leak",
             "/box/work/run/leak", "/dev/shm/leak", "/leak", "/dev/leak", "/box/leak"]:
    try:
        with open(path, "w") as f:
            f.write("from an earlier run")
    except OSError:
        pass
os.makedirs("/tmp/deep/locked", exist_ok=True)
open("/tmp/deep/locked/x", "w").close()
os.chmod("/tmp/deep/locked", 0)
os.chmod("/tmp/deep", 0)
print("left")
"""

# Lists what it finds of earlier runs.
FIND_FILES = """
import json, os
found = []
for root in ["/tmp", "/dev/shm", "/box/work", "/box/work/out", "/box/work/tmp", "/box/work/run", "/", "/dev",
             "/box"]:
    try:
        found += [os.path.join(root, n) for n in os.listdir(root) if "leak" in n or n == "deep"]
    except OSError:
        pass
print(json.dumps(found))
"""

# What a program learns of the staged inputs: a listing, another test's input by its content digest.
PROBE_INPUTS = """
import json, os, sys
seen = {{"own": sys.stdin.read()}}
try:
    seen["listing"] = os.listdir("/box/in")
except OSError as exc:
    seen["listing"] = type(exc).__name__
for name in {names!r}:
    try:
        seen[name] = open("/box/in/" + name).read()
    except OSError:
        seen[name] = None
print(json.dumps(seen))
"""


@pytest.fixture
def pool(sandbox_name: str) -> Iterator[SandboxPool]:
    backend, _ = choose_backend(sandbox_name)
    with SandboxPool(backend, 1) as p:
        yield p


@pytest.fixture
def box(pool: SandboxPool) -> Iterator[Box]:
    with pool.box() as b:
        yield b


def needs_cgroups(pool: SandboxPool) -> None:
    if pool.groups is None:
        pytest.skip(f"no cgroup for runs on this machine ({pool.memory_mode})")


def run(box: Box, text: str, stdin: str | None = None, **limits: float) -> tuple[ProcResult, str]:
    spec = ProcSpec(
        argv=[PY, "-S", "-c", text],
        cwd="/tmp/run",
        stdin=stdin,
        stdout=f"{BOX_WORK}/out/iso.out",
        stderr=f"{BOX_WORK}/out/iso.err",
        cpu_s=limits.get("cpu_s", 5.0),
        wall_s=limits.get("wall_s", 10.0),
        mem_mb=int(limits.get("mem_mb", 256)),
        clean_dirs=["/tmp/run"],
    )
    result = box.run([spec])[0]
    out = box.work / "out" / "iso.out"
    text_out = out.read_text() if out.exists() else ""
    out.unlink(missing_ok=True)
    (box.work / "out" / "iso.err").unlink(missing_ok=True)
    return result, text_out


def test_memory_of_parent_and_child_counts_together(pool: SandboxPool, box: Box) -> None:
    """Old: RLIMIT_AS per process and ru_maxrss of the parent: accepted with a peak of ~190 MiB."""
    needs_cgroups(pool)
    result, _ = run(box, PAIR, mem_mb=256)
    assert result.mem_exceeded, result
    result, out = run(box, PAIR, mem_mb=1024)
    assert result.ok and out == "done\n", result
    assert result.peak_mb >= 300, result


def test_cpu_of_a_child_not_waited_for_counts(pool: SandboxPool, box: Box) -> None:
    """Old: CPU time of the waited-for parent only (~0 s here), and no time limit on the orphan."""
    needs_cgroups(pool)
    result, out = run(box, ORPHAN_BURNS_CPU.format(sleep=0.8), cpu_s=5.0)
    assert out == "parent done\n"
    assert result.cpu_s >= 0.3, result
    result, _ = run(box, ORPHAN_BURNS_CPU.format(sleep=3.0), cpu_s=0.3)
    assert result.cpu_exceeded, result


def test_files_of_a_run_are_gone_for_the_next(box: Box) -> None:
    """Old: /tmp (outside the run's folder) and the work folder kept what a program left there; in a
    bubblewrap box, so did / and /dev (its root and /dev were the box uid's own writable tmpfs)."""
    result, out = run(box, LEAVE_FILES)
    assert result.ok and out == "left\n", result.stderr_tail
    result, out = run(box, FIND_FILES)
    assert result.ok, result.stderr_tail
    assert json.loads(out) == []
    assert not (box.work / "leak").exists() and not (box.work / "out" / "leak").exists()


def test_a_run_sees_only_its_own_input(pool: SandboxPool, box: Box, tmp_path: Path) -> None:
    """Old: /box/in listed every input staged so far, named by their plain content digest."""
    mine, hidden = tmp_path / "mine.in", tmp_path / "hidden.in"
    mine.write_text("my input\n")
    hidden.write_text("a hidden test\n")
    own = pool.stage_input(mine)
    pool.stage_input(hidden)
    guesses = [f"{file_digest(hidden)}.in", f"{file_digest(mine)}.in"]
    result, out = run(box, PROBE_INPUTS.format(names=guesses), stdin=own)
    assert result.ok, result.stderr_tail
    seen = json.loads(out)
    assert seen["own"] == "my input\n"
    assert seen["listing"] == "PermissionError"
    assert seen[guesses[0]] is None and seen[guesses[1]] is None


def cpp(body: str) -> str:
    return (
        "#include <bits/stdc++.h>\n#include <unistd.h>\n#include <sys/mman.h>\n#include <sys/wait.h>\nint main(){\n"
        + body
        + "\n}\n"
    )


PRINT_SUM = "long long a,b; std::cin>>a>>b; std::cout<<a+b<<std::endl;"
TOUCH = "[](size_t n){ volatile char* p = (volatile char*)malloc(n); for (size_t i = 0; i < n; i += 4096) p[i] = 1; return p; }"

JUDGED = {
    # Old: each process under its own RLIMIT_AS: AC.
    "pair.cpp": (
        cpp(
            f"auto touch = {TOUCH}; pid_t pid = fork(); touch(180u << 20); usleep(300000);"
            "if (pid) waitpid(pid, nullptr, 0); else _exit(0);" + PRINT_SUM
        ),
        "MLE",
    ),
    # A bomb of memory hogs, waited for. Old: each child under its own RLIMIT_AS: AC.
    "memory_forks.cpp": (
        cpp(
            f"auto touch = {TOUCH}; for (int i = 0; i < 8; i++) if (fork() == 0) {{ touch(64u << 20); usleep(300000); _exit(0); }}"
            "while (wait(nullptr) > 0) {}" + PRINT_SUM
        ),
        "MLE",
    ),
    "fork_bomb.cpp": (cpp("while (true) fork();"), "TLE"),
    "alloc_100g.cpp": (
        cpp(
            "size_t n = 100ull << 30; volatile char* p = new char[n];"
            'for (size_t i = 0; i < n; i += 4096) p[i] = 1; printf("%d\\n", p[4096]);'
        ),
        "MLE",
    ),
    # Address space is not memory (IOI measures what is used). Old: RLIMIT_AS 256 MiB: the mmap failed.
    "reserve_100g.cpp": (
        cpp(
            "char* p = (char*)mmap(nullptr, 100ull << 30, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0);"
            "if (p == MAP_FAILED) return 3; volatile char* q = p; for (size_t i = 0; i < (16u << 20); i += 4096) q[i] = 1;"
            + PRINT_SUM
        ),
        "AC",
    ),
    "ok.cpp": (cpp(PRINT_SUM), "AC"),
}


def test_judged_attacks_are_charged_to_the_program(sandbox_name: str, tmp_path: Path) -> None:
    """Verdicts of a whole run (all processes together), and every box healthy for the next program."""
    root = write_kattis_problem(tmp_path / "sum", {"1": ("2 3\n", "5\n")})
    src = tmp_path / "src"
    src.mkdir()
    names = list(JUDGED)
    for name in names:
        (src / name).write_text(JUDGED[name][0])
    with Judge(load_problem(root), sandbox=sandbox_name, jobs=1) as judge:
        if judge.pool.groups is None:
            pytest.skip(f"no cgroup for runs on this machine ({judge.pool.memory_mode})")
        assert "memory: cgroup v" in judge.sandbox_message
        results = judge.judge_sources([src / n for n in names])
        got = {n: run_verdict(r) for n, r in zip(names, results, strict=True)}
        assert got == {n: v for n, (_, v) in JUDGED.items()}
        again = judge.judge_sources([src / "ok.cpp"])
        assert again[0].verdict == "AC"
        assert all(box.alive() for box in judge.pool.boxes)


@pytest.mark.skipif(os.geteuid() != 0, reason="boxes get uids of their own only when the judge is root")
def test_two_judges_on_one_host_get_their_own_box_uids(pool: SandboxPool, sandbox_name: str) -> None:
    """Old: every pool's box i ran as BASE_UID + i, so two judges on one host (a contest's grader and its
    policy side) shared uids: one RLIMIT_NPROC count (a compile of one failed to fork because of the
    other's runs) and each other's processes."""
    backend, _ = choose_backend(sandbox_name)
    with SandboxPool(backend, 2) as other:
        mine = {b.uid for b in pool.boxes}
        theirs = {b.uid for b in other.boxes}
        assert not mine & theirs and len(theirs) == 2
        with other.box() as b:  # and its boxes work
            result, out = run(b, "print('fine')")
            assert result.ok and out == "fine\n"
