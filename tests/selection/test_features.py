"""Features on known programs (right, wrong, crashing, timing out, not compiling), the CodeT and MBR-exec
formulas, and the documentation of every feature."""

from __future__ import annotations

import math

import pytest

from ioi_agent.selection import features as features_module
from ioi_agent.selection.clusters import cluster
from ioi_agent.selection.context import build_context, public_view
from ioi_agent.selection.features import FEATURE_NAMES, codet_scores, compute_features
from tests.selection.kit import (
    CE,
    CORRECT,
    CORRECT_PY,
    CRASH,
    GEN_CYCLE,
    TLE,
    VAL_ALL,
    VAL_LE100,
    WRONG,
    make_pool,
    make_problem,
    program,
)


def _problem_and_pool(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    problem = public_view(make_problem(tmp_path_factory.mktemp("p") / "tiny"))
    pool = make_pool(
        [
            program("correct", CORRECT, mean_logprob=-0.3),
            program("python", CORRECT_PY, subtask="group2", language="python"),
            program("wrong", WRONG),
            program("crash", CRASH),
            program("tle", TLE),
            program("ce", CE),
        ],
        generators=[program("g", GEN_CYCLE)],
        validators=[program("v0", VAL_ALL), program("v1", VAL_LE100, subtask="group1")],
    )
    return problem, pool


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    problem, pool = _problem_and_pool(tmp_path_factory)
    work = tmp_path_factory.mktemp("work")
    return build_context(problem, pool, sandbox="bwrap", jobs=2, inputs_per_subtask=8, work=work)


@pytest.fixture(scope="module")
def every_row(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Features as the formulas give them when every compiling candidate's runs are read (an exhaustive
    matrix, no contenders)."""
    problem, pool = _problem_and_pool(tmp_path_factory)
    work = tmp_path_factory.mktemp("work")
    full = build_context(
        problem, pool, sandbox="bwrap", jobs=2, inputs_per_subtask=8, work=work, exhaustive=True
    )
    clusters = {s: cluster(full.matrix, full.inputs, s) for s in full.subtasks}
    features = compute_features(problem, full.pool, full.inputs, full.matrix, clusters)
    return full.model_copy(update={"clusters": clusters, "features": features, "contenders": {}})


def values(context, subtask: str, cid: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return context.features[subtask][cid].values


def test_every_feature_is_documented_and_present(context) -> None:  # type: ignore[no-untyped-def]
    doc = features_module.__doc__ or ""
    for name in FEATURE_NAMES:
        assert f"\n- {name}: " in doc, name
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    for subtask in ("group1", "group2"):
        assert set(context.features[subtask]) == {"correct", "python", "wrong", "crash", "tle", "ce"}
        for f in context.features[subtask].values():
            assert list(f.values) == FEATURE_NAMES and f.subtask == subtask


def test_features_of_known_programs_on_generated_inputs(every_row) -> None:  # type: ignore[no-untyped-def]
    context = every_row
    # group2 keeps n = 1, 51, 101, 151. Majorities: 2, 102, 202 (right x2 vs wrong x1), 302.
    # Consensus sets: {correct, python} pass 4; {wrong, crash, tle} pass 2 (n = 1, 51).
    assert context.inputs.per_subtask["group2"] and len(context.inputs.per_subtask["group2"]) == 4
    best, other = 4 * math.sqrt(2), 2 * math.sqrt(3)
    expected = {
        "correct": dict(
            cluster_size=2, cluster_rank=0, codet_score=1.0, mbr_agreement=0.625, public_pass_rate=1.0
        ),
        "python": dict(
            cluster_size=2, cluster_rank=0, codet_score=1.0, mbr_agreement=0.625, public_pass_rate=1.0
        ),
        "wrong": dict(cluster_size=1, cluster_rank=1, codet_score=other / best, mbr_agreement=0.5),
        "crash": dict(
            cluster_size=1, cluster_rank=2, codet_score=other / best, crash_rate=0.5, failure_rate=0.5
        ),
        "tle": dict(
            cluster_size=1, cluster_rank=3, codet_score=other / best, timeout_rate=0.5, failure_rate=0.5
        ),
    }
    for cid, want in expected.items():
        got = values(context, "group2", cid)
        for name, value in want.items():
            assert got[name] == pytest.approx(value), (cid, name)
        assert got["compiled"] == 1.0 and got["public_count"] == 2.0
        assert got["cluster_share"] == pytest.approx(got["cluster_size"] / 5)
        assert got["tests_log"] == pytest.approx(math.log1p(4))
    for cid in ("wrong", "crash", "tle"):
        got = values(context, "group2", cid)
        assert got["public_pass_rate"] == 0.5 and got["public_all_passed"] == 0.0  # sample n = 120 fails
        assert got["majority_agreement"] == 0.5
    assert values(context, "group2", "correct")["public_all_passed"] == 1.0
    assert values(context, "group2", "correct")["crash_rate"] == 0.0
    assert values(context, "group2", "crash")["timeout_rate"] == 0.0
    assert values(context, "group2", "tle")["crash_rate"] == 0.0
    assert values(context, "group2", "tle")["runtime_headroom"] == 0.0
    assert values(context, "group2", "correct")["runtime_headroom"] > 0.5


def test_static_features_and_a_program_that_did_not_compile(context) -> None:  # type: ignore[no-untyped-def]
    correct, python = values(context, "group2", "correct"), values(context, "group2", "python")
    assert correct["mean_logprob"] == -0.3 and correct["has_logprob"] == 1.0
    assert python["mean_logprob"] == 0.0 and python["has_logprob"] == 0.0
    assert correct["code_length_log"] == pytest.approx(math.log1p(len(CORRECT)))
    assert python["language_python"] == 1.0 and correct["language_python"] == 0.0
    assert python["written_for_subtask"] == 1.0 and python["written_for_whole"] == 0.0
    assert values(context, "group1", "python")["written_for_subtask"] == 0.0
    assert correct["written_for_subtask"] == 0.0 and correct["written_for_whole"] == 1.0
    assert all(v == 0.0 for v in values(context, "group2", "ce").values())


def test_non_contenders_read_no_generated_run(context, every_row) -> None:  # type: ignore[no-untyped-def]
    """wrong, crash and tle fail a public example of group2: they are not run on its inputs, agreements
    and clusters are the contenders' alone, and their rates come from their public examples."""
    assert context.contenders["group2"] == ["correct", "python"]
    assert context.matrix._runs.executed < context.matrix._runs.exhaustive
    for cid in ("correct", "python"):
        got = values(context, "group2", cid)
        assert (got["cluster_size"], got["codet_score"], got["mbr_agreement"]) == (2.0, 1.0, 1.0)
        assert got["majority_agreement"] == 1.0
    for cid in ("wrong", "crash", "tle"):
        got = values(context, "group2", cid)
        assert (got["cluster_size"], got["codet_score"], got["mbr_agreement"]) == (1.0, 0.0, 0.0)
        assert got["majority_agreement"] == 0.0 and got["public_all_passed"] == 0.0
        assert got["public_pass_rate"] == values(every_row, "group2", cid)["public_pass_rate"]
    # On the public examples: crash fails one of two by a crash, tle one of two by a timeout.
    assert values(context, "group2", "crash")["crash_rate"] == 0.5
    assert values(context, "group2", "tle")["timeout_rate"] == 0.5
    assert values(context, "group2", "wrong")["failure_rate"] == 0.0


def test_subtask_whose_inputs_all_agree(every_row) -> None:  # type: ignore[no-untyped-def]
    context = every_row
    # group1 keeps n = 1 and 51 only: one cluster, full agreement, no failures.
    for cid in ("correct", "python", "wrong", "crash", "tle"):
        got = values(context, "group1", cid)
        assert (got["cluster_size"], got["cluster_share"], got["cluster_rank"]) == (5.0, 1.0, 0.0)
        assert got["codet_score"] == 1.0 and got["mbr_agreement"] == 1.0
        assert got["failure_rate"] == 0.0 and got["majority_agreement"] == 1.0
    # The public examples still count for the headroom: the TLE on n = 120 leaves none.
    assert values(context, "group1", "tle")["runtime_headroom"] == 0.0


def test_codet_formula() -> None:
    passes = {"a": (True, True, True), "b": (True, True, False), "c": (True, True, False), "d": (False,) * 3}
    # a: 3 * sqrt(1) = 3; b, c: 2 * sqrt(2) = 2.83; d: 0.
    got = codet_scores(passes)
    assert got == pytest.approx({"a": 1.0, "b": 2 * math.sqrt(2) / 3, "c": 2 * math.sqrt(2) / 3, "d": 0.0})
    assert codet_scores({"a": (False,), "b": (False,)}) == {"a": 0.0, "b": 0.0}


def test_no_candidate_read_on_a_subtask_with_inputs() -> None:
    """A pool where nothing compiles (a model writing noise) still has generated inputs: the agreement
    features of zero rows are empty, not an error (found by a contest sampling from a random-weight model)."""
    import numpy as np

    from ioi_agent.selection.features import codet_array, mbr_array

    assert codet_array(np.zeros((0, 4), dtype=bool)).shape == (0,)
    assert mbr_array(np.zeros((0, 4), dtype=np.int64)).shape == (0,)
