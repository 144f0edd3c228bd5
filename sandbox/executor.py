"""The in-box executor: runs inside a sandbox (a Docker container or a bubblewrap box) for its whole life
and executes one run request after another, so no container or box is started per test.

Protocol: one JSON object per line on stdin, one JSON object per line on stdout, in the same order.
  request  {"id": str, "procs": [ProcSpec, ...]}   -- the procs of one request run concurrently
  ProcSpec {"argv": [...], "cwd": str, "stdin": path|null, "stdout": path|null, "stderr": path|null,
            "cpu_s": float, "wall_s": float, "mem_mb": int|null, "as_extra_mb": int, "out_mb": int, "nproc": int,
            "env": {..}, "clean_dirs": [path, ...]}
  reply    {"id": str, "results": [ProcResult, ...]} or {"id": str, "error": str}
  series   {"id": str, "series": [ProcSpec, ...], "capture": int}: each spec a request of its own, one
           after another (see run_series), answered as one reply of their results
  cgroups  {"cgroups": {"version": 1|2, "slots": [{name: fd index}, ...]}} with the files attached
           (SCM_RIGHTS, socket channel only), answered {"ok": true}: the run slots (ioi_agent/sandbox/
           cgroups.py); proc j of a request runs in slot j, with all its children and threads.
Limits: with slots, memory is the slot's cgroup limit over all the run's processes together, the peak is
the group's peak, CPU time the group's usage (children not waited for included), an OOM kill in the group
is a memory verdict. Without them (no cgroup on the host), memory is RLIMIT_AS per process (the stack may
grow up to it), the peak ru_maxrss, CPU time the waited-for process's. CPU time is polled, backed by
RLIMIT_CPU; wall time by a deadline; output by RLIMIT_FSIZE; processes by RLIMIT_NPROC; disk by the
quotas of the work folder, /tmp and /dev/shm (QUOTAS: capped tmpfs where the host could mount them, else
counted after the run), a run that filled one being over its output limit.
Every run starts clean: after each request, once its processes are gone, every SysV IPC object of the
box is removed, /tmp, /dev/shm and /dev/mqueue (POSIX message queues) are emptied, and every entry of the
work folder that the request did not name (its files, working folders, arguments) is removed, all through
directory fds that follow no link (boxtree.py). If something cannot be removed, or the sweep would take
more than SWEEP_BUDGET entries, the reply says "dirty": true and the executor exits after it: the host
replaces the box with a fresh one and a new work folder, never reusing the old.

Programs are started by the spawn server `launch` (launch.c) next to this file: a small C process that
forks each program as a child of this executor (CLONE_PARENT), sets its limits and files, and execs it.
Without that binary (no gcc on the host), this executor forks the programs itself, more slowly.

When the executor is PID 1 of its namespace (docker: the container's command; bwrap: --as-pid-1), nothing
a program leaves behind survives into the next run: after each request it kills the process groups of the
request's programs, then lists /proc, and if any process other than itself and the spawn server remains
(a child that left its group, say), kills everything (kill(-1)) and restarts the server. A program's own
kill(-1, SIGKILL) cannot touch PID 1 (init ignores signals it has no handler for); it may kill the spawn
server, which is then restarted (or stop it, which SIGCONT after each request undoes). Programs run as
the same uid as the executor and the server, so both are not dumpable (no ptrace, no /proc/PID/mem) and
every program runs under a seccomp filter (launch.c) that stops it from changing another process's
limits or scheduling.
Standard library only: this file runs with the box's own python3.
"""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import struct
import sys
import time

# The tree remover shared with the host; -I keeps this folder off sys.path, and it is the executor's own.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boxtree  # noqa: E402

MIB = 1024 * 1024
PAGE_TICKS = os.sysconf("SC_CLK_TCK")
# Markers a failed allocation leaves on stderr (C++, Python, C).
OOM_MARKERS = ("std::bad_alloc", "MemoryError", "Cannot allocate memory", "out of memory")
IS_INIT = os.getpid() == 1
UMASK = os.umask(0o022)
os.umask(UMASK)
DEFAULT_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
SHARED_UID = "--shared-uid" in sys.argv[1:]  # see _nproc


def _hard_nproc() -> int:
    import resource

    return min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 1 << 62)  # RLIM_INFINITY fits launch.c too


