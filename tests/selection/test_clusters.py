"""Clusters on known programs: by outputs on generated inputs, by public behaviour without them, and the
order (largest first, ties by pool order)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.judge.verdict import Verdict
from ioi_agent.selection.clusters import cluster
from ioi_agent.selection.contenders import contender_sets
from ioi_agent.selection.context import public_view
from ioi_agent.selection.matrix import build_matrix
from ioi_agent.selection.model import (
    CandidateExecution,
    ExecutionMatrix,
    GeneratedInputs,
    PublicResult,
    Run,
    RunStatus,
)
from ioi_agent.selection.testgen import generate_inputs
from tests.selection.kit import (
    CE,
    CORRECT,
    CORRECT_PY,
    CRASH,
    GEN_CYCLE,
    SPACEY,
    TLE,
    VAL_ALL,
    VAL_LE100,
    WRONG,
    make_pool,
    make_problem,
    program,
)

CANDIDATES = [
    program("correct", CORRECT),
    program("wrong", WRONG),
    program("tle", TLE),
    program("python", CORRECT_PY, language="python"),
    program("crash", CRASH),
    program("ce", CE),
    program("spacey", SPACEY),
    program("wrong2", WRONG.replace("2 * n + 1", "n + n + 1")),
]


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return public_view(make_problem(tmp_path_factory.mktemp("p") / "tiny"))


def members(clusters) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [c.members for c in clusters]


def test_clusters_by_outputs_on_generated_inputs(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = make_pool(
        CANDIDATES,
        generators=[program("g", GEN_CYCLE)],
        validators=[program("v0", VAL_ALL), program("v1", VAL_LE100, subtask="group1")],
    )
    inputs = generate_inputs(problem, pool, sandbox="bwrap", jobs=2, per_subtask=8, work=tmp_path)
    # Exhaustive: every program on every input, so every compiling candidate can be clustered.
    matrix = build_matrix(problem, pool, inputs, sandbox="bwrap", jobs=2, exhaustive=True)
    # group2 sees n = 101 and 151, where wrong programs, crashes and timeouts show.
    group2 = cluster(matrix, inputs, "group2")
    assert members(group2) == [["correct", "python", "spacey"], ["wrong", "wrong2"], ["tle"], ["crash"]]
    # Only the contenders (passing group2's public examples) are clustered by default (context.py).
    sets = contender_sets(problem, matrix.executions, inputs)
    assert members(cluster(matrix, inputs, "group2", sets["group2"])) == [["correct", "python", "spacey"]]
    assert all(c.subtask == "group2" for c in group2)
    assert len({c.signature for c in group2}) == 4
    # group1 only keeps n = 1 and 51: every compiling program behaves alike there.
    assert members(cluster(matrix, inputs, "group1")) == [
        ["correct", "wrong", "tle", "python", "crash", "spacey", "wrong2"]
    ]


def test_clusters_by_public_examples_without_generated_inputs(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = make_pool(CANDIDATES)
    inputs = generate_inputs(problem, pool, per_subtask=8, work=tmp_path)
    matrix = build_matrix(problem, pool, inputs, sandbox="bwrap", jobs=2)
    # Sample 2 (n = 120): right, wrong (241), TLE, RE.
    expected = [["correct", "python", "spacey"], ["wrong", "wrong2"], ["tle"], ["crash"]]
    assert members(cluster(matrix, inputs, "group1")) == expected
    assert members(cluster(matrix, inputs, "group2")) == expected


def test_cluster_order_on_a_crafted_matrix() -> None:
    def ex(cid: str, *outputs: str | None) -> CandidateExecution:
        runs = {
            f"i{k}": Run(status=RunStatus.OK, output=o) if o else Run(status=RunStatus.RE)
            for k, o in enumerate(outputs)
        }
        return CandidateExecution(candidate=cid, compiled=True, generated=runs)

    executions = {
        "a": ex("a", "x", "y"),
        "b": ex("b", "x", None),
        "c": ex("c", "x", "z"),
        "d": ex("d", "x", "z"),
        "e": ex("e", "x", None),
        "f": CandidateExecution(candidate="f", compiled=False),
        "g": ex("g", "x", "y", "w"),  # differs only on an input the subtask did not keep
    }
    matrix = ExecutionMatrix(problem="p", time_limit_s=1.0, executions=executions)
    inputs = GeneratedInputs(folder="/nowhere", per_subtask={"s": ["i0", "i1"], "t": ["i2"], "u": []})
    assert members(cluster(matrix, inputs, "s")) == [["a", "g"], ["b", "e"], ["c", "d"]]
    # "t": only g ran input i2; the others have no run there and agree with each other.
    assert members(cluster(matrix, inputs, "t")) == [["a", "b", "c", "d", "e"], ["g"]]
    # "u": no generated inputs and no public examples: all compiling candidates together.
    assert members(cluster(matrix, inputs, "u")) == [["a", "b", "c", "d", "e", "g"]]
    public = {
        "a": PublicResult(verdict=Verdict.AC, score=1.0, output="h1"),
        "b": PublicResult(verdict=Verdict.WA, score=0.0, output="h2"),
        "c": PublicResult(verdict=Verdict.AC, score=1.0, output="h1"),
    }
    for cid, result in public.items():
        executions[cid] = executions[cid].model_copy(update={"public": {"sample/1": result}})
    matrix = ExecutionMatrix(problem="p", time_limit_s=1.0, executions=executions)
    assert members(cluster(matrix, inputs, "u")) == [["d", "e", "g"], ["a", "c"], ["b"]]
