"""Sampling on Ray: the planning and sharding rules, then real vLLM engines (the CPU build, the tiny
random-weight model) as actors on a loopback cluster of two one-CPU nodes, against a local reference run.

The cluster and the reference run are shared by the module: engine start-up dominates the time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from ioi_agent import cli
from ioi_agent.generation.base import Emit, Sample, WorkItem
from ioi_agent.generation.pool import RecordKind, SamplingSettings, read_pool
from ioi_agent.generation.prompts import Prompt
from ioi_agent.generation.ray_engine import plan_engines, regroup, shard
from tests.generation.conftest import ENGINE_ARGS, engine_env, run_generate
from tests.generation.sample_packages import make_package

SAMPLES = 4
MAX_TOKENS = 24
SEED = 11


# -- rules, no cluster ----------------------------------------------------------------------------


def item(job: str, start: int, count: int, seed: int) -> WorkItem:
    prompt = Prompt(kind=RecordKind.CANDIDATE, problem="p", subtask=None, language="cpp", messages=[])
    return WorkItem(job, prompt, start, count, seed, SamplingSettings())


def seeds(items: Sequence[WorkItem]) -> dict[tuple[str, int], int]:
    return {(i.job, n): i.seed_of(n) for i in items for n in range(i.start, i.start + i.count)}


def test_shard_balances_by_sample_and_keeps_every_seed() -> None:
    items = [item("a", 0, 10, 100), item("b", 3, 2, 200), item("c", 7, 5, 300)]
    parts = shard(items, 3)
    assert [sum(i.count for i in part) for part in parts] == [6, 6, 5]
    merged = [i for part in parts for i in part]
    assert seeds(merged) == seeds(items)  # the same seed for the same sample: the same text
    assert all(len({i.job for i in part}) <= 2 for part in parts)  # a prompt's samples stay together
    assert [sum(i.count for i in p) for p in shard(items[:1], 4)] == [3, 3, 2, 2]
    assert [sum(i.count for i in p) for p in shard([item("a", 0, 1, 5)], 3)] == [1, 0, 0]


def test_regroup_rebuilds_runs_of_the_samples_left() -> None:
    whole = item("a", 0, 10, 100)
    origin = {k: whole for k in seeds([whole])}
    left = regroup([("a", 7), ("a", 2), ("a", 3), ("a", 9), ("a", 8)], origin)
    assert [(i.start, i.count, i.seed) for i in left] == [(2, 2, 102), (7, 3, 107)]


def node(node_id: str, cpus: float, gpus: float = 0, alive: bool = True) -> dict[str, object]:
    resources = {"CPU": cpus} | ({"GPU": gpus} if gpus else {})
    return {"NodeID": node_id, "NodeManagerAddress": node_id, "Alive": alive, "Resources": resources}


def test_engines_per_gpu_group_or_per_cpu_node() -> None:
    gpu_nodes = [node("h", 8, 0), node("a", 64, 8), node("b", 64, 6), node("dead", 64, 8, alive=False)]
    assert [s.node_id for s in plan_engines(gpu_nodes, 1)] == ["a"] * 8 + ["b"] * 6
    assert [(s.node_id, s.num_gpus) for s in plan_engines(gpu_nodes, 4)] == [("a", 4), ("a", 4), ("b", 4)]
    assert plan_engines(gpu_nodes, 16) == []  # groups never span nodes
    cpu_nodes = [node("head", 0), node("a", 1), node("b", 16)]
    assert [(s.node_id, s.num_cpus, s.num_gpus) for s in plan_engines(cpu_nodes, 1)] == [
        ("a", 1, 0),
        ("b", 16, 0),
    ]


def test_other_sources_stay_local_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if "generate" not in cli.COMMAND_MODULES:
        pytest.skip("generate is not registered in this checkout")
    pkg = make_package(tmp_path, submissions=True)
    pool = tmp_path / "pool.jsonl"
    code = cli.main(
        ["generate", str(pkg), "--replay", "submissions", "--cluster", "10.255.0.1:1", "--out", str(pool)]
    )
    assert code == 0
    out = capsys.readouterr()
    assert "runs on this machine" in out.err and "replayed 2 records" in out.out


# -- real engines on a loopback cluster -----------------------------------------------------------


def generate_args(pkg: Path, model: Path, pool: Path) -> list[str]:
    return [
        str(pkg), "--model", str(model), "--samples", str(SAMPLES), "--per-subtask",
        "--max-tokens", str(MAX_TOKENS), "--temperature", "1.0", "--seed", str(SEED),
        "--quiet", "--out", str(pool), *ENGINE_ARGS,
    ]  # fmt: skip


def completions(pool: Path) -> dict[tuple[str, int], str | None]:
    return {(r.job, r.sample_index): r.completion for r in read_pool(pool)}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ray-sampling")


@pytest.fixture(scope="module")
def package(workdir: Path) -> Path:
    return make_package(workdir)


@pytest.fixture(scope="module")
def reference(workdir: Path, package: Path, tiny_model: Path) -> Path:
    """One local VllmBackend, the same seeds: what every cluster run must reproduce."""
    pool = workdir / "local.jsonl"
    code, log = run_generate(generate_args(package, tiny_model, pool), workdir / "local.log", timeout_s=300)
    assert code == 0, log[-3000:]
    return pool


@pytest.fixture(scope="module")
def cluster(tiny_model: Path) -> Iterator[str]:
    """Two nodes of one CPU each on loopback, started with the engine environment (the raylets pass
    it on to the engine actors); yields the head's address."""
    pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    with pytest.MonkeyPatch.context() as patch:
        for key, value in engine_env().items():
            if os.environ.get(key) != value:
                patch.setenv(key, value)
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
        try:
            cluster.add_node(num_cpus=1)
            cluster.wait_for_nodes(timeout=60)
            yield cluster.address
        finally:
            cluster.shutdown()


