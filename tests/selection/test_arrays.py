"""The compact execution matrix (arrays.py): clusters and features computed on the arrays equal, value for
value, those of the per-candidate reference implementation (tests/selection/reference_impl.py), on a real
small matrix and on seeded random ones, and every policy then selects the same submissions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Problem
from ioi_agent.selection.arrays import RunsView, from_executions, input_order, matrix_from_arrays
from ioi_agent.selection.clusters import cluster
from ioi_agent.selection.context import build_context, public_view
from ioi_agent.selection.features import compute_features
from ioi_agent.selection.model import (
    Candidate,
    CandidateExecution,
    CandidatePool,
    ExecutionMatrix,
    GeneratedInputs,
    PublicResult,
    Rules,
    Run,
    RunStatus,
    SelectionContext,
)
from ioi_agent.selection.policies import POLICIES, make_policy
from tests.selection.kit import (
    CE,
    CORRECT,
    CORRECT_PY,
    CRASH,
    GEN_CYCLE,
    VAL_ALL,
    VAL_LE100,
    WRONG,
    make_pool,
    make_problem,
    program,
)
from tests.selection.reference_impl import reference_cluster, reference_compute_features

STATUSES = [RunStatus.OK] * 6 + [RunStatus.TLE, RunStatus.RE, RunStatus.MLE, RunStatus.OLE, RunStatus.JE]


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory) -> Problem:
    return public_view(make_problem(tmp_path_factory.mktemp("p") / "tiny"))


def random_matrix(
    problem: Problem, seed: int, n: int = 40
) -> tuple[CandidatePool, GeneratedInputs, ExecutionMatrix]:
    """A pool with duplicates, shared behaviours, every failure kind, missing runs and public results."""
    rng = np.random.default_rng(seed)
    ids = [f"{k:064x}" for k in range(9)]
    per_subtask = {"group1": ids[:4], "group2": ids[2:]}  # overlapping, as generated inputs can be
    if seed % 3 == 2:
        per_subtask["group1"] = []  # public examples stand in
    behaviours = [
        [
            (RunStatus.OK, f"out{rng.integers(3)}") if s == RunStatus.OK else (s, None)
            for s in rng.choice(np.array(STATUSES, dtype=object), len(ids))
        ]
        for _ in range(6)
    ]
    candidates, executions = [], {}
    for i in range(n):
        cid = f"c{i}"
        candidates.append(
            Candidate(
                id=cid,
                problem="tiny",
                code="x" * int(rng.integers(1, 50)),
                subtask=[None, "group1", "group2"][i % 3],
                mean_logprob=float(rng.normal()) if i % 2 else None,
            )
        )
        behaviour = behaviours[int(rng.integers(len(behaviours)))]
        generated = {
            sha: Run(status=status, output=output, time_s=float(rng.choice([0.01, 0.1, 0.25, 0.3])))
            for sha, (status, output) in zip(ids, behaviour, strict=True)
            if rng.random() > 0.05
        }
        public = {
            name: PublicResult(
                verdict=verdict, score=1.0 if verdict == Verdict.AC else 0.0, time_s=0.02, output=f"p{v}"
            )
            for name in problem.samples
            if rng.random() > 0.1
            for v, verdict in [
                (int(rng.integers(3)), [Verdict.AC, Verdict.WA, Verdict.RE][int(rng.integers(3))])
            ]
        }
        compiled = rng.random() > 0.1
        executions[cid] = CandidateExecution(
            candidate=cid,
            compiled=compiled,
            public=public if compiled else {},
            generated=generated if compiled else {},
        )
    pool = CandidatePool(problem="tiny", candidates=candidates)
    inputs = GeneratedInputs(folder="/nonexistent", per_subtask=per_subtask)
    return pool, inputs, ExecutionMatrix(problem="tiny", time_limit_s=0.3, executions=executions)


def context_of(
    problem: Problem, pool: CandidatePool, inputs: GeneratedInputs, matrix: ExecutionMatrix, reference: bool
) -> SelectionContext:
    names = [st.name for st in problem.subtasks]
    if reference:
        clusters = {s: reference_cluster(matrix, inputs, s) for s in names}
        features = reference_compute_features(problem, pool, inputs, matrix, clusters)
    else:
        clusters = {s: cluster(matrix, inputs, s) for s in names}
        features = compute_features(problem, pool, inputs, matrix, clusters)
    return SelectionContext(
        problem="tiny",
        subtasks=names,
        points={st.name: st.points for st in problem.subtasks},
        contains={"group2": ["group1"]},
        pool=pool,
        inputs=inputs,
        matrix=matrix,
        clusters=clusters,
        features=features,
    )


def views_matrix(matrix: ExecutionMatrix, inputs: GeneratedInputs) -> ExecutionMatrix:
    """The same matrix as large pools get it: runs only in the arrays, `generated` a RunsView."""
    arrays = from_executions(matrix.executions, input_order(inputs))
    return matrix_from_arrays(matrix.problem, matrix.time_limit_s, list(matrix.executions.values()), arrays)


def submissions(context: SelectionContext) -> dict[str, list[str]]:
    """Each policy's first picks with no feedback (its order as far as the budget reaches)."""
    out = {}
    for name in POLICIES:
        policy = make_policy(name, context, Rules.ioi(5), seed=3)
        out[name] = [policy.next([])]
        order = getattr(policy, "order", None)
        if order is not None:
            out[name] += list(order)
    return out


def assert_same(
    problem: Problem, pool: CandidatePool, inputs: GeneratedInputs, matrix: ExecutionMatrix
) -> None:
    expected = context_of(problem, pool, inputs, matrix, reference=True)
    for form in (matrix.model_copy(deep=True), views_matrix(matrix, inputs)):
        got = context_of(problem, pool, inputs, form, reference=False)
        assert got.clusters == expected.clusters
        # Bit-identical floats: compare the exact representation, not approximately.
        assert json.dumps(got.model_dump(mode="json")["features"]) == json.dumps(
            expected.model_dump(mode="json")["features"]
        )
        assert submissions(got) == submissions(expected)


@pytest.mark.parametrize("seed", range(6))
def test_arrays_match_the_reference_on_random_matrices(problem: Problem, seed: int) -> None:
    assert_same(problem, *random_matrix(problem, seed))


def test_arrays_match_the_reference_on_a_real_matrix(problem: Problem, tmp_path: Path) -> None:
    pool = make_pool(
        [
            program("correct", CORRECT, mean_logprob=-0.3),
            program("python", CORRECT_PY, subtask="group2", language="python"),
            program("wrong", WRONG),
            program("crash", CRASH),
            program("ce", CE),
            program("correct2", CORRECT + "\n// same\n"),
        ],
        generators=[program("g", GEN_CYCLE)],
        validators=[program("v0", VAL_ALL), program("v1", VAL_LE100, subtask="group1")],
    )
    context = build_context(problem, pool, sandbox="bwrap", jobs=1, inputs_per_subtask=8, work=tmp_path)
    assert isinstance(context.matrix.executions["correct"].generated, RunsView)
    assert context.matrix.executions["correct"].generated == context.matrix.executions["correct2"].generated
    # Stored and read back: plain dicts again, and the same selection.
    stored = ExecutionMatrix.model_validate_json(context.matrix.model_dump_json())
    assert isinstance(stored.executions["correct"].generated, dict)
    assert stored.executions["wrong"].generated == dict(context.matrix.executions["wrong"].generated)
    assert_same(problem, context.pool, context.inputs, stored)
