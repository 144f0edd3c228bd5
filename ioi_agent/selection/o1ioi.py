"""The o1-ioi submission policy (see `policies.py` for what a policy sees and the words used)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ioi_agent.selection.model import (
    Feedback,
    Rules,
    RulesName,
    RunStatus,
    SelectionContext,
)
from ioi_agent.selection.policy_base import (
    EPS,
    ScoresFeatures,
    SubmissionPolicy,
    compiling,
    containment_closure,
    finished,
    hardness_order,
    learned_scores,
    passes_public,
    scorer_or_default,
    solved_subtasks,
    tie_rank,
    whole_problem_subtask,
)
from ioi_agent.selection.weights import PolicyWeights, SubtaskOrder, default_weights


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
        learned = learned_scores(context, scorer_or_default(scorer)) if self.w.learned != 0 else {}
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
                and f.subtask_scores.get(inner, 0.0) >= points - EPS * max(1.0, points)
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
        read = self.context.contenders.get(subtask)
        if read is not None and accepted not in read:
            return True  # its runs there are not read (it fails the subtask's public examples): no evidence
        if read is not None and candidate not in read:
            return False  # it fails public examples of a subtask an accepted program solved
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
