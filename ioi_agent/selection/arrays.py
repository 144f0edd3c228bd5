"""The compact execution matrix: candidates × generated inputs as two numpy arrays.

`keys[i, j]` (int32) says how candidate row i behaved on input column j: a value ≥ 0 is an index into
`outputs[j]`, the table of distinct output hashes met on that input (the run ended normally with that
output); a negative value is a sentinel (KEY_*) for "not run", a failure kind, or a normal end without an
output hash. `times[i, j]` (float64, so runtime features stay bit-identical to the Run objects') is the run's
time. Rows follow `ExecutionMatrix.executions` (pool order), columns `matrix.generated_ids(inputs)`.

12 bytes a cell plus the distinct outputs: 60,000 candidates × 256 inputs take about 185 MB, where one
pydantic `Run` per cell would take several GB. Clusters are rows hashed by `np.unique`, and features are
column-wise numpy operations over these arrays (clusters.py, features.py).

Large pools never hold a `Run` per cell: `build_matrix` fills the arrays directly, and each
`CandidateExecution.generated` is then a `RunsView`, a read-only mapping that makes a `Run` only for the
cell asked for (the policies and reports read a few). A matrix read back from JSON, or built by hand, has
plain dicts; `matrix_arrays` builds its arrays once from them and caches them on the matrix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ioi_agent.selection.model import CandidateExecution, ExecutionMatrix, GeneratedInputs, Run, RunStatus

KEY_MISSING = -1  # no run recorded for this cell (a candidate that did not compile has only these)
KEY_OK_NO_OUTPUT = -2  # ended normally but no output hash (never for batch problems: the judge hashes)
STATUS_KEY: dict[RunStatus, int] = {
    RunStatus.TLE: -3,
    RunStatus.MLE: -4,
    RunStatus.OLE: -5,
    RunStatus.RE: -6,
    RunStatus.JE: -7,
}
KEY_STATUS: dict[int, RunStatus] = {v: k for k, v in STATUS_KEY.items()}
CRASH_KEYS = (STATUS_KEY[RunStatus.RE], STATUS_KEY[RunStatus.MLE], STATUS_KEY[RunStatus.OLE])


@dataclass
class MatrixArrays:
    """See the module docstring. `outputs[j]` lists input j's distinct output hashes by first appearance."""

    candidates: list[str]
    input_ids: list[str]
    keys: np.ndarray  # int32, (candidates, inputs)
    times: np.ndarray  # float64, (candidates, inputs)
    outputs: list[list[str]]
    row: dict[str, int] = field(init=False)
    column: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.row = {cid: i for i, cid in enumerate(self.candidates)}
        self.column = {sha: j for j, sha in enumerate(self.input_ids)}

    def columns(self, input_ids: Sequence[str]) -> np.ndarray:
        return np.array([self.column[sha] for sha in input_ids], dtype=np.intp)

    def run(self, i: int, j: int) -> Run | None:
        key = int(self.keys[i, j])
        if key == KEY_MISSING:
            return None
        time_s = float(self.times[i, j])
        if key >= 0:
            return Run(status=RunStatus.OK, output=self.outputs[j][key], time_s=time_s)
        if key == KEY_OK_NO_OUTPUT:
            return Run(status=RunStatus.OK, output=None, time_s=time_s)
        return Run(status=KEY_STATUS[key], time_s=time_s)

    def cell_string(self, j: int, key: int) -> str:
        """The behaviour string clusters.py hashes for this cell (as `_run_key` does for a `Run`)."""
        if key >= 0:
            return self.outputs[j][key]
        if key == KEY_OK_NO_OUTPUT:
            return ""
        if key == KEY_MISSING:
            return "missing"
        return KEY_STATUS[key].value

    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.times.nbytes)


class RunsView(Mapping[str, Run]):
    """One row of a MatrixArrays as `CandidateExecution.generated`: input id -> Run, made on access."""

    __slots__ = ("_arrays", "_row")

    def __init__(self, arrays: MatrixArrays, row: int) -> None:
        self._arrays = arrays
        self._row = row

    def __getitem__(self, input_id: str) -> Run:
        j = self._arrays.column.get(input_id)
        run = self._arrays.run(self._row, j) if j is not None else None
        if run is None:
            raise KeyError(input_id)
        return run

    def __iter__(self) -> Iterator[str]:
        present = np.flatnonzero(self._arrays.keys[self._row] != KEY_MISSING)
        return (self._arrays.input_ids[j] for j in present.tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._arrays.keys[self._row] != KEY_MISSING))


