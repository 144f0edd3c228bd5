"""Tuning the o1-ioi policy's weights by simulating the submission process (o1-ioi tuned its own "by random
search on previous years' IOI problems by directly simulating the submission process").

A `SimProblem` is what one contest replay needs and no more: the selection context (what the policy sees)
and every candidate's hidden result (what the official grader would answer). It is made once from a
prepared problem (evaluation.prepare_problem: the only step that judges) and cached as JSON, so tuning
and cross-validation judge nothing. `SimGrader` answers submissions as OfficialGrader does under IOI rules
(the subtask scores of the hidden result; the final score CMS's max-subtask sum), so `simulate` gives the
very submissions and score that `evaluation.run_policy` gives (a test checks it).

No policy reads its budget (the cap is the caller's), so one replay at the largest budget gives the score
at every smaller budget as the score of its first k submissions.

Objective (`objective`): for each budget, the total selection gain over the problems,
(Σ policy − Σ random) / (Σ oracle − Σ random), with random the exact expected score of random selection;
then the mean over the budgets (1, 2, 5, 10, 50 by default) and over the tie-break seeds. Totals, not a
mean of per-problem gains: a problem counts by its points at stake, as the contest score does.

Search (`tune`): the hand-set weights, ALPHACODE_LIKE and CODET_LIKE first (so the result is never below
them on the training problems), then `samples` seeded random settings, then `refine_rounds` rounds of local
refinement around the best (one or two weights moved at a time; kept only when strictly better).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from ioi_agent.scoring import ioi
from ioi_agent.selection.expected import oracle_ioi, random_expected_ioi
from ioi_agent.selection.grader import HiddenScore
from ioi_agent.selection.model import Candidate, CandidateFeatures, Feedback, Rules, SelectionContext
from ioi_agent.selection.policies import ScoresFeatures, make_policy
from ioi_agent.selection.session import run_submissions
from ioi_agent.selection.weights import ALPHACODE_LIKE, CODET_LIKE, HAND_SET, PolicyWeights, SubtaskOrder

if TYPE_CHECKING:
    from ioi_agent.selection.evaluation import PreparedProblem

BUDGETS: tuple[int, ...] = (1, 2, 5, 10, 50)


class SimProblem(BaseModel):
    """One labelled problem, ready for contest replays without a judge."""

    name: str
    max_score: float
    subtasks: list[str]  # the package's subtasks, in order (the grader's view)
    context: SelectionContext
    hidden: dict[str, HiddenScore]  # candidate id -> its result on the hidden tests (the grader only)

    def vectors(self) -> list[Mapping[str, float] | None]:
        return [self.hidden[c.id].subtask_scores for c in self.context.pool.candidates]


def sim_problem(prepared: PreparedProblem) -> SimProblem:
    return SimProblem(
        name=prepared.problem.name,
        max_score=prepared.problem.max_score,
        subtasks=[s.name for s in prepared.problem.subtasks],
        context=prepared.context,
        hidden=prepared.hidden,
    )


def save_problems(path: Path, problems: Sequence[SimProblem]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps([p.model_dump(mode="json") for p in problems]))
    tmp.replace(path)


def load_problems(path: Path) -> list[SimProblem]:
    return [SimProblem.model_validate(p) for p in json.loads(path.read_text())]


# --- the simulated grader -----------------------------------------------------------------------------


class SimGrader:
    """OfficialGrader's IOI answers from the judged hidden results (cap and interval as the loop keeps them)."""

    def __init__(self, problem: SimProblem, rules: Rules):
        self.problem = problem
        self.rules = rules
        self.submitted: list[HiddenScore] = []
        self.picks: list[str] = []  # candidate ids, in submission order

    def submit(self, candidate: Candidate, at_s: float) -> Feedback:
        hidden = self.problem.hidden[candidate.id]
        self.submitted.append(hidden)
        self.picks.append(candidate.id)
        return Feedback(
            index=len(self.submitted),
            candidate=candidate.id,
            at_s=at_s,
            compiled=hidden.compiled,
            subtask_scores=hidden.subtask_scores,
        )

    def final_score(self, first: int | None = None) -> float:
        chosen = self.submitted if first is None else self.submitted[:first]
        return ioi.task_score((h.subtask_scores for h in chosen), self.problem.subtasks)