SHARED_UID_NPROC = _hard_nproc()  # as high as the box may set it: the limit stays the container's
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch")
USE_SERVER = os.access(LAUNCHER, os.X_OK)
# Stages of a spawn record from launch.c, and what a failure at each is reported as.
STARTED, FORK_FAILED = 0, 1
SPAWN_FAILURES = {
    1: "fork failed",
    2: "launcher: cannot set limits",
    3: "launcher: cannot open the run's files",
    4: "exec failed: not a runnable program",
    5: "launcher: cannot enter the working folder",
    6: "launcher: cannot join the run's cgroup",
}
CGROUP_STAGE = 6
BOX_WORK = "/box/work"
WORK_DIRS = ("out", "tmp", "run")  # the host's folders under the work folder
SCRATCH_ROOTS = ("/tmp", "/dev/shm", "/dev/mqueue")
SYSV_IPC = ("shm", "sem", "msg")  # /proc/sysvipc/<kind>: the box's IPC namespace's objects
# Entries one sweep may remove: a run that left more (a million files, say) is not swept, its box is
# replaced (a new box, a new work folder; the host removes the old one), so the reply is never late.
SWEEP_BUDGET = 10000
SERVER_FD_BASE = 10  # the slots' cgroup.procs files, as the spawn server holds them
RECLAIM_ABOVE = 4 * MIB  # a finished run's charges above this (page cache, say) are dropped
RECORD = struct.Struct("=5i")  # seq, index, pid, stage, errno
# The quotas (MiB, entries) of the work folder and of /tmp and /dev/shm each: ioi_agent/sandbox/quota.py
# mounts them as capped tmpfs where it can; where not, the executor checks them after each run.
WORK_MB, WORK_INODES = 512, 16384
SCRATCH_MB, SCRATCH_INODES = 64, 4096
QUOTAS = {BOX_WORK: (WORK_MB, WORK_INODES), "/tmp": (SCRATCH_MB, SCRATCH_INODES)}
QUOTAS["/dev/shm"] = QUOTAS["/tmp"]
FULL_BELOW = MIB  # a box file system with less than this left after a run: the run filled it
SIGNALS_TO_RESET = (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGXFSZ, signal.SIGXCPU)


def _not_dumpable() -> None:
    """PR_SET_DUMPABLE 0: without it a program (same uid, no capabilities) could ptrace this process or
    write its memory through /proc/1/mem, and so fake results or lift limits."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (ImportError, OSError, AttributeError):
        pass


def _read(fd: int) -> bytes:
    return os.pread(fd, 4096, 0)


def _write(fd: int, text: str) -> None:
    os.write(fd, text.encode())


def _field(data: bytes, key: bytes) -> int | None:
    """The value of `key` in a flat-keyed cgroup file ("key value" lines)."""
    for line in data.splitlines():
        name, _, value = line.partition(b" ")
        if name == key:
            return int(value)
    return None


class Groups:
    """The run slots the host gave this box: per slot, open control files of its cgroup(s)."""

    def __init__(self) -> None:
        self.version = 0
        self.slots: list[dict] = []  # name -> fd; plus "limit": the memory limit last set
        self.server_fds: list[tuple[int, int]] = []  # (our fd, the spawn server's fd)

    def load(self, spec: dict, fds: list[int]) -> None:
        self.close()
        self.version = int(spec["version"])
        for entry in spec["slots"]:
            self.slots.append({key: fds[index] for key, index in entry.items()})
        for fd in fds:
            os.set_inheritable(fd, False)
        target = SERVER_FD_BASE
        for slot in self.slots:
            procs = []
            for key in ("procs", "procs_cpu"):
                if key in slot:
                    self.server_fds.append((slot[key], target))
                    procs.append(str(target))
                    target += 1
            slot["server"] = ",".join(procs)

    def close(self) -> None:
        for slot in self.slots:
            for key, fd in slot.items():
                if isinstance(fd, int) and key != "limit":
                    try:
                        os.close(fd)
                    except OSError:
                        pass
        self.slots, self.server_fds, self.version = [], [], 0

    def covers(self, count: int) -> bool:
        return 0 < count <= len(self.slots)

    def cpu(self, slot: dict) -> float:
        data = _read(slot["cpu"])
        if self.version == 1:
            return int(data) / 1e9
        return (_field(data, b"usage_usec") or 0) / 1e6

    def oom_kills(self, slot: dict) -> int:
        return _field(_read(slot["oom"]), b"oom_kill") or 0

    def prepare(self, slot: dict, mem_mb: int | None) -> dict:
        """Set the limit, reset the peak; the counters' values before the run."""
        limit = int(mem_mb) * MIB if mem_mb else 0
        if slot.get("limit") != limit:
            if self.version == 1:
                value = str(limit) if limit else "-1"
                known = slot.get("limit")
                if known is None and "memsw" in slot:
                    # A new executor (a replaced box) does not know the limits the last one left on
                    # this slot: lift memsw first, so that either order below is valid.
                    _write(slot["memsw"], "-1")
                # memsw (memory + swap) may never be below memory: lower memory first, raise it last.
                lower = bool(limit) and limit < (known or 1 << 62)
                order = ["max", "memsw"] if lower else ["memsw", "max"]
                for key in order:
                    if key in slot:
                        _write(slot[key], value)
            else:
                _write(slot["max"], str(limit) if limit else "max")
            slot["limit"] = limit
        if "peak_reset" in slot:
            _write(slot["peak_reset"], "reset")
        elif self.version == 1:
            _write(slot["peak"], "0")
        # As init, nothing of the last run outlived its finish(), so the counters have not moved since.
        last = slot.pop("counters", None)
        return last or {"cpu": self.cpu(slot), "oom": self.oom_kills(slot)}

    def finish(self, slot: dict, before: dict) -> dict:
        """The run's measures; called once none of its processes is left."""
        peak = None
        if "peak_reset" in slot:
            peak = int(_read(slot["peak_reset"]))
        elif "peak" in slot:
            peak = int(_read(slot["peak"]))
        cpu, oom = self.cpu(slot), self.oom_kills(slot)
        if IS_INIT:
            slot["counters"] = {"cpu": cpu, "oom": oom}
        return {
            "cpu": max(0.0, cpu - before["cpu"]),
            "peak_mb": None if peak is None else peak / MIB,
            "oom": oom > before["oom"],
        }

    def reclaim(self, slot: dict) -> None:
        """Drop what a finished run left charged (page cache of its files), so the next starts near 0."""
        try:
            if int(_read(slot["current"])) <= RECLAIM_ABOVE:
                return
            if "empty" in slot:
                _write(slot["empty"], "0")
            elif "reclaim" in slot:
                _write(slot["reclaim"], str(int(_read(slot["current"]))))
        except (OSError, ValueError):
            pass  # reclaim may stop short (EAGAIN): the next peak then starts a little higher


