"""Submission policies: given a SelectionContext and the feedback so far, which candidate to submit next.

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

from ioi_agent.errors import IoiAgentError
from ioi_agent.selection.model import (
    CandidateFeatures,
    Feedback,
    Rules,
    RulesName,
    RunStatus,
    SelectionContext,
)
from ioi_agent.selection.weights import PolicyWeights, SubtaskOrder, default_weights


class ScoresFeatures(Protocol):
    """What the policies need of a scorer (scorer.Scorer, or a table of precomputed scores in tuning.py)."""

    def predict(self, features: Sequence[CandidateFeatures]) -> list[float]: ...


_EPS = 1e-9

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
    return all(r.score >= 1.0 - _EPS for r in execution.public.values())


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
            if points is not None and score >= points - _EPS * max(1.0, points):
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


class _OrderedPolicy(SubmissionPolicy):
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


def _public_filtered(context: SelectionContext) -> list[str]:
    """Compiling candidates passing the public examples; when none do, every compiling one."""
    ids = compiling(context)
    kept = [c for c in ids if passes_public(context, c)]
    return kept or ids


def _by_key_desc(ids: list[str], key: dict[str, float]) -> list[str]:
    """Sorted by key, largest first; stable, so ties keep the (shuffled) input order."""
    return sorted(ids, key=lambda c: -key[c])


class RandomPolicy(_OrderedPolicy):
    """Every candidate of the pool (compiling or not) in a seeded uniformly random order: the baseline
    whose expected score expected.random_expected_ioi computes exactly."""

    name = "random"

    def _order(self) -> list[str]:
        return self._shuffled([c.id for c in self.context.pool.candidates])


class PublicFilterPolicy(_OrderedPolicy):
    """Random among the compiling candidates passing every public example (all compiling ones if none do), in
    the seed's `tie_rank` order."""

    name = "public-filter"

    def _order(self) -> list[str]:
        return self._tie_ordered(_public_filtered(self.context))


class AlphaCodePolicy(_OrderedPolicy):
    """AlphaCode: filter on the public examples, cluster by behaviour, one per cluster from the largest down,
    wrapping around (a cluster's second member on the second pass, and so on).

    Clusters are those of the whole-problem subtask (its generated inputs are the whole problem's), counted
    after the filter. Members, and clusters of equal size, come in a seeded random order (`tie_rank`; the
    o1-ioi policy breaks its ties the same way, so its ALPHACODE_LIKE weights give this very order). A
    filtered candidate missing from every cluster forms its own."""

    name = "alphacode"

    def _order(self) -> list[str]:
        kept = _public_filtered(self.context)
        kept_set = set(kept)
        rank = tie_rank(self.context, self.seed)
        whole = whole_problem_subtask(self.context)
        clusters = [
            sorted((m for m in cl.members if m in kept_set), key=rank.__getitem__)
            for cl in (self.context.clusters.get(whole, []) if whole is not None else [])
        ]
        clustered = {m for cl in clusters for m in cl}
        clusters += [[c] for c in kept if c not in clustered]
        clusters = sorted((cl for cl in clusters if cl), key=lambda cl: (-len(cl), rank[cl[0]]))
        order: list[str] = []
        for depth in range(max((len(cl) for cl in clusters), default=0)):
            order += [cl[depth] for cl in clusters if depth < len(cl)]
        return order


class CodeTPolicy(_OrderedPolicy):
    """CodeT: the public-filtered candidates by the dual-agreement feature `codet_score` of the
    whole-problem subtask, largest first; ties in a seeded random order."""

    name = "codet"

    def _order(self) -> list[str]:
        kept = self._tie_ordered(_public_filtered(self.context))
        whole = whole_problem_subtask(self.context)
        features = self.context.features.get(whole, {}) if whole is not None else {}
        key = {c: features[c].values.get("codet_score", 0.0) if c in features else 0.0 for c in kept}
        return _by_key_desc(kept, key)


def _learned_scores(context: SelectionContext, scorer: ScoresFeatures) -> dict[str, dict[str, float]]:
    """subtask -> candidate -> the scorer's score (compiling candidates with features only)."""
    ok = set(compiling(context))
    scores: dict[str, dict[str, float]] = {}
    for s in context.subtasks:
        rows = [f for c, f in context.features.get(s, {}).items() if c in ok]
        scores[s] = dict(zip((f.candidate for f in rows), scorer.predict(rows), strict=True))
    return scores


