"""Features of each candidate for each subtask, the inputs of the scorer and the policies.

"Tests" below are the subtask's kept generated inputs; when it has none (no generators, nothing kept, or
a task type without generated inputs), its relevant public examples stand in. Generated inputs are read
for the subtask's contenders only (contenders.py: those passing its public examples, or all when none
does): majorities, clusters and agreements are theirs, and a non-contender's tests are its public examples
(its agreement features 0). The relevant public
examples of a subtask are the samples its test list names, or all samples when it names none. A
candidate that did not compile has compiled = 0 and every other feature 0.

- compiled: 1 when the program compiled.
- public_pass_rate: mean score (0 unless AC) on the relevant public examples; 1 when there are none.
- public_all_passed: 1 when every relevant public example is AC with full score (1 when there are none).
- public_count: number of relevant public examples.
- crash_rate: fraction of tests where the run crashed (RE, MLE or OLE).
- timeout_rate: fraction of tests where the run exceeded the time limit.
- failure_rate: fraction of tests where the run did not end normally (any failure, judge errors too).
- cluster_size: members of the candidate's behaviour cluster in this subtask.
- cluster_share: cluster_size over the number of compiling candidates.
- cluster_rank: rank of its cluster, 0 = largest (ties: first member's pool order).
- codet_score: CodeT dual agreement, normalised to [0, 1] by the subtask's best (see below).
- mbr_agreement: MBR-exec: mean over tests of the fraction of other compiling candidates with its output.
- mean_logprob: the model's mean token log-probability of the sample (0 when unknown).
- has_logprob: 1 when mean_logprob is known.
- code_length_log: log(1 + characters of code).
- runtime_headroom: 1 - (slowest run on the tests and relevant examples − a) / (time limit − a), clipped to
  [0, 1], with a = min(STARTUP_ALLOWANCE_S, limit / 2). Start-up time does not count: on small inputs it is all a run measures, and
  there it tells an interpreter from a compiled program (the language: authorship, not behaviour).
- written_for_subtask: 1 when the candidate's prompt asked for this subtask.
- language_python: 1 for a Python program.
- written_for_whole: 1 when the candidate's prompt asked for the whole problem (no subtask).
- majority_agreement: fraction of tests on which it agrees with the majority (CodeT's passed tests).
- cluster_size_log: log(1 + cluster_size).
- tests_log: log(1 + number of tests) for this subtask (how much the agreement features rest on).

CodeT dual agreement: generated inputs have no answers, so each input's expected output is the majority
output among the compiling candidates (ties: the output met first in pool order); a candidate "passes"
an input when its run ended normally with that output (a public example stands in with its real answer:
passed = AC). Candidates passing the same set of tests form a consensus set; a candidate's score is
(#tests its set passes) × sqrt(#candidates in its set).

Computed column-wise over the matrix's arrays (arrays.py), not candidate by candidate: the values are the
same to the bit (tests/selection/test_arrays.py compares them with the per-candidate reference).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Problem
from ioi_agent.selection.arrays import (
    CRASH_KEYS,
    KEY_OK_NO_OUTPUT,
    STATUS_KEY,
    MatrixArrays,
    input_order,
    matrix_arrays,
)
from ioi_agent.selection.contenders import FULL, passes_samples, relevant_samples
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

# CPython starts in 20-50 ms (more on a loaded machine), a C++ program in about 1 ms.
STARTUP_ALLOWANCE_S = 0.1
CRASHES = {RunStatus.RE, RunStatus.MLE, RunStatus.OLE}
SAMPLE_CRASHES = {Verdict.RE, Verdict.MLE, Verdict.OLE}


class Tests:
    """The compiling candidates (rows, pool order) on one subtask's tests (columns), as arrays.

    key: an int per comparable output (equal ints = equal outputs within a column), -1 where the run has
    none (a failure, or no output hash); kind: OK/CRASH/TIMEOUT/FAILURE; passed: the real verdict on a
    public example (None for generated inputs, whose "expected output" is the majority's)."""

    def __init__(self, key: np.ndarray, kind: np.ndarray, time_s: np.ndarray, passed: np.ndarray | None):
        self.key = key
        self.kind = kind
        self.time_s = time_s
        self.passed = passed


OK, CRASH, TIMEOUT, FAILURE = 0, 1, 2, 3


def _generated_tests(arrays: MatrixArrays, rows: np.ndarray, input_ids: list[str]) -> Tests:
    keys = arrays.keys[np.ix_(rows, arrays.columns(input_ids))]
    kind = np.full(keys.shape, FAILURE, dtype=np.int8)  # missing runs and judge errors
    kind[(keys >= 0) | (keys == KEY_OK_NO_OUTPUT)] = OK
    kind[np.isin(keys, CRASH_KEYS)] = CRASH
    kind[keys == STATUS_KEY[RunStatus.TLE]] = TIMEOUT
    times = arrays.times[np.ix_(rows, arrays.columns(input_ids))]
    return Tests(np.where(keys >= 0, keys, -1), kind, times, None)


def _public_tests(executions: list[CandidateExecution], samples: list[str]) -> Tests:
    """Public examples stand in for a subtask without generated inputs (a few per candidate: a loop)."""
    shape = (len(executions), len(samples))
    key = np.full(shape, -1, dtype=np.int64)
    kind = np.full(shape, FAILURE, dtype=np.int8)
    times = np.zeros(shape, dtype=np.float64)
    passed = np.zeros(shape, dtype=bool)
    tables: list[dict[str, int]] = [{} for _ in samples]
    for i, execution in enumerate(executions):
        for j, name in enumerate(samples):
            r = execution.public.get(name)
            if r is None:
                continue
            ended = r.verdict in (Verdict.AC, Verdict.WA)
            kind[i, j] = (
                OK
                if ended
                else CRASH
                if r.verdict in SAMPLE_CRASHES
                else TIMEOUT
                if r.verdict == Verdict.TLE
                else FAILURE
            )
            if ended:
                text = r.output or f"{r.verdict.value}:{r.score:g}"
                key[i, j] = tables[j].setdefault(text, len(tables[j]))
            passed[i, j] = r.verdict == Verdict.AC and r.score >= FULL
            times[i, j] = r.time_s
    return Tests(key, kind, times, passed)


def _passes(tests: Tests) -> np.ndarray:
    """Which tests each candidate passes: the real answer for public examples, else the majority output
    (ties: the output met first in pool order)."""
    if tests.passed is not None:
        return tests.passed
    out = np.zeros(tests.key.shape, dtype=bool)
    for t in range(tests.key.shape[1]):
        column = tests.key[:, t]
        valid = column[column >= 0]
        if len(valid) == 0:
            continue
        values, first, counts = np.unique(valid, return_index=True, return_counts=True)
        top = counts == counts.max()
        expected = values[top][np.argmin(first[top])]
        out[:, t] = column == expected
    return out


def codet_array(passes: np.ndarray) -> np.ndarray:
    """codet_scores on a (candidates × tests) bool array: the same values, in row order."""
    if passes.shape[0] == 0 or passes.shape[1] == 0:
        return np.zeros(passes.shape[0])  # no candidate read (none compiled), or no test
    _, inverse, counts = np.unique(passes, axis=0, return_inverse=True, return_counts=True)
    raw = passes.sum(axis=1) * np.sqrt(counts[inverse.reshape(-1)].astype(np.float64))
    best = raw.max()
    return raw / best if best > 0 else np.zeros(len(raw))


def mbr_array(key: np.ndarray) -> np.ndarray:
    """MBR-exec: per row, the mean over tests of the share of the other rows with its output."""
    n, n_tests = key.shape
    totals = np.zeros(n)
    if n < 2 or n_tests == 0:
        return totals
    # Column by column, in order, as the per-candidate sum did: the float sums come out bit-identical.
    for t in range(n_tests):
        column = key[:, t]
        valid = column >= 0
        if not valid.any():
            continue
        counts = np.bincount(column[valid])
        totals[valid] += (counts[column[valid]] - 1) / (n - 1)
    return totals / n_tests


def codet_scores(passes: dict[str, tuple[bool, ...]]) -> dict[str, float]:
    """CodeT dual agreement, normalised by the best score (0 for all when the best is 0)."""
    sets = Counter(passes.values())
    raw = {cid: sum(p) * math.sqrt(sets[p]) for cid, p in passes.items()}
    best = max(raw.values(), default=0.0)
    return {cid: (v / best if best > 0 else 0.0) for cid, v in raw.items()}


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


class _Block:
    """Per-row statistics of some candidates on some tests (their generated inputs, or public examples)."""

    def __init__(self, tests: Tests, n_tests: int, agreement: bool):
        self.n_tests = n_tests
        passes = _passes(tests)
        rows = tests.key.shape[0]
        self.n_passed = passes.sum(axis=1).tolist() if agreement else [0] * rows
        self.codet = codet_array(passes).tolist() if agreement else [0.0] * rows
        self.mbr = mbr_array(tests.key).tolist() if agreement else [0.0] * rows
        self.kinds = [np.count_nonzero(tests.kind == k, axis=1).tolist() for k in (OK, CRASH, TIMEOUT)]
        self.slowest = tests.time_s.max(axis=1).tolist() if n_tests else [None] * rows


def subtask_features(
    problem: Problem,
    pool: CandidatePool,
    inputs: GeneratedInputs,
    matrix: ExecutionMatrix,
    clusters: list[Cluster],
    subtask: str,
    members: Sequence[str] | None = None,
) -> dict[str, CandidateFeatures]:
    """`members`: the subtask's contenders (contenders.py; default every compiling candidate), the only
    ones whose generated runs are read. The others' rates and times come from their public examples, and
    they get no agreement features (codet_score, mbr_agreement, majority_agreement stay 0)."""
    samples = [s for s in relevant_samples(problem, subtask)]
    input_ids = inputs.per_subtask.get(subtask, [])
    compiling = {cid: e for cid, e in matrix.executions.items() if e.compiled}
    chosen = set(members) if members is not None and input_ids else set(compiling)
    read = [cid for cid in compiling if cid in chosen]
    others = [cid for cid in compiling if cid not in chosen]
    if input_ids:
        arrays = matrix_arrays(matrix, input_order(inputs))
        rows = np.array([arrays.row[cid] for cid in read], dtype=np.intp)
        tests = _generated_tests(arrays, rows, input_ids)
    else:
        tests = _public_tests([compiling[cid] for cid in read], samples)
    n_tests = len(input_ids) if input_ids else len(samples)
    blocks = {cid: (block, i) for block in [_Block(tests, n_tests, True)] for i, cid in enumerate(read)}
    if others:
        stand_in = _Block(_public_tests([compiling[cid] for cid in others], samples), len(samples), False)
        blocks.update({cid: (stand_in, i) for i, cid in enumerate(others)})
    where = {cid: (rank, len(c.members)) for rank, c in enumerate(clusters) for cid in c.members}
    limit = matrix.time_limit_s
    out: dict[str, CandidateFeatures] = {}
    for candidate in pool.candidates:
        values = dict.fromkeys(FEATURE_NAMES, 0.0)
        if candidate.id in blocks:
            block, i = blocks[candidate.id]
            n = block.n_tests
            execution = compiling[candidate.id]
            public = [execution.public.get(name) for name in samples]
            scores = [r.score if r is not None and r.verdict == Verdict.AC else 0.0 for r in public]
            rank, size = where.get(candidate.id, (len(clusters), 1))
            times = [] if block.slowest[i] is None else [block.slowest[i]]
            if input_ids and candidate.id in chosen:
                times += [r.time_s for r in public if r is not None]
            slowest = max(times, default=None)
            ok, crash, timeout = block.kinds[0][i], block.kinds[1][i], block.kinds[2][i]
            values.update(
                {
                    "compiled": 1.0,
                    "public_pass_rate": sum(scores) / len(scores) if scores else 1.0,
                    # The contenders' own test (contenders.py): the two must never disagree.
                    "public_all_passed": float(passes_samples(execution, samples)),
                    "public_count": float(len(samples)),
                    "crash_rate": crash / n if n else 0.0,
                    "timeout_rate": timeout / n if n else 0.0,
                    "failure_rate": (n - ok) / n if n else 0.0,
                    "cluster_size": float(size),
                    "cluster_share": size / len(compiling),
                    "cluster_rank": float(rank),
                    "codet_score": block.codet[i],
                    "mbr_agreement": block.mbr[i],
                    "runtime_headroom": _headroom(slowest, limit),
                    "majority_agreement": int(block.n_passed[i]) / n if n else 0.0,
                    "cluster_size_log": math.log1p(size),
                    "tests_log": math.log1p(n_tests),
                    **_static(candidate, subtask),
                }
            )
        out[candidate.id] = CandidateFeatures(candidate=candidate.id, subtask=subtask, values=values)
    return out


def compute_features(
    problem: Problem,
    pool: CandidatePool,
    inputs: GeneratedInputs,
    matrix: ExecutionMatrix,
    clusters: dict[str, list[Cluster]],
    contenders: dict[str, list[str]] | None = None,
) -> dict[str, dict[str, CandidateFeatures]]:
    """subtask -> candidate id -> features, for every subtask of `problem` (the public view); `contenders`
    as in SelectionContext (a subtask missing there reads every compiling candidate)."""
    sets = contenders or {}
    return {
        st.name: subtask_features(
            problem, pool, inputs, matrix, clusters.get(st.name, []), st.name, sets.get(st.name)
        )
        for st in problem.subtasks
    }
