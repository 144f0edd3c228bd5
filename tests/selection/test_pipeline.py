"""Judging while sampling (pipeline.py): a writer thread appends a real pool record by record, the judge
follows it; the selection context built afterwards is the sequential one, and finds the runs done."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ioi_agent.generation.pool import (
    PoolError,
    PoolFollower,
    PoolRecord,
    PoolWriter,
    RecordKind,
    iter_records,
)
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages import load_problem
from ioi_agent.selection.context import build_context, public_view
from ioi_agent.selection.pipeline import JudgeSettings, sample_while_judging
from tests.conftest import REPO

DEMO = REPO / "problems" / "demo"
INPUTS = 8


def test_follower_reads_whole_lines_only(tmp_path: Path) -> None:
    records = [r for r in iter_records(DEMO / "pool.jsonl")][:3]
    path = tmp_path / "pool.jsonl"
    follower = PoolFollower(path)
    assert follower.read_new() == []  # not created yet
    lines = [(r.model_dump_json() + "\n").encode() for r in records]
    path.write_bytes(lines[0] + lines[1][:40])  # the second record is still being written
    assert [r.key for r in follower.read_new()] == [records[0].key]
    with path.open("ab") as f:
        f.write(lines[1][40:] + lines[2])
    assert [r.key for r in follower.read_new()] == [records[1].key, records[2].key]
    assert follower.read_new() == []
    with path.open("ab") as f:
        f.write(b"not json\n")
    with pytest.raises(PoolError, match=r"pool.jsonl:4: not a pool record"):
        follower.read_new()


def _writer(path: Path, records: list[PoolRecord], pause_s: float):  # type: ignore[no-untyped-def]
    def write() -> None:
        with PoolWriter(path) as writer:
            for record in records:
                writer.append(record)
                time.sleep(pause_s)

    return write


def test_judging_while_sampling_gives_the_sequential_context(tmp_path: Path) -> None:
    problem = public_view(load_problem(DEMO / "postcard"))
    records = [r for r in iter_records(DEMO / "pool.jsonl") if r.problem == problem.name]
    tools = [r for r in records if r.kind != RecordKind.CANDIDATE]
    programs = [r for r in records if r.kind == RecordKind.CANDIDATE][:40]  # labelled ones and mutants
    pool_path = tmp_path / "pool.jsonl"
    store = ResultStore(tmp_path / "pipelined.sqlite")
    lines: list[str] = []
    stats = sample_while_judging(
        problem,
        pool_path,
        _writer(pool_path, tools, 0.0),
        _writer(pool_path, programs, 0.15),
        JudgeSettings(
            work=tmp_path / "work",
            sandbox="bwrap",
            jobs=2,
            inputs_per_subtask=INPUTS,
            store=store,
            log=lines.append,
        ),
    )
    assert stats.candidates == len(programs) and stats.batches >= 2, stats
    assert stats.inputs_ready_s is not None and stats.inputs_ready_s < stats.sampling_s
    assert stats.runs > 0 and any("judged" in line for line in lines)
    from ioi_agent.selection.candidates import load_pool

    pool = load_pool(pool_path, problem)
    before = store.count()
    pipelined = build_context(
        problem, pool, sandbox="bwrap", jobs=2, inputs_per_subtask=INPUTS, work=tmp_path / "work", store=store
    )
    made_after = store.count() - before
    assert made_after < stats.runs / 4, (made_after, stats.runs)  # most runs were made while sampling
    sequential = build_context(
        problem,
        pool,
        sandbox="bwrap",
        jobs=2,
        inputs_per_subtask=INPUTS,
        work=tmp_path / "sequential",
        store=ResultStore(tmp_path / "sequential.sqlite"),
    )
    assert pipelined.inputs.per_subtask == sequential.inputs.per_subtask
    assert pipelined.contenders == sequential.contenders
    assert pipelined.clusters == sequential.clusters
    # Every feature but the one made of measured times (each context ran its programs anew).
    assert timeless(pipelined) == timeless(sequential)


def timeless(context) -> dict[str, dict[str, dict[str, float]]]:  # type: ignore[no-untyped-def]
    return {
        s: {c: {k: v for k, v in f.values.items() if k != "runtime_headroom"} for c, f in per.items()}
        for s, per in context.features.items()
    }


def test_a_failing_sampler_stops_the_pipeline_with_its_error(tmp_path: Path) -> None:
    problem = public_view(load_problem(DEMO / "postcard"))

    def broken() -> None:
        raise RuntimeError("the server went away")

    with pytest.raises(RuntimeError, match="server went away"):
        sample_while_judging(
            problem,
            tmp_path / "pool.jsonl",
            broken,
            broken,
            JudgeSettings(work=tmp_path / "work", sandbox="bwrap"),
        )
