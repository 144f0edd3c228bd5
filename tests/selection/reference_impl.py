"""The per-candidate implementations of clusters.py and features.py as they were before the arrays
(copied verbatim, renamed): the reference the vectorised ones must match value for value."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter

from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Problem
from ioi_agent.selection.model import (
    Candidate,
    CandidateExecution,
    CandidateFeatures,
    CandidatePool,
    Cluster,
    ExecutionMatrix,
    GeneratedInputs,
    RunStatus,
)


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


def reference_cluster(matrix: ExecutionMatrix, inputs: GeneratedInputs, subtask: str) -> list[Cluster]:
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


# --- features ---


FEATURE_NAMES: list[str] = [
    "compiled",
    "public_pass_rate",
    "public_all_passed",
    "public_count",
    "crash_rate",
    "timeout_rate",
    "failure_rate",
    "cluster_size",
    "cluster_share",
    "cluster_rank",
    "codet_score",
    "mbr_agreement",
    "mean_logprob",
    "has_logprob",
    "code_length_log",
    "runtime_headroom",
    "written_for_subtask",
    "language_python",
    "written_for_whole",
    "majority_agreement",
    "cluster_size_log",
    "tests_log",
]

FULL = 1.0 - 1e-9
# CPython starts in 20-50 ms (more on a loaded machine), a C++ program in about 1 ms.
STARTUP_ALLOWANCE_S = 0.1
CRASHES = {RunStatus.RE, RunStatus.MLE, RunStatus.OLE}
SAMPLE_CRASHES = {Verdict.RE, Verdict.MLE, Verdict.OLE}


def relevant_samples(problem: Problem, subtask: str) -> list[str]:
    named = [t for t in problem.subtask(subtask).tests if t in problem.samples]
    return named or list(problem.samples)


class TestRow:
    """One candidate's result on one test: output key (None = no comparable output), kind, time."""

    __slots__ = ("key", "passed", "kind", "time_s")

    def __init__(self, key: str | None, passed: bool | None, kind: str, time_s: float):
        self.key = key
        self.passed = passed  # known only for public examples (they have answers)
        self.kind = kind  # "ok", "crash", "timeout", "failure"
        self.time_s = time_s


def _generated_rows(execution: CandidateExecution, input_ids: list[str]) -> list[TestRow]:
    rows = []
    for sha in input_ids:
        run = execution.generated.get(sha)
        if run is None:
            rows.append(TestRow(None, None, "failure", 0.0))
            continue
        kind = (
            "ok"
            if run.status == RunStatus.OK
            else "crash"
            if run.status in CRASHES
            else "timeout"
            if run.status == RunStatus.TLE
            else "failure"
        )
        rows.append(TestRow(run.output if kind == "ok" else None, None, kind, run.time_s))
    return rows


def _public_rows(execution: CandidateExecution, samples: list[str]) -> list[TestRow]:
    rows = []
    for name in samples:
        r = execution.public.get(name)
        if r is None:
            rows.append(TestRow(None, False, "failure", 0.0))
            continue
        ended = r.verdict in (Verdict.AC, Verdict.WA)
        kind = (
            "ok"
            if ended
            else "crash"
            if r.verdict in SAMPLE_CRASHES
            else "timeout"
            if r.verdict == Verdict.TLE
            else "failure"
        )
        key = (r.output or f"{r.verdict.value}:{r.score:g}") if ended else None
        rows.append(TestRow(key, r.verdict == Verdict.AC and r.score >= FULL, kind, r.time_s))
    return rows


def _majority(keys: list[str | None]) -> str | None:
    counts = Counter(k for k in keys if k is not None)
    return counts.most_common(1)[0][0] if counts else None  # ties: first met (insertion order)


def _passes(rows: dict[str, list[TestRow]], n_tests: int) -> dict[str, tuple[bool, ...]]:
    """Per candidate, which tests it passes: the real answer for public examples, else the majority."""
    out = {cid: [False] * n_tests for cid in rows}
    for t in range(n_tests):
        column = {cid: r[t] for cid, r in rows.items()}
        if any(row.passed is not None for row in column.values()):
            for cid, row in column.items():
                out[cid][t] = bool(row.passed)
            continue
        expected = _majority([row.key for row in column.values()])
        for cid, row in column.items():
            out[cid][t] = expected is not None and row.key == expected
    return {cid: tuple(v) for cid, v in out.items()}


def codet_scores(passes: dict[str, tuple[bool, ...]]) -> dict[str, float]:
    """CodeT dual agreement, normalised by the best score (0 for all when the best is 0)."""
    sets = Counter(passes.values())
    raw = {cid: sum(p) * math.sqrt(sets[p]) for cid, p in passes.items()}
    best = max(raw.values(), default=0.0)
    return {cid: (v / best if best > 0 else 0.0) for cid, v in raw.items()}


