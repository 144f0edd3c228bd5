"""Every policy on crafted contexts whose right answer is known, judged by a tiny simulated grader that holds
each candidate's hidden per-subtask scores (the policies never see them)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

from ioi_agent.errors import IoiAgentError
from ioi_agent.judge.verdict import Verdict
from ioi_agent.scoring.ioi import task_score
from ioi_agent.selection import policy_base
from ioi_agent.selection.expected import oracle_ioi, random_expected_ioi
from ioi_agent.selection.model import (
    Candidate,
    CandidateExecution,
    CandidateFeatures,
    CandidatePool,
    Cluster,
    ExecutionMatrix,
    Feedback,
    GeneratedInputs,
    PublicResult,
    Rules,
    Run,
    RunStatus,
    SelectionContext,
)
from ioi_agent.selection.policies import POLICIES, O1IoiPolicy, SubmissionPolicy, make_policy
from ioi_agent.selection.policy_base import hardness_order, whole_problem_subtask
from ioi_agent.selection.scorer import FALLBACK_WEIGHTS, Scorer, fallback_scorer

INPUTS_PER_SUBTASK = 3
SAMPLES = ["1", "2"]


@dataclass
class Spec:
    """A crafted candidate. `behaviour[s]`: a label for its runs on subtask s's generated inputs (equal labels
    = equal outputs; "TLE"/"RE" = that failure everywhere). `truth`: hidden subtask scores in points, None =
    does not compile."""

    id: str
    behaviour: dict[str, str]
    truth: dict[str, float] | None
    public: bool = True
    written_for: str | None = None
    extra: dict[str, float] = field(default_factory=dict)


def family(prefix: str, count: int, **kwargs) -> list[Spec]:
    return [Spec(id=f"{prefix}{i}", **kwargs) for i in range(count)]


def build(
    specs: list[Spec],
    points: dict[str, float],
    contains: dict[str, list[str]] | None = None,
    seed: int = 0,
    fallback: bool = False,
) -> tuple[SelectionContext, dict[str, dict[str, float] | None]]:
    """A SelectionContext as build_context would make it, with the features a crafted test needs."""
    subtasks = list(points)
    order = [specs[i] for i in np.random.default_rng(seed).permutation(len(specs))]  # no lucky pool order
    per_subtask = {
        s: ([] if fallback else [f"{s}-in{j}" for j in range(INPUTS_PER_SUBTASK)]) for s in subtasks
    }
    executions: dict[str, CandidateExecution] = {}
    for spec in order:
        if spec.truth is None:
            executions[spec.id] = CandidateExecution(candidate=spec.id, compiled=False)
            continue
        public = {
            name: PublicResult(verdict=Verdict.AC, score=1.0)
            if spec.public or name == "1"
            else PublicResult(verdict=Verdict.WA, score=0.0)
            for name in SAMPLES
        }
        generated = {}
        for s in subtasks:
            label = spec.behaviour[s]
            for j, input_id in enumerate(per_subtask[s]):
                if label in ("TLE", "RE"):
                    generated[input_id] = Run(status=RunStatus(label))
                else:
                    generated[input_id] = Run(status=RunStatus.OK, output=f"{label}:{input_id}:{j}")
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
            label = spec.behaviour[s]
            size = len(groups[label])
            values = {
                "compiled": 1.0,
                "public_pass_rate": 1.0 if spec.public else 0.5,
                "public_all_passed": 1.0 if spec.public else 0.0,
                "public_count": 2.0,
                "crash_rate": 1.0 if label == "RE" else 0.0,
                "timeout_rate": 1.0 if label == "TLE" else 0.0,
                "failure_rate": 1.0 if label in ("RE", "TLE") else 0.0,
                "cluster_size": float(size),
                "cluster_share": size / len(compiled),
                "codet_score": 0.0,
                "mbr_agreement": 0.0,
                "written_for_subtask": 1.0 if spec.written_for == s else 0.0,
                "runtime_headroom": 0.5,
            } | spec.extra
            features[s][spec.id] = CandidateFeatures(candidate=spec.id, subtask=s, values=values)
    pool = CandidatePool(
        problem="crafted",
        candidates=[Candidate(id=s.id, problem="crafted", subtask=s.written_for, code="...") for s in order],
    )
    context = SelectionContext(
        problem="crafted",
        subtasks=subtasks,
        points=points,
        contains=contains or {},
        pool=pool,
        inputs=GeneratedInputs(folder="/nonexistent", per_subtask=per_subtask, fallback=fallback),
        matrix=ExecutionMatrix(problem="crafted", time_limit_s=1.0, executions=executions),
        clusters=clusters,
        features=features,
    )
    return context, {s.id: s.truth for s in specs}


def run_policy(
    policy: SubmissionPolicy, truth: dict[str, dict[str, float] | None], budget: int
) -> tuple[list[Feedback], float]:
    """The simulated official grader: full per-subtask feedback (IOI) or the pretest verdict (Codeforces,
    pretests = the full tests here), the budget enforced, the final score as CMS computes it."""
    context, codeforces = policy.context, policy.rules.name == "codeforces"
    history: list[Feedback] = []
    while len(history) < budget:
        pick = policy.next(history)
        if pick is None:
            break
        assert pick == policy.next(history), "asking twice with the same history changed the answer"
        assert pick not in {f.candidate for f in history}, f"{pick} submitted twice"
        scores = truth[pick]
        full = scores is not None and all(scores[s] >= context.points[s] for s in context.subtasks)
        history.append(
            Feedback(
                index=len(history) + 1,
                candidate=pick,
                at_s=60.0 * len(history),
                compiled=scores is not None,
                subtask_scores=None if codeforces else scores and dict(scores),
                verdict=None if not codeforces else (Verdict.AC if full else Verdict.WA),
                pretests_passed=full if codeforces else None,
            )
        )
    return history, task_score((truth[f.candidate] for f in history), context.subtasks)


def scorer() -> Scorer:
    return fallback_scorer(list(FALLBACK_WEIGHTS))


def ioi_policy(name: str, context: SelectionContext, budget: int = 50, seed: int = 0) -> SubmissionPolicy:
    return make_policy(name, context, Rules.ioi(budget), seed=seed, scorer=scorer())


# --- scenario A: the answer is the public-passing part of the biggest cluster ------------------------------

POINTS_A = {"s1": 20.0, "s2": 30.0, "s3": 50.0}
FULL_A = {"s1": 20.0, "s2": 30.0, "s3": 50.0}


def scenario_a() -> tuple[SelectionContext, dict]:
    same = {"s1": "F", "s2": "F", "s3": "F"}
    specs = (
        family("full", 4, behaviour=same, truth=FULL_A)
        # Same outputs on every generated input but a sample shows they are wrong (hidden tests include it).
        + family("sample-wrong", 2, behaviour=same, truth={"s1": 0.0, "s2": 0.0, "s3": 0.0}, public=False)
        + family(
            "partial",
            3,
            behaviour={"s1": "F", "s2": "P", "s3": "P"},
            truth={"s1": 20.0, "s2": 0.0, "s3": 0.0},
        )
        + family(
            "wrong",
            5,
            behaviour={"s1": "X", "s2": "X", "s3": "X"},
            truth=dict.fromkeys(POINTS_A, 0.0),
            public=False,
        )
        + family("broken", 2, behaviour={}, truth=None)
    )
    return build(specs, POINTS_A, contains={"s2": ["s1"], "s3": ["s1", "s2"]})


@pytest.mark.parametrize("name", ["o1-ioi", "alphacode", "learned", "public-filter"])
def test_scenario_a_selecting_policies_reach_the_oracle(name: str) -> None:
    context, truth = scenario_a()
    vectors = list(truth.values())
    for budget in (1, 2, 5):
        policy = ioi_policy(name, context, budget)
        history, score = run_policy(policy, truth, budget)
        if name == "public-filter":  # random among 7 public-passing: 4 full, 3 partial
            assert score in (20.0, 100.0)
            continue
        assert score == oracle_ioi(vectors, context.subtasks, budget) == 100.0
        assert len(history) == 1, "solved everything with the first submission: must stop"
        assert history[0].candidate.startswith("full")
        assert policy.next(history) is None


def test_scenario_a_selection_beats_random_on_average() -> None:
    context, truth = scenario_a()
    expected = random_expected_ioi(list(truth.values()), context.subtasks, 2)
    assert expected < 60.0  # random is far from the oracle here
    finals = [run_policy(ioi_policy("public-filter", context, 2, seed=s), truth, 2)[1] for s in range(200)]
    assert np.mean(finals) > expected + 10


# --- scenario B: hardest first, stop solved subtasks, the containment rule -------------------------------

POINTS_B = {"small": 30.0, "full": 70.0}


def scenario_b(contains: bool = True) -> tuple[SelectionContext, dict]:
    specs = (
        # Correct but slow: right on "small", times out on the big inputs.
        family(
            "slow",
            3,
            behaviour={"small": "ok", "full": "TLE"},
            truth={"small": 30.0, "full": 0.0},
            written_for="small",
        )
        # The real solution: agrees with "slow" on the small inputs.
        + family("good", 2, behaviour={"small": "ok", "full": "G"}, truth={"small": 30.0, "full": 70.0})
        # The biggest cluster on "full" is a wrong greedy, wrong on the small inputs too.
        + family("greedy", 4, behaviour={"small": "h", "full": "H"}, truth={"small": 0.0, "full": 0.0})
        # Another wrong cluster, bigger than "good" on "full"; only the containment rule rules it out.
        + family("other", 3, behaviour={"small": "j", "full": "J"}, truth={"small": 0.0, "full": 0.0})
    )
    return build(specs, POINTS_B, contains={"full": ["small"]} if contains else {}, seed=1)


def test_hardness_order_and_whole_problem() -> None:
    context, _ = scenario_b()
    assert hardness_order(context) == ["full", "small"]
    assert whole_problem_subtask(context) == "full"
    unrelated, _ = build(
        [Spec(id="x", behaviour={"a": "1", "b": "1", "c": "1"}, truth={"a": 0, "b": 0, "c": 0})],
        {"a": 10.0, "b": 30.0, "c": 30.0},
    )
    assert hardness_order(unrelated) == ["c", "b", "a"]  # most points, then later in package order


def test_o1_ioi_round_robin_containment_and_stop() -> None:
    context, truth = scenario_b()
    policy = ioi_policy("o1-ioi", context, 10)
    history, score = run_policy(policy, truth, 10)
    picks = [f.candidate for f in history]
    # 1: hardest subtask first, its top cluster (the big greedy one), 0 everywhere.
    # 2: round robin to "small": the biggest cluster there (slow + good), its best member written for it.
    # 3: back to "full": "other" and "greedy" disagree with the accepted "slow" on the small inputs.
    assert [p.rstrip("0123456789") for p in picks] == ["greedy", "slow", "good"]
    assert score == 100.0
    assert policy.next(history) is None


def test_o1_ioi_without_containment_tries_the_bigger_wrong_cluster() -> None:
    context, truth = scenario_b(contains=False)
    history, score = run_policy(ioi_policy("o1-ioi", context, 10), truth, 10)
    picks = [f.candidate.rstrip("0123456789") for f in history]
    assert picks[:3] == ["greedy", "slow", "other"]
    assert score == 100.0 and picks[-1] == "good"


def test_o1_ioi_skips_solved_subtasks() -> None:
    # Independent subtasks a (10) < b (20) < c (30): hardest first is c, b, a.
    points = {"a": 10.0, "b": 20.0, "c": 30.0}
    zero = dict.fromkeys(points, 0.0)
    specs = (
        family("cwrong", 4, behaviour={"a": "w", "b": "w", "c": "w"}, truth=zero)
        + family("ab", 2, behaviour={"a": "A", "b": "B", "c": "x"}, truth={"a": 10.0, "b": 20.0, "c": 0.0})
        + family(
            "aonly", 3, behaviour={"a": "A", "b": "RE", "c": "TLE"}, truth={"a": 10.0, "b": 0.0, "c": 0.0}
        )
        + family("c", 1, behaviour={"a": "RE", "b": "z", "c": "C"}, truth={"a": 0.0, "b": 0.0, "c": 30.0})
    )
    context, truth = build(specs, points, seed=2)
    history, score = run_policy(ioi_policy("o1-ioi", context, 10), truth, 10)
    picks = [f.candidate.rstrip("0123456789") for f in history]
    # c (the big wrong cluster), b (solves a and b), then a is skipped: c again, now its right cluster.
    # Without the skip the third would be an "aonly" (a's biggest cluster).
    assert picks == ["cwrong", "ab", "c"]
    assert score == 60.0


def test_o1_ioi_moves_off_a_cluster_that_scored_zero() -> None:
    # The big cluster scores far better before any feedback; one zero must send the policy elsewhere,
    # although the per-submission penalty alone would leave the big cluster on top.
    specs = family("big", 8, behaviour={"s": "w"}, truth={"s": 0.0}, extra={"mbr_agreement": 3.0}) + family(
        "small", 1, behaviour={"s": "r"}, truth={"s": 100.0}, extra={"mbr_agreement": -3.0}
    )
    context, truth = build(specs, {"s": 100.0})
    history, score = run_policy(ioi_policy("o1-ioi", context, 10), truth, 10)
    assert [f.candidate.rstrip("0123456789") for f in history] == ["big", "small"]
    assert score == 100.0


def test_o1_ioi_penalises_each_submission_from_a_cluster() -> None:
    # 90 of 100 from the big cluster: the feedback alone costs it little, the per-submission penalty
    # must still make the next best cluster worth a try.
    specs = family("big", 8, behaviour={"s": "w"}, truth={"s": 90.0}, extra={"mbr_agreement": 3.0}) + family(
        "small", 1, behaviour={"s": "r"}, truth={"s": 100.0}
    )
    context, truth = build(specs, {"s": 100.0})
    history, score = run_policy(ioi_policy("o1-ioi", context, 10), truth, 10)
    assert [f.candidate.rstrip("0123456789") for f in history] == ["big", "small"]


def test_o1_ioi_puts_public_failures_and_crashes_behind_whatever_the_scorer_says() -> None:
    only_mbr = Scorer(["mbr_agreement"], [0.0], [1.0], hidden=0)
    with torch.no_grad():
        only_mbr.network.weight.fill_(1.0)
        only_mbr.network.bias.fill_(0.0)
    specs = [
        Spec(id="loud", behaviour={"s": "a"}, truth={"s": 0.0}, public=False, extra={"mbr_agreement": 4.0}),
        Spec(id="crashy", behaviour={"s": "RE"}, truth={"s": 0.0}, extra={"mbr_agreement": 2.0}),
        Spec(id="quiet", behaviour={"s": "b"}, truth={"s": 100.0}, extra={"mbr_agreement": 0.0}),
    ]
    context, truth = build(specs, {"s": 100.0})
    policy = make_policy("o1-ioi", context, Rules.ioi(), scorer=only_mbr)
    assert policy.next([]) == "quiet"


def test_o1_ioi_never_resubmits_and_stops_when_candidates_run_out() -> None:
    points = {"s1": 50.0, "s2": 50.0}
    specs = (
        family("w", 6, behaviour={"s1": "a", "s2": "b"}, truth={"s1": 0.0, "s2": 10.0})
        + family("v", 3, behaviour={"s1": "c", "s2": "RE"}, truth={"s1": 25.0, "s2": 0.0})
        + family("dead", 2, behaviour={}, truth=None)
    )
    context, truth = build(specs, points)
    history, score = run_policy(ioi_policy("o1-ioi", context, 50), truth, 50)
    assert sorted(f.candidate for f in history) == sorted(s.id for s in specs if s.truth is not None)
    assert score == 35.0


def test_o1_ioi_with_public_examples_only() -> None:
    points = {"s": 100.0}
    specs = family("bad", 5, behaviour={"s": "b"}, truth={"s": 0.0}, public=False) + family(
        "good", 1, behaviour={"s": "g"}, truth={"s": 100.0}
    )
    context, truth = build(specs, points, fallback=True)
    history, score = run_policy(ioi_policy("o1-ioi", context, 3), truth, 3)
    assert [f.candidate for f in history] == ["good0"] and score == 100.0


def test_o1_ioi_uses_the_default_scorer_when_none_given() -> None:
    context, truth = scenario_a()
    policy = O1IoiPolicy(context, Rules.ioi(5))
    assert run_policy(policy, truth, 5)[1] == 100.0


# --- Codeforces rules ------------------------------------------------------------------------------------


def test_o1_ioi_codeforces_drops_a_cluster_that_failed_pretests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policy_base, "STOP_ON_PRETESTS_PASSED", True)
    points = {"s1": 40.0, "s2": 60.0}
    # The wrong cluster looks much better; after its pretest failure it must not be tried again.
    specs = family(
        "wrong",
        5,
        behaviour={"s1": "w", "s2": "w"},
        truth={"s1": 40.0, "s2": 0.0},
        extra={"mbr_agreement": 3.0},
    ) + family(
        "right",
        3,
        behaviour={"s1": "w", "s2": "r"},
        truth={"s1": 40.0, "s2": 60.0},
        extra={"mbr_agreement": -3.0},
    )
    context, truth = build(specs, points, contains={"s2": ["s1"]})
    policy = make_policy("o1-ioi", context, Rules.codeforces(), scorer=scorer())
    history, _ = run_policy(policy, truth, 10)
    assert [f.candidate.rstrip("0123456789") for f in history] == ["wrong", "right"]
    assert history[-1].pretests_passed and policy.next(history) is None


@pytest.mark.parametrize("stop", [True, False])
def test_codeforces_stop_after_pretests_is_one_switch(monkeypatch: pytest.MonkeyPatch, stop: bool) -> None:
    monkeypatch.setattr(policy_base, "STOP_ON_PRETESTS_PASSED", stop)
    context, truth = scenario_a()
    for name in POLICIES:
        policy = make_policy(name, context, Rules.codeforces(), seed=3, scorer=scorer())
        history, _ = run_policy(policy, truth, 10)
        passed = [f.index for f in history if f.pretests_passed]
        assert passed, name
        if stop:
            assert passed == [len(history)] and policy.next(history) is None, name
        else:
            assert len(history) > passed[0] or len(history) == 10, f"{name} stopped at the pass"


# --- the baselines -----------------------------------------------------------------------------------------


def test_random_is_a_seeded_permutation_of_the_whole_pool() -> None:
    context, truth = scenario_a()
    ids = [c.id for c in context.pool.candidates]
    orders = []
    for seed in (0, 0, 1):
        policy = make_policy("random", context, Rules.ioi(100), seed=seed)
        history: list[Feedback] = []
        while (pick := policy.next(history)) is not None:
            history.append(Feedback(index=len(history) + 1, candidate=pick, at_s=0.0, compiled=False))
        orders.append([f.candidate for f in history])
    assert sorted(orders[0]) == sorted(ids)
    assert orders[0] == orders[1] and orders[0] != orders[2]


@pytest.mark.parametrize("budget", [1, 3, 6])
def test_random_mean_matches_the_exact_expectation(budget: int) -> None:
    context, truth = scenario_b()
    finals = [
        run_policy(ioi_policy("random", context, budget, seed=s), truth, budget)[1] for s in range(1500)
    ]
    expected = random_expected_ioi([truth[c.id] for c in context.pool.candidates], context.subtasks, budget)
    stderr = np.std(finals) / np.sqrt(len(finals))
    assert abs(np.mean(finals) - expected) < 4 * stderr + 1e-9


def test_public_filter_keeps_only_public_passing_and_falls_back() -> None:
    context, truth = scenario_a()
    policy = ioi_policy("public-filter", context, 100)
    assert set(policy.order) == {f"full{i}" for i in range(4)} | {f"partial{i}" for i in range(3)}
    nobody = family("x", 3, behaviour={"s": "a"}, truth={"s": 0.0}, public=False) + family(
        "dead", 1, behaviour={}, truth=None
    )
    context, _ = build(nobody, {"s": 1.0})
    assert set(ioi_policy("public-filter", context).order) == {"x0", "x1", "x2"}


def test_alphacode_one_per_cluster_largest_first_wrapping_around() -> None:
    points = {"small": 10.0, "full": 90.0}
    specs = (
        family("big", 4, behaviour={"small": "1", "full": "B"}, truth={"small": 0.0, "full": 0.0})
        + family("mid", 2, behaviour={"small": "1", "full": "M"}, truth={"small": 0.0, "full": 0.0})
        + family("one", 1, behaviour={"small": "1", "full": "O"}, truth={"small": 0.0, "full": 0.0})
        # Largest of all before the filter, but every member fails a sample.
        + family(
            "fails", 6, behaviour={"small": "1", "full": "F"}, truth={"small": 0.0, "full": 0.0}, public=False
        )
    )
    context, _ = build(specs, points, contains={"full": ["small"]})
    order = [c.rstrip("0123456789") for c in ioi_policy("alphacode", context).order]
    assert order == ["big", "mid", "one", "big", "mid", "big", "big"]


def test_codet_orders_by_dual_agreement_among_public_passing() -> None:
    points = {"s": 100.0}
    specs = [
        Spec(id=f"c{i}", behaviour={"s": str(i)}, truth={"s": 0.0}, extra={"codet_score": float(i)})
        for i in range(5)
    ] + [Spec(id="f", behaviour={"s": "f"}, truth={"s": 0.0}, public=False, extra={"codet_score": 99.0})]
    context, _ = build(specs, points)
    assert ioi_policy("codet", context).order == ["c4", "c3", "c2", "c1", "c0"]


def test_learned_orders_by_score_with_public_failures_last() -> None:
    points = {"s": 100.0}
    specs = [
        Spec(id="low", behaviour={"s": "a"}, truth={"s": 0.0}, extra={"mbr_agreement": 0.0}),
        Spec(id="high", behaviour={"s": "b"}, truth={"s": 0.0}, extra={"mbr_agreement": 3.0}),
        Spec(id="mid", behaviour={"s": "c"}, truth={"s": 0.0}, extra={"mbr_agreement": 1.0}),
        Spec(id="fails", behaviour={"s": "d"}, truth={"s": 0.0}, public=False, extra={"mbr_agreement": 9.0}),
        Spec(id="dead", behaviour={}, truth=None),
    ]
    context, _ = build(specs, points)
    assert ioi_policy("learned", context).order == ["high", "mid", "low", "fails"]


def test_registry_and_errors() -> None:
    assert list(POLICIES) == ["random", "public-filter", "alphacode", "codet", "learned", "o1-ioi"]
    assert all(POLICIES[n].name == n for n in POLICIES)
    context, _ = scenario_a()
    with pytest.raises(IoiAgentError, match="unknown policy"):
        make_policy("best", context, Rules.ioi())
