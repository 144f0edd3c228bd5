"""The selection context of one problem: generated inputs, executions, clusters and features together.

`build_context` works on the PUBLIC view of a problem (`public_view`): only the samples are tests, and
each subtask's test list is cut down to the samples it names, as a contestant sees the task. What the
statement says about the structure of subtasks (which one strictly contains which) comes from the full
problem through `containment`, which compares test lists and never opens a test file.
"""

from __future__ import annotations

from pathlib import Path

from ioi_agent.judge.store import ResultStore
from ioi_agent.packages.model import Group, Problem
from ioi_agent.selection.clusters import cluster
from ioi_agent.selection.contenders import contender_sets
from ioi_agent.selection.features import compute_features
from ioi_agent.selection.matrix import Progress, build_matrix
from ioi_agent.selection.model import CandidatePool, SelectionContext
from ioi_agent.selection.testgen import generate_inputs


def _public_group(group: Group, samples: set[str]) -> Group:
    return group.model_copy(
        update={
            "tests": [t for t in group.tests if t in samples],
            "children": [_public_group(c, samples) for c in group.children],
            "items": [(kind, name) for kind, name in group.items if kind == "group" or name in samples],
        }
    )


def public_view(problem: Problem) -> Problem:
    """The problem as a contestant sees it: the samples are the only tests (a copy; reads no file).

    Shipped submissions stay (a replayed pool is made of them); their labels must never guide choices."""
    samples = set(problem.samples)
    return problem.model_copy(
        update={
            "tests": {name: test for name, test in problem.tests.items() if name in samples},
            "samples": [name for name in problem.samples if name in problem.tests],
            "subtasks": [
                st.model_copy(update={"tests": [t for t in st.tests if t in samples]})
                for st in problem.subtasks
            ],
            "groups": _public_group(problem.groups, samples) if problem.groups is not None else None,
            "limits": problem.limits.model_copy(),
        }
    )


def containment(problem: Problem) -> dict[str, list[str]]:
    """subtask -> the subtasks whose test set is a strict subset of its own (in package order).

    Tests are compared by their (resolved) input file path, so a Kattis group that links the tests of an
    earlier group contains it although the test names differ; the files themselves are not read."""

    def identity(name: str) -> str:
        test = problem.tests.get(name)
        return str(test.input) if test is not None else name

    sets = {st.name: frozenset(identity(t) for t in st.tests) for st in problem.subtasks}
    return {a: [b for b in sets if b != a and sets[b] and sets[b] < sets[a]] for a in sets}


def build_context(
    problem: Problem,
    pool: CandidatePool,
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    inputs_per_subtask: int = 256,
    work: Path,
    store: ResultStore | None = None,
    progress: Progress | None = None,
    contains: dict[str, list[str]] | None = None,
    time_limit: float | None = None,
    exhaustive: bool = False,
) -> SelectionContext:
    """Generate inputs, run the pool, cluster and compute features for `problem` (the public view).

    `contains` is `containment(full_problem)` (the structure the statement gives); `time_limit` applies
    only when the package gives none; `exhaustive` runs every program on every input (contenders.py: the
    same context, more runs)."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    inputs = generate_inputs(
        problem, pool, sandbox=sandbox, jobs=jobs, per_subtask=inputs_per_subtask, work=work
    )
    matrix = build_matrix(
        problem,
        pool,
        inputs,
        sandbox=sandbox,
        jobs=jobs,
        store=store,
        progress=progress,
        time_limit=time_limit,
        exhaustive=exhaustive,
    )
    sets = contender_sets(problem, matrix.executions, inputs)
    clusters = {st.name: cluster(matrix, inputs, st.name, sets.get(st.name)) for st in problem.subtasks}
    features = compute_features(problem, pool, inputs, matrix, clusters, sets)
    return SelectionContext(
        problem=problem.name,
        subtasks=[st.name for st in problem.subtasks],
        points={st.name: st.points for st in problem.subtasks},
        contains=contains or {},
        pool=pool,
        inputs=inputs,
        matrix=matrix,
        clusters=clusters,
        features=features,
        contenders=sets,
    )
