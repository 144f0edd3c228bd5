"""The official grader: the only component that holds a problem's hidden tests.

It judges each submitted candidate on every hidden test, enforces the rules (at most `max_submissions`
submissions, at least `min_interval_s` contest seconds between two), answers only what the rules let a
contestant see, and records every submission:

- IOI rules: after each submission, the score of every subtask (CMS full feedback). The final score is the
  sum over subtasks of the best score that subtask got in any submission ("max subtask"); submissions
  that did not compile count against the cap but are skipped in scoring.
- Codeforces rules: after each submission, the verdict on the pretests and whether they all passed,
  nothing else. Pretests are the sample tests followed by the first ceil(25%) of each subtask's hidden
  tests in package order (deduplicated, so a test shared by two subtasks is one pretest); this is our
  fixed, deterministic choice, Codeforces does not publish how it picks pretests. The final score is the
  problem's full score if any submission passed every test (system tests: samples and all hidden tests),
  else 0.

`OfficialGrader` runs in the caller's process; `GraderProcess` (same methods) runs it in a child process
(`python -m ioi_agent.selection.grader_server`), so a policy process never opens a hidden test: it asks the
grader for the public view of the problem (samples only) and works from that.

`hidden_scores()` reports every candidate's result on the hidden tests. It exists for the evaluation
harness only (the oracle, the expected score of random selection, training labels for the scorer);
submission policies never get it, they see `Feedback` alone. A `GraderProcess` answers it only on a
channel of its own (`GraderProcess.harness`), never on the contestant's.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ValidationError

from ioi_agent.errors import IoiAgentError
from ioi_agent.judge.results import SubmissionResult
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.judge.verdict import Verdict, worst
from ioi_agent.packages.model import Problem, Subtask, TaskType
from ioi_agent.sandbox import cache_root
from ioi_agent.scoring import ioi
from ioi_agent.selection.grader_server import GraderReply, GraderRequest, encode
from ioi_agent.selection.model import Candidate, Feedback, Rules, RulesName

PRETEST_SHARE = 0.25
# The extra judge chain that runs pretests, then every other test, in order (Codeforces judging). Its name
# cannot be a Kattis group (a folder name never holds '::') nor a CMS subtask name read from a file.
CODEFORCES_CHAIN = "::codeforces::"
SUFFIX = {"cpp": ".cpp", "c": ".c", "python": ".py"}


class GraderRefusal(IoiAgentError):
    """The grader refused a submission: over the cap, or too soon after the previous one."""


class HiddenScore(BaseModel):
    """A candidate's result on the hidden tests (evaluation harness only; never shown to a policy)."""

    candidate: str
    compiled: bool
    subtask_scores: dict[str, float] | None  # None: did not compile
    score: float  # sum of the subtask scores
    accepted: bool  # passed every test (Codeforces system tests)
    pretests_passed: bool
    pretest_verdict: Verdict


class SubmissionRecord(BaseModel):
    """One submission as the grader keeps it: what the contestant saw, and the hidden result behind it."""

    kind: Literal["submission"] = "submission"
    feedback: Feedback
    label: str | None = None
    code_sha256: str
    hidden: HiddenScore


class LogHeader(BaseModel):
    kind: Literal["header"] = "header"
    problem: str
    rules: Rules


def pretest_names(problem: Problem) -> list[str]:
    """Samples, then the first ceil(25%) of each subtask's hidden tests in package order (no repeats)."""
    out = list(problem.samples)
    seen = set(out)
    for subtask in problem.subtasks:
        hidden = [t for t in subtask.tests if t not in problem.samples]
        for name in hidden[: math.ceil(PRETEST_SHARE * len(hidden))]:
            if name not in seen:
                seen.add(name)
                out.append(name)
    return out


