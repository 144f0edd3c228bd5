"""bubblewrap backend: one unprivileged namespace box per worker, with the host's /usr read-only.

New user, pid, network, ipc, uts and cgroup namespaces; no network; a size-capped /tmp; the executor runs
as PID 1 (--as-pid-1) so it outlives anything a program does. Run by root, each box first drops to its own
uid, so RLIMIT_NPROC is enforced (root is exempt from it) and boxes cannot signal one another. The root and
/dev are read-only; /tmp and /dev/shm are size-capped tmpfs the executor empties after each run.
No /sys in the box: where runs get cgroups, the executor receives the groups' open files over its Unix
socket (see cgroups.py), so the box needs no cgroup mount and its programs cannot reach one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ioi_agent.sandbox.base import (
    BOX_BIN,
    BOX_ENV,
    BOX_EXECUTOR,
    BOX_IN,
    BOX_WORK,
    Backend,
    Box,
    Mounts,
)
from ioi_agent.sandbox.quota import QuotaBox, scratch_folder

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
# /etc/java-17-openjdk: Debian's JDK keeps its configuration there (lib/jvm.cfg, conf/ are links to it).
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/passwd",
    "/etc/group",
    "/etc/java-17-openjdk",
)
TMP_SIZE = 64 * 1024 * 1024


def system_binds() -> list[str]:
    """bubblewrap arguments giving a box the host's system folders and a few /etc files, read-only."""
    args: list[str] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in ETC_FILES:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


class BwrapBox(QuotaBox, Box):
    backend = "bwrap"
    scratch = True

    def scratch_args(self) -> list[str]:
        """/tmp and /dev/shm: the host's capped tmpfs (quota.py) where it could mount one, else tmpfs
        of bubblewrap's own, which caps their size only."""
        if self.quota_mounted:
            folder = scratch_folder(self.work)
            return ["--bind", str(folder / "tmp"), "/tmp", "--bind", str(folder / "shm"), "/dev/shm"]
        return ["--size", str(TMP_SIZE), "--tmpfs", "/tmp", "--size", str(TMP_SIZE), "--tmpfs", "/dev/shm"]

    def command(self) -> list[str]:
        args = [
            shutil.which("bwrap") or "bwrap",
            "--unshare-all",  # user, ipc, pid, net, uts, cgroup namespaces: no network at all
            "--die-with-parent",
            "--as-pid-1",
            "--new-session",
            "--uid",
            str(self.uid),
            "--gid",
            str(self.uid),
            "--hostname",
            "box",
        ]
        args += system_binds()
        args += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            # The box's POSIX message queues, listed so the executor can empty them after each run (they
            # live as long as the box's IPC namespace, mounted or not).
            "--mqueue",
            "/dev/mqueue",
            *self.scratch_args(),
            "--ro-bind",
            str(self.mounts.inputs),
            BOX_IN,
            "--ro-bind",
            str(self.mounts.binaries),
            BOX_BIN,
            "--ro-bind",
            str(self.mounts.executor),
            BOX_EXECUTOR,
            "--bind",
            str(self.work),
            BOX_WORK,
            # The root and /dev are tmpfs folders the box's uid owns: read-only, or what a program wrote
            # there (outside every folder the executor empties) would be seen by the next run.
            "--remount-ro",
            "/dev",
            "--remount-ro",
            "/",
            "--chdir",
            BOX_WORK,
            "--clearenv",  # the executor (PID 1, its environ readable in the box) gets BOX_ENV only
            *(arg for key, value in BOX_ENV.items() for arg in ("--setenv", key, value)),
            _python(),
            "-I",
            "-S",
            f"{BOX_EXECUTOR}/executor.py",
        ]
        return args

    def popen_kwargs(self) -> dict:
        # bwrap itself needs no variable of the judge's either (and --clearenv drops them for the box).
        kwargs: dict = {"env": dict(BOX_ENV)}
        if os.geteuid() == 0:
            kwargs.update(user=self.uid, group=self.uid, extra_groups=[])
        return kwargs


def _python() -> str:
    """A python3 under /usr, visible inside the box (a pyenv or venv python under /root is not)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate):
            return candidate
    return "/usr/bin/python3"


class BwrapBackend(Backend):
    name = "bwrap"

    def available(self) -> str | None:
        if not shutil.which("bwrap"):
            return "bubblewrap is not installed (apt-get install bubblewrap)"
        if not os.path.exists(_python()):
            return "no python3 under /usr for the in-box executor (apt-get install python3)"
        probe = subprocess.run(
            ["bwrap", "--unshare-all", "--ro-bind", "/", "/", "--as-pid-1", "true"],
            capture_output=True,
            text=True,
            **({"user": 65534, "group": 65534, "extra_groups": []} if os.geteuid() == 0 else {}),
        )
        if probe.returncode != 0:
            return f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
        return None

    def make_box(self, index: int, mounts: Mounts, work: Path, memory_cap_mb: int) -> Box:
        return BwrapBox(index, mounts, work, memory_cap_mb)
