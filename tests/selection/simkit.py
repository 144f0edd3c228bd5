"""Crafted labelled problems (tuning.SimProblem) for the tuning and cross-validation tests: a selection
context as build_context would make it plus each candidate's hidden result, built from compact specs, with
no judge and no package."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ioi_agent.judge.verdict import Verdict
from ioi_agent.selection.grader import HiddenScore
from ioi_agent.selection.model import (
    Candidate,
    CandidateExecution,
    CandidateFeatures,
    CandidatePool,
    Cluster,
    ExecutionMatrix,
    GeneratedInputs,
    PublicResult,
    Run,
    RunStatus,
    SelectionContext,
)
from ioi_agent.selection.tuning import SimProblem

INPUTS = 3


@dataclass
class Spec:
    """`behaviour[s]`: equal labels = equal outputs on subtask s's inputs ("RE"/"TLE": that failure);
    `truth`: hidden subtask scores in points (None = does not compile); `learned`: the feature
    `mean_logprob` (a scorer reading only it gives any ranking a test wants)."""

    id: str
    behaviour: dict[str, str]
    truth: dict[str, float] | None
    public: bool = True
    learned: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


def crafted(
    name: str,
    specs: list[Spec],
    points: dict[str, float],
    *,
    contains: dict[str, list[str]] | None = None,
    seed: int = 0,
) -> SimProblem:
    subtasks = list(points)
    order = [specs[i] for i in np.random.default_rng(seed).permutation(len(specs))]
    per_subtask = {s: [f"{s}-in{j}" for j in range(INPUTS)] for s in subtasks}
    executions: dict[str, CandidateExecution] = {}
    for spec in order:
        if spec.truth is None:
            executions[spec.id] = CandidateExecution(candidate=spec.id, compiled=False)
            continue
        verdict = Verdict.AC if spec.public else Verdict.WA
        public = {"1": PublicResult(verdict=verdict, score=float(spec.public))}
        generated = {
            i: Run(status=RunStatus(spec.behaviour[s]))
            if spec.behaviour[s] in ("RE", "TLE")
            else Run(status=RunStatus.OK, output=f"{spec.behaviour[s]}:{i}")
            for s in subtasks
            for i in per_subtask[s]
        }
        executions[spec.id] = CandidateExecution(
            candidate=spec.id, compiled=True, public=public, generated=generated
        )
    compiled = [s for s in order if s.truth is not None]
    clusters: dict[str, list[Cluster]] = {}
    features: dict[str, dict[str, CandidateFeatures]] = {}
    for s in subtasks:
        groups: dict[str, list[str]] = {}
        for spec in compiled:
            groups.setdefault(spec.behaviour[s], []).append(spec.id)
        ranked = sorted(groups.items(), key=lambda kv: -len(kv[1]))
        clusters[s] = [Cluster(subtask=s, signature=label, members=m) for label, m in ranked]
        features[s] = {}
        for spec in compiled:
            label, size = spec.behaviour[s], len(groups[spec.behaviour[s]])
            values = {
                "compiled": 1.0,
                "public_all_passed": float(spec.public),
                "crash_rate": float(label == "RE"),
                "timeout_rate": float(label == "TLE"),
                "cluster_size": float(size),
                "cluster_share": size / len(compiled),
                "mean_logprob": spec.learned,
            } | spec.extra
            features[s][spec.id] = CandidateFeatures(candidate=spec.id, subtask=s, values=values)
    context = SelectionContext(
        problem=name,
        subtasks=subtasks,
        points=points,
        contains=contains or {},
        pool=CandidatePool(
            problem=name, candidates=[Candidate(id=s.id, problem=name, code=f"// {s.id}") for s in order]
        ),
        inputs=GeneratedInputs(folder="/nonexistent", per_subtask=per_subtask),
        matrix=ExecutionMatrix(problem=name, time_limit_s=1.0, executions=executions),
        clusters=clusters,
        features=features,
    )
    hidden = {
        s.id: HiddenScore(
            candidate=s.id,
            compiled=s.truth is not None,
            subtask_scores=None if s.truth is None else dict(s.truth),
            score=sum((s.truth or {}).values()),
            accepted=s.truth is not None and all(s.truth[t] >= points[t] for t in subtasks),
            pretests_passed=False,
            pretest_verdict=Verdict.WA,
        )
        for s in specs
    }
    return SimProblem(
        name=name, max_score=sum(points.values()), subtasks=subtasks, context=context, hidden=hidden
    )


def family(prefix: str, count: int, **kwargs: object) -> list[Spec]:
    return [Spec(id=f"{prefix}{i}", **kwargs) for i in range(count)]  # type: ignore[arg-type]


def logprob_table(problem: SimProblem) -> dict[tuple[str, str], float]:
    """The scores of a scorer that reads mean_logprob alone (squashed into (0, 1) as a scorer's are)."""
    return {
        (s, c): float(1.0 / (1.0 + np.exp(-f.values.get("mean_logprob", 0.0))))
        for s, per in problem.context.features.items()
        for c, f in per.items()
    }
