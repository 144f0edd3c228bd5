"""What the selection reads of the execution matrix, so that the matrix runs nothing else.

Selection reads a candidate's runs on a subtask's generated inputs only when the candidate is a
**contender** for that subtask: it compiled and passes every public example relevant to the subtask
(full score, as the feature public_all_passed says), or nobody does (then every compiling candidate is
one, as the public filter falls back). A candidate failing a subtask's public examples is known wrong
there; its outputs on generated inputs would only move the majority, the clusters and the agreement
features of the others, so the clusters, majority outputs, CodeT and MBR of a subtask are computed over
its contenders alone, and a non-contender's own features come from its public examples.

And a row's **timeouts**: once a candidate has timed out on MAX_TIMEOUTS of the inputs it is read on (in
column order), its later ones count as timeouts (time = the limit) whatever they were: each costs up to
twice the time limit, and 256 inputs per subtask of a slow program would take longer than judging the
rest of the pool. Inputs come subtask by subtask, smallest subtask first, so the inputs cut are mostly the
larger ones a slow program would time out on anyway.

Both rules define what the matrix *is*; matrix.py runs in rounds (public examples first, then only the
read inputs, each program until its timeouts are used up), and `--exhaustive` runs every program on
every input and then applies the same two rules to what it got, so both select exactly the same
submissions (tests/selection/test_rounds.py checks this on the labelled pools).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Problem
from ioi_agent.selection.model import CandidateExecution, GeneratedInputs

MAX_TIMEOUTS = 5
FULL = 1.0 - 1e-9  # a public example's score that counts as passed


def relevant_samples(problem: Problem, subtask: str) -> list[str]:
    """The public examples a subtask's test list names, or every one when it names none."""
    named = [t for t in problem.subtask(subtask).tests if t in problem.samples]
    return named or list(problem.samples)


def passes_samples(execution: CandidateExecution, samples: Sequence[str]) -> bool:
    """Every one of `samples` AC with full score (a missing result fails; no samples: passes)."""
    for name in samples:
        result = execution.public.get(name)
        if result is None or result.verdict != Verdict.AC or result.score < FULL:
            return False
    return True


def contenders(
    problem: Problem, executions: Mapping[str, CandidateExecution], subtask: str, fallback: bool = True
) -> list[str]:
    """The subtask's contenders, in the executions' order (see the module docstring). `fallback=False`:
    only those passing, the ones that stay contenders whatever other candidates come (pipeline.py)."""
    samples = relevant_samples(problem, subtask)
    ok = [cid for cid, e in executions.items() if e.compiled]
    passing = [cid for cid in ok if passes_samples(executions[cid], samples)]
    return passing or (ok if fallback else [])


def contender_sets(
    problem: Problem,
    executions: Mapping[str, CandidateExecution],
    inputs: GeneratedInputs,
    fallback: bool = True,
) -> dict[str, list[str]]:
    """subtask -> its contenders, for every subtask with generated inputs (the others read no runs)."""
    return {
        st.name: contenders(problem, executions, st.name, fallback)
        for st in problem.subtasks
        if inputs.per_subtask.get(st.name)
    }


def read_columns(
    sets: Mapping[str, Sequence[str]], inputs: GeneratedInputs, column: Mapping[str, int]
) -> dict[str, list[int]]:
    """candidate -> the input columns selection reads of its row, ascending."""
    reads: dict[str, set[int]] = {}
    for subtask, members in sets.items():
        cols = {column[sha] for sha in inputs.per_subtask.get(subtask, [])}
        for cid in members:
            reads.setdefault(cid, set()).update(cols)
    return {cid: sorted(cols) for cid, cols in reads.items()}


def apply_timeout_rule(
    keys: np.ndarray,
    times: np.ndarray,
    row: int,
    cols: Sequence[int],
    tle_key: int,
    limit: float,
    after: int = MAX_TIMEOUTS,
) -> None:
    """From the read column after the `after`-th timeout on, the row's cells become timeouts."""
    timeouts = 0
    for position, j in enumerate(cols):
        if timeouts >= after:
            rest = np.asarray(cols[position:], dtype=np.intp)
            keys[row, rest] = tle_key
            times[row, rest] = limit
            return
        timeouts += int(keys[row, j]) == tle_key