GROUPS = Groups()


class Spawner:
    """The `launch` server: started lazily, restarted whenever a program (or a cleanup) killed it."""

    def __init__(self) -> None:
        self.pid = 0
        self.pidfd = -1
        self.cmd_w = -1
        self.seq = 0
        self.rec_r, self.rec_w = os.pipe()  # kept for the executor's life; every server writes here
        os.set_blocking(self.rec_r, False)
        self.pending = b""
        self.failures: dict[int, tuple[int, int]] = {}  # pid -> (stage, errno), for the current request

    def forget(self) -> None:
        """The server died (or was reaped by a cleanup): drop it; the next request starts a new one."""
        if self.pid:
            try:
                os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pass
            os.close(self.pidfd)
            os.close(self.cmd_w)
        self.pid, self.pidfd, self.cmd_w = 0, -1, -1

    def start(self) -> None:
        cmd_r, cmd_w = os.pipe()
        try:
            self.pid = os.posix_spawn(
                LAUNCHER,
                [LAUNCHER],
                DEFAULT_ENV,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, cmd_r, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_DUP2, self.rec_w, 3),
                    *((os.POSIX_SPAWN_DUP2, fd, target) for fd, target in GROUPS.server_fds),
                ],
            )
        finally:
            os.close(cmd_r)
        self.cmd_w = cmd_w
        self.pidfd = os.pidfd_open(self.pid)

    def spawn(self, procs: list[dict]) -> list[tuple[int, str]]:
        """Start the procs; per proc (pid, "") or (0, error). Retries once if the server died on the way."""
        for attempt in range(2):
            self.seq += 1
            self.failures = {}
            message = _message(self.seq, procs, GROUPS.covers(len(procs)))
            try:
                self._send(message)
                return self._collect(len(procs))
            except _ServerDied:
                # Nothing of this request has run yet (children wait at the gate until every one has
                # reported), so starting over is safe; a server that dies twice means a bad request.
                _kill_everything()
                self.forget()
                if attempt:
                    raise RuntimeError("the spawn server died starting this request") from None
        raise AssertionError("unreachable")

    def _send(self, message: bytes) -> None:
        if not self.pid:
            self.start()
        try:
            _write_all(self.cmd_w, message)
        except BrokenPipeError:
            # A program of an earlier request killed the server: it read nothing, start a new one.
            self.forget()
            self.start()
            _write_all(self.cmd_w, message)

    def _collect(self, count: int) -> list[tuple[int, str]]:
        started: dict[int, tuple[int, str]] = {}
        while len(started) < count:
            ready = select.select([self.rec_r, self.pidfd], [], [], 30.0)[0]
            if self.rec_r in ready:
                for _, index, pid, stage, err in self.read_records():
                    if stage == STARTED:
                        started[index] = (pid, "")
                    elif stage == FORK_FAILED:
                        started[index] = (0, f"fork failed: {os.strerror(err)}")
            elif self.pidfd in ready or not ready:
                raise _ServerDied

        return [started[i] for i in range(count)]

    def read_records(self) -> list[tuple[int, int, int, int, int]]:
        """Records of the current request; failure records are kept by pid for the results."""
        while True:
            try:
                chunk = os.read(self.rec_r, RECORD.size * 200)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.pending += chunk
        usable = len(self.pending) - len(self.pending) % RECORD.size
        records = [r for r in RECORD.iter_unpack(self.pending[:usable]) if r[0] == self.seq]
        self.pending = self.pending[usable:]
        for _, _, pid, stage, err in records:
            if stage not in (STARTED, FORK_FAILED):
                self.failures[pid] = (stage, err)
        return records


