"""Behaviour clusters: per subtask, the compiling candidates that behave alike on every kept input.

A candidate's behaviour on an input is its output's hash, or its failure kind (TLE, RE, ...) when the run
did not end normally; two candidates share a cluster when their behaviours agree on every generated
input kept for the subtask (AlphaCode, o1-ioi). With no generated input for the subtask, the public
examples stand in: verdict and output hash on each.
"""

from __future__ import annotations

import hashlib
import json

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


def cluster(matrix: ExecutionMatrix, inputs: GeneratedInputs, subtask: str) -> list[Cluster]:
    """Clusters of `subtask`, largest first; ties go to the cluster whose first member comes first."""
    input_ids = inputs.per_subtask.get(subtask, [])
    samples = sorted({name for e in matrix.executions.values() for name in e.public})
    groups: dict[str, list[str]] = {}
    for cid, execution in matrix.executions.items():  # pool order
        if execution.compiled:
            groups.setdefault(signature(behaviour(execution, input_ids, samples)), []).append(cid)
    order = {cid: i for i, cid in enumerate(matrix.executions)}
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), order[kv[1][0]]))
    return [Cluster(subtask=subtask, signature=sig, members=members) for sig, members in ranked]
