"""Batch scoring: every candidate of a pool, on every problem package under a folder, on the full tests.

For each problem (a package folder; its name is the folder name, which must match the pool records'
`problem`), every candidate is judged twice over: on the public examples (`Problem.samples`, the public
filter of AlphaCode) and on the subtasks (the hidden tests). The judge's SQLite store keys every test
outcome by program, test, limits and checker, so a run that is killed and started again re-judges nothing
it had finished: compiled programs come from the compile cache and finished tests from the store.

Per problem: candidates, compiled, public-example passes, fully solved count, pass@1/10/100 (where k <= the
number of candidates; "correct" = full points), n@k for n in {1, 10} and k = the number of candidates
(bootstrap, `ioi_agent.scoring.passk.n_at_k_bootstrap`, public filter then random choice: no clusters,
since batch scoring generates no inputs), and IOI points: the task score of all candidates together (the
pool's maximum, CMS's best-per-subtask rule), the best single candidate's score and the mean candidate
score. A candidate without a program (status `no_code`/`truncated`) counts as a candidate that did not
compile. Totals add the points and average the rates over the problems where they are defined.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, Field
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ioi_agent.errors import IoiAgentError, SandboxError
from ioi_agent.generation.pool import PoolRecord, RecordKind, iter_records
from ioi_agent.generation.replay import SUBMISSIONS, replay_records
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.labels import SCORE_EPS
from ioi_agent.judge.results import SubmissionResult, TestResult
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.runner import Progress as JudgeProgress
from ioi_agent.judge.store import ResultStore
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from ioi_agent.packages.model import Problem, Subtask
from ioi_agent.packages.sources import MARKERS, is_package_dir
from ioi_agent.sandbox import cache_root
from ioi_agent.scoring import ioi
from ioi_agent.scoring.passk import n_at_k_bootstrap, pass_at_k_table
from ioi_agent.selection.candidates import to_candidate
from ioi_agent.selection.model import Candidate

PASS_KS = (1, 10, 100)
N_SUBMISSIONS = (1, 10)  # n of n@k; k is the number of candidates of the problem
SUFFIX_BY_LANGUAGE = {"cpp": ".cpp", "c": ".c", "python": ".py"}
Tick = Callable[[int], None]


# --- result models ------------------------------------------------------------------------------------


class CandidateScore(BaseModel):
    id: str
    label: str | None = None  # replayed programs: their submissions/ folder
    language: str
    compiled: bool
    public_ok: bool  # compiled and passed every public example (the AlphaCode filter)
    verdict: Verdict | None = None  # None: there was no program to judge
    score: float = 0.0
    subtask_scores: dict[str, float] | None = None  # None: did not compile (skipped by the task score)
    solved: bool = False  # full points on the hidden tests
    note: str = ""  # why it was not judged, or the first line of its compiler's message


class NAtK(BaseModel):
    n: int
    k: int
    mean: float
    stderr: float


class ProblemScore(BaseModel):
    problem: str
    root: str
    format: str = ""
    max_score: float = 0.0
    time_limit_s: float | None = None
    candidates: int = 0
    compiled: int = 0
    public_passed: int = 0
    solved: int = 0  # candidates with full points
    judge_errors: int = 0  # tests whose outcome is JE (not stored: the next run tries them again)
    tests_run: int = 0  # test outcomes computed in this run
    tests_cached: int = 0  # test outcomes reused (the store, or a test shared by subtasks)
    pass_at_k: dict[str, float] = Field(default_factory=dict)  # "pass@1" -> value (k <= candidates)
    n_at_k: dict[str, NAtK] = Field(default_factory=dict)  # "1@k", "10@k"
    points_pool: float = 0.0  # task score of all candidates together (best per subtask)
    points_best: float = 0.0  # best single candidate
    points_mean: float = 0.0  # mean over candidates (no program / not compiled = 0)
    subtask_points: dict[str, float] = Field(default_factory=dict)  # subtask -> its points, package order
    subtask_best: dict[str, float] = Field(default_factory=dict)  # subtask -> best score any candidate got
    elapsed_s: float = 0.0
    error: str | None = None  # the problem could not be scored (broken package, no time limit)
    note: str = ""  # e.g. "no candidates in the pool"
    details: list[CandidateScore] = Field(default_factory=list)


class ScoreTotals(BaseModel):
    problems: int = 0
    problems_scored: int = 0  # with at least one candidate and no error
    problems_failed: int = 0  # with an error
    problems_solved: int = 0  # the pool's task score is full points
    candidates: int = 0
    compiled: int = 0
    public_passed: int = 0
    solved_candidates: int = 0
    max_score: float = 0.0
    points_pool: float = 0.0
    points_best: float = 0.0
    points_mean: float = 0.0
    # Means over the problems where defined (pass@k: k <= candidates), with how many problems that is.
    pass_at_k: dict[str, float] = Field(default_factory=dict)
    pass_at_k_problems: dict[str, int] = Field(default_factory=dict)
    n_at_k: dict[str, float] = Field(default_factory=dict)
    n_at_k_problems: dict[str, int] = Field(default_factory=dict)
    tests_run: int = 0
    tests_cached: int = 0
    judge_errors: int = 0


class BatchScoreResult(BaseModel):
    problems_dir: str
    pool: str
    sandbox: str = ""
    jobs: int = 1
    store: str = ""
    resamples: int = 1000
    seed: int = 0
    ignored_pool_problems: list[str] = Field(default_factory=list)  # in the pool, not in the folder
    problems: list[ProblemScore]
    totals: ScoreTotals
    elapsed_s: float = 0.0


# --- finding problems and candidates ---------------------------------------------------------------


def find_packages(root: Path) -> list[Path]:
    """Every package folder (problem.yaml, problem.json or problem.xml) at or below `root`, not looking
    inside one."""
    if not root.is_dir():
        raise IoiAgentError(f"{root}: no such folder (fix: give a folder holding problem packages)")
    if is_package_dir(root):
        return [root]
    found: list[Path] = []
    visited: set[str] = set()
    # Links are followed (a problem set is often a folder of links to packages), each real folder once.
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        if any(m in files for m in MARKERS.values()):
            found.append(Path(folder))
            dirs[:] = []  # a package's own subfolders (data/, submissions/) are not packages
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
    if not found:
        raise IoiAgentError(
            f"{root}: no Kattis (problem.yaml), CMS (problem.json) or Polygon (problem.xml) package in this "
            "folder or below "
            "(fix: give the folder that holds the package folders)"
        )
    return sorted(found)


def _load_all(paths: Sequence[Path]) -> tuple[list[Problem], list[ProblemScore]]:
    problems: list[Problem] = []
    broken: list[ProblemScore] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            problem = load_problem(path)
        except IoiAgentError as exc:  # one broken package must not stop a run over hundreds
            broken.append(ProblemScore(problem=path.name, root=str(path), error=str(exc)))
            continue
        if problem.name in seen:
            raise IoiAgentError(
                f"{problem.root}: two packages are named {problem.name!r} (the other is {seen[problem.name]}); "
                "pool records are matched by folder name (fix: rename one of the folders)"
            )
        seen[problem.name] = problem.root
        problems.append(problem)
    return problems, broken


def _pool_candidates(
    pool: str, problems: Sequence[Problem], problems_dir: Path
) -> tuple[dict[str, list[Candidate]], list[str]]:
    """Candidates per problem name, and the problem names the pool holds that the folder does not."""
    names = {p.name for p in problems}
    path = Path(pool)
    if pool == SUBMISSIONS and not path.exists():
        records = replay_records(SUBMISSIONS, problems)
    elif path.is_file():
        records = iter_records(path)
    elif path.is_dir():
        raise IoiAgentError(
            f"{pool}: is a folder (fix: give a .jsonl pool written by `ioi-agent generate`, "
            "or the word submissions for each package's own submissions/)"
        )
    else:
        raise IoiAgentError(
            f"{pool}: no such pool file (fix: give a .jsonl pool written by `ioi-agent generate`, "
            "or the word submissions for each package's own submissions/)"
        )
    out: dict[str, list[Candidate]] = {name: [] for name in names}
    seen: set[tuple[str, str]] = set()
    ignored: set[str] = set()
    for record in records:
        if record.kind != RecordKind.CANDIDATE:
            continue
        if record.problem not in names:
            ignored.add(record.problem)
            continue
        candidate = _candidate(record)
        if (record.problem, candidate.id) in seen:  # one record copied twice into a file counts once
            continue
        seen.add((record.problem, candidate.id))
        out[record.problem].append(candidate)
    if not any(out.values()):
        if pool == SUBMISSIONS and not path.exists():
            raise IoiAgentError(
                f"{problems_dir}: no package under it ships programs in submissions/ "
                "(fix: give --pool a .jsonl pool written by `ioi-agent generate`)"
            )
        held = (
            f"it holds records of {', '.join(sorted(ignored)[:8])}" if ignored else "it holds no candidates"
        )
        raise IoiAgentError(
            f"{pool}: no candidate records for any of the {len(names)} problems under {problems_dir} "
            f"({held}; a record's problem must be its package's folder name) "
            "(fix: give the pool generated for these problems, or the folder that holds them)"
        )
    return out, sorted(ignored)


def _candidate(record: PoolRecord) -> Candidate:
    candidate = to_candidate(record)
    if record.source and record.label:
        # Replayed programs: name them by their file, which says more than a hash in a table.
        candidate = candidate.model_copy(update={"id": f"{candidate.id}:{Path(record.source).name}"})
    return candidate


# --- progress -------------------------------------------------------------------------------------------


class BatchProgress:
    """Tests done / total with an ETA: a rich bar on a terminal, a log line every `log_every_s` otherwise.

    A test counts as done when it ran, came from the store, or was skipped (a subtask stops at its first
    failure; a program that did not compile runs nothing), so the bar ends at the total."""

    def __init__(
        self, total: int, enabled: bool = True, stream: TextIO | None = None, log_every_s: float = 30.0
    ):
        self.total = total
        self.done = 0
        self.problem = ""
        self.started = time.monotonic()
        self._stream = stream or sys.stderr
        self._log_every_s = log_every_s
        self._last_log = self.started
        self._lock = threading.Lock()
        self._enabled = enabled and total > 0
        self._progress: Progress | None = None
        if self._enabled and self._stream.isatty():
            self._progress = Progress(
                TextColumn("scoring {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("tests"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self._stream),
                transient=False,
            )
            self._task = self._progress.add_task("", total=total)
            self._progress.start()

    def eta_s(self) -> float | None:
        elapsed = time.monotonic() - self.started
        if self.done <= 0:
            return None
        return elapsed / self.done * max(0, self.total - self.done)

    def line(self) -> str:
        eta = self.eta_s()
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (
            f"scoring: {self.done}/{self.total} tests ({pct:.0f}%), {self.problem}, "
            f"elapsed {_clock(time.monotonic() - self.started)}, ETA {_clock(eta) if eta is not None else '?'}"
        )

    def set_problem(self, name: str) -> None:
        self.problem = name
        if self._progress is not None:
            self._progress.update(self._task, description=name)

    def advance(self, n: int) -> None:
        if n <= 0:
            return
        with self._lock:
            self.done += n
            if self._progress is not None:
                self._progress.update(self._task, advance=n)
            elif self._enabled and time.monotonic() - self._last_log >= self._log_every_s:
                self._last_log = time.monotonic()
                print(self.line(), file=self._stream, flush=True)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        elif self._enabled:
            print(self.line(), file=self._stream, flush=True)


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


# --- judging --------------------------------------------------------------------------------------------


class _CountingJudge(Judge):
    """A Judge whose progress also counts the tests a subtask skipped after its first failure."""

    def run_subtask(
        self,
        program: CompiledProgram,
        subtask: Subtask,
        progress: JudgeProgress | None,
        cancel: threading.Event | None = None,
    ) -> list[TestResult]:
        out = super().run_subtask(program, subtask, progress, cancel)
        if progress is not None and not (cancel is not None and cancel.is_set()):
            progress(len(subtask.tests) - len(out))
        return out


def tests_per_candidate(problem: Problem) -> int:
    return len(problem.samples) + sum(len(s.tests) for s in problem.subtasks)


def _judge_samples(judge: Judge, paths: Sequence[Path], tick: Tick) -> list[list[TestResult] | None]:
    """Each program on the public examples, stopping at its first failure; None: it did not compile."""
    samples = Subtask(name="samples", points=0.0, tests=list(judge.problem.samples), stop_on_failure=True)
    cancel = threading.Event()

    def one(path: Path) -> list[TestResult] | None:
        program: CompiledProgram = judge.compile(path)
        if not program.ok:
            tick(len(samples.tests))
            return None
        return judge.run_subtask(program, samples, tick, cancel)

    pool = ThreadPoolExecutor(judge.jobs)
    try:
        results = list(pool.map(one, paths))
    except BaseException:
        cancel.set()  # Ctrl-C: finish the tests already running, drop the queued ones
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _write_sources(folder: Path, candidates: Sequence[Candidate]) -> list[Path | None]:
    paths: list[Path | None] = []
    for i, cand in enumerate(candidates):
        suffix = SUFFIX_BY_LANGUAGE.get(cand.language)
        if not cand.ok or suffix is None:
            paths.append(None)
            continue
        path = folder / f"{i:06d}{suffix}"
        path.write_text(cand.code, encoding="utf-8", errors="surrogatepass")
        paths.append(path)
    return paths


def _unjudged(cand: Candidate) -> CandidateScore:
    if not cand.ok:
        note = "no program in the sample (no_code or truncated)"
    else:
        note = f"language {cand.language!r} is not judged (use cpp or python)"
    return CandidateScore(
        id=cand.id, label=cand.label, language=cand.language, compiled=False, public_ok=False, note=note
    )


def score_problem(
    problem: Problem,
    candidates: Sequence[Candidate],
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    time_limit: float | None = None,
    store: ResultStore | None = None,
    tick: Tick | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[ProblemScore, str]:
    """Judge one problem's candidates and compute its scores; returns (score, sandbox message)."""
    started = time.monotonic()
    tick = tick or (lambda n: None)
    base = ProblemScore(
        problem=problem.name,
        root=str(problem.root),
        format=problem.format,
        max_score=problem.max_score,
        candidates=len(candidates),
    )
    per_candidate = tests_per_candidate(problem)
    with tempfile.TemporaryDirectory(prefix="ioi-agent-score-") as tmp:
        paths = _write_sources(Path(tmp), candidates)
        tick(per_candidate * sum(p is None for p in paths))
        judged = [p for p in paths if p is not None]
        if not judged:  # nothing to run: do not start boxes (nor derive a time limit) for nothing
            base.note = "no candidates in the pool" if not candidates else "no candidate has a program"
            _fill_scores(base, [_unjudged(c) for c in candidates], problem, resamples, seed)
            base.elapsed_s = time.monotonic() - started
            return base, ""
        try:
            judge = _CountingJudge(problem, sandbox=sandbox, jobs=jobs, time_limit=time_limit, store=store)
        except SandboxError:
            raise  # the machine's sandbox, not this problem: stop the run
        except IoiAgentError as exc:
            tick(per_candidate * len(judged))
            base.error = str(exc)
            base.elapsed_s = time.monotonic() - started
            return base, ""
        with judge:
            base.time_limit_s = judge.time_limit
            public = _judge_samples(judge, judged, tick)
            hidden = judge.judge_sources(judged, progress=tick)
            hidden_tests = per_candidate - len(problem.samples)
            tick(hidden_tests * sum(not r.compile.ok for r in hidden))
            message = judge.sandbox_message
    results = iter(zip(public, hidden, strict=True))
    details = []
    for cand, path in zip(candidates, paths, strict=True):
        if path is None:
            details.append(_unjudged(cand))
            continue
        samples, result = next(results)
        details.append(_candidate_score(cand, samples, result, problem))
        _count_tests(base, samples or [], result)
    _fill_scores(base, details, problem, resamples, seed)
    base.elapsed_s = time.monotonic() - started
    return base, message


