"""scripts/slurm_ray.sbatch without Slurm: `srun` and `scontrol` shims run each step on this machine, so
its real node-start logic builds a two-node Ray cluster on loopback, runs a command against it through
IOI_AGENT_RAY_ADDRESS, and takes the cluster down at the end."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "slurm_ray.sbatch"

SRUN = """#!/usr/bin/env bash
# srun [--option=value ...] COMMAND...: runs COMMAND here, in place of the node named by --nodelist.
while [[ $# -gt 0 && $1 == --* ]]; do shift; done
exec "$@"
"""

SCONTROL = """#!/usr/bin/env bash
[[ "$1 $2" == "show hostnames" ]] && printf 'node-a\\nnode-b\\n'
"""

# What the batch job runs: the cluster it sees through the package's own connection code.
COMMAND = """
from ioi_agent.cluster import cluster_address, connect
address = cluster_address(None)
with connect(address) as session:
    print(f"command sees {len(session.nodes())} nodes at {address}", flush=True)
"""


def test_script_parses() -> None:
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run([bash, "-n", str(SCRIPT)], check=True, timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.slow
def test_script_starts_two_nodes_runs_the_command_and_stops_them(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    shims = tmp_path / "bin"
    shims.mkdir()
    for name, text in (("srun", SRUN), ("scontrol", SCONTROL)):
        (shims / name).write_text(text)
        (shims / name).chmod(0o755)
    port = free_port()
    env = dict(
        os.environ,
        PATH=f"{shims}:{Path(sys.executable).parent}:{os.environ['PATH']}",
        SLURM_JOB_NODELIST="node-[a-b]",
        SLURM_CPUS_PER_TASK="1",
        RAY_PORT=str(port),
        IOI_AGENT_RAY_HEAD_IP="127.0.0.1",
        IOI_AGENT_RAY_JOIN_TIMEOUT_S="120",
    )
    env.pop("IOI_AGENT_RAY_ADDRESS", None)
    log = tmp_path / "job.log"
    proc = subprocess.Popen(
        ["bash", str(SCRIPT), sys.executable, "-c", COMMAND],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        code = proc.wait(timeout=240)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    assert f"slurm_ray: 2 nodes in the Ray cluster at 127.0.0.1:{port}" in text
    assert f"command sees 2 nodes at 127.0.0.1:{port}" in text
    assert not answers(port), "the head still answers after the job ended"
