"""Generated tests: the 75% validator rule, duplicates, broken generators, the fallback and the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent.packages.model import TaskType
from ioi_agent.selection import testgen
from ioi_agent.selection.context import public_view
from ioi_agent.selection.testgen import generate_inputs
from tests.selection.kit import (
    CORRECT,
    GEN_BROKEN,
    GEN_CRASHY,
    GEN_CYCLE,
    GEN_EMPTY,
    VAL_ALL,
    VAL_LE100,
    input_id,
    make_pool,
    make_problem,
    program,
)

SANDBOX = "bwrap"


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return public_view(make_problem(tmp_path_factory.mktemp("p") / "tiny"))


def test_validator_majority_duplicates_and_cache(problem, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # group1: {all, <=100} -> n=101 gets 1/2 < 75%: dropped. group2: three "all" votes (two with the same
    # code: still two votes) and one <=100 -> 3/4 = 75%: kept.
    pool = make_pool(
        [program("c0", CORRECT)],
        generators=[program("g0", GEN_CYCLE)],
        validators=[
            program("v0", VAL_ALL),
            program("v1", VAL_LE100, subtask="group1"),
            program("v2", VAL_ALL, subtask="group2"),
            program("v3", VAL_ALL + "// another sample\n", subtask="group2"),
            program("v4", VAL_LE100, subtask="group2"),
        ],
    )
    got = generate_inputs(problem, pool, sandbox=SANDBOX, jobs=2, per_subtask=8, work=tmp_path)
    assert not got.fallback
    assert got.per_subtask == {
        "group1": [input_id(1), input_id(51)],
        "group2": [input_id(1), input_id(51), input_id(101), input_id(151)],
    }
    assert got.stats["group1"] == {
        "generators": 1,
        "generators_broken": 0,
        "validators": 2,
        "validators_broken": 0,
        "runs": 8,
        "failed_runs": 0,
        "generated": 8,
        "duplicate": 4,
        "invalid": 2,
        "valid": 2,
    }
    assert got.stats["group2"]["valid"] == 4 and got.stats["group2"]["invalid"] == 0
    for n in (1, 51, 101, 151):
        assert (tmp_path / "inputs" / f"{input_id(n)}.in").read_text() == f"{n}\n"
    assert json.loads((tmp_path / "generated_inputs.json").read_text()) == got.model_dump()

    # Again: everything comes from the index; no sandbox may be started.
    def no_sandbox(*args: object, **kwargs: object) -> None:
        raise AssertionError("the second call must not start a sandbox")

    monkeypatch.setattr(testgen, "choose_backend", no_sandbox)
    lines = (tmp_path / "inputs" / "index.jsonl").read_text()
    again = generate_inputs(problem, pool, sandbox=SANDBOX, jobs=2, per_subtask=8, work=tmp_path)
    assert again == got
    assert (tmp_path / "inputs" / "index.jsonl").read_text() == lines


def test_broken_crashing_and_subtask_generators_without_validators(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = make_pool(
        [program("c0", CORRECT)],
        generators=[
            program("g0", GEN_BROKEN),
            program("g1", GEN_CRASHY),
            program("g2", GEN_EMPTY, subtask="group2"),
            program("g3", GEN_CYCLE, subtask="nosuchgroup"),
        ],
    )
    got = generate_inputs(problem, pool, sandbox=SANDBOX, jobs=2, per_subtask=8, work=tmp_path)
    # group1: seeds 0,2,4,6 -> broken, 1,5 -> n=1001,1005, 3,7 -> crash.
    assert got.per_subtask["group1"] == [input_id(1001), input_id(1005)]
    assert got.stats["group1"]["generators"] == 2 and got.stats["group1"]["generators_broken"] == 1
    assert got.stats["group1"]["failed_runs"] == 6 and got.stats["group1"]["generated"] == 2
    # group2: round-robin over broken, crashy, empty: seeds 1 and 4 go to crashy (n=1001, n=1004).
    assert got.per_subtask["group2"] == [input_id(1001), input_id(1004)]
    assert got.stats["group2"]["failed_runs"] == 6
    assert "no working validators" in got.note and "nosuchgroup" in got.note
    assert not got.fallback


def test_no_generators_falls_back_to_public_examples(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    got = generate_inputs(problem, make_pool([program("c0", CORRECT)]), per_subtask=8, work=tmp_path)
    assert got.fallback
    assert got.per_subtask == {"group1": [], "group2": []}
    assert got.note == "no generators in the pool: public examples only"


def test_other_task_types_use_public_examples_only(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    interactive = problem.model_copy(update={"task_type": TaskType.INTERACTIVE})
    pool = make_pool([program("c0", CORRECT)], generators=[program("g0", GEN_CYCLE)])
    got = generate_inputs(interactive, pool, per_subtask=8, work=tmp_path)
    assert got.fallback and got.per_subtask == {"group1": [], "group2": []}
    assert "not used for interactive" in got.note
