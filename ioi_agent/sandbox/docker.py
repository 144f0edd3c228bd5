"""Docker backend: one warm container per worker, the executor as the container's PID 1.

Each container: no network, read-only root, its own non-root user, all capabilities dropped,
no-new-privileges, pids and memory caps, a size-capped /tmp. Runs are requests to the executor over
a Unix socket in the work folder, so there is one container per worker and no `docker exec` per test.
Where runs get cgroups, their open files come over that socket too (cgroups.py): each run's processes
move from the container's group into their run's group (the container's memory cap then bounds only the
executor and the spawn server); the container's read-only /sys/fs/cgroup is never written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from ioi_agent.sandbox.base import BOX_BIN, BOX_ENV, BOX_EXECUTOR, BOX_IN, BOX_WORK, Backend, Box, Mounts
from ioi_agent.sandbox.quota import SCRATCH_INODES, SCRATCH_MB, QuotaBox

IMAGE = os.environ.get("IOI_AGENT_SANDBOX_IMAGE", "ioi-agent-sandbox:latest")
PIDS_CAP = 256


def name_prefix() -> str:
    """The start of the names of this process's containers (the pool's watchdog removes them by it)."""
    return f"ioi-box-{os.getpid()}-"


class DockerBox(QuotaBox, Box):
    backend = "docker"
    relayed_stdio = True  # requests go over a Unix socket, not through the client and dockerd

    def command(self) -> list[str]:
        self.name = f"{name_prefix()}{self.index}-{uuid.uuid4().hex[:6]}"
        cap = f"{self.memory_cap_mb}m"
        return [
            "docker",
            "run",
            "-i",
            "--rm",
            "--name",
            self.name,
            "--network",
            "none",
            "--read-only",
            "--user",
            f"{self.uid}:{self.uid}",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--pids-limit",
            str(PIDS_CAP),
            "--memory",
            cap,
            "--memory-swap",
            cap,
            "--ipc",
            "private",
            # Size- and inode-capped; an own /dev/shm replaces the one --ipc private would make (64 MiB,
            # no inode cap).
            "--tmpfs",
            f"/tmp:rw,nosuid,nodev,size={SCRATCH_MB}m,nr_inodes={SCRATCH_INODES},mode=1777",
            "--tmpfs",
            f"/dev/shm:rw,nosuid,nodev,size={SCRATCH_MB}m,nr_inodes={SCRATCH_INODES},mode=1777",
            "-v",
            f"{self.mounts.inputs}:{BOX_IN}:ro",
            "-v",
            f"{self.mounts.binaries}:{BOX_BIN}:ro",
            "-v",
            f"{self.mounts.executor}:{BOX_EXECUTOR}:ro",
            "-v",
            f"{self.work}:{BOX_WORK}:rw",
            "-w",
            BOX_WORK,
            IMAGE,
            # The container's environment is the image's plus Docker's own (HOSTNAME); `env -i` execs
            # the executor with BOX_ENV alone, as bwrap's --clearenv does.
            "/usr/bin/env",
            "-i",
            *(f"{key}={value}" for key, value in BOX_ENV.items()),
            "/usr/bin/python3",
            "-I",
            "-S",
            f"{BOX_EXECUTOR}/executor.py",
            # Not root, the container runs as the judge's uid in the host's namespace: RLIMIT_NPROC
            # would count the judge's own processes, so the pids cap is the process limit (executor).
            *([] if os.geteuid() == 0 else ["--shared-uid"]),
        ]

    def close(self) -> None:
        super().close()
        name = getattr(self, "name", None)
        if name:  # --rm removes it once stopped; make sure it is stopped even if the client was killed
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)


class DockerBackend(Backend):
    name = "docker"

    def available(self) -> str | None:
        if not shutil.which("docker"):
            return "the docker client is not installed"
        try:
            import docker  # the SDK: a quick, typed check that the engine answers
        except ImportError:
            return "the docker Python SDK is not installed (pip install docker)"
        try:
            client = docker.from_env(timeout=5)
            client.ping()
            client.images.get(IMAGE)
        except docker.errors.ImageNotFound:
            return f"the sandbox image {IMAGE} is not built (run scripts/ensure_docker.sh)"
        except Exception as exc:  # noqa: BLE001 - any failure means "not usable here"
            return f"no Docker engine answers ({type(exc).__name__})"
        return None

    def make_box(self, index: int, mounts: Mounts, work: Path, memory_cap_mb: int) -> Box:
        return DockerBox(index, mounts, work, memory_cap_mb)
