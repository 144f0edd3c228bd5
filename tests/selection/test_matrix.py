"""The execution matrix through the judge: public verdicts, run statuses and output hashes on generated
inputs, the judge's store reused on a second build, and public-only task types."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.judge.store import ResultStore
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import TaskType
from ioi_agent.selection.context import public_view
from ioi_agent.selection.matrix import build_matrix, matrix_problem, runs_planned
from ioi_agent.selection.model import GeneratedInputs, RunStatus
from ioi_agent.selection.testgen import generate_inputs
from tests.selection.kit import (
    CE,
    CORRECT,
    CORRECT_PY,
    CRASH,
    GEN_CYCLE,
    SPACEY,
    TLE,
    WRONG,
    digest,
    input_id,
    make_pool,
    make_problem,
    program,
)

SAMPLES = ["sample/1", "sample/2"]


@pytest.fixture(scope="module")
def problem(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return public_view(make_problem(tmp_path_factory.mktemp("p") / "tiny"))


def test_matrix_records_verdicts_statuses_and_hashes(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pool = make_pool(
        [
            program("correct", CORRECT),
            program("python", CORRECT_PY, language="python"),
            program("spacey", SPACEY),
            program("wrong", WRONG),
            program("crash", CRASH),
            program("tle", TLE),
            program("ce", CE),
            program("empty", "", ok=False),
        ],
        generators=[program("g", GEN_CYCLE)],
    )
    inputs = generate_inputs(problem, pool, sandbox="bwrap", jobs=2, per_subtask=4, work=tmp_path)
    store = ResultStore(tmp_path / "results.sqlite")
    ticks: list[int] = []
    matrix = build_matrix(
        problem, pool, inputs, sandbox="bwrap", jobs=2, store=store, progress=ticks.append, exhaustive=True
    )
    assert matrix.time_limit_s == pytest.approx(0.3)
    assert list(matrix.executions) == ["correct", "python", "spacey", "wrong", "crash", "tle", "ce", "empty"]
    ex = matrix.executions
    assert not ex["ce"].compiled and ex["ce"].compile_message and not ex["ce"].public
    assert not ex["empty"].compiled and ex["empty"].compile_message == "no program in the sample"
    assert sum(ticks) == runs_planned(problem, pool, inputs) - 6 == 6 * 6  # 6 compiling × (2 samples + 4)

    ns = (1, 51, 101, 151)
    for cid in ("correct", "python", "spacey"):
        assert {s: r.verdict for s, r in ex[cid].public.items()} == dict.fromkeys(SAMPLES, Verdict.AC)
        assert ex[cid].public["sample/2"].output == digest("240")
        assert {i: (r.status, r.output) for i, r in ex[cid].generated.items()} == {
            input_id(n): (RunStatus.OK, digest(str(2 * n))) for n in ns
        }
    assert ex["wrong"].public["sample/2"].verdict == Verdict.WA
    assert ex["wrong"].public["sample/2"].output == digest("241")
    assert ex["wrong"].generated[input_id(151)].output == digest("303")
    assert ex["crash"].public["sample/2"].verdict == Verdict.RE
    assert [ex["crash"].generated[input_id(n)].status for n in ns] == [RunStatus.OK] * 2 + [RunStatus.RE] * 2
    assert ex["crash"].generated[input_id(101)].output is None
    assert [ex["tle"].generated[input_id(n)].status for n in ns] == [RunStatus.OK] * 2 + [RunStatus.TLE] * 2
    assert ex["tle"].generated[input_id(101)].time_s >= 0.3

    # Again with the same store: nothing is run, the same matrix comes back.
    stored = store.count()
    again = build_matrix(problem, pool, inputs, sandbox="bwrap", jobs=2, store=store, exhaustive=True)
    assert store.count() == stored
    assert again == matrix
    # Round-based: the programs failing a public example (wrong, crash, tle) run on no generated input.
    rounds = build_matrix(problem, pool, inputs, sandbox="bwrap", jobs=2, store=store)
    assert (rounds._runs.executed, rounds._runs.exhaustive) == (6 * 2 + 3 * 4, 6 * 6)
    for cid in ("correct", "python", "spacey"):
        assert rounds.executions[cid] == matrix.executions[cid]
    assert all(not rounds.executions[cid].generated for cid in ("wrong", "crash", "tle"))


def test_public_examples_only_for_other_task_types(problem, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inputs = GeneratedInputs(folder=str(tmp_path), per_subtask={"group1": ["ab" * 32]})
    batch = matrix_problem(problem, inputs)
    assert [st.name for st in batch.subtasks] == ["public", "generated"]
    assert batch.tests[f"generated/{'ab' * 32}"].answer is None
    interactive = matrix_problem(problem.model_copy(update={"task_type": TaskType.INTERACTIVE}), inputs)
    assert list(interactive.tests) == SAMPLES and [st.name for st in interactive.subtasks] == ["public"]


def test_matrix_in_each_sandbox(problem, tmp_path: Path, sandbox_name: str) -> None:  # type: ignore[no-untyped-def]
    pool = make_pool([program("correct", CORRECT), program("wrong", WRONG)])
    inputs = generate_inputs(problem, pool, sandbox=sandbox_name, per_subtask=4, work=tmp_path)
    assert inputs.fallback
    matrix = build_matrix(
        problem, pool, inputs, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "r.sqlite")
    )
    verdicts = {cid: [r.verdict for r in e.public.values()] for cid, e in matrix.executions.items()}
    assert verdicts == {"correct": [Verdict.AC, Verdict.AC], "wrong": [Verdict.AC, Verdict.WA]}
    assert all(not e.generated for e in matrix.executions.values())


def test_a_program_that_keeps_timing_out_is_not_run_on_every_input(
    problem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from ioi_agent.selection import matrix as matrix_module

    monkeypatch.setattr(matrix_module, "MAX_TIMEOUTS", 1)
    pool = make_pool([program("tle", TLE)], generators=[program("g", GEN_CYCLE)])
    inputs = generate_inputs(problem, pool, sandbox="bwrap", jobs=2, per_subtask=4, work=tmp_path)
    store = ResultStore(tmp_path / "results.sqlite")
    ticks: list[int] = []
    matrix = build_matrix(problem, pool, inputs, sandbox="bwrap", jobs=1, store=store, progress=ticks.append)
    runs = matrix.executions["tle"].generated
    assert runs[input_id(101)].status == RunStatus.TLE  # the first timeout was run
    assert runs[input_id(151)].status == RunStatus.TLE  # the next one is predicted, not run
    assert runs[input_id(151)].time_s == matrix.time_limit_s
    assert store.count() == 2 + 3  # two samples and three inputs ran; the fourth did not
    assert sum(ticks) == runs_planned(problem, pool, inputs)  # the progress bar still ends full


def test_duplicates_run_once_and_keep_their_rows(problem, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Identical programs (the same source up to blank lines and trailing spaces, or the same binary after
    a rename) are compiled and run once; each keeps its own row, with the same results."""
    from ioi_agent.judge.runner import Judge

    renamed = CORRECT.replace("long long n;", "long long count;").replace(">> n", ">> count")
    renamed = renamed.replace("2 * n", "2 * count")
    assert " n" not in renamed.split("int main")[1]
    layout = CORRECT.replace("\n", "\n\n") + "   \n"
    pool = make_pool(
        [
            program("correct", CORRECT),
            program("copy", CORRECT),
            program("layout", layout),
            program("renamed", renamed),
            program("wrong", WRONG),
            program("wrong2", WRONG),
        ],
        generators=[program("g", GEN_CYCLE)],
    )
    inputs = generate_inputs(problem, pool, sandbox="bwrap", jobs=2, per_subtask=4, work=tmp_path)
    compiled: list[Path] = []
    ran: list[str] = []
    real_compile, real_outcome = Judge.compile, Judge.test_outcome
    monkeypatch.setattr(Judge, "compile", lambda self, src: compiled.append(src) or real_compile(self, src))
    monkeypatch.setattr(
        Judge, "test_outcome", lambda self, prog, name: ran.append(prog.key) or real_outcome(self, prog, name)
    )
    ticks: list[int] = []
    store = ResultStore(tmp_path / "results.sqlite")
    matrix = build_matrix(problem, pool, inputs, sandbox="bwrap", jobs=2, store=store, progress=ticks.append)
    assert sorted(p.stem for p in compiled) == ["correct", "renamed", "wrong"]
    # correct (= renamed's binary): 2 samples + 4 inputs; wrong fails a sample, so only the samples run.
    assert len(set(ran)) == 2 and len(ran) == 6 + 2
    assert matrix._runs.executed == 8 and matrix._runs.exhaustive == 2 * 6
    assert sum(ticks) == 6 * 6  # every row counts as done
    ex = matrix.executions
    for cid in ("copy", "layout", "renamed"):
        assert ex[cid].compiled and ex[cid].public == ex["correct"].public
        assert ex[cid].generated == ex["correct"].generated
    assert ex["wrong2"].generated == ex["wrong"].generated == {} != ex["correct"].generated