def _candidate_score(
    cand: Candidate, samples: list[TestResult] | None, result: SubmissionResult, problem: Problem
) -> CandidateScore:
    compiled = result.compile.ok
    # No public examples: the filter keeps every program that compiled.
    public_ok = (
        compiled
        and samples is not None
        and len(samples) == len(problem.samples)
        and all(t.verdict == Verdict.AC for t in samples)
    )
    note = "" if compiled else (result.compile.message.splitlines() or [""])[0][:200]
    return CandidateScore(
        id=cand.id,
        label=cand.label,
        language=cand.language,
        compiled=compiled,
        public_ok=public_ok,
        verdict=result.verdict,
        score=result.score,
        subtask_scores=result.subtask_scores(),
        solved=compiled and problem.max_score > 0 and result.score >= problem.max_score - SCORE_EPS,
        note=note,
    )


def _count_tests(base: ProblemScore, samples: list[TestResult], result: SubmissionResult) -> None:
    tests = [*samples, *(t for s in result.subtasks for t in s.tests)]
    base.tests_cached += sum(t.cached for t in tests)
    base.tests_run += sum(not t.cached for t in tests)
    base.judge_errors += sum(t.verdict == Verdict.JE for t in tests)


def _fill_scores(
    base: ProblemScore, details: list[CandidateScore], problem: Problem, resamples: int, seed: int
) -> None:
    n = len(details)
    base.details = details
    base.subtask_points = {st.name: st.points for st in problem.subtasks}
    base.subtask_best = {
        name: max((d.subtask_scores or {}).get(name, 0.0) for d in details) if details else 0.0
        for name in base.subtask_points
    }
    base.compiled = sum(d.compiled for d in details)
    base.public_passed = sum(d.public_ok for d in details)
    base.solved = sum(d.solved for d in details)
    if n == 0:
        return
    base.pass_at_k = pass_at_k_table(n, base.solved, PASS_KS)
    passes = [d.solved for d in details]
    filter_ok = [d.public_ok for d in details]
    for n_sub in N_SUBMISSIONS:
        mean, stderr = n_at_k_bootstrap(passes, filter_ok, None, n_sub, n, resamples=resamples, seed=seed)
        base.n_at_k[f"{n_sub}@k"] = NAtK(n=n_sub, k=n, mean=mean, stderr=stderr)
    names = [s.name for s in problem.subtasks]
    base.points_pool = round(ioi.task_score([d.subtask_scores for d in details], names), 6)
    base.points_best = max(d.score for d in details)
    base.points_mean = round(sum(d.score for d in details) / n, 6)


