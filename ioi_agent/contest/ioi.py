"""IOI contest simulation: per task, get candidates, generate tests, select and submit to the official grader
under IOI rules, and score the contest as CMS would (per subtask, the best of any submission).

State lives in one folder per contest (`--state`): per task the sampled pool, the grader's submission log
and the generated inputs, plus `result.json` once the task is done. Started again, a contest skips finished
tasks, and an interrupted task continues where its grader log stops (the policy is replayed over the
recorded feedback, so it asks for exactly the submissions it would have made)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from ioi_agent.contest.medals import MedalCutoffs
from ioi_agent.contest.sources import CandidateSource
from ioi_agent.errors import IoiAgentError
from ioi_agent.files import atomic_write, folder_lock
from ioi_agent.packages.model import Problem
from ioi_agent.selection.context import build_context
from ioi_agent.selection.expected import oracle_ioi, random_expected_ioi
from ioi_agent.selection.grader import GraderProcess
from ioi_agent.selection.model import CandidatePool, Feedback, Rules, SelectionContext
from ioi_agent.selection.pipeline import JudgeSettings
from ioi_agent.selection.policies import SubmissionPolicy, make_policy
from ioi_agent.selection.session import run_submissions

Log = Callable[[str], None]


class ContestSettings(BaseModel):
    """What a contest was started with; a restart must ask for the same."""

    rules: str
    policy: str
    budget: int
    source: str
    seed: int = 0
    inputs_per_subtask: int = 256
    # Runs every program on every generated input: the same selection (contenders.py), so not part of
    # what a restart must match (excluded from the saved settings).
    exhaustive: bool = Field(default=False, exclude=True)


class SubmissionRow(BaseModel):
    index: int
    candidate: str
    label: str | None = None
    at_s: float
    compiled: bool
    subtask_scores: dict[str, float] | None = None
    verdict: str | None = None
    pretests_passed: bool | None = None
    task_score_after: float = 0.0  # the task's score (max per subtask) after this submission


class TaskResult(BaseModel):
    task: str
    title: str
    max_score: float
    points: dict[str, float]
    candidates: int
    inputs_note: str = ""
    score: float
    random_expected: float
    oracle: float
    random_curve: list[float] = Field(default_factory=list)  # exact expected score after k = 1.. submissions
    oracle_curve: list[float] = Field(default_factory=list)
    subtask_best: dict[str, float]  # the best score per subtask over the submissions
    submissions: list[SubmissionRow]


class IoiContestResult(BaseModel):
    rules: str = "ioi"
    settings: ContestSettings
    source: str
    embedded_default: bool = False
    tasks: list[TaskResult]
    max_score: float
    score: float
    random_expected: float
    oracle: float
    cutoffs: MedalCutoffs
    medal: str | None
    medal_random: str | None
    medal_oracle: str | None


def _running_best(
    feedback: Sequence[Feedback], subtasks: Sequence[str]
) -> tuple[list[float], dict[str, float]]:
    """The task score after each submission (IOI: per subtask the best so far), and the final best per
    subtask."""
    best = dict.fromkeys(subtasks, 0.0)
    out = []
    for fb in feedback:
        for name, score in (fb.subtask_scores or {}).items():
            if name in best:
                best[name] = max(best[name], score)
        out.append(sum(best.values()))
    return out, best


def check_settings(state: Path, settings: ContestSettings) -> None:
    path = state / "settings.json"
    if path.exists():
        old = ContestSettings.model_validate_json(path.read_text())
        if old.model_dump() != settings.model_dump():
            raise IoiAgentError(
                f"{state}: this state folder belongs to a contest started with other settings "
                f"({old.model_dump()}) (fix: use another --state folder, or the same settings)"
            )
    else:
        state.mkdir(parents=True, exist_ok=True)
        atomic_write(path, settings.model_dump_json(indent=1))


def open_task(
    grader: GraderProcess,
    source: CandidateSource,
    settings: ContestSettings,
    rules: Rules,
    state: Path,
    sandbox: str,
    jobs: int | None,
    log: Log,
) -> tuple[Problem, CandidatePool, SelectionContext, SubmissionPolicy, list[Feedback]]:
    """A task's contestant side: the public view from the grader, the candidates, the selection context, the
    policy, and the submissions already recorded (a restarted contest continues after them)."""
    public = grader.public_problem()
    judging = JudgeSettings(
        work=state / "work",
        sandbox=sandbox,
        jobs=jobs,
        inputs_per_subtask=settings.inputs_per_subtask,
        log=log,
    )
    pool = source.candidates(public, state, judging)
    log(f"{public.name}: {len(pool.candidates)} candidates; building tests and running them")
    context = build_context(
        public,
        pool,
        sandbox=sandbox,
        jobs=jobs,
        inputs_per_subtask=settings.inputs_per_subtask,
        work=state / "work",
        contains=grader.containment(),
        exhaustive=settings.exhaustive,
    )
    if context.matrix._runs is not None:
        log(f"{public.name}: {context.matrix._runs.describe()}")
    policy = make_policy(settings.policy, context, rules, seed=settings.seed)
    history = grader.records()
    if history:
        log(f"{public.name}: continuing after {len(history)} recorded submissions")
    return public, pool, context, policy, history


def run_task(
    problem_dir: Path,
    source: CandidateSource,
    settings: ContestSettings,
    rules: Rules,
    state: Path,
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    log: Log = print,
) -> TaskResult:
    done = state / "result.json"
    if done.exists():
        result = TaskResult.model_validate_json(done.read_text())
        log(f"{result.task}: already finished ({result.score:g} points), from {done}")
        return result
    state.mkdir(parents=True, exist_ok=True)
    with GraderProcess(
        problem_dir, rules, sandbox=sandbox, jobs=jobs, log=state / "submissions.jsonl"
    ) as grader:
        public, pool, context, policy, history = open_task(
            grader, source, settings, rules, state, sandbox, jobs, log
        )
        feedback = run_submissions(policy, grader, rules, history=history)
        score = grader.final_score()
        hidden = grader.harness.hidden_scores(pool.candidates)
    subtasks = context.subtasks
    vectors = [hidden[c.id].subtask_scores for c in pool.candidates]
    by_id = pool.by_id()
    curve, subtask_best = _running_best(feedback, subtasks)
    budget = rules.max_submissions
    result = TaskResult(
        task=public.name,
        title=public.title,
        max_score=public.max_score,
        points=context.points,
        candidates=len(pool.candidates),
        inputs_note=context.inputs.note,
        score=score,
        random_expected=random_expected_ioi(vectors, subtasks, budget),
        oracle=oracle_ioi(vectors, subtasks, budget),
        random_curve=[random_expected_ioi(vectors, subtasks, k) for k in range(1, budget + 1)],
        oracle_curve=[oracle_ioi(vectors, subtasks, k) for k in range(1, min(budget, 10) + 1)],
        subtask_best=subtask_best,
        submissions=[
            SubmissionRow(
                index=fb.index,
                candidate=fb.candidate,
                label=by_id[fb.candidate].label if fb.candidate in by_id else None,
                at_s=fb.at_s,
                compiled=fb.compiled,
                subtask_scores=fb.subtask_scores,
                verdict=fb.verdict.value if fb.verdict else None,
                task_score_after=after,
            )
            for fb, after in zip(feedback, curve, strict=True)
        ],
    )
    atomic_write(done, result.model_dump_json(indent=1))
    log(
        f"{result.task}: {result.score:g}/{result.max_score:g} with {len(feedback)} submissions "
        f"(random {result.random_expected:.2f}, oracle {result.oracle:g})"
    )
    return result


def task_state(state: Path, problem_dir: Path) -> Path:
    return state / problem_dir.resolve().name


def run_ioi_contest(
    problems: Sequence[Path],
    source: CandidateSource,
    settings: ContestSettings,
    state: Path,
    *,
    cutoffs: MedalCutoffs | None = None,
    sandbox: str = "auto",
    jobs: int | None = None,
    embedded_default: bool = False,
    log: Log = print,
) -> IoiContestResult:
    names = [p.resolve().name for p in problems]
    if len(set(names)) != len(names):
        raise IoiAgentError("two tasks have the same folder name (fix: give each task once)")
    with folder_lock(state, "contest state folder"):
        check_settings(state, settings)
        rules = Rules.ioi(settings.budget)
        cutoffs = cutoffs or MedalCutoffs()
        tasks = [
            run_task(p, source, settings, rules, task_state(state, p), sandbox=sandbox, jobs=jobs, log=log)
            for p in problems
        ]
        total = sum(t.score for t in tasks)
        rand = sum(t.random_expected for t in tasks)
        oracle = sum(t.oracle for t in tasks)
        result = IoiContestResult(
            settings=settings,
            source=source.description,
            embedded_default=embedded_default,
            tasks=tasks,
            max_score=sum(t.max_score for t in tasks),
            score=total,
            random_expected=rand,
            oracle=oracle,
            cutoffs=cutoffs,
            medal=cutoffs.medal(total),
            medal_random=cutoffs.medal(rand),
            medal_oracle=cutoffs.medal(oracle),
        )
        atomic_write(state / "contest.json", json.dumps(result.model_dump(mode="json"), indent=1))
        return result