class _ServerDied(Exception):
    pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _nproc(spec: dict) -> int:
    """RLIMIT_NPROC of a run. It counts every process of the uid in the user namespace: with
    `--shared-uid` (a Docker box of a non-root judge: the container runs as the judge's own uid, in the
    host's namespace) that is the judge's processes and threads too, so the limit cannot be the run's;
    the container's pids cap (docker --pids-limit) is the process limit then."""
    return SHARED_UID_NPROC if SHARED_UID else int(spec.get("nproc", 64))


def _address_space(spec: dict) -> int:
    """RLIMIT_AS of a run without a cgroup: its memory limit, plus the address space its runtime reserves
    without using (`as_extra_mb`: PyPy's GC arenas; a cgroup counts only what is used, so none there)."""
    return (int(spec["mem_mb"]) + int(spec.get("as_extra_mb") or 0)) * MIB


def _message(seq: int, procs: list[dict], grouped: bool) -> bytes:
    parts = [str(seq), str(len(procs))]
    for i, spec in enumerate(procs):
        # In a cgroup, the group's limit is the memory limit: no address-space limit on top.
        mem = 0 if grouped or not spec.get("mem_mb") else _address_space(spec)
        env = spec.get("env") or DEFAULT_ENV
        cpu_soft = int(spec["cpu_s"]) + 1  # a backstop; the precise limit is polled
        argv = [str(a) for a in spec["argv"]]
        parts += [
            spec["cwd"],
            spec["stdin"] or "-",
            spec["stdout"] or "-",
            spec["stderr"] or "-",
            str(cpu_soft),
            str(cpu_soft + 1),
            str(mem),
            str(int(spec.get("out_mb", 64)) * MIB),
            # +1 for the spawn server, a process of the box's uid that counts towards RLIMIT_NPROC:
            # programs keep the processes and threads they had when the executor forked them itself.
            str(min(_nproc(spec) + 1, SHARED_UID_NPROC)),
            GROUPS.slots[i]["server"] if grouped else "-",
            str(len(argv)),
            *argv,
            str(len(env)),
            *(f"{k}={v}" for k, v in env.items()),
            "",
        ]
    if any("\0" in p for p in parts):
        raise ValueError("embedded null byte in a run's argv, env or paths")
    payload = "\0".join(parts).encode("utf-8", "surrogateescape") + b"\0"
    return struct.pack("=I", len(payload)) + payload


def _set_limits(spec: dict, slot: dict | None) -> None:
    import resource

    cpu = max(1, int(spec["cpu_s"] + 1.0))  # backstop; the precise limit is polled
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    if spec.get("mem_mb") and slot is None:
        mem = _address_space(spec)
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    # Unlimited stack: the main thread may recurse up to the memory limit (IOI rules), while threads keep
    # glibc's default stack size instead of inheriting a huge one.
    resource.setrlimit(resource.RLIMIT_STACK, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    out = int(spec.get("out_mb", 64)) * MIB
    resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))
    nproc = _nproc(spec)
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _fork_spawn(spec: dict, slot: dict | None) -> tuple[int, int]:
    """Start one process from Python (no launch binary); returns (pid, error pipe read end)."""
    env = spec.get("env") or DEFAULT_ENV
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:  # child: everything here must either exec or _exit
        try:
            os.close(err_r)
            os.setsid()
            for key in ("procs", "procs_cpu"):
                if slot is not None and key in slot:
                    os.write(slot[key], b"0")  # this process joins the run's cgroup
            for sig in SIGNALS_TO_RESET:
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
            _set_limits(spec, slot)
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
    # The program may have swapped its stderr for a FIFO (an open would block) or a link: no waiting, no
    # following, regular files only.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return ""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
            return ""
        return os.pread(fd, size, max(0, st.st_size - size)).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        os.close(fd)