def summarize(problems: Sequence[ProblemScore]) -> ScoreTotals:
    totals = ScoreTotals(problems=len(problems))
    pass_values: dict[str, list[float]] = {}
    n_values: dict[str, list[float]] = {}
    for p in problems:
        totals.problems_failed += p.error is not None
        totals.max_score += p.max_score
        totals.tests_run += p.tests_run
        totals.tests_cached += p.tests_cached
        totals.judge_errors += p.judge_errors
        if p.error is not None or p.candidates == 0:
            continue
        totals.problems_scored += 1
        totals.problems_solved += p.max_score > 0 and p.points_pool >= p.max_score - SCORE_EPS
        totals.candidates += p.candidates
        totals.compiled += p.compiled
        totals.public_passed += p.public_passed
        totals.solved_candidates += p.solved
        totals.points_pool += p.points_pool
        totals.points_best += p.points_best
        totals.points_mean += p.points_mean
        for key, value in p.pass_at_k.items():
            pass_values.setdefault(key, []).append(value)
        for key, est in p.n_at_k.items():
            n_values.setdefault(key, []).append(est.mean)
    for key, values in pass_values.items():
        totals.pass_at_k[key] = sum(values) / len(values)
        totals.pass_at_k_problems[key] = len(values)
    for key, values in n_values.items():
        totals.n_at_k[key] = sum(values) / len(values)
        totals.n_at_k_problems[key] = len(values)
    totals.points_pool = round(totals.points_pool, 6)
    totals.points_best = round(totals.points_best, 6)
    totals.points_mean = round(totals.points_mean, 6)
    return totals