class ArrayBuilder:
    """Fills a MatrixArrays cell by cell or row by row; safe to call from the judge's worker threads."""

    def __init__(self, candidates: Sequence[str], input_ids: Sequence[str]) -> None:
        self.candidates = list(candidates)
        self.input_ids = list(input_ids)
        self.keys = np.full((len(self.candidates), len(self.input_ids)), KEY_MISSING, dtype=np.int32)
        self.times = np.zeros((len(self.candidates), len(self.input_ids)), dtype=np.float64)
        self.column_of = {sha: j for j, sha in enumerate(self.input_ids)}
        self._tables: list[dict[str, int]] = [{} for _ in self.input_ids]
        self._lock = threading.Lock()

    def key(self, j: int, status: RunStatus, output: str | None) -> int:
        if status != RunStatus.OK:
            return STATUS_KEY[status]
        if output is None:
            return KEY_OK_NO_OUTPUT
        table = self._tables[j]
        with self._lock:
            return table.setdefault(output, len(table))

    def set(self, i: int, j: int, status: RunStatus, output: str | None, time_s: float) -> None:
        self.keys[i, j] = self.key(j, status, output)
        self.times[i, j] = time_s

    def copy_row(self, source: int, target: int) -> None:
        """A duplicate program shares its representative's runs: same row, no rerun."""
        self.keys[target] = self.keys[source]
        self.times[target] = self.times[source]

    def finish(self) -> MatrixArrays:
        outputs = [list(table) for table in self._tables]  # dicts keep insertion order = index order
        return MatrixArrays(self.candidates, self.input_ids, self.keys, self.times, outputs)


def from_executions(executions: Mapping[str, CandidateExecution], input_ids: Sequence[str]) -> MatrixArrays:
    builder = ArrayBuilder(list(executions), input_ids)
    for i, execution in enumerate(executions.values()):
        generated = execution.generated
        for j, sha in enumerate(builder.input_ids):
            run = generated.get(sha)
            if run is not None:
                builder.set(i, j, run.status, run.output, run.time_s)
    return builder.finish()


def input_order(inputs: GeneratedInputs) -> list[str]:
    """The columns: every kept input once, in order of first appearance over the subtasks."""
    return list(dict.fromkeys(sha for shas in inputs.per_subtask.values() for sha in shas))


def attach(matrix: ExecutionMatrix, arrays: MatrixArrays) -> None:
    """Make `arrays` the matrix's array form (they must describe its executions, in its order)."""
    matrix._arrays = arrays


def matrix_arrays(matrix: ExecutionMatrix, input_ids: Sequence[str]) -> MatrixArrays:
    """The matrix's arrays covering `input_ids`: the attached ones, else built from the executions once."""
    arrays: MatrixArrays | None = matrix._arrays
    if (
        arrays is not None
        and arrays.candidates == list(matrix.executions)
        and set(input_ids) <= arrays.column.keys()
    ):
        return arrays
    ids = list(dict.fromkeys([*(arrays.input_ids if arrays is not None else []), *input_ids]))
    arrays = from_executions(matrix.executions, ids)
    matrix._arrays = arrays
    return arrays


def matrix_from_arrays(
    problem: str, time_limit_s: float, heads: Sequence[CandidateExecution], arrays: MatrixArrays
) -> ExecutionMatrix:
    """An ExecutionMatrix whose runs live in `arrays` only: `heads` give each row's compile result and public
    results (their `generated` is ignored), in the arrays' row order. No Run is made until one is read."""
    executions = {
        h.candidate: CandidateExecution.model_construct(
            candidate=h.candidate,
            compiled=h.compiled,
            compile_message=h.compile_message,
            public=h.public,
            generated=RunsView(arrays, i),
        )
        for i, h in enumerate(heads)
    }
    matrix = ExecutionMatrix.model_construct(
        problem=problem, time_limit_s=time_limit_s, executions=executions
    )
    attach(matrix, arrays)
    return matrix
