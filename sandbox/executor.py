"""The in-box executor: runs inside a sandbox (a Docker container or a bubblewrap box) for its whole life
and executes one run request after another, so no container or box is started per test.

Protocol: one JSON object per line on stdin, one JSON object per line on stdout, in the same order.
  request  {"id": str, "procs": [ProcSpec, ...]}   -- the procs of one request run concurrently
  ProcSpec {"argv": [...], "cwd": str, "stdin": path|null, "stdout": path|null, "stderr": path|null,
            "cpu_s": float, "wall_s": float, "mem_mb": int|null, "out_mb": int, "nproc": int,
            "env": {..}, "clean_dirs": [path, ...]}
  reply    {"id": str, "results": [ProcResult, ...]} or {"id": str, "error": str}
Limits: CPU time is polled from /proc and backed by RLIMIT_CPU; wall time by a deadline; memory by
RLIMIT_AS (the stack may grow up to it); output by RLIMIT_FSIZE; processes by RLIMIT_NPROC.
When the executor is PID 1 of its namespace (docker: the container's command; bwrap: --as-pid-1) it kills
every other process after each request, so nothing a program leaves behind survives into the next run,
and a program's kill(-1, SIGKILL) cannot touch it (init ignores signals it has no handler for).
Standard library only: this file runs with the box's own python3.
"""

from __future__ import annotations

import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time

MIB = 1024 * 1024
PAGE_TICKS = os.sysconf("SC_CLK_TCK")
# Markers a failed allocation leaves on stderr (C++, Python, C).
OOM_MARKERS = ("std::bad_alloc", "MemoryError", "Cannot allocate memory", "out of memory")
IS_INIT = os.getpid() == 1
# Exit codes of the launcher when it fails before the program starts (see launch.c).
LAUNCH_FAILURES = {
    120: "launcher: bad arguments",
    121: "launcher: cannot set limits",
    122: "launcher: cannot open the run's files",
    123: "exec failed: not a runnable program",
}


def _set_limits(spec: dict) -> None:
    cpu = max(1, int(spec["cpu_s"] + 1.0))  # backstop; the precise limit is polled
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if spec.get("mem_mb"):
        mem = int(spec["mem_mb"]) * MIB
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    # Unlimited stack: the main thread may recurse up to the memory limit (IOI rules), while threads keep
    # glibc's default stack size instead of inheriting a huge one.
    resource.setrlimit(resource.RLIMIT_STACK, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    out = int(spec.get("out_mb", 64)) * MIB
    resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))
    nproc = int(spec.get("nproc", 64))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch")


