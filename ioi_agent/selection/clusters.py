"""Behaviour clusters: per subtask, the compiling candidates that behave alike on every kept input.

A candidate's behaviour on an input is its output's hash, or its failure kind (TLE, RE, ...) when the run
did not end normally; two candidates share a cluster when their behaviours agree on every generated
input kept for the subtask (AlphaCode, o1-ioi). With no generated input for the subtask, the public
examples stand in: verdict and output hash on each.

With generated inputs, clustering runs on the matrix's arrays (arrays.py): rows of output keys compared by
`np.unique(axis=0)`, so only one behaviour string vector per cluster is ever built (for its signature).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

from ioi_agent.selection.arrays import input_order, matrix_arrays
from ioi_agent.selection.model import CandidateExecution, Cluster, ExecutionMatrix, GeneratedInputs, RunStatus


def _run_key(execution: CandidateExecution, input_id: str) -> str:
    run = execution.generated.get(input_id)
    if run is None:
        return "missing"
    return (run.output or "") if run.status == RunStatus.OK else run.status.value


def _public_key(execution: CandidateExecution, sample: str) -> str:
    result = execution.public.get(sample)
    if result is None:
        return "missing"
    return f"{result.verdict.value}:{result.score:g}:{result.output or ''}"


def behaviour(execution: CandidateExecution, input_ids: list[str], samples: list[str]) -> list[str]:
    """The candidate's behaviour vector (one string per input, or per public example as a fallback)."""
    if input_ids:
        return [_run_key(execution, sha) for sha in input_ids]
    return [_public_key(execution, name) for name in samples]


def signature(vector: list[str]) -> str:
    return hashlib.sha256(json.dumps(vector, separators=(",", ":")).encode()).hexdigest()[:32]


def cluster(
    matrix: ExecutionMatrix,
    inputs: GeneratedInputs,
    subtask: str,
    members: Sequence[str] | None = None,
) -> list[Cluster]:
    """Clusters of `subtask`, largest first; ties go to the cluster whose first member comes first.

    With generated inputs, only `members` (the subtask's contenders, contenders.py; default: every
    compiling candidate) are clustered: the others' runs there are not read."""
    input_ids = inputs.per_subtask.get(subtask, [])
    if input_ids:
        return _cluster_arrays(matrix, inputs, subtask, members)
    samples = sorted({name for e in matrix.executions.values() for name in e.public})
    groups: dict[str, list[str]] = {}
    for cid, execution in matrix.executions.items():  # pool order
        if execution.compiled:
            groups.setdefault(signature(behaviour(execution, input_ids, samples)), []).append(cid)
    order = {cid: i for i, cid in enumerate(matrix.executions)}
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), order[kv[1][0]]))
    return [Cluster(subtask=subtask, signature=sig, members=members) for sig, members in ranked]


def _cluster_arrays(
    matrix: ExecutionMatrix, inputs: GeneratedInputs, subtask: str, members: Sequence[str] | None
) -> list[Cluster]:
    """`cluster` on the arrays: the same clusters, members, order and signatures as the per-run form."""
    input_ids = inputs.per_subtask[subtask]
    arrays = matrix_arrays(matrix, input_order(inputs))
    chosen = set(members) if members is not None else None
    rows = np.array(
        [
            i
            for i, (cid, e) in enumerate(matrix.executions.items())
            if e.compiled and (chosen is None or cid in chosen)
        ],
        dtype=np.intp,
    )
    if len(rows) == 0:
        return []
    cols = arrays.columns(input_ids)
    keys = arrays.keys[np.ix_(rows, cols)]
    # first: each distinct row's first compiling row (np.unique reports first occurrences).
    _, first, inverse, counts = np.unique(
        keys, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    inverse = inverse.reshape(-1)
    ranked = sorted(range(len(counts)), key=lambda u: (-int(counts[u]), int(first[u])))
    # Members of each distinct row in pool order: a stable sort of the rows by their distinct-row index.
    by_group = np.argsort(inverse, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    ids = list(matrix.executions)
    out = []
    for u in ranked:
        member_rows = rows[by_group[starts[u] : starts[u] + counts[u]]]
        row = keys[first[u]].tolist()
        vector = [arrays.cell_string(int(j), k) for j, k in zip(cols.tolist(), row, strict=True)]
        out.append(
            Cluster(
                subtask=subtask, signature=signature(vector), members=[ids[i] for i in member_rows.tolist()]
            )
        )
    return out
