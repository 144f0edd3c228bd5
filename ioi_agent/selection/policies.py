"""Submission policies: given a SelectionContext and the feedback so far, which candidate to submit next.

A policy sees only what a contestant may see: the context (public examples, its own generated inputs,
executions, clusters, features) and the official feedback. `next(history)` returns a candidate id, or None
to stop; it never proposes a candidate already in the history, and asking twice with the same history gives
the same answer. The caller enforces the budget (rules.max_submissions) and the interval.

Every policy stops early once it has what it came for: IOI, every subtask already got its full points;
Codeforces, only when STOP_ON_PRETESTS_PASSED is set (off by default; see policy_base.py).

Words used below:
- compiling: the candidate's execution record says it compiled (a sample without code never does);
- passes the public examples: every public example of the matrix scored 1 (no examples: passes);
- the whole-problem subtask: the subtask that (transitively) contains the most others, then the one with the
  most points, then the last in package order; its generated inputs stand for the whole problem.
"""

from __future__ import annotations

from ioi_agent.errors import IoiAgentError
from ioi_agent.selection.model import (
    Rules,
    SelectionContext,
)
from ioi_agent.selection.o1ioi import O1IoiPolicy
from ioi_agent.selection.policy_base import (
    OrderedPolicy,
    ScoresFeatures,
    SubmissionPolicy,
    by_key_desc,
    compiling,
    learned_scores,
    passes_public,
    public_filtered,
    scorer_or_default,
    tie_rank,
    whole_problem_subtask,
)
from ioi_agent.selection.weights import PolicyWeights


class RandomPolicy(OrderedPolicy):
    """Every candidate of the pool (compiling or not) in a seeded uniformly random order: the baseline
    whose expected score expected.random_expected_ioi computes exactly."""

    name = "random"

    def _order(self) -> list[str]:
        return self._shuffled([c.id for c in self.context.pool.candidates])


class PublicFilterPolicy(OrderedPolicy):
    """Random among the compiling candidates passing every public example (all compiling ones if none do), in
    the seed's `tie_rank` order."""

    name = "public-filter"

    def _order(self) -> list[str]:
        return self._tie_ordered(public_filtered(self.context))


class AlphaCodePolicy(OrderedPolicy):
    """AlphaCode: filter on the public examples, cluster by behaviour, one per cluster from the largest down,
    wrapping around (a cluster's second member on the second pass, and so on).

    Clusters are those of the whole-problem subtask (its generated inputs are the whole problem's), counted
    after the filter. Members, and clusters of equal size, come in a seeded random order (`tie_rank`; the
    o1-ioi policy breaks its ties the same way, so its ALPHACODE_LIKE weights give this very order). A
    filtered candidate missing from every cluster forms its own."""

    name = "alphacode"

    def _order(self) -> list[str]:
        kept = public_filtered(self.context)
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
        # Largest first, so the clusters still holding a member at `depth` are a prefix of the list: the
        # pass costs the members, not depth × clusters (a 30,000-member cluster among 10,000 singletons).
        reach = len(clusters)
        for depth in range(len(clusters[0]) if clusters else 0):
            while len(clusters[reach - 1]) <= depth:
                reach -= 1
            order += [cl[depth] for cl in clusters[:reach]]
        return order


class CodeTPolicy(OrderedPolicy):
    """CodeT: the public-filtered candidates by the dual-agreement feature `codet_score` of the
    whole-problem subtask, largest first; ties in a seeded random order."""

    name = "codet"

    def _order(self) -> list[str]:
        kept = self._tie_ordered(public_filtered(self.context))
        whole = whole_problem_subtask(self.context)
        features = self.context.features.get(whole, {}) if whole is not None else {}
        key = {c: features[c].values.get("codet_score", 0.0) if c in features else 0.0 for c in kept}
        return by_key_desc(kept, key)


class LearnedPolicy(OrderedPolicy):
    """The compiling candidates by the scorer's expected share of the problem's points (the points-weighted
    mean over subtasks of the per-subtask score), those failing a public example last; ties seeded random."""

    name = "learned"

    def _order(self) -> list[str]:
        per_subtask = learned_scores(self.context, scorer_or_default(self.scorer))
        total = sum(self.context.points.get(s, 0.0) for s in self.context.subtasks) or 1.0
        ids = self._tie_ordered(compiling(self.context))
        key = {
            c: sum(
                self.context.points.get(s, 0.0) * per_subtask[s].get(c, 0.0) for s in self.context.subtasks
            )
            / total
            for c in ids
        }
        ordered = by_key_desc(ids, key)
        return [c for c in ordered if passes_public(self.context, c)] + [
            c for c in ordered if not passes_public(self.context, c)
        ]


__all__ = [
    "POLICIES",
    "AlphaCodePolicy",
    "CodeTPolicy",
    "LearnedPolicy",
    "O1IoiPolicy",
    "PublicFilterPolicy",
    "RandomPolicy",
    "ScoresFeatures",
    "SubmissionPolicy",
    "make_policy",
]

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
