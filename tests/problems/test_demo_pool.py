"""The shipped demo pool (problems/demo/pool.jsonl): up to date with the packages and their model tests,
read right by selection, its mutants say what they are, and its generators and validators give Lanterns
tests on which the accepted submissions never fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ioi_agent.generation.mutants import MUTANTS
from ioi_agent.generation.pool import PoolWriter, RecordKind, read_pool
from ioi_agent.packages import load_problem
from ioi_agent.selection.candidates import load_pool
from ioi_agent.selection.context import build_context, public_view
from ioi_agent.selection.testgen import generate_inputs
from tests.conftest import REPO, backend_unavailable

DEMO = REPO / "problems" / "demo"
POOL = DEMO / "pool.jsonl"
PACKAGES = sorted(p for p in DEMO.iterdir() if (p / "problem.yaml").is_file())
BATCH_WITH_TESTS = {"lanterns", "solar", "terraces"}
MUTANTS_PER_TASK = {"postcard": 120, "ridge": 120}  # scripts/make_demo_pool.py's MUTANTS


def without_mutants(out: Path) -> Path:
    """The shipped pool less its mutants (the labelled submissions, generators and validators), so a test
    that judges the pool stays as fast as before the mutants came."""
    with PoolWriter(out) as writer:
        for record in read_pool(POOL):
            if record.backend != MUTANTS:
                writer.append(record)
    return out


def test_shipped_pool_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "pool.jsonl"
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_demo_pool.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == POOL.read_bytes(), "stale pool (fix: python scripts/make_demo_pool.py)"


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_pool_holds_every_program_of_the_package(package: Path) -> None:
    problem = load_problem(package)
    pool = load_pool(POOL, problem)
    tests = package / "model_tests"
    records = [r for r in read_pool(POOL) if r.problem == problem.name and r.kind == RecordKind.CANDIDATE]
    replayed = [r for r in records if r.backend != MUTANTS]
    mutants = [r for r in records if r.backend == MUTANTS]
    assert sorted(r.label for r in replayed) == sorted(s.label for s in problem.submissions)
    assert len(mutants) == MUTANTS_PER_TASK.get(problem.name, 0)
    assert len(pool.candidates) == len(records)
    # Every mutant says it is one and of what; a semantic one has no label (unknown until judged).
    for r in mutants:
        assert r.model == MUTANTS and r.source and r.source.startswith("mutant:") and r.mutation
        if r.mutation.startswith("semantic"):
            assert r.label is None
    assert not mutants or any(r.label is None for r in mutants)
    # Mutants of the partial programs only: no copy of an accepted one.
    assert all(r.label != "accepted" for r in mutants)
    assert all(c.ok for c in pool.candidates)
    assert len(pool.generators) == len(list(tests.glob("gen_*.cpp")))
    assert len(pool.validators) == len(list(tests.glob("val_*.cpp")))
    if problem.name not in BATCH_WITH_TESTS:
        assert not pool.generators and not pool.validators
        return
    subtasks = [s.name for s in problem.subtasks]
    # A generator written for every subtask, a validator for the whole problem, nothing for unknown subtasks.
    assert {g.subtask for g in pool.generators} >= set(subtasks)
    assert None in {v.subtask for v in pool.validators}
    assert {p.subtask for p in [*pool.generators, *pool.validators]} <= {None, *subtasks}


def lanterns_constraints_hold(text: str, subtask: str) -> bool:
    """The statement's constraints, checked here independently of the pool's C++ validators."""
    lines = text.split("\n")
    if len(lines) != 3 or lines[2] != "":
        return False
    n = int(lines[0])
    b = [int(x) for x in lines[1].split(" ")]
    ok = 1 <= n <= 200_000 and len(b) == n and all(1 <= x <= 10**9 for x in b)
    if subtask == "group1":
        ok = ok and n <= 1000
    if subtask == "group2":
        ok = ok and max(b) <= 10
    return ok


def test_lanterns_generated_tests_keep_the_accepted_submissions_clean(tmp_path: Path) -> None:
    reason = backend_unavailable("bwrap")
    if reason:
        pytest.skip(f"bwrap sandbox cannot run on this machine: {reason}")
    problem = public_view(load_problem(DEMO / "lanterns"))
    pool = load_pool(without_mutants(tmp_path / "labelled.jsonl"), problem)
    inputs = generate_inputs(problem, pool, sandbox="bwrap", jobs=2, per_subtask=8, work=tmp_path)
    assert not inputs.fallback, inputs.note
    for subtask, kept in inputs.per_subtask.items():
        assert kept, f"{subtask}: no generated input kept ({inputs.stats[subtask]})"
        for sha in kept:
            text = (Path(inputs.folder) / f"{sha}.in").read_text()
            assert lanterns_constraints_hold(text, subtask), f"{subtask}: invalid input {sha} kept"
    # group3 has one validator, the whole-problem one: what it drops are gen_any's deliberate zeros.
    assert inputs.stats["group3"]["invalid"] > 0

    context = build_context(problem, pool, sandbox="bwrap", jobs=2, inputs_per_subtask=8, work=tmp_path)
    assert context.inputs == inputs  # the second call reuses every generated input
    accepted = [c.id for c in pool.candidates if c.label == "accepted"]
    assert len(accepted) == 2
    for subtask, features in context.features.items():
        for cid in accepted:
            values = features[cid].values
            assert values["crash_rate"] == values["timeout_rate"] == values["failure_rate"] == 0, (
                subtask,
                cid,
            )
