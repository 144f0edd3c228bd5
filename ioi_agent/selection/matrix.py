"""The execution matrix: every compiling candidate on the public examples and on every kept generated input.

Runs go through the judge (`Judge.compile`, `Judge.test_outcome`), so compilations and outcomes are
cached and a repeated or resumed build costs nothing. The judge sees a derived problem: the samples (with
their answers, checked by the problem's own checker) plus one answer-less test per generated input, whose
outcome is only how the run ended and the hash of its output (`extra["output_sha256"]`, batch problems).
Only batch problems (function-style ones included) get generated inputs: for the other task types the
output depends on a judge-side program, and only the public examples are run.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ioi_agent.judge.compile import LANGUAGES, CompiledProgram
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore, StoredOutcome
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Problem, Subtask, TaskType, TestCase
from ioi_agent.sandbox.base import BOX_BIN
from ioi_agent.selection.arrays import STATUS_KEY, ArrayBuilder, input_order, matrix_from_arrays
from ioi_agent.selection.contenders import MAX_TIMEOUTS, apply_timeout_rule, contender_sets, read_columns
from ioi_agent.selection.model import (
    Candidate,
    CandidateExecution,
    CandidatePool,
    ExecutionMatrix,
    GeneratedInputs,
    PublicResult,
    RunStatus,
)

GENERATED_PREFIX = "generated/"
SUFFIX = {"cpp": ".cpp", "c": ".c", "python": ".py"}
STATUS = {
    Verdict.AC: RunStatus.OK,
    Verdict.WA: RunStatus.OK,  # cannot happen without an answer; the run itself ended normally
    Verdict.TLE: RunStatus.TLE,
    Verdict.MLE: RunStatus.MLE,
    Verdict.OLE: RunStatus.OLE,
    Verdict.RE: RunStatus.RE,
}
Progress = Callable[[int], None]


def generated_ids(inputs: GeneratedInputs) -> list[str]:
    """Every kept input once, in order of first appearance over the subtasks (the arrays' columns)."""
    return input_order(inputs)


def matrix_problem(problem: Problem, inputs: GeneratedInputs) -> Problem:
    """The problem the judge runs: samples (subtask "public") and generated inputs (subtask "generated")."""
    samples = list(problem.samples)
    tests: dict[str, TestCase] = {name: problem.tests[name] for name in samples}
    subtasks = [Subtask(name="public", points=1.0, tests=samples, stop_on_failure=False)]
    if problem.task_type == TaskType.BATCH:
        folder = Path(inputs.folder)
        names = []
        for sha in generated_ids(inputs):
            name = GENERATED_PREFIX + sha
            tests[name] = TestCase(name=name, input=folder / f"{sha}.in", answer=None)
            names.append(name)
        subtasks.append(Subtask(name="generated", points=1.0, tests=names, stop_on_failure=False))
    return problem.model_copy(
        update={
            "tests": tests,
            "samples": samples,
            "subtasks": subtasks,
            "groups": None,
            "limits": problem.limits.model_copy(),  # the judge notes how it resolved the time limit here
        }
    )


def _write_source(folder: Path, candidate: Candidate) -> Path | None:
    suffix = SUFFIX.get(candidate.language)
    if suffix is None or suffix not in LANGUAGES:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{candidate.id}{suffix}"
    if not path.is_file() or path.read_text(encoding="utf-8", errors="surrogatepass") != candidate.code:
        path.write_text(candidate.code, encoding="utf-8", errors="surrogatepass")
    return path


def _run(outcome: StoredOutcome) -> tuple[RunStatus, str | None, float]:
    status = STATUS.get(outcome.verdict, RunStatus.JE)
    output = outcome.extra.get("output_sha256") if status == RunStatus.OK else None
    return status, output, outcome.time_s


def _public(outcome: StoredOutcome) -> PublicResult:
    return PublicResult(
        verdict=outcome.verdict,
        score=outcome.score,
        time_s=outcome.time_s,
        output=outcome.extra.get("output_sha256"),
    )


def build_matrix(
    problem: Problem,
    pool: CandidatePool,
    inputs: GeneratedInputs,
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    store: ResultStore | None = None,
    progress: Progress | None = None,
    time_limit: float | None = None,
    exhaustive: bool = False,
) -> ExecutionMatrix:
    """Run the pool on the public examples and the kept inputs; `problem` is the public view.

    Only the runs selection reads are made (contenders.py), unless `exhaustive`; either way the matrix's
    `runs` says how many were made of how many. `time_limit` is used only when the package gives none (as
    the judge's `--time-limit`)."""
    derived = matrix_problem(problem, inputs)
    sources = Path(inputs.folder).parent / "candidates"
    jobs = max(1, jobs or os.cpu_count() or 1)
    executions: dict[str, CandidateExecution] = {}
    paths: dict[str, Path] = {}
    for candidate in pool.candidates:
        path = _write_source(sources, candidate) if candidate.ok else None
        if path is None:
            why = (
                "no program in the sample"
                if not candidate.ok
                else f"unsupported language {candidate.language}"
            )
            executions[candidate.id] = CandidateExecution(
                candidate=candidate.id, compiled=False, compile_message=why
            )
        else:
            paths[candidate.id] = path
            executions[candidate.id] = CandidateExecution(candidate=candidate.id, compiled=False)
    # Runs go straight into arrays (one row per candidate, duplicates copied): no Run object per cell.
    builder = ArrayBuilder(list(executions), generated_ids(inputs))
    with Judge(derived, sandbox=sandbox, jobs=jobs, time_limit=time_limit, store=store) as judge:
        results, count = _execute(judge, problem, inputs, paths, progress, builder, exhaustive)
        time_limit_s = judge.time_limit
    for cid, (program, public) in results.items():
        executions[cid] = CandidateExecution(
            candidate=cid, compiled=program.ok, compile_message=program.message, public=public
        )
    matrix = matrix_from_arrays(problem.name, time_limit_s, list(executions.values()), builder.finish())
    matrix._runs = count
    return matrix


def prejudge(
    judge: Judge, problem: Problem, inputs: GeneratedInputs, candidates: list[Candidate]
) -> RunCount:
    """Run now what `build_matrix` will read of these candidates whatever the rest of the pool is: public
    examples, and the generated inputs of the subtasks whose examples they pass (pipeline.py, while the
    model still samples). The outcomes land in the judge's store, where `build_matrix` finds them;
    `judge` must be over `matrix_problem(problem, inputs)`."""
    sources = Path(inputs.folder).parent / "candidates"
    paths = {c.id: p for c in candidates if c.ok and (p := _write_source(sources, c)) is not None}
    builder = ArrayBuilder(list(paths), generated_ids(inputs))  # thrown away: the store keeps the runs
    _, count = _execute(judge, problem, inputs, paths, None, builder, exhaustive=False, fallback=False)
    return count


@dataclass(frozen=True)
class RunCount:
    """Sandbox runs a matrix needed (`executed`, cached ones included) and what running every distinct
    program on every public example and generated input takes (`exhaustive`)."""

    executed: int
    exhaustive: int
    programs: int  # distinct compiling programs (after dedup)
    candidates: int  # candidates with a program

    def describe(self) -> str:
        share = self.executed / self.exhaustive if self.exhaustive else 1.0
        return (
            f"{self.executed} sandbox runs of {self.exhaustive} exhaustive ({share:.0%}); "
            f"{self.programs} distinct programs of {self.candidates} candidates"
        )


RunResults = dict[str, tuple[CompiledProgram, dict[str, PublicResult]]]


def normalised_source(code: str) -> str:
    """A program's text up to what cannot change what it does: line ends, trailing spaces, blank lines."""
    lines = (line.rstrip() for line in code.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _source_groups(paths: dict[str, Path]) -> dict[str, list[str]]:
    """Candidates whose sources are the same once normalised, by the first of them (their representative)."""
    groups: dict[str, list[str]] = {}
    first: dict[tuple[str, str], str] = {}
    for cid, path in paths.items():
        text = normalised_source(path.read_text(encoding="utf-8", errors="surrogatepass"))
        rep = first.setdefault(
            (path.suffix, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()), cid
        )
        groups.setdefault(rep, []).append(cid)
    return groups


def _binary_digest(judge: Judge, program: CompiledProgram) -> str:
    """The content of what the program runs (its binary, or its script), or its key where unreadable:
    sources that differ only in names or layout often compile to the same binary."""
    box_path = next((a for a in reversed(program.argv) if a.startswith(BOX_BIN + "/")), None)
    if box_path is None:
        return program.key
    try:
        host = judge.pool.mounts.binaries / box_path.removeprefix(BOX_BIN + "/")
        with open(host, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return program.key


def _execute(
    judge: Judge,
    problem: Problem,
    inputs: GeneratedInputs,
    paths: dict[str, Path],
    progress: Progress | None,
    builder: ArrayBuilder,
    exhaustive: bool,
    fallback: bool = True,
) -> tuple[RunResults, RunCount]:
    """Compile every distinct candidate, then run in rounds: every distinct compiling program on the public
    examples, then each on the generated inputs selection reads of it (contenders.py), until its timeouts
    are used up; `exhaustive`: on every input, the same rules applied afterwards; `fallback=False`: only
    candidates passing public examples count as contenders (pipeline.py: judging part of a pool).

    Duplicates (the same normalised source, or the same binary) are compiled and run once and share the
    results: each keeps its own row, so duplicates still count in cluster sizes and agreements. Runs on
    generated inputs are written into `builder` (the row of the program's first candidate)."""
    samples = list(problem.samples)
    columns = list(range(len(builder.input_ids)))
    names = [GENERATED_PREFIX + sha for sha in builder.input_ids]
    row = {cid: i for i, cid in enumerate(builder.candidates)}
    tle = STATUS_KEY[RunStatus.TLE]
    cancel = threading.Event()

    def run_public(program: CompiledProgram) -> dict[str, PublicResult]:
        public: dict[str, PublicResult] = {}
        for name in samples:
            if cancel.is_set():
                break
            public[name] = _public(judge.test_outcome(program, name)[0])
            if progress:
                progress(1)
        return public

    def run_generated(program: CompiledProgram, i: int, reads: list[int]) -> int:
        """Runs the row's columns (all when exhaustive, else those read); returns how many it ran."""
        todo = columns if exhaustive else reads
        ran = timeouts = 0
        for j in todo:
            if cancel.is_set():
                break
            if not exhaustive and timeouts >= MAX_TIMEOUTS:
                builder.set(i, j, RunStatus.TLE, None, judge.time_limit)  # the timeout rule: not run
                continue
            status, output, time_s = _run(judge.test_outcome(program, names[j])[0])
            builder.set(i, j, status, output, time_s)
            timeouts += status == RunStatus.TLE
            ran += 1
            if progress:
                progress(1)
        if exhaustive:
            apply_timeout_rule(builder.keys, builder.times, i, reads, tle, judge.time_limit, MAX_TIMEOUTS)
        if progress:
            progress(len(columns) - ran)  # inputs not run count as done for the progress bar
        return ran

    with ThreadPoolExecutor(judge.jobs) as executor:
        try:
            groups = _source_groups(paths)
            reps = list(groups)
            compiled = dict(zip(reps, executor.map(judge.compile, [paths[r] for r in reps]), strict=True))
            by_binary: dict[str, str] = {}  # binary digest -> the representative whose runs it shares
            owner_of: dict[str, str] = {}
            for rep, program in compiled.items():
                owner = by_binary.setdefault(_binary_digest(judge, program), rep) if program.ok else rep
                for cid in groups[rep]:
                    owner_of[cid] = owner
            runners = [rep for rep in reps if compiled[rep].ok and owner_of[rep] == rep]
            # Round 1: the public examples, which say who the contenders are.
            publics = dict(
                zip(runners, executor.map(lambda r: run_public(compiled[r]), runners), strict=True)
            )
            heads = {
                cid: CandidateExecution(
                    candidate=cid,
                    compiled=compiled[rep].ok,
                    public=publics.get(owner_of[cid], {}) if compiled[rep].ok else {},
                )
                for rep, members in groups.items()
                for cid in members
            }
            heads = {cid: heads[cid] for cid in builder.candidates if cid in heads}  # pool order
            sets = contender_sets(problem, heads, inputs, fallback)
            reads = read_columns(sets, inputs, builder.column_of)
            owned: dict[str, set[int]] = {}
            for cid, cols in reads.items():
                owned.setdefault(owner_of[cid], set()).update(cols)
            # Round 2: the generated inputs read of each program.
            futures: dict[str, Future[int]] = {
                rep: executor.submit(run_generated, compiled[rep], row[rep], sorted(owned.get(rep, ())))
                for rep in runners
            }
            ran = sum(f.result() for f in futures.values())
            out: RunResults = {}
            for rep, members in groups.items():
                for cid in members:
                    owner = owner_of[cid]
                    if owner in futures and cid != owner:
                        builder.copy_row(row[owner], row[cid])
                    out[cid] = (compiled[rep], heads[cid].public)
            if progress:
                # Runs shared with a duplicate were not made: count them done for the progress bar.
                shared = sum(len(m) for r, m in groups.items() if compiled[r].ok) - len(futures)
                progress(shared * (len(samples) + len(columns)))
            count = RunCount(
                executed=len(runners) * len(samples) + ran,
                exhaustive=len(runners) * (len(samples) + len(columns)),
                programs=len(runners),
                candidates=len(paths),
            )
            return out, count
        except BaseException:
            # Ctrl-C or a failure: let the running tests finish, drop the queued ones (as the judge does).
            cancel.set()
            executor.shutdown(wait=False, cancel_futures=True)
            raise


def runs_planned(problem: Problem, pool: CandidatePool, inputs: GeneratedInputs) -> int:
    """How many runs `build_matrix` makes at most (for a progress bar): programs × (samples + inputs)."""
    derived = matrix_problem(problem, inputs)
    return sum(c.ok for c in pool.candidates) * sum(len(st.tests) for st in derived.subtasks)
