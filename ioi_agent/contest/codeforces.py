"""Codeforces contest simulation: problems in order A, B, ..., pretest feedback during the round, system
tests after it, at most 10 submissions per problem, scored as a Codeforces round (or CodeElo / ICPC).

The contest clock. A model's wall-clock time says nothing about a human's minutes (it depends on the GPU
and the sample count), so the simulation follows a fixed schedule: the contestant works through the
problems in order, every submission takes `minutes_per_submission` contest minutes after the previous one
(a problem's first submission too), and nothing is submitted after `duration` minutes. A problem is left
when its pretests pass, when the policy has nothing more to submit, or at the cap.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from ioi_agent.contest.ioi import ContestSettings, check_settings, open_task, task_state
from ioi_agent.contest.sources import CandidateSource
from ioi_agent.files import atomic_write, folder_lock
from ioi_agent.rating.estimate import ContestResults, ModelResults
from ioi_agent.scoring.codeforces import (
    Attempt,
    ContestOutcome,
    ProblemAttempts,
    contest_result,
    is_penalty_free,
)
from ioi_agent.selection.expected import oracle_codeforces, random_expected_codeforces
from ioi_agent.selection.grader import GraderProcess
from ioi_agent.selection.model import Rules

Log = Callable[[str], None]


class CodeforcesSettings(ContestSettings):
    values: list[float]
    scoring: str = "cf"  # cf | codeelo | icpc
    minutes_per_submission: float = 10.0
    duration: float = 120.0
    contest_id: int = 0


class CfSubmission(BaseModel):
    index: int
    candidate: str
    label: str | None = None
    minute: int
    compiled: bool
    verdict: str | None
    pretests_passed: bool
    accepted_system: bool
    failed_test: int | None = None  # 1-based pretest it failed on (None: passed, or an older record)


class CfProblemResult(BaseModel):
    index: str
    task: str
    value: float
    candidates: int
    inputs_note: str = ""
    start_minute: float
    end_minute: float
    submissions: list[CfSubmission]
    random_solve_probability: float  # of `budget` random submissions, any passing the system tests
    oracle_solvable: bool


class CodeforcesContestResult(BaseModel):
    rules: str = "codeforces"
    settings: CodeforcesSettings
    source: str
    embedded_default: bool = False
    problems: list[CfProblemResult]
    outcome: ContestOutcome
    random_expected_solved: float
    oracle_solved: int
    results: ContestResults | None = None  # the `rating estimate` entry, when --contest-id is given


def problem_letter(i: int) -> str:
    return string.ascii_uppercase[i] if i < 26 else f"P{i + 1}"


def run_problem(
    problem_dir: Path,
    letter: str,
    value: float,
    start_minute: float,
    source: CandidateSource,
    settings: CodeforcesSettings,
    state: Path,
    *,
    sandbox: str,
    jobs: int | None,
    log: Log,
) -> CfProblemResult:
    done = state / "result.json"
    if done.exists():
        return CfProblemResult.model_validate_json(done.read_text())
    state.mkdir(parents=True, exist_ok=True)
    rules = Rules.codeforces(settings.budget)
    with GraderProcess(
        problem_dir, rules, sandbox=sandbox, jobs=jobs, log=state / "submissions.jsonl"
    ) as grader:
        public, pool, context, policy, history = open_task(
            grader, source, settings, rules, state, sandbox, jobs, log
        )
        by_id = pool.by_id()
        minute = history[-1].at_s / 60 if history else start_minute
        while len(history) < rules.max_submissions and not (history and history[-1].pretests_passed):
            if minute + settings.minutes_per_submission > settings.duration:
                break
            choice = policy.next(history)
            if choice is None:
                break
            minute += settings.minutes_per_submission
            history.append(grader.submit(by_id[choice], at_s=minute * 60))
        # After the round: system tests decide (this is the harness, not the contestant, asking).
        hidden = grader.harness.hidden_scores(pool.candidates)
    subs = [
        CfSubmission(
            index=fb.index,
            candidate=fb.candidate,
            label=by_id[fb.candidate].label if fb.candidate in by_id else None,
            minute=int(fb.at_s // 60),
            compiled=fb.compiled,
            verdict=fb.verdict.value if fb.verdict else None,
            pretests_passed=bool(fb.pretests_passed),
            accepted_system=bool(fb.pretests_passed) and hidden[fb.candidate].accepted,
            failed_test=fb.failed_test,
        )
        for fb in history
    ]
    accepted = [hidden[c.id].accepted for c in pool.candidates]
    result = CfProblemResult(
        index=letter,
        task=public.name,
        value=value,
        candidates=len(pool.candidates),
        inputs_note=context.inputs.note,
        start_minute=start_minute,
        end_minute=max([start_minute] + [s.minute for s in subs]),
        submissions=subs,
        random_solve_probability=random_expected_codeforces(accepted, rules.max_submissions),
        oracle_solvable=bool(oracle_codeforces(accepted, rules.max_submissions)),
    )
    atomic_write(done, result.model_dump_json(indent=1))
    status = "solved" if any(s.accepted_system for s in subs) else "not solved"
    log(f"{letter} {result.task}: {status} after {len(subs)} submissions (minute {result.end_minute:g})")
    return result


def attempts_of(problem: CfProblemResult) -> ProblemAttempts:
    return ProblemAttempts(
        index=problem.index,
        value=problem.value,
        attempts=[
            Attempt(
                minute=s.minute,
                pretests_passed=s.pretests_passed,
                accepted_system=s.accepted_system,
                # Codeforces counts neither a compilation error nor a rejection on test 1.
                penalty_free=is_penalty_free(s.compiled, s.pretests_passed, s.failed_test),
            )
            for s in problem.submissions
        ],
    )


def run_codeforces_contest(
    problems: Sequence[Path],
    source: CandidateSource,
    settings: CodeforcesSettings,
    state: Path,
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    embedded_default: bool = False,
    log: Log = print,
) -> CodeforcesContestResult:
    with folder_lock(state, "contest state folder"):
        check_settings(state, settings)
        results: list[CfProblemResult] = []
        minute = 0.0
        for i, (path, value) in enumerate(zip(problems, settings.values, strict=True)):
            res = run_problem(
                path,
                problem_letter(i),
                value,
                minute,
                source,
                settings,
                task_state(state, path),
                sandbox=sandbox,
                jobs=jobs,
                log=log,
            )
            results.append(res)
            minute = res.end_minute
        outcome = contest_result([attempts_of(p) for p in results], mode=settings.scoring)  # type: ignore[arg-type]
        entry = (
            ContestResults.from_outcome(settings.contest_id, outcome) if settings.contest_id >= 1 else None
        )
        result = CodeforcesContestResult(
            settings=settings,
            source=source.description,
            embedded_default=embedded_default,
            problems=results,
            outcome=outcome,
            random_expected_solved=sum(p.random_solve_probability for p in results),
            oracle_solved=sum(p.oracle_solvable for p in results),
            results=entry,
        )
        atomic_write(state / "contest.json", json.dumps(result.model_dump(mode="json"), indent=1))
        if entry is not None:
            doc = ModelResults(model=source.description, scoring=settings.scoring, contests=[entry])
            atomic_write(state / "rating-results.json", doc.model_dump_json(indent=1))
        return result
