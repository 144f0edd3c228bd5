"""What every submission policy shares (the policies are in `policies.py` and `o1ioi.py`): the interface,
the stopping rule, and the orders and filters they build on. A policy: given a SelectionContext and the
feedback so far, which candidate to submit next.

A policy sees only what a contestant may see: the context (public examples, its own generated inputs,
executions, clusters, features) and the official feedback. `next(history)` returns a candidate id, or None
to stop; it never proposes a candidate already in the history, and asking twice with the same history gives
the same answer. The caller enforces the budget (rules.max_submissions) and the interval.

Every policy stops early once it has what it came for: IOI, every subtask already got its full points;
Codeforces, only when STOP_ON_PRETESTS_PASSED is set (off by default; see there).

Words used below:
- compiling: the candidate's execution record says it compiled (a sample without code never does);
- passes the public examples: every public example of the matrix scored 1 (no examples: passes);
- the whole-problem subtask: the subtask that (transitively) contains the most others, then the one with the
  most points, then the last in package order; its generated inputs stand for the whole problem.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Protocol

import numpy as np

from ioi_agent.selection.model import (
    CandidateFeatures,
    Feedback,
    Rules,
    RulesName,
    SelectionContext,
)


class ScoresFeatures(Protocol):
    """What the policies need of a scorer (scorer.Scorer, or a table of precomputed scores in tuning.py)."""

    def predict(self, features: Sequence[CandidateFeatures]) -> list[float]: ...


EPS = 1e-9

# Codeforces: policies do not stop by themselves once a submission passes the pretests. The evaluation
# counts a problem solved when any submission passes the system tests (AlphaCode, o1-ioi), and the random
# baseline (expected.random_expected_codeforces) makes all k submissions, so stopping could only lose
# points there. The contest simulation stops a problem at its first pretest pass itself, as a contestant
# does (contest/codeforces.py). Set True to make every policy stop on its own.
STOP_ON_PRETESTS_PASSED = False


# --- facts about a context -------------------------------------------------------------------------------


def compiling(context: SelectionContext) -> list[str]:
    """Ids of the compiling candidates, in pool order."""
    executions = context.matrix.executions
    return [c.id for c in context.pool.candidates if c.id in executions and executions[c.id].compiled]


def passes_public(context: SelectionContext, candidate: str) -> bool:
    execution = context.matrix.executions.get(candidate)
    if execution is None or not execution.compiled:
        return False
    return all(r.score >= 1.0 - EPS for r in execution.public.values())


def containment_closure(context: SelectionContext) -> dict[str, set[str]]:
    """subtask -> every subtask it strictly contains, directly or through another."""
    closure: dict[str, set[str]] = {}
    for s in context.subtasks:
        seen: set[str] = set()
        stack = list(context.contains.get(s, []))
        while stack:
            t = stack.pop()
            if t != s and t not in seen:
                seen.add(t)
                stack.extend(context.contains.get(t, []))
        closure[s] = seen
    return closure


def hardness_order(context: SelectionContext) -> list[str]:
    """Subtasks hardest first: containing the most others, then most points, then later in package order.

    Containing more subtasks means larger constraints (the full problem comes first); among unrelated
    subtasks the setters' points are the best public hint of difficulty."""
    closure = containment_closure(context)
    position = {s: i for i, s in enumerate(context.subtasks)}
    return sorted(
        context.subtasks,
        key=lambda s: (len(closure[s]), context.points.get(s, 0.0), position[s]),
        reverse=True,
    )


def tie_rank(context: SelectionContext, seed: int) -> dict[str, int]:
    """A seeded random rank of every candidate, for breaking ties. Never the pool order: a replayed pool
    lists its programs by label folder (accepted/ first), so pool order would leak the labels."""
    ids = [c.id for c in context.pool.candidates]
    order = np.random.default_rng(seed).permutation(len(ids))
    return {ids[i]: rank for rank, i in enumerate(order)}