def _scorer(scorer: ScoresFeatures | None) -> ScoresFeatures:
    if scorer is not None:
        return scorer
    from ioi_agent.selection.scorer import default_scorer

    return default_scorer()


class LearnedPolicy(_OrderedPolicy):
    """The compiling candidates by the scorer's expected share of the problem's points (the points-weighted
    mean over subtasks of the per-subtask score), those failing a public example last; ties seeded random."""

    name = "learned"

    def _order(self) -> list[str]:
        per_subtask = _learned_scores(self.context, _scorer(self.scorer))
        total = sum(self.context.points.get(s, 0.0) for s in self.context.subtasks) or 1.0
        ids = self._tie_ordered(compiling(self.context))
        key = {
            c: sum(
                self.context.points.get(s, 0.0) * per_subtask[s].get(c, 0.0) for s in self.context.subtasks
            )
            / total
            for c in ids
        }
        ordered = _by_key_desc(ids, key)
        return [c for c in ordered if passes_public(self.context, c)] + [
            c for c in ordered if not passes_public(self.context, c)
        ]


class O1IoiPolicy(SubmissionPolicy):
    """o1-ioi's selection (BRIEF §2), on the learned scorer, with weights `w` (weights.PolicyWeights; by
    default the shipped policy.json, tuned by simulation: tuning.py).

    Candidate score on a subtask: w.learned × the scorer's score + w.cluster_size × log(1 + its cluster's
    size) + w.agreement × its CodeT dual agreement (feature codet_score), minus w.public if it fails a public example of that subtask (feature public_all_passed), minus
    w.crash × its crash rate and w.timeout × its timeout rate on the subtask's generated inputs. Cluster
    value: the mean of its members' scores, minus w.submission per submission already made from it, minus
    w.feedback × (1 − the best fraction of the subtask's points a submission from it got): IOI feedback
    scores the whole behaviour class, so a cluster that scored 0 falls behind the untried ones.

    IOI: round-robin over the unsolved subtasks in w.order (hardest: `hardness_order`; easiest: its
    reverse; whole: the whole-problem subtask alone until it is solved, then hardest first); on the chosen
    subtask, submit the best not yet submitted member of the top cluster; a subtask with no candidate left
    is skipped for that turn. For a subtask that strictly contains solved ones, only candidates whose runs
    agree with an accepted program of each solved subtask on that subtask's generated inputs are kept
    (inputs where the accepted program itself failed do not count); if that leaves none, the rule is not
    applied (w.containment turns this rule off). Codeforces: only the whole-problem subtask, until a submission passes the pretests; a cluster
    with a submission that compiled and failed the pretests is dropped.

    Clusters are the context's clusters of the subtask, each split into the members that pass the subtask's
    public examples and those that do not (the examples are inputs too, and there the two behave
    differently); the size in the score is that of the split cluster. When the inputs are only the public
    examples (no generators: context.inputs.fallback) or a subtask has no generated inputs, clusters carry
    nothing beyond the public-example features, so every candidate is its own cluster there (its size term
    still counts the candidates that behave as it does on the examples).

    Ties (equal member scores; clusters of equal value and size) go by `tie_rank`, a seeded random order,
    as in the AlphaCode policy: weights.ALPHACODE_LIKE makes this policy submit exactly what AlphaCode does
    when generated inputs exist and the whole-problem subtask contains every other.
    """

    name = "o1-ioi"

    def __init__(
        self,
        context: SelectionContext,
        rules: Rules,
        seed: int = 0,
        scorer: ScoresFeatures | None = None,
        weights: PolicyWeights | None = None,
    ) -> None:
        super().__init__(context, rules, seed, scorer)
        self.w = weights if weights is not None else default_weights()
        self.order = hardness_order(context)
        if self.w.order == SubtaskOrder.EASIEST:
            self.order.reverse()
        self.whole = whole_problem_subtask(context)
        self.closure = containment_closure(context)
        self.rank = tie_rank(context, seed)
        # A zero weight needs no scorer (and ALPHACODE_LIKE then runs without torch's model at all).
        learned = _learned_scores(context, _scorer(scorer)) if self.w.learned != 0 else {}
        ok = compiling(context)
        self.score: dict[str, dict[str, float]] = {}
        self.clusters: dict[str, list[list[str]]] = {}
        for s in context.subtasks:
            split = self._split_clusters(s, ok)
            size = {m: len(cl) for cl in split for m in cl}
            self.score[s] = {c: self._adjusted(s, c, learned.get(s, {}).get(c, 0.0), size[c]) for c in ok}
            fallback = self.context.inputs.fallback or not self.context.inputs.per_subtask.get(s)
            self.clusters[s] = [[c] for c in ok] if fallback else split
        # Members' scores never change: the clusters' means, and their tie ranks, are fixed up front.
        self.means = {
            s: [float(np.mean([self.score[s][m] for m in cl])) for cl in self.clusters[s]] for s in self.score
        }
        self.cluster_rank = {
            s: [min(self.rank[m] for m in cl) for cl in self.clusters[s]] for s in self.score
        }
        self._agreement: dict[tuple[str, str, str], bool] = {}
        self._cursor = -1  # position in self.order of the subtask targeted last
        self._last: tuple[int, str, int] | None = None  # (history length, pick, its subtask's position)

    def _public_ok(self, subtask: str, candidate: str) -> float:
        """1 when it passes the public examples relevant to the subtask (features.py), else 0."""
        feature = self.context.features.get(subtask, {}).get(candidate)
        if feature is not None and "public_all_passed" in feature.values:
            return feature.values["public_all_passed"]
        return 1.0 if passes_public(self.context, candidate) else 0.0

    def _adjusted(self, subtask: str, candidate: str, learned: float, size: int) -> float:
        feature = self.context.features.get(subtask, {}).get(candidate)
        values = feature.values if feature is not None else {}
        public_ok = self._public_ok(subtask, candidate)
        if "crash_rate" in values or "timeout_rate" in values:
            crashes, timeouts = values.get("crash_rate", 0.0), values.get("timeout_rate", 0.0)
        else:
            crashes, timeouts = self._error_rates(subtask, candidate)
        w = self.w
        return (
            w.learned * learned
            + w.cluster_size * float(np.log1p(size))
            + w.agreement * values.get("codet_score", 0.0)
            - w.public * (1.0 - public_ok)
            - w.crash * crashes
            - w.timeout * timeouts
        )

    def _error_rates(self, subtask: str, candidate: str) -> tuple[float, float]:
        """(crash rate, timeout rate) on the subtask's generated inputs, from the matrix."""
        runs = self.context.matrix.executions[candidate].generated
        ids = [i for i in self.context.inputs.per_subtask.get(subtask, []) if i in runs]
        if not ids:
            return 0.0, 0.0
        crashes = sum(runs[i].status in (RunStatus.RE, RunStatus.MLE, RunStatus.OLE) for i in ids)
        return crashes / len(ids), sum(runs[i].status == RunStatus.TLE for i in ids) / len(ids)

    def _split_clusters(self, subtask: str, ok: list[str]) -> list[list[str]]:
        ok_set = set(ok)
        clusters = [[m for m in cl.members if m in ok_set] for cl in self.context.clusters.get(subtask, [])]
        clustered = {m for cl in clusters for m in cl}
        clusters += [[c] for c in ok if c not in clustered]
        # The public examples are inputs too: members that pass them and members that fail them behave
        # differently, so they are different clusters (else a few failing members sink a right cluster).
        split: list[list[str]] = []
        for cl in clusters:
            passing = [m for m in cl if self._public_ok(subtask, m) >= 1.0]
            split += [part for part in (passing, [m for m in cl if m not in passing]) if part]
        return split

    # --- choosing ------------------------------------------------------------------------------------

    def next(self, history: Sequence[Feedback]) -> str | None:
        submitted = {f.candidate for f in history}
        if self._last is not None and self._last[0] == len(history) and self._last[1] not in submitted:
            return self._last[1]  # asked again before submitting: same answer
        if self._last is not None and len(history) > self._last[0]:
            self._cursor = self._last[2]
        if self.whole is None or finished(self.context, self.rules, history):
            return None
        if self.rules.name == RulesName.CODEFORCES:
            turn = [self.whole]
        else:
            solved = solved_subtasks(self.context, history)
            n = len(self.order)
            rotation = [self.order[(self._cursor + 1 + i) % n] for i in range(n)]
            turn = [s for s in rotation if s not in solved]
            if self.w.order == SubtaskOrder.WHOLE and self.whole not in solved:
                turn = [self.whole] + [s for s in turn if s != self.whole]
        for subtask in turn:
            pick = self._best(subtask, history, submitted)
            if pick is not None:
                self._last = (len(history), pick, self.order.index(subtask))
                return pick
        return None

    def _best(self, subtask: str, history: Sequence[Feedback], submitted: set[str]) -> str | None:
        scores = self.score[subtask]
        allowed = self._consistent(subtask, history, submitted)
        points = self.context.points.get(subtask, 0.0)
        by_candidate = {f.candidate: f for f in history}
        best: tuple[float, int, int, str] | None = None
        for cluster, mean, rank in zip(
            self.clusters[subtask], self.means[subtask], self.cluster_rank[subtask], strict=True
        ):
            open_members = [m for m in cluster if m in allowed]
            if not open_members:
                continue
            tried = [by_candidate[m] for m in cluster if m in by_candidate]
            if self.rules.name == RulesName.CODEFORCES and any(
                f.compiled and f.pretests_passed is False for f in tried
            ):
                continue
            value = mean - self.w.submission * len(tried)
            fractions = [
                f.subtask_scores.get(subtask, 0.0) / points
                for f in tried
                if f.compiled and f.subtask_scores is not None and points > 0
            ]
            if fractions:
                value -= self.w.feedback * (1.0 - min(1.0, max(fractions)))
            top = min(open_members, key=lambda m: (-scores[m], self.rank[m]))
            # Ties between clusters: the larger one, then the seeded rank.
            if best is None or (value, len(cluster), -rank) > (best[0], best[1], -best[2]):
                best = (value, len(cluster), rank, top)
        return best[3] if best is not None else None

    def _consistent(self, subtask: str, history: Sequence[Feedback], submitted: set[str]) -> set[str]:
        """Candidates not yet submitted that agree with the accepted programs of the solved subtasks that
        `subtask` strictly contains (IOI only)."""
        open_ids = {c for c in self.score[subtask] if c not in submitted}
        if self.rules.name != RulesName.IOI or not self.w.containment:
            return open_ids
        kept = set(open_ids)
        for inner in self.closure.get(subtask, set()):
            points = self.context.points.get(inner, 0.0)
            accepted = [
                f.candidate
                for f in history
                if f.compiled
                and f.subtask_scores is not None
                and points > 0
                and f.subtask_scores.get(inner, 0.0) >= points - _EPS * max(1.0, points)
                and f.candidate in self.context.matrix.executions
            ]
            if accepted:
                kept = {c for c in kept if any(self._agree(c, a, inner) for a in accepted)}
        return kept or open_ids

    def _agree(self, candidate: str, accepted: str, subtask: str) -> bool:
        key = (candidate, accepted, subtask)
        if key not in self._agreement:
            self._agreement[key] = self._compare(candidate, accepted, subtask)
        return self._agreement[key]

    def _compare(self, candidate: str, accepted: str, subtask: str) -> bool:
        mine = self.context.matrix.executions[candidate].generated
        theirs = self.context.matrix.executions[accepted].generated
        for input_id in self.context.inputs.per_subtask.get(subtask, []):
            reference = theirs.get(input_id)
            if reference is None or reference.status != RunStatus.OK:
                continue  # the accepted program failed there: the input says nothing
            run = mine.get(input_id)
            if run is not None and (run.status != RunStatus.OK or run.output != reference.output):
                return False
        return True


POLICIES: dict[str, type[SubmissionPolicy]] = {
    p.name: p
    for p in (RandomPolicy, PublicFilterPolicy, AlphaCodePolicy, CodeTPolicy, LearnedPolicy, O1IoiPolicy)
}


def make_policy(
    name: str,
    context: SelectionContext,
    rules: Rules,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    weights: PolicyWeights | None = None,
) -> SubmissionPolicy:
    """The policy `name`; `weights` only matter to o1-ioi (None: the shipped policy.json)."""
    if name not in POLICIES:
        raise IoiAgentError(f"unknown policy {name!r} (fix: use one of {', '.join(POLICIES)})")
    if name == O1IoiPolicy.name:
        return O1IoiPolicy(context, rules, seed=seed, scorer=scorer, weights=weights)
    return POLICIES[name](context, rules, seed=seed, scorer=scorer)
