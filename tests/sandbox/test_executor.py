"""The in-box executor and its spawn server, driven through real boxes of each backend: what a program
can reach of the box's own processes, what survives a run, how spawn failures and peak memory are
reported."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioi_agent.sandbox import SandboxPool, choose_backend
from ioi_agent.sandbox.base import BOX_BIN, BOX_WORK, Box, ProcResult, ProcSpec

PY = "/usr/bin/python3"

# Tries to ptrace-attach and to open the memory of every other process of the box.
PTRACE_PROBE = """
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
found = {}
for name in os.listdir("/proc"):
    if not name.isdigit() or int(name) == os.getpid():
        continue
    pid = int(name)
    attached = libc.ptrace(16, pid, 0, 0) == 0  # PTRACE_ATTACH
    if attached:  # let it go again, or the box would hang and the test time out instead of failing
        libc.waitpid(pid, None, 0x40000000)  # __WALL
        libc.ptrace(17, pid, 0, 0)  # PTRACE_DETACH
    try:
        os.close(os.open(f"/proc/{pid}/mem", os.O_RDWR))
        mem = True
    except OSError:
        mem = False
    found[pid] = [attached, mem]
print(json.dumps(found))
"""

# Leaves a process behind that left the program's process group and session.
ESCAPE = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
    os._exit(0)
print("left one behind")
"""

# Lists the other processes of the box by name.
LIST_PROCESSES = """
import json, os
names = {}
for name in os.listdir("/proc"):
    if name.isdigit() and int(name) != os.getpid():
        with open(f"/proc/{name}/stat") as f:
            names[name] = f.read().split("(", 1)[1].rsplit(")", 1)[0]
print(json.dumps(names))
"""


# Tries to lower the limits of, renice and re-pin every other process of the box (the executor and the
# spawn server run as the same uid); then does the same to itself, which must keep working.
TAMPER = """
import ctypes, json, os, resource
libc = ctypes.CDLL(None, use_errno=True)
class Limit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_ulong), ("max", ctypes.c_ulong)]
others = {}
for name in os.listdir("/proc"):
    if not name.isdigit() or int(name) == os.getpid():
        continue
    pid = int(name)
    low = Limit(3, 3)
    try:
        os.sched_setaffinity(pid, {0})
        pinned = True
    except OSError:
        pinned = False
    others[pid] = [libc.prlimit(pid, resource.RLIMIT_NOFILE, ctypes.byref(low), None) == 0,
                   libc.setpriority(0, pid, 19) == 0, libc.setpriority(2, 0, 19) == 0, pinned]
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
os.nice(1)
os.sched_setaffinity(0, os.sched_getaffinity(0))
print(json.dumps(others))
"""

# A 32-bit system call from a 64-bit program (x86-64 only): it would get around the filter's checks.
INT80 = r"""
#include <stdio.h>
int main(void) {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20) : "memory"); /* i386 getpid */
    printf("%ld\n", ret);
    return 0;
}
"""


@pytest.fixture
def box(sandbox_name: str) -> Iterator[Box]:
    backend, _ = choose_backend(sandbox_name)
    with SandboxPool(backend, 1) as pool, pool.box() as b:
        yield b


@pytest.fixture
def plain_box(sandbox_name: str) -> Iterator[Box]:
    """A box whose executor has no spawn server (as where gcc is missing): it forks programs itself."""
    backend, _ = choose_backend(sandbox_name)
    with SandboxPool(backend, 1) as pool:
        plain = pool.mounts.executor.parent / f"plain-{os.getpid()}"
        plain.mkdir(exist_ok=True)
        os.chmod(plain, 0o755)
        for name in ("executor.py", "boxtree.py"):  # the executor and its tree remover, no launch
            shutil.copyfile(pool.mounts.executor / name, plain / name)
            os.chmod(plain / name, 0o644)
        b = backend.make_box(
            1, dataclasses.replace(pool.mounts, executor=plain), pool.session / "plain", 4096
        )
        b.start()
        try:
            yield b
        finally:
            b.close()


def run(box: Box, *programs: str, **limits: float) -> tuple[list[ProcResult], list[str]]:
    """Run the Python programs concurrently in one request; returns their results and outputs."""
    specs = []
    for i, text in enumerate(programs):
        specs.append(
            ProcSpec(
                argv=[PY, "-S", "-c", text],
                cwd="/tmp/run",
                stdout=f"{BOX_WORK}/out/p{i}.out",
                stderr=f"{BOX_WORK}/out/p{i}.err",
                cpu_s=limits.get("cpu_s", 5.0),
                wall_s=limits.get("wall_s", 10.0),
                mem_mb=256,
                clean_dirs=["/tmp/run"],
            )
        )
    results = box.run(specs)
    outputs = [(box.work / "out" / f"p{i}.out").read_text() for i in range(len(programs))]
    return results, outputs


def test_programs_cannot_trace_the_executor_or_the_spawn_server(box: Box) -> None:
    results, outputs = run(box, PTRACE_PROBE)
    assert results[0].ok, results[0].stderr_tail
    found = json.loads(outputs[0])
    assert "1" in found, "the executor (PID 1) should be visible to the probe"
    assert {pid: access for pid, access in found.items() if any(access)} == {}


