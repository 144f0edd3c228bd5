"""Interrupting a real `ioi-agent judge` process while its boxes run programs that sleep: on SIGINT, SIGTERM
and SIGKILL it ends within seconds (not when the sleeping tests reach their wall clock, a minute later),
and nothing of its pool is left: no box process, no Docker container of its name prefix, no cgroup of
its pool, no session folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ioi_agent.sandbox import cgroups

TIME_LIMIT_S = 30.0  # each sleeping test's wall clock is 2 × 30 + 1 s: a judge waiting for it is slow
ENDS_WITHIN_S = 20.0  # generous against load; far below the 61 s a judge waiting for its tests takes
CLEAN_WITHIN_S = 30.0
SLEEPER = "#include <unistd.h>\nint main() { sleep(1000); return %d; }\n"


def package(root: Path) -> Path:
    (root / "data" / "secret").mkdir(parents=True)
    (root / "problem.yaml").write_text(f"name: Sleepy\nlimits:\n  time_limit: {TIME_LIMIT_S}\n")
    for i in range(3):
        (root / "data" / "secret" / f"{i}.in").write_text(f"{i}\n")
        (root / "data" / "secret" / f"{i}.ans").write_text(f"{i}\n")
    return root


def containers(prefix: str) -> list[str]:
    listed = subprocess.run(
        ["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True, timeout=60
    )
    return [name for name in listed.stdout.split() if name.startswith(prefix)]


def box_processes(judge: psutil.Process, prefix: str, docker: bool) -> list[psutil.Process]:
    """The judge's boxes' processes: its descendants (bubblewrap), and its containers' (Docker)."""
    found = []
    try:
        found += judge.children(recursive=True)
    except psutil.NoSuchProcess:
        pass
    for name in containers(prefix) if docker else []:
        pid = subprocess.run(
            ["docker", "inspect", "-f", "{{.State.Pid}}", name], capture_output=True, text=True, timeout=60
        ).stdout.strip()
        try:
            init = psutil.Process(int(pid))
            found += [init, *init.children(recursive=True)]
        except (ValueError, psutil.NoSuchProcess):
            pass
    return found


def cmdline(proc: psutil.Process) -> list[str]:
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def session_folder(procs: list[psutil.Process]) -> Path | None:
    """The pool's session folder: the parent of a box's work folder, as the box's command line names it."""
    for proc in procs:
        args = cmdline(proc)
        for i, arg in enumerate(args[:-1]):
            if arg == "--bind" and args[i + 2 : i + 3] == ["/box/work"]:
                return Path(args[i + 1]).parent
            if arg == "-v" and args[i + 1].endswith(":/box/work:rw"):
                return Path(args[i + 1].rsplit(":", 2)[0]).parent
    return None


def pool_cgroups(pid: int) -> list[Path]:
    hierarchy, _ = cgroups.detect()
    if hierarchy is None:
        return []
    return [p for folder in {hierarchy.memory, hierarchy.cpu} for p in folder.glob(f"ioi-agent-{pid}-*")]


def leftovers(pid: int, procs: list[psutil.Process], session: Path, docker: bool) -> list[str]:
    alive = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"process {proc.pid} {cmdline(proc)[:3]}")
        except psutil.NoSuchProcess:
            pass
    left = alive + [f"cgroup {p}" for p in pool_cgroups(pid)]
    if docker:
        left += [f"container {name}" for name in containers(f"ioi-box-{pid}-")]
    if session.exists():
        left.append(f"session folder {session}")
    return left


@pytest.mark.parametrize(
    "signals",
    # A second ^C while the first unwinds ends the process at once: the watchdog cleans up then.
    [[signal.SIGINT], [signal.SIGTERM], [signal.SIGKILL], [signal.SIGINT, signal.SIGINT]],
    ids=["SIGINT", "SIGTERM", "SIGKILL", "SIGINT-twice"],
)
def test_an_interrupted_judge_leaves_nothing(
    sandbox_name: str, signals: list[signal.Signals], tmp_path: Path
) -> None:
    problem = package(tmp_path / "sleepy")
    sources = []
    for i in range(2):  # two chains: both boxes run a sleeping program when the signal comes
        sources.append(tmp_path / f"sleep{i}.cpp")
        sources[-1].write_text(f"// {tmp_path}\n" + SLEEPER % i)
    log = open(tmp_path / "judge.log", "wb")  # noqa: SIM115 - closed below, after the process ended
    child = subprocess.Popen(
        [sys.executable, "-m", "ioi_agent", "judge", str(problem), *map(str, sources)]
        + ["--sandbox", sandbox_name, "--jobs", "2"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,  # the code $PYTHONPATH names, not a checkout that happens to be the working folder
    )
    judge = psutil.Process(child.pid)
    docker = sandbox_name == "docker"
    prefix = f"ioi-box-{child.pid}-"
    try:
        deadline = time.monotonic() + 300  # two compiles and two box starts on a loaded machine
        while True:
            procs = box_processes(judge, prefix, docker)
            sleeping = [p for p in procs if cmdline(p)[:1] and cmdline(p)[0].startswith("/box/bin/")]
            if len(sleeping) >= 2:
                break
            assert child.poll() is None, (tmp_path / "judge.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the sleeping programs never started"
            time.sleep(0.2)
        session = session_folder(procs)
        assert session is not None and session.name.startswith("ioi-agent-boxes-")
        assert session.exists()
        sent = time.monotonic()
        for signum in signals:
            child.send_signal(signum)
            time.sleep(0.05)
        child.wait(timeout=ENDS_WITHIN_S + 60)  # an assertion on the time below, not a hang
        ended_s = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        log.close()
    output = (tmp_path / "judge.log").read_text()[-2000:]
    assert ended_s < ENDS_WITHIN_S, f"{signals}: ended {ended_s:.1f} s after the signal\n{output}"
    if signals == [signal.SIGKILL]:
        assert child.returncode == -signal.SIGKILL
    else:
        assert child.returncode == 130, output
        assert len(signals) > 1 or "interrupted" in output
    deadline = time.monotonic() + CLEAN_WITHIN_S
    while (left := leftovers(child.pid, procs, session, docker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"{signals}: left behind {left}\n{output}"
    assert os.path.isdir(tmp_path)  # the judge's own inputs are untouched
