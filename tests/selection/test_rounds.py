"""The round-based matrix selects exactly what the exhaustive one selects, with fewer runs (contenders.py).

On the labelled pools: the demo problems' shipped submissions with their generators and validators
(problems/demo/pool.jsonl, mutants left out), and a real Kattis package of ../shared/data with its own
submissions. Each problem is prepared twice, round-based and `exhaustive`, and every policy is replayed
against the simulated grader (the hidden results) with several seeds: the same submissions, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.packages import load_problem
from ioi_agent.selection.evaluation import PreparedProblem, pool_for, prepare_problem
from ioi_agent.selection.model import CandidatePool
from ioi_agent.selection.policies import POLICIES
from ioi_agent.selection.tuning import selection_differences, sim_problem, simulate
from tests.conftest import REPO, SHARED

DEMO = REPO / "problems" / "demo"
DEMO_TASKS = ["lanterns", "postcard", "ridge", "solar", "terraces"]
KATTIS = SHARED / "data" / "kattis" / "swedish-olympiad-2024" / "pianot"
WRITTEN = REPO / "tests" / "data" / "shared_solutions" / "swedish-olympiad-2024" / "pianot"
INPUTS = 8  # generated inputs per subtask: enough to split clusters, small enough for CI
SEEDS = (0, 1)


def labelled(package: Path) -> CandidatePool:
    pool = pool_for(load_problem(package), [DEMO / "pool.jsonl"])
    return pool.model_copy(update={"candidates": [c for c in pool.candidates if c.label]})


def prepare_both(
    package: Path, pool: CandidatePool | list[Path], time_limit: float | None = None
) -> tuple[PreparedProblem, PreparedProblem]:
    options = dict(sandbox="bwrap", jobs=2, inputs_per_subtask=INPUTS, time_limit=time_limit)
    rounds = prepare_problem(package, pool, **options)
    try:
        full = prepare_problem(package, pool, exhaustive=True, **options)
    finally:
        rounds.close()
    full.close()
    return rounds, full


def assert_same_selection(rounds: PreparedProblem, full: PreparedProblem) -> None:
    a, b = rounds.context, full.context
    assert a.contenders == b.contenders
    assert a.clusters == b.clusters
    assert {s: {c: f.values for c, f in per.items()} for s, per in a.features.items()} == {
        s: {c: f.values for c, f in per.items()} for s, per in b.features.items()
    }
    sim_a, sim_b = sim_problem(rounds), sim_problem(full)
    assert simulate(sim_a, "o1-ioi").picks  # something is submitted
    assert selection_differences(sim_a, sim_b, list(POLICIES), SEEDS) == []
    runs_a, runs_b = a.matrix._runs, b.matrix._runs
    assert runs_b.executed == runs_b.exhaustive
    assert runs_a.exhaustive == runs_b.exhaustive and runs_a.executed <= runs_b.executed


@pytest.mark.parametrize("task", DEMO_TASKS)
def test_demo_pools_select_the_same_with_fewer_runs(task: str) -> None:
    package = DEMO / task
    rounds, full = prepare_both(package, labelled(package))
    assert_same_selection(rounds, full)


def test_a_real_kattis_package_selects_the_same() -> None:
    if not KATTIS.is_dir():
        pytest.skip(f"{KATTIS}: the shared real data is not beside this checkout")
    rounds, full = prepare_both(KATTIS, [WRITTEN], time_limit=1.0)  # as measure_selection.py
    assert_same_selection(rounds, full)