class ScoreTable:
    """A scorer whose scores were computed once: (subtask, candidate) -> score. Tuning replays each problem
    thousands of times; the network would recompute the same numbers each time."""

    def __init__(self, scores: Mapping[tuple[str, str], float]):
        self.scores = dict(scores)

    @classmethod
    def of(cls, scorer: ScoresFeatures, context: SelectionContext) -> ScoreTable:
        rows = [f for per in context.features.values() for f in per.values()]
        return cls({(f.subtask, f.candidate): s for f, s in zip(rows, scorer.predict(rows), strict=True)})

    def predict(self, features: Sequence[CandidateFeatures]) -> list[float]:
        return [self.scores[(f.subtask, f.candidate)] for f in features]


def simulate(
    problem: SimProblem,
    policy: str,
    *,
    budget: int = max(BUDGETS),
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    weights: PolicyWeights | None = None,
) -> SimGrader:
    """One IOI contest replay; the returned grader holds the submissions (score with `final_score`)."""
    rules = Rules.ioi(budget)
    grader = SimGrader(problem, rules)
    chosen = make_policy(policy, problem.context, rules, seed=seed, scorer=scorer, weights=weights)
    run_submissions(chosen, grader, rules)
    return grader


def selection_differences(
    a: SimProblem, b: SimProblem, policies: Sequence[str], seeds: Sequence[int], budget: int = max(BUDGETS)
) -> list[str]:
    """Where replaying each policy and seed on `a` and on `b` submits other candidates (none: identical)."""
    out = []
    for policy in policies:
        for seed in seeds:
            picks_a = simulate(a, policy, budget=budget, seed=seed).picks
            picks_b = simulate(b, policy, budget=budget, seed=seed).picks
            if picks_a != picks_b:
                out.append(f"{policy} seed {seed}: {picks_a} != {picks_b}")
    return out


def budget_scores(
    problem: SimProblem,
    policy: str,
    budgets: Sequence[int] = BUDGETS,
    *,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    weights: PolicyWeights | None = None,
) -> dict[int, float]:
    """The final score at each budget, from one replay at the largest."""
    results = budget_results(problem, policy, budgets, seed=seed, scorer=scorer, weights=weights)
    return {k: score for k, (score, _) in results.items()}


def budget_results(
    problem: SimProblem,
    policy: str,
    budgets: Sequence[int] = BUDGETS,
    *,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    weights: PolicyWeights | None = None,
) -> dict[int, tuple[float, int]]:
    """(final score, submissions made) at each budget, from one replay at the largest."""
    grader = simulate(problem, policy, budget=max(budgets), seed=seed, scorer=scorer, weights=weights)
    return {k: (grader.final_score(k), min(k, len(grader.submitted))) for k in budgets}


@dataclass
class References:
    """Per budget: the oracle and the exact expected score of random selection."""

    oracle: dict[int, float]
    random: dict[int, float]


def references(problem: SimProblem, budgets: Sequence[int] = BUDGETS) -> References:
    vectors = problem.vectors()
    return References(
        oracle={k: oracle_ioi(vectors, problem.subtasks, k) for k in budgets},
        random={k: random_expected_ioi(vectors, problem.subtasks, k) for k in budgets},
    )


def total_gain(scores: Iterable[float], oracle: Iterable[float], random: Iterable[float]) -> float | None:
    """(Σ policy − Σ random) / (Σ oracle − Σ random); None when the oracle is no better than random."""
    span = sum(oracle) - (r := sum(random))
    return None if span <= 1e-9 else (sum(scores) - r) / span


# --- the search ---------------------------------------------------------------------------------------


@dataclass
class Evaluator:
    """Scores weight settings on training problems (each with its own scorer, e.g. one that never saw it)."""

    problems: Sequence[SimProblem]
    scorers: Sequence[ScoresFeatures | None]
    budgets: Sequence[int] = BUDGETS
    seeds: Sequence[int] = (0,)
    refs: list[References] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.refs = [references(p, self.budgets) for p in self.problems]
        # Precomputed scores: every replay of a problem reads the same numbers.
        self.scorers = [
            ScoreTable.of(s, p.context) if s is not None else None
            for p, s in zip(self.problems, self.scorers, strict=True)
        ]

    def scores(self, weights: PolicyWeights) -> list[dict[int, float]]:
        """Per problem, per budget: the final score, averaged over the seeds."""
        out = []
        for problem, scorer in zip(self.problems, self.scorers, strict=True):
            runs = [
                budget_scores(problem, "o1-ioi", self.budgets, seed=s, scorer=scorer, weights=weights)
                for s in self.seeds
            ]
            out.append({k: float(np.mean([r[k] for r in runs])) for k in self.budgets})
        return out

    def objective(self, weights: PolicyWeights) -> float:
        return objective(self.scores(weights), self.refs, self.budgets)