def system_test_names(problem: Problem, pretests: Sequence[str]) -> list[str]:
    """Every test, pretests first, then the rest in package order (samples and all subtasks' tests)."""
    out = list(pretests)
    seen = set(out)
    for name in [*problem.samples, *(t for s in problem.subtasks for t in s.tests)]:
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def code_sha256(candidate: Candidate) -> str:
    return hashlib.sha256(
        f"{candidate.language}\0{candidate.code}".encode("utf-8", "surrogatepass")
    ).hexdigest()


class _Judged(BaseModel):
    """A program's hidden result, independent of which candidate carried it."""

    compiled: bool
    subtask_scores: dict[str, float] | None
    accepted: bool
    pretests_passed: bool
    pretest_verdict: Verdict
    verdict: Verdict | None = None  # over all hidden tests (IOI feedback shows it); None in older logs
    failed_test: int | None = None  # 1-based pretest the Codeforces chain failed on; None if they passed


class OfficialGrader:
    """Holds the full package (hidden tests); see the module docstring for the rules it enforces.

    `log`: an append-only JSONL file (a header line, then one line per submission). Opening a grader on an
    existing log restores its submissions, so a restarted contest continues and the cap still counts.
    `work`: grader-private folder for the submitted sources (content-addressed); default under the cache.
    `pretests`: test names to use as Codeforces pretests instead of the default rule.
    """

    def __init__(
        self,
        problem: Problem,
        rules: Rules,
        *,
        sandbox: str = "auto",
        jobs: int | None = None,
        store: ResultStore | None = None,
        log: Path | None = None,
        pretests: Sequence[str] | None = None,
        time_limit: float | None = None,
        work: Path | None = None,
    ):
        if problem.task_type == TaskType.OUTPUT_ONLY:
            raise IoiAgentError(
                f"{problem.root}: output-only tasks take folders of outputs, not programs; "
                "the official grader judges programs only (fix: select for a batch, interactive or "
                "communication task)"
            )
        self.problem = problem
        self.rules = rules
        self.sandbox = sandbox
        self.jobs = jobs
        self.store = store
        self.time_limit_override = time_limit
        self.work = Path(work) if work is not None else cache_root() / "grader"
        self.pretests = list(pretests) if pretests is not None else pretest_names(problem)
        unknown = [t for t in self.pretests if t not in problem.tests]
        if unknown:
            raise IoiAgentError(f"{problem.root}: pretest {unknown[0]} is not a test of this problem")
        self._system = system_test_names(problem, self.pretests)
        self._judge: Judge | None = None
        self._owns_judge = True
        self._memo: dict[str, _Judged] = {}  # code hash -> result: a program resubmitted is not judged again
        self._records: list[SubmissionRecord] = []
        self.log = Path(log) if log is not None else None
        if self.log is not None:
            self._open_log()

    # --- the contest ----------------------------------------------------------------------------

    def next_allowed_at(self) -> float:
        """The earliest contest time of the next submission."""
        if not self._records:
            return 0.0
        return self._records[-1].feedback.at_s + self.rules.min_interval_s

    def submissions_left(self) -> int:
        return max(0, self.rules.max_submissions - len(self._records))

    def submit(self, candidate: Candidate, at_s: float) -> Feedback:
        """Judge one candidate at contest time `at_s`; GraderRefusal when the rules forbid it now."""
        if candidate.problem != self.problem.name:
            raise IoiAgentError(
                f"candidate {candidate.id} is for problem {candidate.problem}, not {self.problem.name} "
                "(fix: give a pool of this problem)"
            )
        if len(self._records) >= self.rules.max_submissions:
            raise GraderRefusal(
                f"{self.problem.name}: all {self.rules.max_submissions} submissions are used "
                f"({self.rules.name} rules)"
            )
        earliest = self.next_allowed_at()
        if at_s < earliest - 1e-9:
            raise GraderRefusal(
                f"{self.problem.name}: submission at {at_s:g} s is too early: the rules ask "
                f"{self.rules.min_interval_s:g} s between two submissions (next allowed at {earliest:g} s)"
            )
        judged = self._judge_candidates([candidate])[0]
        feedback = self._feedback(len(self._records) + 1, candidate, at_s, judged)
        record = SubmissionRecord(
            feedback=feedback,
            label=candidate.label,
            code_sha256=code_sha256(candidate),
            hidden=_hidden(candidate.id, judged),
        )
        self._append(record)
        return feedback

    def _feedback(self, index: int, candidate: Candidate, at_s: float, judged: _Judged) -> Feedback:
        if self.rules.name == RulesName.IOI:
            return Feedback(
                index=index,
                candidate=candidate.id,
                at_s=at_s,
                compiled=judged.compiled,
                subtask_scores=judged.subtask_scores,
                verdict=judged.verdict,
            )
        return Feedback(
            index=index,
            candidate=candidate.id,
            at_s=at_s,
            compiled=judged.compiled,
            verdict=judged.pretest_verdict,
            pretests_passed=judged.pretests_passed,
            failed_test=judged.failed_test,
        )

    def records(self) -> list[Feedback]:
        """Every submission so far, as the contestant saw it."""
        return [r.feedback for r in self._records]

    def full_records(self) -> list[SubmissionRecord]:
        """Every submission with its hidden result (for the log and the evaluation harness)."""
        return list(self._records)

    def final_score(self) -> float:
        if self.rules.name == RulesName.IOI:
            names = [s.name for s in self.problem.subtasks]
            return ioi.task_score((r.hidden.subtask_scores for r in self._records), names)
        return self.problem.max_score if any(r.hidden.accepted for r in self._records) else 0.0

    def public_problem(self) -> Problem:
        """The problem as a contestant sees it: statement, limits, samples; no hidden test."""
        from ioi_agent.selection.context import public_view

        public = public_view(self.problem)
        if public.limits.time_s is None:
            # Kattis derives the limit from accepted submissions; the contestant is told the result.
            limits = public.limits.model_copy(update={"time_s": self.judge().time_limit})
            public = public.model_copy(update={"limits": limits})
        return public

    def containment(self) -> dict[str, list[str]]:
        """subtask -> the subtasks it strictly contains: structure the statement gives (no test is read)."""
        from ioi_agent.selection.context import containment

        return containment(self.problem)

    # --- evaluation harness only ------------------------------------------------------------------

    def hidden_scores(self, candidates: Iterable[Candidate]) -> dict[str, HiddenScore]:
        """Every candidate's hidden result, judged together (results cached). Never given to a policy."""
        cands = list(candidates)
        judged = self._judge_candidates(cands)
        return {c.id: _hidden(c.id, j) for c, j in zip(cands, judged, strict=True)}

    def fresh(self, rules: Rules | None = None) -> OfficialGrader:
        """A grader for a new contest on the same problem (no submissions, no log), sharing this one's judge
        and judged programs, so replaying many contests costs no judging."""
        self.judge()  # started here, so both share it; only this grader closes it
        other = object.__new__(OfficialGrader)
        other.__dict__.update(self.__dict__)
        other.rules = rules or self.rules
        other._records = []
        other.log = None
        other._owns_judge = False
        return other

    # --- judging --------------------------------------------------------------------------------

    def judge(self) -> Judge:
        if self._judge is None:
            chain = Subtask(name=CODEFORCES_CHAIN, points=0.0, tests=self._system, stop_on_failure=True)
            judged = self.problem.model_copy(update={"subtasks": [*self.problem.subtasks, chain]})
            self._judge = Judge(
                judged,
                sandbox=self.sandbox,
                jobs=self.jobs,
                time_limit=self.time_limit_override,
                store=self.store,
                staging="grader",  # hidden tests: a staging folder of their own
            )
        return self._judge

    def _source(self, candidate: Candidate) -> Path:
        suffix = SUFFIX.get(candidate.language)
        if suffix is None:
            raise IoiAgentError(
                f"candidate {candidate.id}: unknown language {candidate.language!r} (fix: cpp, c or python)"
            )
        folder = self.work / "sources"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{code_sha256(candidate)[:32]}{suffix}"
        if not path.is_file():
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as handle:
                handle.write(candidate.code)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        return path

    def _judge_candidates(self, candidates: Sequence[Candidate]) -> list[_Judged]:
        keys = [code_sha256(c) for c in candidates]
        todo: dict[str, Candidate] = {}
        for key, cand in zip(keys, candidates, strict=True):
            if key not in self._memo and key not in todo:
                todo[key] = cand
        if todo:
            paths = [self._source(c) for c in todo.values()]
            results = self.judge().judge_sources(paths)
            for key, result in zip(todo, results, strict=True):
                self._memo[key] = self._summarise(result)
        return [self._memo[k] for k in keys]

    def _summarise(self, result: SubmissionResult) -> _Judged:
        if not result.compile.ok:
            return _Judged(
                compiled=False,
                subtask_scores=None,
                accepted=False,
                pretests_passed=False,
                pretest_verdict=Verdict.CE,
                verdict=Verdict.CE,
            )
        names = {s.name for s in self.problem.subtasks}
        scores = {s.name: s.score for s in result.subtasks if s.name in names}
        chain = next(s for s in result.subtasks if s.name == CODEFORCES_CHAIN)
        passed = [t.verdict == Verdict.AC and t.score >= 1.0 - 1e-9 for t in chain.tests]
        failed = next((i for i, ok in enumerate(passed) if not ok), None)
        n_pre = len(self.pretests)
        pretests_ok = (failed is None and len(passed) >= n_pre) or (failed is not None and failed >= n_pre)
        if pretests_ok:
            verdict = Verdict.AC
        elif failed is not None:
            verdict = _failing_verdict(chain.tests[failed].verdict)
        else:
            verdict = Verdict.JE  # the chain stopped before its pretests ended: only an interrupted run
        return _Judged(
            compiled=True,
            subtask_scores=scores,
            accepted=failed is None and len(passed) == len(self._system),
            pretests_passed=pretests_ok,
            pretest_verdict=verdict,
            verdict=worst(s.verdict for s in result.subtasks if s.name in names),
            failed_test=None if pretests_ok or failed is None else failed + 1,
        )

    # --- the log --------------------------------------------------------------------------------

    def _open_log(self) -> None:
        assert self.log is not None
        header = LogHeader(problem=self.problem.name, rules=self.rules)
        if not self.log.exists() or self.log.stat().st_size == 0:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            self._write_line(header.model_dump_json())
            return
        lines = self.log.read_bytes().split(b"\n")
        complete, tail = lines[:-1], lines[-1]
        if tail.strip():
            # A line without its newline was being written when the grader died; that submission was
            # never answered, so it did not happen. Cut it so the next record starts on its own line.
            warnings.warn(
                f"{self.log}: last line is cut short (the grader stopped while writing); it is ignored",
                stacklevel=2,
            )
            with self.log.open("r+b") as handle:
                handle.truncate(self.log.stat().st_size - len(tail))
        parsed = [self._parse_line(i + 1, raw) for i, raw in enumerate(complete) if raw.strip()]
        if not parsed or not isinstance(parsed[0], LogHeader):
            raise IoiAgentError(f"{self.log}: not a grader log (no header line) (fix: give another --log)")
        found = parsed[0]
        if found.problem != header.problem or found.rules != header.rules:
            raise IoiAgentError(
                f"{self.log}: this log is for problem {found.problem} under {found.rules.name} rules "
                f"(cap {found.rules.max_submissions}, interval {found.rules.min_interval_s:g} s), not "
                f"{header.problem} under {header.rules.name} (cap {header.rules.max_submissions}, interval "
                f"{header.rules.min_interval_s:g} s) (fix: give another --log, or the same rules)"
            )
        self._records = [r for r in parsed[1:] if isinstance(r, SubmissionRecord)]

    def _parse_line(self, number: int, raw: bytes) -> LogHeader | SubmissionRecord:
        try:
            obj = json.loads(raw)
            if obj.get("kind") == "header":
                return LogHeader.model_validate(obj)
            return SubmissionRecord.model_validate(obj)
        except (ValueError, AttributeError, ValidationError):
            raise IoiAgentError(
                f"{self.log}:{number}: not a grader log record (fix: give another --log)"
            ) from None

    def _append(self, record: SubmissionRecord) -> None:
        if self.log is not None:
            self._write_line(record.model_dump_json())
        self._records.append(record)

    def _write_line(self, text: str) -> None:
        assert self.log is not None
        data = (text + "\n").encode()
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)

    # --- lifetime -------------------------------------------------------------------------------

    def close(self) -> None:
        if self._judge is not None and self._owns_judge:
            self._judge.close()
        self._judge = None

    def __enter__(self) -> OfficialGrader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _failing_verdict(verdict: Verdict) -> Verdict:
    # An AC with partial credit is not a pass under pass/fail rules: Codeforces would call it wrong.
    return Verdict.WA if verdict == Verdict.AC else verdict