def mbr_scores(rows: dict[str, list[TestRow]], n_tests: int) -> dict[str, float]:
    n = len(rows)
    if n < 2 or n_tests == 0:
        return {cid: 0.0 for cid in rows}
    totals = dict.fromkeys(rows, 0.0)
    for t in range(n_tests):
        counts = Counter(r[t].key for r in rows.values() if r[t].key is not None)
        for cid, r in rows.items():
            key = r[t].key
            if key is not None:
                totals[cid] += (counts[key] - 1) / (n - 1)
    return {cid: total / n_tests for cid, total in totals.items()}


def _static(candidate: Candidate, subtask: str) -> dict[str, float]:
    return {
        "mean_logprob": candidate.mean_logprob if candidate.mean_logprob is not None else 0.0,
        "has_logprob": float(candidate.mean_logprob is not None),
        "code_length_log": math.log1p(len(candidate.code)),
        "written_for_subtask": float(candidate.subtask == subtask),
        "written_for_whole": float(candidate.subtask is None),
        "language_python": float(candidate.language == "python"),
    }


def _headroom(slowest: float | None, limit: float) -> float:
    if slowest is None or limit <= 0:
        return 0.0
    allowance = min(STARTUP_ALLOWANCE_S, limit / 2)
    return min(1.0, max(0.0, 1.0 - (slowest - allowance) / (limit - allowance)))


def reference_subtask_features(
    problem: Problem,
    pool: CandidatePool,
    inputs: GeneratedInputs,
    matrix: ExecutionMatrix,
    clusters: list[Cluster],
    subtask: str,
) -> dict[str, CandidateFeatures]:
    samples = [s for s in relevant_samples(problem, subtask)]
    input_ids = inputs.per_subtask.get(subtask, [])
    compiling = {cid: e for cid, e in matrix.executions.items() if e.compiled}
    rows = {
        cid: _generated_rows(e, input_ids) if input_ids else _public_rows(e, samples)
        for cid, e in compiling.items()
    }
    n_tests = len(input_ids) if input_ids else len(samples)
    passes = _passes(rows, n_tests)
    codet = codet_scores(passes)
    mbr = mbr_scores(rows, n_tests)
    where = {cid: (rank, len(c.members)) for rank, c in enumerate(clusters) for cid in c.members}
    limit = matrix.time_limit_s
    out: dict[str, CandidateFeatures] = {}
    for candidate in pool.candidates:
        values = dict.fromkeys(FEATURE_NAMES, 0.0)
        execution = compiling.get(candidate.id)
        if execution is not None:
            public = [execution.public.get(name) for name in samples]
            scores = [r.score if r is not None and r.verdict == Verdict.AC else 0.0 for r in public]
            kinds = Counter(row.kind for row in rows[candidate.id])
            rank, size = where.get(candidate.id, (len(clusters), 1))
            times = [row.time_s for row in rows[candidate.id]]
            if input_ids:
                times += [r.time_s for r in public if r is not None]
            slowest = max(times, default=None)
            values.update(
                {
                    "compiled": 1.0,
                    "public_pass_rate": sum(scores) / len(scores) if scores else 1.0,
                    "public_all_passed": float(all(s >= FULL for s in scores)),
                    "public_count": float(len(samples)),
                    "crash_rate": kinds["crash"] / n_tests if n_tests else 0.0,
                    "timeout_rate": kinds["timeout"] / n_tests if n_tests else 0.0,
                    "failure_rate": (n_tests - kinds["ok"]) / n_tests if n_tests else 0.0,
                    "cluster_size": float(size),
                    "cluster_share": size / len(compiling),
                    "cluster_rank": float(rank),
                    "codet_score": codet[candidate.id],
                    "mbr_agreement": mbr[candidate.id],
                    "runtime_headroom": _headroom(slowest, limit),
                    "majority_agreement": sum(passes[candidate.id]) / n_tests if n_tests else 0.0,
                    "cluster_size_log": math.log1p(size),
                    "tests_log": math.log1p(n_tests),
                    **_static(candidate, subtask),
                }
            )
        out[candidate.id] = CandidateFeatures(candidate=candidate.id, subtask=subtask, values=values)
    return out


def reference_compute_features(
    problem: Problem,
    pool: CandidatePool,
    inputs: GeneratedInputs,
    matrix: ExecutionMatrix,
    clusters: dict[str, list[Cluster]],
) -> dict[str, dict[str, CandidateFeatures]]:
    """subtask -> candidate id -> features, for every subtask of `problem` (the public view)."""
    return {
        st.name: reference_subtask_features(problem, pool, inputs, matrix, clusters.get(st.name, []), st.name)
        for st in problem.subtasks
    }