def _spawn(spec: dict) -> tuple[int, int | None]:
    """Start one process; returns (pid, error pipe read end or None).

    With the static `launch` helper next to this file, the child is started by vfork+exec in C and the
    launcher sets limits and files: no Python runs in the child, which keeps a run's overhead to one
    extra exec. Without it, a Python fork does the same work more slowly."""
    env = spec.get("env") or {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
    if os.access(LAUNCHER, os.X_OK):
        mem = int(spec["mem_mb"]) * MIB if spec.get("mem_mb") else 0
        argv = [
            LAUNCHER,
            repr(float(spec["cpu_s"])),
            str(mem),
            str(int(spec.get("out_mb", 64)) * MIB),
            str(int(spec.get("nproc", 64))),
            spec["stdin"] or "-",
            spec["stdout"] or "-",
            spec["stderr"] or "-",
            "--",
            *spec["argv"],
        ]
        proc = subprocess.Popen(argv, cwd=spec["cwd"], env=env, start_new_session=True, close_fds=True)
        proc.returncode = 0  # reaped by wait4 below, never by Popen
        return proc.pid, None
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:  # child: everything here must either exec or _exit
        try:
            os.close(err_r)
            os.setsid()
            for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGXFSZ, signal.SIGXCPU):
                signal.signal(sig, signal.SIG_DFL)
            os.chdir(spec["cwd"])
            # Open stdin before stdout: interactive peers open FIFOs in this order too, so neither blocks.
            fd_in = os.open(spec["stdin"] or os.devnull, os.O_RDONLY)
            fd_out = os.open(spec["stdout"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            fd_err = os.open(spec["stderr"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            for fd, target in ((fd_in, 0), (fd_out, 1), (fd_err, 2)):
                os.dup2(fd, target)
            try:
                with open("/proc/self/oom_score_adj", "w") as f:
                    f.write("1000")  # if the box's memory cap is hit, the program dies, not the executor
            except OSError:
                pass
            _set_limits(spec)
            os.execve(spec["argv"][0], spec["argv"], env)
        except BaseException as exc:  # noqa: BLE001 - report any failure to the parent
            try:
                os.write(err_w, f"{type(exc).__name__}: {exc}".encode()[:500])
            finally:
                os._exit(127)
    os.close(err_w)
    return pid, err_r


def _cpu_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / PAGE_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _tail(path: str | None, size: int = 2048) -> str:
    if not path:
        return ""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - size))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _kill_group(pid: int) -> None:
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _cleanup() -> None:
    """Kill and reap everything a program left behind (only as PID 1: kill(-1) is then box-wide)."""
    if IS_INIT:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if IS_INIT else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run_request(procs: list[dict]) -> list[dict]:
    for spec in procs:
        for d in spec.get("clean_dirs", []):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d, exist_ok=True)
    start = time.monotonic()
    states = []
    for spec in procs:
        state = {"spec": spec, "pid": None, "done": False, "result": None}
        try:
            pid, err_r = _spawn(spec)
            state.update(pid=pid, err_r=err_r, pidfd=os.pidfd_open(pid))
        except OSError as exc:  # fork failed: the box itself is out of processes
            state.update(done=True, result={"spawn_error": f"fork failed: {exc}"})
        states.append(state)
    deadline = start + max(s["spec"]["wall_s"] for s in states)
    poller = select.poll()
    by_fd = {}
    for state in states:
        if not state["done"]:
            poller.register(state["pidfd"], select.POLLIN)
            by_fd[state["pidfd"]] = state
    while any(not s["done"] for s in states):
        now = time.monotonic()
        waits = [deadline - now]
        for s in states:
            if s["done"]:
                continue
            left = s["spec"]["cpu_s"] - _cpu_of(s["pid"])
            if left <= 0:
                s["cpu_exceeded"] = True
                _kill_group(s["pid"])
            waits.append(max(left, 0.005))
        timeout = max(0.0, min(waits))
        for fd, _ in poller.poll(timeout * 1000):
            state = by_fd[fd]
            _, status, usage = os.wait4(state["pid"], 0)
            state.update(done=True, status=status, usage=usage, end=time.monotonic())
            poller.unregister(fd)
            os.close(fd)
        if time.monotonic() >= deadline:
            for s in states:
                if not s["done"]:
                    s["wall_exceeded"] = True
                    _kill_group(s["pid"])
    results = [_result(s, start) for s in states]
    _cleanup()
    return results


def _result(state: dict, start: float) -> dict:
    if state["result"] is not None:
        return state["result"]
    spec = state["spec"]
    spawn_error = ""
    if state["err_r"] is not None:
        spawn_error = os.read(state["err_r"], 1000).decode("utf-8", "replace")
        os.close(state["err_r"])
    status, usage = state["status"], state["usage"]
    if os.WIFEXITED(status) and LAUNCH_FAILURES.get(os.WEXITSTATUS(status)):
        spawn_error = LAUNCH_FAILURES[os.WEXITSTATUS(status)]
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    cpu = usage.ru_utime + usage.ru_stime
    peak_mb = usage.ru_maxrss / 1024.0
    stderr_tail = _tail(spec.get("stderr"))
    mem_mb = spec.get("mem_mb")
    failed = sig is not None or os.WEXITSTATUS(status) != 0
    mem_exceeded = bool(mem_mb) and (
        peak_mb > mem_mb
        or (failed and (peak_mb >= 0.9 * mem_mb or any(m in stderr_tail for m in OOM_MARKERS)))
        or "MemoryError" in spawn_error
    )
    out_size = os.path.getsize(spec["stdout"]) if spec.get("stdout") and os.path.isfile(spec["stdout"]) else 0
    return {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": sig,
        "cpu_s": round(cpu, 4),
        "wall_s": round(state["end"] - start, 4),
        "peak_mb": round(peak_mb, 2),
        "cpu_exceeded": bool(state.get("cpu_exceeded")) or sig == signal.SIGXCPU or cpu > spec["cpu_s"],
        "wall_exceeded": bool(state.get("wall_exceeded")),
        "output_exceeded": sig == signal.SIGXFSZ or out_size > int(spec.get("out_mb", 64)) * MIB,
        "mem_exceeded": mem_exceeded,
        "spawn_error": spawn_error or None,
        "stderr_tail": stderr_tail[-1000:],
    }


def main() -> None:
    # As init, default dispositions mean "ignored", so a program cannot signal the executor away.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid1": IS_INIT, "uid": os.getuid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            reply = {"id": req_id, "results": run_request(req["procs"])}
        except Exception as exc:  # noqa: BLE001 - a bad request must not kill the box
            _cleanup()
            reply = {"id": req_id, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
