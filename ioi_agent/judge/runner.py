"""The judge: compile once per source, run tests per subtask with early stop, reuse every known result.

Work is split into chains, one per (submission, subtask), executed by one thread per box: a chain runs
its tests in order and stops at the first failure when the subtask says so. A test shared by several
subtasks (or submitted twice) is run once: results are keyed by program, test content, limits and
checker, kept in memory while running and in the SQLite store for good.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from ioi_agent.cluster.connect import cluster_address
from ioi_agent.errors import IoiAgentError
from ioi_agent.judge import aggregate, languages
from ioi_agent.judge.compile import CompiledProgram, Compiler
from ioi_agent.judge.kattis_grader import run_grader
from ioi_agent.judge.results import JudgeReport, SubmissionResult, TestResult
from ioi_agent.judge.store import ResultStore, StoredOutcome
from ioi_agent.judge.strategies import Strategy, strategy_for
from ioi_agent.judge.transient import CpuWindow, storable
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Group, Problem, Subtask, TaskType, TestCase
from ioi_agent.sandbox import SandboxPool, Watch, cache_root, choose_backend, file_digest
from ioi_agent.scoring import ioi

if TYPE_CHECKING:
    from ioi_agent.cluster.remote_judge import RemoteJudging

JUDGE_VERSION = "judge-v2"  # v2: batch outcomes carry the output hash (extra["output_sha256"])
DEFAULT_NPROC = 16
RERUN_TLE_WITHIN = 1.1  # a TLE with CPU time up to this × the limit is judged twice before it is stored
MEASURING_LIMIT_S = 60.0  # the accepted programs' limit while a Kattis limit is derived from them
MAX_SERIES = 16  # the most tests of one chain sent to a box in one exchange
SERIES_TIME_S = 1.0  # ... and about the most CPU time such a series may take, judging by the last runs
Progress = Callable[[int], None]  # called with the number of tests just finished


class Judge:
    def __init__(
        self,
        problem: Problem,
        sandbox: str = "auto",
        jobs: int | None = None,
        time_limit: float | None = None,
        store: ResultStore | None = None,
        use_pch: bool = True,
        nproc: int | None = None,
        staging: str = "contestant",
        cluster: str | None = None,
    ):
        """`nproc`: processes and threads a run may have (default: the package's, e.g. 1 for CMS, else
        DEFAULT_NPROC); `staging`: the trust level whose staging folder holds the inputs ("grader" for the
        official grader's hidden tests: never staged where a policy-side judge's boxes look); `cluster`:
        the address of a Ray cluster whose nodes compile and run (ioi_agent.cluster; None: the one
        $IOI_AGENT_RAY_ADDRESS names, else none; "": none), everything else staying here."""
        self.problem = problem
        self.cache = cache_root()
        self.store = store or ResultStore(self.cache / "results.sqlite")
        self.nproc = nproc or problem.limits.processes or DEFAULT_NPROC
        self.strategy: Strategy = strategy_for(problem)
        self._inflight: dict[str, Future[StoredOutcome]] = {}
        self._checker_memo: tuple[tuple, str] | None = None
        self._languages: dict[Path, str] | None = None
        self._inflight_lock = threading.Lock()
        self.remote: RemoteJudging | None = None
        self.node_startup_s: dict[str, float] = {}  # on a cluster: per node, seconds to a warm worker
        address = cluster_address(cluster)
        if address is None:
            self.backend, self.sandbox_message = choose_backend(sandbox)
            self.jobs = max(1, jobs or os.cpu_count() or 1)
            memory_cap = max(4096, 2 * problem.limits.memory_mb * max(1, problem.num_processes) + 512)
            # A Communication test takes one box per contestant process.
            boxes = max(self.jobs, problem.num_processes)
            self.pool = SandboxPool(
                self.backend, boxes, memory_cap_mb=memory_cap, cache=self.cache, staging=staging
            )
            self.compiler = Compiler(self.pool, use_pch=use_pch)
        else:
            from ioi_agent.cluster.remote_judge import RemoteJudging  # Ray is imported only here

            self.remote = RemoteJudging(address, self, sandbox=sandbox, use_pch=use_pch, staging=staging)
            self.strategy = self.remote.strategy
            self.jobs = self.remote.slots  # one thread per call in flight: the fleet's backpressure
            self.sandbox_message = self.remote.message
            self.pool = self.remote.files
        try:
            self.time_limit = self._resolve_time_limit(time_limit)
            if self.remote is not None:
                self.node_startup_s = self.remote.warm()
        except BaseException:
            self.close()  # the boxes (or the cluster's workers) were started already: do not leave them
            raise

    # --- limits ---------------------------------------------------------------------------------

    def _resolve_time_limit(self, override: float | None) -> float:
        """Explicit limit, else Kattis's derivation from accepted submissions, else --time-limit.

        Kattis (problemtools): every submission in submissions/accepted/ that compiles, whatever its
        language and its verdict, is run with a generous limit; the slowest one's running time (its
        slowest test) × time_multiplier, rounded up to whole seconds, at least 1 s, is the limit."""
        limits = self.problem.limits
        if limits.time_s is not None:
            return limits.time_s
        accepted = [s.path for s in self.problem.submissions if s.label == "accepted"]
        if accepted:
            self.time_limit = MEASURING_LIMIT_S  # generous while measuring the accepted programs
            results = self.judge_sources(accepted)
            slowest = max((r.max_time_s for r in results if r.compile.ok), default=None)
            if slowest is not None:
                derived = max(1.0, float(math.ceil(slowest * limits.time_multiplier)))
                limits.time_source = (
                    f"slowest accepted submission {slowest:.2f} s × {limits.time_multiplier:g}"
                )
                return derived
        if override is not None:
            limits.time_source = "--time-limit"
            return override
        raise IoiAgentError(
            f"{self.problem.root}: no time limit: give limits.time_limit in problem.yaml, a .timelimit file, "
            "accepted submissions in submissions/accepted/, or --time-limit SECONDS"
        )

    def limits_key(self) -> str:
        lim = self.problem.limits
        return f"{self.time_limit}|{lim.memory_mb}|{lim.output_mb}|{self.nproc}"

    def checker_key(self) -> str:
        c = self.problem.checker
        sources = [*c.sources, *self.problem.manager_sources]
        # Computed per test: reuse it while the sources are unchanged (a testlib checker is ~200 KB).
        stamp = tuple((st.st_mtime_ns, st.st_size) for st in (src.stat() for src in sources))
        memo = self._checker_memo
        if memo is not None and memo[0] == stamp:
            return memo[1]
        h = hashlib.sha256(c.model_dump_json(exclude={"sources"}).encode())
        for src in sources:
            h.update(src.read_bytes())
        p = self.problem
        # Everything of the task type that changes how a test runs: file I/O names, FIFO style.
        h.update(
            f"{p.task_type}|{p.num_processes}|{p.validation_passes}|{p.input_file}|{p.output_file}|"
            f"{getattr(p, 'user_io', '')}".encode()
        )
        key = h.hexdigest()[:16]
        self._checker_memo = (stamp, key)
        return key

    # --- running --------------------------------------------------------------------------------

    def compile(self, source: Path, language: str | None = None) -> CompiledProgram:
        """`language`: a languages.py key (a cluster node gets the driver's); None: `language_of`."""
        whole = self.problem.task_type in (TaskType.OUTPUT_ONLY, TaskType.TWO_STEPS)
        lang = None if whole else languages.get(language) if language else self.language_of(source)
        if isinstance(lang, str):
            return CompiledProgram(
                key=file_or_dir_digest(source), language="", ok=False, message=lang, not_judged=lang
            )
        if self.remote is not None:
            return self.remote.compile(source, lang.key if lang else "")
        if self.problem.task_type == TaskType.OUTPUT_ONLY:
            ok = source.is_dir()
            return CompiledProgram(
                key=file_or_dir_digest(source),
                language="output",
                ok=ok,
                argv=[str(source)],
                message="" if ok else "an output-only submission is a folder of output files",
            )
        if self.problem.task_type == TaskType.TWO_STEPS or lang is None:
            return self._compile_two_steps(source)
        graders = self.problem.grader_files.get(lang.family, [])
        if self.problem.task_type == TaskType.COMMUNICATION and lang.family == "cpp":
            name = (
                f"{self.problem.name}.cpp"  # CMS compiles the contestant's file as <task>.cpp beside the stub
            )
        else:
            name = None
        return self.compiler.compile(source, graders, name=name, language=lang.key)

    def language_of(self, source: Path) -> languages.Language | str:
        """The language a source is judged in: the package's word for its own submissions (Polygon's
        source type, a Kattis suffix), else the format's default for the suffix; a str (the reason) when
        it cannot be judged here."""
        if self._languages is None:
            self._languages = {s.path.resolve(): s.language for s in self.problem.submissions}
        return languages.resolve(self.problem.format, self._languages.get(source.resolve(), ""), source)

    def _compile_two_steps(self, source: Path) -> CompiledProgram:
        """TwoSteps: the submission's files (a folder of them, as CMS takes two, or one file) compiled
        together with the package's manager and headers, under their own names."""
        files = sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source]
        units = [p for p in files if p.suffix.lower() in (".cpp", ".cc", ".cxx", ".c", ".py")]
        if not units:
            return CompiledProgram(
                key=file_or_dir_digest(source),
                language="cpp",
                ok=False,
                message="a TwoSteps submission is a source file or a folder of them",
            )
        lang = languages.by_suffix(units[0])
        extra = [p for p in files if p != units[0]] + self.problem.grader_files.get(lang.family, [])
        return self.compiler.compile(units[0], extra, name=units[0].name, language=lang.key)

    def _key(self, program: CompiledProgram, test: TestCase) -> str:
        answer = file_digest(test.answer) if test.answer else "-"
        flags = " ".join(test.validator_flags)  # a group's validator flags can change the verdict
        return hashlib.sha256(
            f"{JUDGE_VERSION}|{program.key}|{file_digest(test.input)}|{answer}|{flags}|{self.limits_key()}|{self.checker_key()}".encode()
        ).hexdigest()

    def test_outcome(self, program: CompiledProgram, test_name: str) -> tuple[StoredOutcome, bool]:
        """The outcome of one test, from the store when known; returns (outcome, was_cached)."""
        test = self.problem.tests[test_name]
        key = self._key(program, test)
        while True:
            stored = self.store.get(key)
            if stored is not None:
                return stored, True
            with self._inflight_lock:
                future = self._inflight.get(key)
                owner = future is None
                if owner:
                    future = Future()
                    self._inflight[key] = future
            if owner:
                return self._run_claimed(program, [test], [key], [future])[0], False
            try:
                return future.result(), True
            except _NotRun:
                continue  # its series stopped before it: run it here

    def _series_outcomes(
        self, program: CompiledProgram, names: Sequence[str]
    ) -> list[tuple[StoredOutcome, bool]]:
        """Outcomes of a prefix of `names` (at least the first), the tests nobody judged yet run in one
        exchange with a box (`Strategy.run_tests`)."""
        tests = [self.problem.tests[n] for n in names]
        keys = []
        for test in tests:
            key = self._key(program, test)
            stored = self.store.get(key)
            if stored is not None:
                if not keys:
                    return [(stored, True)]
                break
            keys.append(key)
        futures: list[Future[StoredOutcome]] = []
        with self._inflight_lock:
            for key in keys:
                if key in self._inflight:  # another chain runs it (or it comes twice here): stop before
                    break
                futures.append(Future())
                self._inflight[key] = futures[-1]
        if not futures:
            return [self.test_outcome(program, names[0])]
        count = len(futures)
        outcomes = self._run_claimed(program, tests[:count], keys[:count], futures)
        return [(outcome, False) for outcome in outcomes]

    def _run_claimed(
        self,
        program: CompiledProgram,
        tests: list[TestCase],
        keys: list[str],
        futures: list[Future[StoredOutcome]],
    ) -> list[StoredOutcome]:
        """Run the tests this thread claimed (their futures in `_inflight`), store and publish their
        outcomes; those a series did not reach are released for others to run."""
        try:
            window = CpuWindow()
            with self.pool.watch() if self.remote is None else nullcontext(Watch()) as watch:
                if len(tests) == 1:
                    outcomes = [self.strategy.run_test(self, program, tests[0])]
                else:
                    outcomes = self.strategy.run_tests(self, program, tests)
                done = []
                for test, key, future, outcome in zip(tests, keys, futures, outcomes, strict=False):
                    if (
                        outcome.verdict == Verdict.TLE
                        and outcome.time_s <= RERUN_TLE_WITHIN * self.time_limit
                    ):
                        # Near the limit, or stopped by the wall clock with CPU to spare: a busy machine
                        # can do that to a program that fits. Run it once more, keep the second answer.
                        outcome = self.strategy.run_test(self, program, test)
                    # Only facts about the program: no judge error, nothing got across a failed box,
                    # no wall-clock TLE of an overloaded machine (judge/transient.py).
                    if storable(outcome, self.time_limit, watch.failed, window.busy()):
                        self.store.put(key, outcome)
                    future.set_result(outcome)
                    done.append(outcome)
            return done
        except BaseException as exc:
            for future in futures:
                if not future.done():
                    future.set_exception(exc)
            raise
        finally:
            for future in futures:
                if not future.done():
                    future.set_exception(_NotRun())
            with self._inflight_lock:
                for key in keys:
                    self._inflight.pop(key, None)

    def run_subtask(
        self,
        program: CompiledProgram,
        subtask: Subtask,
        progress: Progress | None,
        cancel: threading.Event | None = None,
    ) -> list[TestResult]:
        out = []
        names = subtask.tests
        series = self.strategy.series(self)
        # Tests go to the box one at a time first, then in series of growing length while they pass:
        # a failing chain wastes few runs, a passing one pays one exchange for many tests.
        i, size = 0, 1
        while i < len(names):
            if cancel is not None and cancel.is_set():
                break  # the caller is unwinding; this partial list is never aggregated
            if size > 1 and series:
                got = self._series_outcomes(program, names[i : i + size])
            else:
                got = [self.test_outcome(program, names[i])]
            for name, (outcome, cached) in zip(names[i:], got, strict=False):
                out.append(
                    TestResult(
                        test=name,
                        verdict=outcome.verdict,
                        score=outcome.score,
                        time_s=outcome.time_s,
                        memory_mb=outcome.memory_mb,
                        message=outcome.message,
                        cached=cached,
                    )
                )
                if progress:
                    progress(1)
                if subtask.stop_on_failure and (outcome.verdict != Verdict.AC or outcome.score <= 0):
                    return out
            i += len(got)
            # Longer only while the runs are short: an interrupted judge waits for the series it sent.
            slowest = max(outcome.time_s for outcome, _ in got)
            size = min(2 * size, MAX_SERIES, max(1, int(SERIES_TIME_S / max(slowest, 1e-3))))
        return out

    def judge_sources(
        self, sources: Sequence[Path], progress: Progress | None = None
    ) -> list[SubmissionResult]:
        for src in sources:
            if not src.exists():
                raise IoiAgentError(f"{src}: no such file")
        cancel = threading.Event()  # per call: another caller's interruption must not cut this one short
        try:
            with ThreadPoolExecutor(self.jobs) as pool:
                try:
                    return self._judge_in(pool, sources, progress, cancel)
                except BaseException as exc:
                    # Ctrl-C (or any failure): drop the queued tests instead of draining the queue first.
                    cancel.set()
                    pool.shutdown(wait=False, cancel_futures=True)
                    if isinstance(exc, KeyboardInterrupt) and self.remote is None:
                        # ^C or SIGTERM (cli.main): stop the tests running now too, or leaving this block
                        # would wait for them up to their wall clock. The judge is then only good for
                        # close().
                        self.pool.abort()
                    raise
        finally:
            self.store.flush()  # results are committed in groups: once the pool is done, none waits

    def _judge_in(
        self,
        pool: ThreadPoolExecutor,
        sources: Sequence[Path],
        progress: Progress | None,
        cancel: threading.Event,
    ) -> list[SubmissionResult]:
        programs = list(pool.map(self.compile, sources))
        chains = {
            (i, st.name): pool.submit(self.run_subtask, prog, st, progress, cancel)
            for i, prog in enumerate(programs)
            if prog.ok
            for st in self.problem.subtasks
        }
        results = []
        for i, (src, prog) in enumerate(zip(sources, programs, strict=True)):
            if not prog.ok:
                results.append(aggregate.compile_error(self.problem, src, prog))
                continue
            per_subtask = {name: chains[(i, name)].result() for (j, name) in chains if j == i}
            results.append(self._aggregate(src, prog, per_subtask))
        return results

    def judge(self, sources: Sequence[Path], progress: Progress | None = None) -> JudgeReport:
        results = self.judge_sources(sources, progress)
        task = ioi.task_score(
            [r.subtask_scores() for r in results],
            [s.name for s in self.problem.subtasks],
            self.score_precision(),
        )
        return JudgeReport(
            problem=self.problem.name, max_score=self.problem.max_score, task_score=task, submissions=results
        )

    def tests_to_run(self, n_sources: int) -> int:
        return n_sources * sum(len(s.tests) for s in self.problem.subtasks)

    # --- aggregation (ioi_agent.judge.aggregate) -----------------------------------------------

    def _run_grader(self, group: Group, lines: list[tuple[str, float]]) -> tuple[str, float, str]:
        """A Kattis group's custom grader, run with this judge's cache."""
        return run_grader(group.grader, group.grader_flags, lines, self.cache)

    def _subtask_score(self, subtask: Subtask, tests: list[TestResult]) -> float:
        return aggregate.subtask_score(self.problem, subtask, tests, self._run_grader)

    def score_precision(self) -> int | None:
        """CMS's score_precision of the task (decimals of the scores it shows); None: no rounding."""
        return aggregate.score_precision(self.problem)

    def _aggregate(
        self, src: Path, prog: CompiledProgram, per_subtask: dict[str, list[TestResult]]
    ) -> SubmissionResult:
        return aggregate.aggregate(self.problem, src, prog, per_subtask, self._run_grader)

    def close(self) -> None:
        try:
            self.store.flush()
        finally:
            if self.remote is not None:
                self.remote.close()
            else:
                self.pool.close()

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _NotRun(Exception):
    """A claimed test its series stopped before (after a failed run): whoever waits for it runs it."""


def file_or_dir_digest(path: Path) -> str:
    h = hashlib.sha256(b"output-only")
    files = (
        sorted(p for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else [path]
        if path.exists()
        else []
    )
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:32]