def whole_problem_subtask(context: SelectionContext) -> str | None:
    """The subtask standing for the whole problem (None for a context without subtasks)."""
    order = hardness_order(context)
    return order[0] if order else None


def solved_subtasks(context: SelectionContext, history: Sequence[Feedback]) -> set[str]:
    """Subtasks some submission got their full points on (by name, as the feedback reports them)."""
    solved = {s for s in context.subtasks if context.points.get(s, 0.0) <= 0}
    for feedback in history:
        for s, score in (feedback.subtask_scores or {}).items():
            points = context.points.get(s)
            if points is not None and score >= points - EPS * max(1.0, points):
                solved.add(s)
    return solved


def finished(context: SelectionContext, rules: Rules, history: Sequence[Feedback]) -> bool:
    """Nothing left to gain: IOI, every subtask solved; Codeforces, the pretests passed."""
    if rules.name == RulesName.CODEFORCES:
        return STOP_ON_PRETESTS_PASSED and any(f.pretests_passed for f in history)
    return solved_subtasks(context, history) >= set(context.subtasks)


# --- the interface -------------------------------------------------------------------------------------


class SubmissionPolicy(ABC):
    name: ClassVar[str]

    def __init__(
        self, context: SelectionContext, rules: Rules, seed: int = 0, scorer: ScoresFeatures | None = None
    ) -> None:
        self.context = context
        self.rules = rules
        self.seed = seed
        self.scorer = scorer
        self.rng = np.random.default_rng(seed)

    @abstractmethod
    def next(self, history: Sequence[Feedback]) -> str | None:
        """The candidate to submit next, or None to stop."""

    def _shuffled(self, ids: Sequence[str]) -> list[str]:
        return [ids[i] for i in self.rng.permutation(len(ids))]

    def _tie_ordered(self, ids: Sequence[str]) -> list[str]:
        """`ids` in the seed's `tie_rank` order: a uniformly random order, the same one every policy but
        random uses for the same seed, so policies compared on one seed differ by their rules alone."""
        rank = tie_rank(self.context, self.seed)
        return sorted(ids, key=rank.__getitem__)


class OrderedPolicy(SubmissionPolicy):
    """A policy that fixes its whole order up front and ignores the feedback (except to stop when done)."""

    def __init__(
        self, context: SelectionContext, rules: Rules, seed: int = 0, scorer: ScoresFeatures | None = None
    ) -> None:
        super().__init__(context, rules, seed, scorer)
        self.order = self._order()

    @abstractmethod
    def _order(self) -> list[str]: ...

    def next(self, history: Sequence[Feedback]) -> str | None:
        if finished(self.context, self.rules, history):
            return None
        submitted = {f.candidate for f in history}
        return next((c for c in self.order if c not in submitted), None)


def public_filtered(context: SelectionContext) -> list[str]:
    """Compiling candidates passing the public examples; when none do, every compiling one."""
    ids = compiling(context)
    kept = [c for c in ids if passes_public(context, c)]
    return kept or ids


def by_key_desc(ids: list[str], key: dict[str, float]) -> list[str]:
    """Sorted by key, largest first; stable, so ties keep the (shuffled) input order."""
    return sorted(ids, key=lambda c: -key[c])


def learned_scores(context: SelectionContext, scorer: ScoresFeatures) -> dict[str, dict[str, float]]:
    """subtask -> candidate -> the scorer's score (compiling candidates with features only)."""
    ok = set(compiling(context))
    scores: dict[str, dict[str, float]] = {}
    for s in context.subtasks:
        rows = [f for c, f in context.features.get(s, {}).items() if c in ok]
        scores[s] = dict(zip((f.candidate for f in rows), scorer.predict(rows), strict=True))
    return scores


def scorer_or_default(scorer: ScoresFeatures | None) -> ScoresFeatures:
    if scorer is not None:
        return scorer
    from ioi_agent.selection.scorer import default_scorer

    return default_scorer()