def _hidden(candidate: str, judged: _Judged) -> HiddenScore:
    scores = judged.subtask_scores
    return HiddenScore(
        candidate=candidate,
        compiled=judged.compiled,
        subtask_scores=scores,
        score=round(sum(scores.values()), 6) if scores else 0.0,
        accepted=judged.accepted,
        pretests_passed=judged.pretests_passed,
        pretest_verdict=judged.pretest_verdict,
    )


class GraderProcess:
    """The official grader in a child process (`python -m ioi_agent.selection.grader_server`).

    Same methods as `OfficialGrader`. The child loads the full package; this process only ever receives the
    public view and the feedback, so it never opens a hidden test. The child runs in its own session (a
    Ctrl-C in the terminal reaches this process, which then stops the child); `close()` (or leaving the
    `with` block, or the interpreter exiting) ends it: end of input, then SIGTERM, then SIGKILL.
    """

    def __init__(
        self,
        problem: Path,
        rules: Rules,
        *,
        sandbox: str = "auto",
        jobs: int | None = None,
        log: Path | None = None,
        time_limit: float | None = None,
        work: Path | None = None,
    ):
        self.rules = rules
        argv = [
            sys.executable,
            "-m",
            "ioi_agent.selection.grader_server",
            str(problem),
            "--rules",
            rules.name.value,
            "--budget",
            str(rules.max_submissions),
            "--min-interval",
            repr(rules.min_interval_s),
            "--sandbox",
            sandbox,
        ]
        for flag, value in (("--jobs", jobs), ("--log", log), ("--time-limit", time_limit), ("--work", work)):
            if value is not None:
                argv += [flag, str(value)]
        # The harness channel: a pipe pair of its own, held by this process only (see grader_server).
        to_child, from_here = os.pipe()
        from_child, to_here = os.pipe()
        argv += ["--harness-fds", f"{to_child},{to_here}"]
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        try:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                text=True,
                encoding="utf-8",
                start_new_session=True,
                pass_fds=(to_child, to_here),
            )
        finally:
            os.close(to_child)
            os.close(to_here)
        self.harness = HarnessChannel(
            self, os.fdopen(from_here, "w", encoding="utf-8"), os.fdopen(from_child, "r", encoding="utf-8")
        )
        self._busy = False
        self._finalizer = weakref.finalize(self, _stop_child, self._proc, self._stderr)
        ready = self._reply()
        if not ready.ok:
            self.close()
            raise IoiAgentError(ready.error or "the grader process did not start")
        self.problem_name: str = ready.result["problem"]

    # --- the protocol ---------------------------------------------------------------------------

    def _reply(self, stream: IO[str] | None = None) -> GraderReply:
        stream = stream or self._proc.stdout
        line = stream.readline() if stream else ""
        if not line:
            code = self._proc.wait()
            raise IoiAgentError(f"the grader process stopped (exit code {code}){self._stderr_tail()}")
        return GraderReply.model_validate(json.loads(line))

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        lines = [x for x in self._stderr.read().splitlines() if x.strip()]
        return f": {lines[-1].strip()}" if lines else ""

    def _call(self, request: GraderRequest, channel: tuple[IO[str], IO[str]] | None = None) -> object:
        if self._proc.poll() is not None or self._proc.stdin is None or self._proc.stdout is None:
            raise IoiAgentError(
                f"the grader process is not running (exit code {self._proc.returncode}){self._stderr_tail()}"
            )
        to_child, from_child = channel or (self._proc.stdin, self._proc.stdout)
        self._busy = True
        try:
            try:
                to_child.write(encode(request))
                to_child.flush()
            except BrokenPipeError:
                code = self._proc.wait()
                raise IoiAgentError(
                    f"the grader process stopped (exit code {code}){self._stderr_tail()}"
                ) from None
            reply = self._reply(from_child)
        finally:
            self._busy = False
        if not reply.ok:
            raise (GraderRefusal if reply.refusal else IoiAgentError)(reply.error or "grader error")
        return reply.result

    # --- the grader's methods -------------------------------------------------------------------

    def public_problem(self) -> Problem:
        return Problem.model_validate(self._call(GraderRequest(op="public_problem")))

    def containment(self) -> dict[str, list[str]]:
        return dict(self._call(GraderRequest(op="containment")))  # type: ignore[call-overload]

    def submit(self, candidate: Candidate, at_s: float) -> Feedback:
        return Feedback.model_validate(self._call(GraderRequest(op="submit", candidate=candidate, at_s=at_s)))

    def final_score(self) -> float:
        return float(self._call(GraderRequest(op="final_score")))  # type: ignore[arg-type]

    def records(self) -> list[Feedback]:
        return [Feedback.model_validate(x) for x in self._call(GraderRequest(op="records"))]  # type: ignore[union-attr]

    def next_allowed_at(self) -> float:
        return float(self._call(GraderRequest(op="next_allowed_at")))  # type: ignore[arg-type]

    def submissions_left(self) -> int:
        return int(self._call(GraderRequest(op="submissions_left")))  # type: ignore[call-overload]

    # --- lifetime -------------------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self._proc.pid

    def close(self) -> None:
        if self._busy and self._proc.poll() is None:
            self._proc.terminate()  # interrupted mid-request: do not wait for the judging to finish
        self._finalizer()
        self.harness.close()

    def __enter__(self) -> GraderProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop_child(proc: subprocess.Popen, stderr: IO[str]) -> None:
    try:
        if proc.stdin is not None and not proc.stdin.closed:
            try:
                proc.stdin.close()  # end of input: the server closes its judge and exits
            except BrokenPipeError:
                pass
        for stop in (None, proc.terminate, proc.kill):
            if stop is not None:
                stop()
            try:
                proc.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue
        if proc.stdout is not None:
            proc.stdout.close()
    finally:
        stderr.close()


class HarnessChannel:
    """The evaluation harness's own channel to a grader process: every candidate's hidden result, for the
    oracle and random-expectation figures. Not the contestant's channel: the policy side only ever talks
    through `GraderProcess`'s methods, which the server answers with what the rules allow."""

    def __init__(self, grader: GraderProcess, to_child: IO[str], from_child: IO[str]):
        self._grader = grader
        self._channel = (to_child, from_child)

    def hidden_scores(self, candidates: Iterable[Candidate]) -> dict[str, HiddenScore]:
        request = GraderRequest(op="hidden_scores", candidates=list(candidates))
        result = self._grader._call(request, self._channel)
        return {k: HiddenScore.model_validate(v) for k, v in result.items()}  # type: ignore[union-attr]

    def close(self) -> None:
        for stream in self._channel:
            try:
                stream.close()
            except OSError:
                pass
