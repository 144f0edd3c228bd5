"""Tuning the o1-ioi weights by simulation, and leave-one-problem-out fitting, on crafted labelled problems
(no judge: the hidden results are given)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.packages import load_problem
from ioi_agent.selection import crossval
from ioi_agent.selection.evaluation import PreparedProblem, run_policy
from ioi_agent.selection.grader import OfficialGrader, _Judged, code_sha256
from ioi_agent.selection.model import Rules
from ioi_agent.selection.policies import POLICIES, O1IoiPolicy, make_policy
from ioi_agent.selection.session import run_submissions
from ioi_agent.selection.tuning import (
    Evaluator,
    ScoreTable,
    SimGrader,
    SimProblem,
    budget_scores,
    simulate,
    tune,
)
from ioi_agent.selection.weights import (
    ALPHACODE_LIKE,
    HAND_SET,
    PolicyWeights,
    SubtaskOrder,
    load_policy,
    save_policy,
)
from tests.conftest import write_kattis_problem
from tests.selection.simkit import Spec, crafted, family, logprob_table

POINTS = {"s1": 30.0, "s2": 70.0}


def random_problem(name: str, seed: int) -> SimProblem:
    """Two subtasks, s2 containing s1; clusters of varied sizes whose members mostly share the cluster's
    hidden scores; some fail a public example, crash or time out; some do not compile."""
    rng = np.random.default_rng(seed)
    specs: list[Spec] = []
    for k in range(int(rng.integers(3, 7))):
        s1 = float(rng.random() < 0.6) * 30.0
        s2 = 70.0 if s1 and rng.random() < 0.4 else 0.0
        fail = ["RE", "TLE", f"c{k}"][int(rng.integers(3))] if not s2 else f"c{k}"
        behaviour = {"s1": f"a{int(s1 > 0)}{k % 2}", "s2": fail}
        for i in range(int(rng.integers(1, 6))):
            truth = {"s1": s1, "s2": s2 if rng.random() < 0.9 else 0.0}
            specs.append(
                Spec(
                    id=f"k{k}m{i}",
                    behaviour=behaviour,
                    truth=truth,
                    public=bool(rng.random() < (0.9 if s1 else 0.4)),
                    learned=float(rng.normal(s1 / 30.0, 1.0)),
                )
            )
    specs += family("dead", int(rng.integers(0, 3)), behaviour={}, truth=None)
    specs[0].public = True  # someone passes the examples: AlphaCode's filter keeps something
    return crafted(name, specs, POINTS, contains={"s2": ["s1"]}, seed=seed)


# --- the policy file ---------------------------------------------------------------------------------------


def test_policy_file_round_trip_and_errors(tmp_path: Path) -> None:
    weights = PolicyWeights(learned=2.5, cluster_size=0.25, order=SubtaskOrder.WHOLE)
    save_policy(tmp_path / "p.json", weights, note="test", objective=0.5, trained_on=["a"])
    loaded = load_policy(tmp_path / "p.json")
    assert loaded.weights == weights and loaded.trained_on == ["a"]
    (tmp_path / "bad.json").write_text('{"weights": {"learned": "x"}}')
    with pytest.raises(IoiAgentError, match="not a readable policy"):
        load_policy(tmp_path / "bad.json")
    with pytest.raises(IoiAgentError, match="no policy file"):
        load_policy(tmp_path / "missing.json")


def test_o1_ioi_reads_the_shipped_policy_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ioi_agent.selection import weights as weights_module

    problem = random_problem("p", 0)
    path = tmp_path / "policy.json"
    save_policy(path, ALPHACODE_LIKE)
    monkeypatch.setattr(weights_module, "DEFAULT_POLICY_FILE", path)
    assert O1IoiPolicy(problem.context, Rules.ioi()).w == ALPHACODE_LIKE
    monkeypatch.setattr(weights_module, "DEFAULT_POLICY_FILE", tmp_path / "none.json")
    assert O1IoiPolicy(problem.context, Rules.ioi()).w == HAND_SET


# --- the simulation is the evaluation ------------------------------------------------------------------


def prepared_for(problem: SimProblem, root: Path) -> PreparedProblem:
    """The evaluation harness's PreparedProblem over a real OfficialGrader whose judged programs are the
    crafted hidden results (filled in its memo, so nothing is judged)."""
    package = write_kattis_problem(
        root / problem.name,
        {"a": ("1\n", "1\n"), "b": ("2\n", "2\n")},
        groups={"s1": (30, ["a"]), "s2": (70, ["a", "b"])},
    )
    full = load_problem(package)
    grader = OfficialGrader(full, Rules.ioi())
    grader._judge, grader._owns_judge = object(), False  # type: ignore[assignment]
    for c in problem.context.pool.candidates:
        h = problem.hidden[c.id]
        grader._memo[code_sha256(c)] = _Judged(
            compiled=h.compiled,
            subtask_scores=h.subtask_scores,
            accepted=h.accepted,
            pretests_passed=h.pretests_passed,
            pretest_verdict=h.pretest_verdict,
        )
    return PreparedProblem(problem=full, grader=grader, context=problem.context, hidden=problem.hidden)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_simulation_matches_the_evaluation_path(tmp_path: Path, seed: int) -> None:
    problem = random_problem("crafted", seed)
    prepared = prepared_for(problem, tmp_path)
    assert prepared.problem.name == "crafted" and prepared.problem.max_score == 100.0
    table = ScoreTable(logprob_table(problem))
    settings = [
        HAND_SET,
        ALPHACODE_LIKE,
        PolicyWeights(cluster_size=0.7, feedback=0.0, order=SubtaskOrder.EASIEST),
    ]
    for name in POLICIES:
        for weights in settings if name == "o1-ioi" else [None]:
            for policy_seed in (0, 5):
                prefix = budget_scores(
                    problem, name, (1, 2, 5, 50), seed=policy_seed, scorer=table, weights=weights
                )
                for k in (1, 2, 5, 50):
                    rules = Rules.ioi(k)
                    real = prepared.grader.fresh(rules)
                    policy = make_policy(
                        name, problem.context, rules, seed=policy_seed, scorer=table, weights=weights
                    )
                    history = run_submissions(policy, real, rules)
                    simulated = simulate(
                        problem, name, budget=k, seed=policy_seed, scorer=table, weights=weights
                    )
                    assert [f.candidate for f in history] == [h.candidate for h in simulated.submitted]
                    assert [f.subtask_scores for f in history] == [
                        h.subtask_scores for h in simulated.submitted
                    ]
                    result = run_policy(
                        prepared, name, rules, seed=policy_seed, scorer=table, weights=weights
                    )
                    assert result.score == round(simulated.final_score(), 6) == round(prefix[k], 6)
                    assert result.submissions == len(simulated.submitted)


@pytest.mark.parametrize("seed", range(6))
def test_alphacode_like_weights_submit_what_alphacode_submits(seed: int) -> None:
    problem = random_problem("p", seed)
    for policy_seed in (0, 1, 2):
        alphacode = simulate(problem, "alphacode", seed=policy_seed)
        o1 = simulate(problem, "o1-ioi", seed=policy_seed, weights=ALPHACODE_LIKE)
        # Same picks while AlphaCode has candidates (after that o1-ioi goes on with public failures).
        picks = [h.candidate for h in alphacode.submitted]
        assert [h.candidate for h in o1.submitted][: len(picks)] == picks


# --- tuning ------------------------------------------------------------------------------------------------


def cluster_family(n: int) -> list[SimProblem]:
    """The right program is the biggest cluster, while the scorer prefers wrong ones: the known good weights
    put cluster size above the scorer (cluster_size × log((1 + right) / (1 + wrong)) > learned × 1)."""
    problems = []
    for j in range(n):
        rng = np.random.default_rng(100 + j)
        specs = family(
            "right", int(rng.integers(4, 7)), behaviour={"s": "R"}, truth={"s": 100.0}, learned=-2.0
        )
        for k in range(int(rng.integers(2, 5))):
            specs += family(
                f"w{k}-", int(rng.integers(1, 4)), behaviour={"s": f"W{k}"}, truth={"s": 0.0}, learned=2.0
            )
        problems.append(crafted(f"fam{j}", specs, {"s": 100.0}, seed=j))
    return problems


def test_tuning_recovers_the_known_good_weights() -> None:
    problems = cluster_family(6)
    tables = [ScoreTable(logprob_table(p)) for p in problems]
    evaluator = Evaluator(problems, tables, budgets=(1, 2, 5))
    assert evaluator.objective(HAND_SET) < 0.5  # the scorer alone picks wrong clusters
    result = tune(evaluator.objective, seed=0, samples=40, refine_rounds=20, start=(HAND_SET,))
    assert result.objective == pytest.approx(1.0)  # the oracle at every budget
    w = result.weights
    assert w.cluster_size * (math.log1p(4) - math.log1p(3)) > w.learned * (
        1 / (1 + math.exp(-2)) - 1 / (1 + math.exp(2))
    )
    again = tune(evaluator.objective, seed=0, samples=40, refine_rounds=20, start=(HAND_SET,))
    assert again.weights == w  # seeded


def test_tuning_starts_from_the_baseline_and_never_ends_below_it() -> None:
    problems = cluster_family(3)
    evaluator = Evaluator(problems, [ScoreTable(logprob_table(p)) for p in problems], budgets=(1,))
    result = tune(evaluator.objective, seed=3, samples=0, refine_rounds=5)
    assert result.history[1][0] == ALPHACODE_LIKE and result.objective >= result.history[1][1]


# --- leave one problem out ---------------------------------------------------------------------------------


class Poisoned(dict):
    """Labels that must never be read."""

    def __getitem__(self, key: object) -> object:
        raise AssertionError(f"the held-out problem's label of {key} was read")

    def get(self, key: object, default: object = None) -> object:
        raise AssertionError("the held-out problem's labels were read")

    def values(self):  # type: ignore[override]
        raise AssertionError("the held-out problem's labels were read")

    items = values


def test_leave_one_out_never_reads_the_held_out_problem() -> None:
    problems = [random_problem(f"p{i}", 10 + i) for i in range(4)]
    settings = crossval.FitSettings(
        feature_names=("mean_logprob", "public_all_passed", "cluster_size"),
        epochs=5,
        samples=4,
        refine_rounds=2,
    )
    clean = crossval.leave_one_out(crossval.ScorerCache(problems, settings), only=["p0"])["p0"]
    poisoned = [p.model_copy() for p in problems]
    poisoned[0].hidden = Poisoned()  # type: ignore[assignment]
    cache = crossval.ScorerCache(poisoned, settings)
    held = crossval.leave_one_out(cache, only=["p0"])["p0"]
    assert held.weights == clean.weights and held.scorer.scores == clean.scores if False else True
    assert held.weights == clean.weights
    assert held.scorer.scores == clean.scorer.scores
    assert cache.trained == 4  # {p0} and, nested, {p0, q} for each of the three others
    assert set(held.scorer.scores) == {(s, c) for s, per in problems[0].context.features.items() for c in per}


def test_scorer_cache_on_disk(tmp_path: Path) -> None:
    problems = [random_problem(f"p{i}", 20 + i) for i in range(3)]
    settings = crossval.FitSettings(feature_names=("mean_logprob",), epochs=5)
    first = crossval.ScorerCache(problems, settings, path=tmp_path / "s.json", key="data-1")
    tables = first.tables(frozenset({"p1"}))
    second = crossval.ScorerCache(problems, settings, path=tmp_path / "s.json", key="data-1")
    assert second.tables(frozenset({"p1"}))["p1"].scores == tables["p1"].scores and second.trained == 0
    other = crossval.ScorerCache(problems, settings, path=tmp_path / "s.json", key="data-2")
    other.tables(frozenset({"p1"}))
    assert other.trained == 1


def test_sim_grader_scores_like_cms() -> None:
    problem = random_problem("p", 4)
    grader = SimGrader(problem, Rules.ioi())
    ids = [c.id for c in problem.context.pool.candidates]
    for cid in ids[:3]:
        grader.submit(problem.context.pool.by_id()[cid], 0.0)
    best = {s: max((problem.hidden[c].subtask_scores or {}).get(s, 0.0) for c in ids[:3]) for s in POINTS}
    assert grader.final_score() == sum(best.values())


def test_tune_policy_command_writes_a_policy_the_policy_reads(tmp_path: Path) -> None:
    import argparse

    from ioi_agent.cli import build_parser
    from ioi_agent.cli.tune_policy import tune_problems

    args = build_parser().parse_args(
        ["tune-policy", "pool.jsonl", "--out", str(tmp_path / "p.json"), "--budgets", "1,2", "--samples", "6"]
    )
    assert isinstance(args, argparse.Namespace) and args.refine == 60
    args.refine, args.exclude_features = (
        4,
        ",".join(n for n in crossval.FEATURE_NAMES if n not in ("mean_logprob", "public_all_passed")),
    )
    problems = cluster_family(3)
    assert tune_problems(problems, args) == 0
    document = load_policy(tmp_path / "p.json")
    assert document.trained_on == [p.name for p in problems] and document.objective is not None
    policy = make_policy("o1-ioi", problems[0].context, Rules.ioi(), weights=document.weights)
    assert isinstance(policy, O1IoiPolicy) and policy.w == document.weights
    args.budgets = "0"
    with pytest.raises(IoiAgentError, match="--budgets"):
        tune_problems(problems, args)


def test_runtime_headroom_leaves_start_up_time_out() -> None:
    from ioi_agent.selection.features import _headroom

    assert _headroom(0.03, 1.0) == 1.0  # an interpreter starting: no cost
    assert _headroom(0.55, 1.0) == pytest.approx(0.5)
    assert _headroom(1.0, 1.0) == 0.0 and _headroom(0.3, 0.3) == 0.0  # at the limit: none left
    assert _headroom(None, 1.0) == 0.0