def test_nothing_survives_into_the_next_run(box: Box) -> None:
    results, outputs = run(box, ESCAPE)
    assert results[0].ok and outputs[0] == "left one behind\n"
    results, outputs = run(box, LIST_PROCESSES)
    assert results[0].ok, results[0].stderr_tail
    others = json.loads(outputs[0])
    others.pop("1")  # the executor
    assert set(others.values()) <= {"launch"}, others  # at most the spawn server


def test_judging_goes_on_after_a_program_kills_everything_it_can(box: Box) -> None:
    killer = (
        "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\nprint('done')"
    )
    for _ in range(3):
        results, outputs = run(box, killer, "print('second')")
        assert len(results) == 2
        assert results[0].ok and outputs[0] == "done\n"
    results, outputs = run(box, "print('fine')")
    assert results[0].ok and outputs[0] == "fine\n"


def test_concurrent_processes_of_one_request_all_start(box: Box) -> None:
    results, outputs = run(box, *(f"print({i})" for i in range(4)))
    assert [r.ok for r in results] == [True] * 4
    assert outputs == [f"{i}\n" for i in range(4)]


def test_a_program_that_cannot_start_is_a_spawn_error(box: Box) -> None:
    spec = ProcSpec(
        argv=["/box/in/no-such-program"], cwd="/tmp/run", cpu_s=1.0, wall_s=3.0, clean_dirs=["/tmp/run"]
    )
    result = box.run([spec])[0]
    assert result.spawn_error and result.spawn_error.startswith("exec failed")
    missing_input = ProcSpec(argv=[PY, "-c", "pass"], stdin="/box/in/no-such-input", cpu_s=1.0, wall_s=3.0)
    result = box.run([missing_input])[0]
    assert result.spawn_error and "cannot open" in result.spawn_error
    results, outputs = run(box, "print('still here')")
    assert outputs == ["still here\n"]


def test_peak_memory_is_the_programs_own(box: Box, tmp_path: Path) -> None:
    # A program is forked from the small spawn server, not from the Python executor (~10 MB).
    spec = ProcSpec(
        argv=["/bin/true"], cwd="/tmp/run", cpu_s=1.0, wall_s=3.0, mem_mb=64, clean_dirs=["/tmp/run"]
    )
    result = box.run([spec])[0]
    assert result.ok
    assert 0 < result.peak_mb < 4
    results, _ = run(box, "x = bytearray(100 * 1024 * 1024)\nx[::4096] = b'1' * len(x[::4096])")
    assert results[0].ok and 100 <= results[0].peak_mb < 140


def test_limits_still_hold(box: Box) -> None:
    results, _ = run(box, "while True: pass", cpu_s=0.5)
    assert results[0].cpu_exceeded and not results[0].ok
    results, _ = run(box, "x = bytearray(400 * 1024 * 1024)")
    assert results[0].mem_exceeded
    results, _ = run(box, "import sys\nwhile True: sys.stdout.write('x' * 65536)")
    assert results[0].output_exceeded


def test_programs_cannot_tamper_with_the_box(box: Box) -> None:
    results, outputs = run(box, TAMPER)
    assert results[0].ok, results[0].stderr_tail
    others = json.loads(outputs[0])
    assert "1" in others
    assert {pid: done for pid, done in others.items() if any(done)} == {}
    # The next runs start and work as usual, at the usual priority.
    results, outputs = run(box, "import os\nprint(os.getpriority(os.PRIO_PROCESS, 0))")
    assert results[0].ok and outputs == ["0\n"]


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the i386 system call gate exists on x86-64 only")
def test_foreign_system_call_abi_is_refused(box: Box, tmp_path: Path) -> None:
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("no gcc on this machine to build the probe")
    folder = box.mounts.binaries / f"int80-{box.backend}-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    os.chmod(folder, 0o755)
    (tmp_path / "int80.c").write_text(INT80)
    subprocess.run([gcc, "-O2", "-static", "-o", str(folder / "prog"), str(tmp_path / "int80.c")], check=True)
    spec = ProcSpec(
        argv=[f"{BOX_BIN}/{folder.name}/prog"], stdout=f"{BOX_WORK}/out/int80.out", cpu_s=1.0, wall_s=3.0
    )
    result = box.run([spec])[0]
    assert result.ok
    assert (box.work / "out" / "int80.out").read_text() == "-38\n"  # -ENOSYS


def test_without_the_spawn_server_the_executor_starts_programs_itself(plain_box: Box) -> None:
    results, outputs = run(plain_box, "print('hello')", "print('world')")
    assert [r.ok for r in results] == [True, True] and outputs == ["hello\n", "world\n"]
    results, _ = run(plain_box, "while True: pass", cpu_s=0.5)
    assert results[0].cpu_exceeded
    results, outputs = run(plain_box, ESCAPE)
    assert outputs == ["left one behind\n"]
    results, outputs = run(plain_box, LIST_PROCESSES)
    assert set(json.loads(outputs[0])) == {"1"}