class Instrumented:
    """The Ray backend as the runner sees it, with each emitted sample timed and the pool's length
    noted at that moment; at the first sample it kills the engine with the most work left."""

    def __init__(self, inner: object, pool: Path, kill: bool):
        self.inner = inner
        self.name, self.model = inner.name, inner.model  # type: ignore[attr-defined]
        self.pool, self.kill = pool, kill
        self.events: list[tuple[float, int]] = []  # (time, pool lines before this sample is written)
        self.killed: int | None = None

    def start(self) -> None:
        self.inner.start()  # type: ignore[attr-defined]

    def close(self) -> None:
        self.inner.close()  # type: ignore[attr-defined]

    def generate(self, items: Sequence[WorkItem], emit: Emit) -> None:
        def timed(sample: Sample) -> None:
            lines = self.pool.read_bytes().count(b"\n") if self.pool.exists() else 0
            self.events.append((time.monotonic(), lines))
            if self.kill and self.killed is None:
                engines = self.inner.engines  # type: ignore[attr-defined]
                victim = max(engines, key=lambda e: len(e.outstanding))
                assert victim.outstanding, "nothing left to lose: the test would prove nothing"
                self.inner.session.ray.kill(victim.handle, no_restart=True)  # type: ignore[attr-defined]
                self.killed = victim.index
            emit(sample)

        self.inner.generate(items, timed)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_two_engines_write_the_local_pool_incrementally_and_survive_losing_one(
    cluster: str, reference: Path, workdir: Path, package: Path, tiny_model: Path
) -> None:
    from ioi_agent.cli.generate import load_problems
    from ioi_agent.cluster import connect
    from ioi_agent.generation.ray_backend import ray_vllm_backend
    from ioi_agent.generation.runner import GenerateOptions, run_generation

    pool = workdir / "ray-killed.jsonl"
    options = GenerateOptions(
        samples=SAMPLES,
        per_subtask=True,
        sampling=SamplingSettings(temperature=1.0, max_tokens=MAX_TOKENS, seed=SEED),
    )
    with pytest.MonkeyPatch.context() as patch, connect(cluster) as session:
        for key, value in engine_env().items():  # forwarded to the engines by the backend
            if key.startswith(("VLLM_", "HF_", "TRANSFORMERS_", "TOKENIZERS_")):
                patch.setenv(key, value)
        backend = ray_vllm_backend(
            session,
            str(tiny_model),
            dtype="float32",
            gpu_memory_utilization=0.2,
            max_model_len=4096,
            engine_args={"distributed_executor_backend": "uni", "enforce_eager": True, "max_num_seqs": 2},
        )
        probe = Instrumented(backend, pool, kill=True)
        try:
            probe.start()
            assert backend.started == 2
            summary = run_generation(load_problems([str(package)]), probe, options, pool, progress=False)  # type: ignore[arg-type]
        finally:
            probe.close()
    total = len(read_pool(reference))
    assert summary.written == total
    # Written as they came: before each sample, the pool held exactly the ones emitted before it.
    assert [lines for _, lines in probe.events] == list(range(total))
    assert probe.events[-1][0] - probe.events[0][0] > 0.1
    # The killed engine's unfinished samples were sampled by the other, with the same seeds.
    assert probe.killed is not None and len(backend.lost) == 1 and f"engine {probe.killed}" in backend.lost[0]
    keys = [(r.job, r.sample_index) for r in read_pool(pool)]
    assert len(keys) == len(set(keys)) == total
    assert completions(pool) == completions(reference)


@pytest.mark.slow
def test_generate_cluster_cli_matches_the_local_run_and_resumes(
    cluster: str, reference: Path, workdir: Path, package: Path, tiny_model: Path
) -> None:
    pool = workdir / "ray-cli.jsonl"
    args = [*generate_args(package, tiny_model, pool), "--cluster", cluster]
    code, log = run_generate(args, workdir / "ray-cli.log", timeout_s=300)
    assert code == 0, log[-3000:]
    assert f"cluster {cluster}: 2 engine(s)" in log and "samples per engine: 4, 4" in log
    assert completions(pool) == completions(reference)
    started = time.monotonic()
    code, log = run_generate(args, workdir / "ray-cli-again.log", timeout_s=120)
    assert code == 0, log[-3000:]
    total = len(read_pool(reference))
    assert f"wrote 0 samples to {pool} ({total} of {total} were already there" in log
    assert time.monotonic() - started < 60  # nothing to do: no engine is started


@pytest.mark.slow
def test_an_engine_that_cannot_load_is_one_clear_error(
    cluster: str, workdir: Path, package: Path, tiny_model: Path
) -> None:
    bad = workdir / "not-a-model"
    bad.mkdir()
    args = [*generate_args(package, bad, workdir / "bad.jsonl"), "--cluster", cluster]
    code, log = run_generate(args, workdir / "bad.log", timeout_s=180)
    assert code == 2, log[-3000:]
    assert "could not start" in log and "vLLM could not load model" in log and "Traceback" not in log