def _kill_group(pid: int) -> None:
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _kill_everything() -> None:
    """As PID 1: kill every other process of the box and reap them all (the spawn server included).

    kill(-1) is conclusive: no process can fork while the kernel walks the process list, and a process
    with a pending SIGKILL cannot fork afterwards."""
    if not IS_INIT:
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _cleanup(pids: list[int]) -> None:
    """Kill and reap everything the request's programs left behind."""
    for pid in pids:  # each program leads its own process group and session (setsid)
        try:
            os.kill(-pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    while True:  # reap orphans (they are re-parented to PID 1) and killed group members
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        if pid == SPAWNER.pid:
            SPAWNER.forget()
    if not IS_INIT:
        return
    keep = {1, SPAWNER.pid}  # a dead server not yet reaped is harmless: the next request restarts it
    # Anything else alive (a child that called setsid, a group member still dying): kill everything.
    if any(int(name) not in keep for name in os.listdir("/proc") if name.isdigit()):
        _kill_everything()
        SPAWNER.forget()
    elif SPAWNER.pid:
        try:  # a program may have stopped the server (SIGSTOP): it would stall the next request
            os.kill(SPAWNER.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def _clean_dir(path: str) -> None:
    """Make `path` an empty folder of ours (mode 0755); cheap when a run left it empty, as most do."""
    try:  # the usual case: the last sweep removed it, one mkdir (mode 0755 under UMASK) makes it
        os.mkdir(path, 0o755)
        if UMASK & 0o755:
            os.chmod(path, 0o755)
        return
    except OSError:
        pass
    parent, name = os.path.split(path)
    fd = os.open(parent, boxtree.DIR_FLAGS & ~os.O_NOFOLLOW)
    try:
        if not boxtree.remove(fd, name, boxtree.Budget(SWEEP_BUDGET)):
            STATE["dirty"] = True  # the host replaces this box after the reply
            raise RuntimeError(f"cannot empty {path}: a program left it so")
        os.mkdir(name, 0o755, dir_fd=fd)
        os.chmod(name, 0o755, dir_fd=fd)
    finally:
        os.close(fd)


def run_request(procs: list[dict]) -> list[dict]:
    grouped = GROUPS.covers(len(procs))
    slots = GROUPS.slots[: len(procs)] if grouped else [None] * len(procs)
    for spec in procs:
        for d in spec.get("clean_dirs", []):
            _clean_dir(d)
    before = [
        GROUPS.prepare(slot, spec.get("mem_mb")) if slot else None
        for slot, spec in zip(slots, procs, strict=True)
    ]
    start = time.monotonic()
    states = []
    use_server = USE_SERVER
    if use_server:
        spawned = SPAWNER.spawn(procs)
    for i, spec in enumerate(procs):
        state = {"spec": spec, "pid": 0, "done": False, "result": None, "err_r": None, "slot": slots[i]}
        try:
            if use_server:
                pid, error = spawned[i]
                if error:
                    raise OSError(error)
            else:
                pid, state["err_r"] = _fork_spawn(spec, slots[i])
            state.update(pid=pid, pidfd=os.pidfd_open(pid))
        except OSError as exc:  # fork failed: the box itself is out of processes
            message = str(exc) if str(exc).startswith("fork failed") else f"fork failed: {exc}"
            state.update(done=True, result={"spawn_error": message})
        states.append(state)
    deadline = start + max(s["spec"]["wall_s"] for s in states)
    poller = select.poll()
    by_fd = {}
    for state in states:
        if not state["done"]:
            poller.register(state["pidfd"], select.POLLIN)
            by_fd[state["pidfd"]] = state
    first = True
    while any(not s["done"] for s in states):
        now = time.monotonic()
        waits = [deadline - now]
        for i, s in enumerate(states):
            if s["done"]:
                continue
            # A program just started has used no CPU yet: skip reading the counters the first time round.
            if first:
                used = 0.0
            elif s["slot"] is not None:  # every process of the run, children not waited for included
                used = GROUPS.cpu(s["slot"]) - before[i]["cpu"]
            else:
                used = _cpu_of(s["pid"])
            left = s["spec"]["cpu_s"] - used
            if left <= 0:
                s["cpu_exceeded"] = True
                _kill_group(s["pid"])
            waits.append(max(left, 0.005))
        first = False
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
    if use_server:
        SPAWNER.read_records()  # failure records were written before their child exited
    _cleanup([s["pid"] for s in states if s["pid"]])
    # Nothing of the request is left: the groups' counters are final.
    measures = [GROUPS.finish(slot, b) if slot else None for slot, b in zip(slots, before, strict=True)]
    results = [_result(s, start, m) for s, m in zip(states, measures, strict=True)]
    if _disk_full():  # the request's programs share the box's file systems: each is charged with it
        for result in results:
            # Over the quota is a fact of what was written; a time limit reached while writing it (where
            # nothing stopped the writes: not root, the host's disk) depends on the disk's speed and load.
            # The verdict is the quota's, the same on every machine.
            result["output_exceeded"] = True
            result["cpu_exceeded"] = result["wall_exceeded"] = False
    if not _sweep(procs):
        STATE["dirty"] = True
    for slot in slots:
        if slot is not None:
            GROUPS.reclaim(slot)
    return results


STATE = {"dirty": False}  # dirty: a run left something the sweep could not remove; exit after replying


def run_series(specs: list[dict], capture: int) -> list[dict]:
    """Runs of one program alone each, one after another, each as its own request (cleanup and all), so
    the host pays one exchange for several tests. With `capture`, each run's stdout (at most that many
    bytes) comes back in its result ("stdout", base64) and its files are removed before the next run
    starts: no run sees another's output. The series stops after a run that failed, or whose stdout
    was larger or could not be read back (it stays for the host to read), or that left the box dirty."""
    results = []
    for spec in specs:
        [result] = run_request([spec])
        results.append(result)
        taken = _take_output(spec, capture) if capture else None
        if taken is not None:
            result["stdout"] = taken
        if taken is None or STATE["dirty"] or _failed(result):
            break
    return results


def _failed(result: dict) -> bool:
    flags = ("cpu_exceeded", "wall_exceeded", "output_exceeded", "mem_exceeded", "spawn_error")
    return (
        result.get("exit_code") != 0 or result.get("signal") is not None or any(result.get(k) for k in flags)
    )


def _take_output(spec: dict, capture: int) -> str | None:
    """A run's stdout file, base64, removed with its stderr file; "" for one that is not a regular file
    (read as empty, as the host reads it), None for one over `capture` bytes (left in place)."""
    import binascii

    path = spec.get("stdout")
    if not path:
        return ""
    data = b""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        fd = -1
    if fd >= 0:
        try:
            st = os.fstat(fd)
            if stat.S_ISREG(st.st_mode):
                if st.st_size > capture:
                    return None
                data = os.read(fd, st.st_size)  # no process is left to make it grow
        finally:
            os.close(fd)
    for name in (path, spec.get("stderr")):
        if name:
            _remove(name)
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def _remove(path: str) -> bool:
    """Remove a file or a whole tree a program left, whatever it made of it (`boxtree`: fds only, no
    link followed, folders it closed to us reopened, any depth); True when it is gone."""
    return boxtree.remove_path(path, boxtree.Budget(SWEEP_BUDGET))


def _named(procs: list[dict]) -> set[str]:
    """The work folder's entries (at depth 2: "out/NAME") a request names: the host reads or removes
    them after the reply."""
    named = set()
    prefix = BOX_WORK + "/"
    for spec in procs:
        paths = [spec.get("stdin"), spec.get("stdout"), spec.get("stderr"), spec.get("cwd"), *spec["argv"]]
        for path in paths:
            if isinstance(path, str) and path.startswith(prefix):
                parts = os.path.normpath(path)[len(prefix) :].split("/")
                named.add("/".join(parts[:2]))
    return named


def _sweep(procs: list[dict]) -> bool:
    """Leave nothing of this request for the next: remove the SysV IPC objects its programs made, empty
    the box's scratch file systems and remove what the request did not name from the work folder. True
    when all is clean; False (the box is then replaced) when something stays or the sweep would take
    more than SWEEP_BUDGET entries."""
    budget = boxtree.Budget(SWEEP_BUDGET)
    clean = _remove_ipc()
    for root in SCRATCH_ROOTS:
        try:
            fd = os.open(root, boxtree.DIR_FLAGS)
        except OSError:
            continue  # not mounted in this box
        try:
            clean = boxtree.clear(fd, budget) and clean
        finally:
            os.close(fd)
    try:
        top = os.open(BOX_WORK, boxtree.DIR_FLAGS)
    except FileNotFoundError:
        return clean
    except OSError:
        return False
    try:
        return _sweep_work(top, _named(procs), budget) and clean
    finally:
        os.close(top)


def _sweep_work(top: int, named: set[str], budget: boxtree.Budget) -> bool:
    """The work folder's part of the sweep: its own folders (WORK_DIRS) stay, emptied but for what the
    request named; anything else at the top goes. As root the top is the host's and read-only to the box,
    so a program can add nothing there; as the judge's own uid it may, and this removes it."""
    clean = True
    try:
        if os.fstat(top).st_uid == os.getuid():  # the judge's own uid: a program may have locked the top
            _mode(top, 0o755)
        strays = [name for name in os.listdir(top) if name not in WORK_DIRS]
    except OSError:
        return False
    for name in strays:
        clean = boxtree.remove(top, name, budget) and clean
    for name in WORK_DIRS:
        fd = boxtree.open_dir(top, name)
        if fd is None:  # gone, or something else in its place (a link, a file)
            try:
                boxtree.remove(top, name, budget)
                os.mkdir(name, 0o755, dir_fd=top)
                os.chmod(name, 0o755, dir_fd=top)
            except OSError:
                clean = False
            continue
        try:
            _mode(fd, 0o755)
            for item in os.listdir(fd):
                if f"{name}/{item}" not in named:
                    clean = boxtree.remove(fd, item, budget) and clean
        except OSError:
            clean = False
        finally:
            os.close(fd)
    return clean


def _mode(fd: int, mode: int) -> None:
    try:
        if os.fstat(fd).st_mode & 0o7777 != mode:
            os.fchmod(fd, mode)
    except OSError:
        pass


def _remove_ipc() -> bool:
    """Remove every SysV shared memory segment, semaphore set and message queue of the box: they outlive
    the programs that made them (the box keeps one IPC namespace for its life), a segment stays charged
    to the memory cgroup of the run that touched it, and the next run could read them. Every object was
    made by a program of this box's uid, so IPC_RMID is ours to call. POSIX message queues are files of
    /dev/mqueue, emptied as a scratch root. True when none is left."""
    found = []
    for kind in SYSV_IPC:
        try:
            fd = os.open(f"/proc/sysvipc/{kind}", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            data = b""
            while chunk := os.read(fd, 65536):
                data += chunk
        finally:
            os.close(fd)
        found += [(kind, int(line.split()[1])) for line in data.splitlines()[1:] if line.strip()]
    if not found:
        return True  # the usual case: two reads, no ctypes
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    ipc_rmid = 0
    calls = {
        "shm": lambda ident: libc.shmctl(ident, ipc_rmid, None),
        "sem": lambda ident: libc.semctl(ident, 0, ipc_rmid),
        "msg": lambda ident: libc.msgctl(ident, ipc_rmid, None),
    }
    return all(calls[kind](ident) == 0 for kind, ident in found)


def _disk_full() -> bool:
    """Whether the request filled a file system of the box (its writes then failed with ENOSPC) or,
    where one is not capped as the quota says (the work folder on the host's own disk, bubblewrap's
    /tmp without an inode cap: not root), took more of it than the quota. Before the sweep, which frees
    it all."""
    for root, (mb, inodes) in QUOTAS.items():
        try:
            st = os.statvfs(root)
        except OSError:
            continue
        if st.f_blocks and st.f_bavail * st.f_frsize < FULL_BELOW or st.f_files and st.f_favail < 16:
            return True
        capped = st.f_blocks * st.f_frsize <= 2 * mb * MIB and 0 < st.f_files <= 2 * inodes
        if not capped and _over_quota(root, mb, inodes):
            return True
    return False


def _over_quota(top: str, mb: int, inodes: int) -> bool:
    """More than `mb` MiB in blocks or `inodes` entries under `top` (links not followed); stops as soon
    as it is over."""
    total, count, folders = 0, 0, [top]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                count += 1
                try:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                except OSError:
                    continue
                if total > mb * MIB or count > inodes:
                    return True
    return False


def _result(state: dict, start: float, measure: dict | None) -> dict:
    if state["result"] is not None:
        return state["result"]
    spec = state["spec"]
    spawn_error = ""
    if state["err_r"] is not None:
        spawn_error = os.read(state["err_r"], 1000).decode("utf-8", "replace")
        os.close(state["err_r"])
    failure = SPAWNER.failures.get(state["pid"])
    if failure and failure[0] == CGROUP_STAGE:  # the box's fault, not the program's
        raise RuntimeError(f"cannot join the run's cgroup: {os.strerror(failure[1])}")
    if failure:
        spawn_error = f"{SPAWN_FAILURES.get(failure[0], 'launcher failed')} ({os.strerror(failure[1])})"
    status, usage = state["status"], state["usage"]
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    cpu = usage.ru_utime + usage.ru_stime
    peak_mb = usage.ru_maxrss / 1024.0
    oom_killed = False
    if measure is not None:  # the run's cgroup: all its processes together
        cpu = measure["cpu"]
        if measure["peak_mb"] is not None:
            peak_mb = measure["peak_mb"]
        oom_killed = measure["oom"]
    stderr_tail = _tail(spec.get("stderr"))
    mem_mb = spec.get("mem_mb")
    failed = sig is not None or os.WEXITSTATUS(status) != 0
    mem_exceeded = bool(mem_mb) and (
        oom_killed
        or peak_mb > mem_mb
        or (failed and (peak_mb >= 0.9 * mem_mb or any(m in stderr_tail for m in OOM_MARKERS)))
        or "MemoryError" in spawn_error
    )
    try:
        out_size = os.lstat(spec["stdout"]).st_size if spec.get("stdout") else 0
    except OSError:
        out_size = 0
    return {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": sig,
        "cpu_s": round(cpu, 4),
        "wall_s": round(state["end"] - start, 4),
        "peak_mb": round(peak_mb, 2),
        "cpu_exceeded": bool(state.get("cpu_exceeded")) or sig == signal.SIGXCPU or cpu > spec["cpu_s"],
        "wall_exceeded": bool(state.get("wall_exceeded")),
        # RLIMIT_FSIZE stops a file at exactly the limit; Python ignores SIGXFSZ and gets EFBIG instead.
        "output_exceeded": sig == signal.SIGXFSZ or out_size >= int(spec.get("out_mb", 64)) * MIB,
        "mem_exceeded": mem_exceeded,
        "spawn_error": spawn_error or None,
        "stderr_tail": stderr_tail[-1000:],
    }


SPAWNER = Spawner()


class _Channel:
    """The protocol's lines: stdin/stdout, or with `--connect PATH` a Unix socket the host listens on
    (files, such as the cgroup slots, come only that way: SCM_RIGHTS). The socket, like every fd of this
    process, is not inherited by the spawn server or the programs."""

    def __init__(self) -> None:
        self.sock = None
        self.buffer = b""
        self.fds: list[int] = []  # files received with the line being read
        args = sys.argv[1:]
        if "--connect" in args and args.index("--connect") + 1 < len(args):
            import socket

            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(args[args.index("--connect") + 1])

    def readline(self) -> bytes:
        if self.sock is None:
            return sys.stdin.buffer.readline()
        import array
        import socket

        while b"\n" not in self.buffer:
            data, ancillary, _flags, _ = self.sock.recvmsg(1 << 16, socket.CMSG_SPACE(256 * 4))
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds = array.array("i")
                    fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                    self.fds.extend(fds)
            if not data:
                return b""
            self.buffer += data
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line + b"\n"

    def take_fds(self) -> list[int]:
        fds, self.fds = self.fds, []
        return fds

    def write(self, obj: dict) -> None:
        data = (json.dumps(obj) + "\n").encode()
        if self.sock is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            self.sock.sendall(data)


def main() -> None:
    _not_dumpable()
    # As init, default dispositions mean "ignored", so a program cannot signal the executor away.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    channel = _Channel()
    channel.write({"ready": True, "pid1": IS_INIT, "uid": os.getuid()})
    while True:
        line = channel.readline()
        if not line:
            break
        fds = channel.take_fds()
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            if "cgroups" in req:
                GROUPS.load(req["cgroups"], fds)
                fds = []
                if SPAWNER.pid:  # the server holds the old slots: the next request starts a new one
                    SPAWNER.forget()
                reply = {"id": req_id, "ok": True}
            elif "series" in req:
                reply = {"id": req_id, "results": run_series(req["series"], int(req.get("capture", 0)))}
            else:
                reply = {"id": req_id, "results": run_request(req["procs"])}
        except Exception as exc:  # noqa: BLE001 - a bad request must not kill the box
            _kill_everything()
            SPAWNER.forget()
            reply = {"id": req_id, "error": f"{type(exc).__name__}: {exc}"}
        for fd in fds:  # files nobody asked for
            os.close(fd)
        if STATE["dirty"]:
            reply["dirty"] = True  # the host replaces this box (a new one, a new work folder); results got
            # across a failed sweep are not to be stored
        channel.write(reply)
        if STATE["dirty"]:
            return  # the host starts a fresh box for the next request


if __name__ == "__main__":
    main()