def objective(
    scores: Sequence[Mapping[int, float]], refs: Sequence[References], budgets: Sequence[int]
) -> float:
    """Mean over budgets of the total gain (see the module docstring); a budget where the oracle equals
    random says nothing and is left out."""
    gains = [
        total_gain((s[k] for s in scores), (r.oracle[k] for r in refs), (r.random[k] for r in refs))
        for k in budgets
    ]
    known = [g for g in gains if g is not None]
    return float(np.mean(known)) if known else 0.0


# Where random settings are drawn from: learned scores are in (0, 1), log cluster sizes in about [0.7, 8].
_ORDERS = list(SubtaskOrder)
START_POINTS = (HAND_SET, ALPHACODE_LIKE, CODET_LIKE)


def random_weights(rng: np.random.Generator) -> PolicyWeights:
    def maybe_zero(p: float, value: float) -> float:
        return 0.0 if rng.random() < p else value

    return PolicyWeights(
        # Log-uniform: a small weight makes a term a tie-break, a large one makes it decide.
        learned=maybe_zero(0.15, float(10 ** rng.uniform(-3.0, 0.7))),
        cluster_size=maybe_zero(0.3, float(10 ** rng.uniform(-2.0, 0.5))),
        agreement=maybe_zero(0.3, float(10 ** rng.uniform(-2.0, 0.5))),
        public=float(10 ** rng.uniform(-1.0, 2.0)),
        crash=maybe_zero(0.2, float(rng.uniform(0.0, 3.0))),
        timeout=maybe_zero(0.2, float(rng.uniform(0.0, 3.0))),
        submission=float(10 ** rng.uniform(-2.0, 1.0)),
        feedback=maybe_zero(0.2, float(rng.uniform(0.0, 5.0))),
        order=_ORDERS[int(rng.integers(len(_ORDERS)))],
        containment=bool(rng.random() < 0.8),
    )


_NUMERIC = ["learned", "cluster_size", "agreement", "public", "crash", "timeout", "submission", "feedback"]


def neighbour(weights: PolicyWeights, rng: np.random.Generator) -> PolicyWeights:
    """One or two weights moved: scaled by e^N(0, 0.5), or set to 0, or (rarely) another subtask order."""
    update: dict[str, object] = {}
    for _ in range(1 + int(rng.random() < 0.4)):
        if rng.random() < 0.1:
            update["order"] = _ORDERS[int(rng.integers(len(_ORDERS)))]
            continue
        if rng.random() < 0.05:
            update["containment"] = not weights.containment
            continue
        name = _NUMERIC[int(rng.integers(len(_NUMERIC)))]
        value = float(getattr(weights, name))
        if rng.random() < 0.15:
            update[name] = 0.0
        elif value == 0.0:
            update[name] = float(rng.uniform(0.0, 1.0))
        else:
            update[name] = value * float(np.exp(rng.normal(0.0, 0.5)))
    return weights.model_copy(update=update)


@dataclass
class TuneResult:
    weights: PolicyWeights
    objective: float
    tried: int
    history: list[tuple[PolicyWeights, float]]  # every setting with its objective, in the order tried


def tune(
    evaluate: Callable[[PolicyWeights], float],
    *,
    seed: int = 0,
    samples: int = 200,
    refine_rounds: int = 100,
    start: Sequence[PolicyWeights] = START_POINTS,
) -> TuneResult:
    """Seeded random search, then local refinement; the first of equally good settings is kept (the
    starting points come first, so a tie keeps a known setting)."""
    rng = np.random.default_rng(seed)
    history: list[tuple[PolicyWeights, float]] = []
    best: tuple[PolicyWeights, float] = (start[0], -math.inf)

    def consider(w: PolicyWeights) -> None:
        nonlocal best
        value = evaluate(w)
        history.append((w, value))
        if value > best[1] + 1e-12:
            best = (w, value)

    for w in start:
        consider(w)
    for _ in range(samples):
        consider(random_weights(rng))
    for _ in range(refine_rounds):
        consider(neighbour(best[0], rng))
    return TuneResult(weights=best[0], objective=best[1], tried=len(history), history=history)