def score_batch(
    problems_dir: Path | str,
    pool: str,
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    time_limit: float | None = None,
    store_path: Path | None = None,
    progress: bool = True,
    stream: TextIO | None = None,
    log_every_s: float = 30.0,
    resamples: int = 1000,
    seed: int = 0,
) -> BatchScoreResult:
    """Score every candidate of `pool` on every package under `problems_dir` (see the module docstring).

    `pool`: a pool JSONL file, or the word `submissions` (each package's own submissions/ programs).
    Progress goes to `stream` (stderr by default). Resumable: finished tests are kept in the store
    (`store_path`, default the judge cache's results.sqlite) as soon as they are known."""
    started = time.monotonic()
    root = Path(problems_dir)
    problems, broken = _load_all(find_packages(root))
    if not problems:
        raise IoiAgentError(f"{root}: no package under it could be loaded; the first: {broken[0].error}")
    candidates, ignored = _pool_candidates(pool, problems, root)
    total = sum(tests_per_candidate(p) * len(candidates[p.name]) for p in problems)
    bar = BatchProgress(total, enabled=progress, stream=stream, log_every_s=log_every_s)
    store = ResultStore(store_path or cache_root() / "results.sqlite")
    scores: list[ProblemScore] = list(broken)
    message = ""
    try:
        for problem in problems:
            bar.set_problem(problem.name)
            score, said = score_problem(
                problem,
                candidates[problem.name],
                sandbox=sandbox,
                jobs=jobs,
                time_limit=time_limit,
                store=store,
                tick=bar.advance,
                resamples=resamples,
                seed=seed,
            )
            message = message or said
            scores.append(score)
    finally:
        bar.close()
        store.close()
    scores.sort(key=lambda s: s.problem)
    return BatchScoreResult(
        problems_dir=str(root),
        pool=pool,
        sandbox=message,
        jobs=max(1, jobs or os.cpu_count() or 1),
        store=str(store.path),
        resamples=resamples,
        seed=seed,
        ignored_pool_problems=ignored,
        problems=scores,
        totals=summarize(scores),
        elapsed_s=time.monotonic() - started,
    )
