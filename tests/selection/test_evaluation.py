"""The evaluation harness on the tiny package: pools from every kind of source, the oracle and exact random
baselines against hand-computed values, every policy's replay, the JSON document, training labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.replay import run_replay
from ioi_agent.packages import load_problem
from ioi_agent.selection.evaluation import (
    EvaluationReport,
    PreparedProblem,
    evaluate_budgets,
    evaluate_problem,
    find_packages,
    labelled_examples,
    pool_for,
    prepare_problem,
    reference_scores,
    report,
    selection_gain,
)
from ioi_agent.selection.model import Rules
from ioi_agent.selection.policies import POLICIES
from tests.conftest import write_kattis_problem
from tests.selection.test_grader import make_tiny_package


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_package(tmp_path_factory.mktemp("evaluation") / "tiny")


@pytest.fixture(scope="module")
def prepared(tiny: Path):
    p = prepare_problem(tiny, [tiny / "submissions"], jobs=2, inputs_per_subtask=8)
    yield p
    p.close()


def test_pool_sources(tiny: Path, tmp_path: Path) -> None:
    problem = load_problem(tiny)
    own = pool_for(problem, [tiny / "submissions"])
    assert sorted(c.label for c in own.candidates) == sorted(
        ["accepted", "partially_accepted", "partially_accepted", "partially_accepted", "wrong_answer"]
        + ["compile_error"]
    )
    # Written solutions kept outside the package, in a folder named after the problem.
    outside = tmp_path / "solutions" / "tiny"
    shutil.copytree(tiny / "submissions", outside)
    assert len(pool_for(problem, [outside]).candidates) == 6
    # A pool file: only this problem's records count; another problem's pool file adds nothing.
    other = load_problem(make_tiny_package(tmp_path / "other"))
    pool_file = tmp_path / "pool.jsonl"
    run_replay("submissions", [problem, other], pool_file)
    from_file = pool_for(problem, [pool_file, other.root / "submissions"])
    assert {c.id for c in from_file.candidates} == {c.id for c in own.candidates}
    # Sources merge, each candidate once.
    assert len(pool_for(problem, [pool_file, tiny / "submissions", outside]).candidates) == 12
    with pytest.raises(IoiAgentError, match="none of the pools"):
        pool_for(problem, [other.root / "submissions"])
    with pytest.raises(IoiAgentError, match="no such pool"):
        pool_for(problem, [tmp_path / "missing.jsonl"])


def test_find_packages(tiny: Path, tmp_path: Path) -> None:
    assert find_packages([tiny]) == [tiny]
    write_kattis_problem(tmp_path / "set" / "b", {"t": ("1\n", "1\n")})
    write_kattis_problem(tmp_path / "set" / "a", {"t": ("1\n", "1\n")})
    assert [p.name for p in find_packages([tmp_path / "set"])] == ["a", "b"]
    with pytest.raises(IoiAgentError, match="no problem package"):
        find_packages([tmp_path / "set" / "a" / "data"])


def test_reference_scores_match_hand_computed_values(prepared: PreparedProblem) -> None:
    # Candidates: full (40, 60), small (40, 0), large (0, 60), pretest (40, 0), wrong (0, 0), broken (CE).
    assert reference_scores(prepared, Rules.ioi(1)) == pytest.approx((100, (120 + 120) / 6))
    # k = 2: group1 is missed when both draws are among the 3 zeros (3 of 15 pairs), group2 among 4 (6 of 15).
    assert reference_scores(prepared, Rules.ioi(2)) == pytest.approx((100, 40 * 12 / 15 + 60 * 9 / 15))
    assert reference_scores(prepared, Rules.codeforces(1)) == pytest.approx((100, 100 / 6))
    assert reference_scores(prepared, Rules.codeforces(6)) == pytest.approx((100, 100))


def test_every_policy_replays_a_contest(prepared: PreparedProblem) -> None:
    names = list(POLICIES)
    for rules in (Rules.ioi(2), Rules.ioi(50), Rules.codeforces(3)):
        rep = report([prepared], rules, names)
        row = rep.problems[0]
        assert set(row.policies) == set(names)
        for result in row.policies.values():
            assert 0 <= result.submissions <= rules.max_submissions
            assert 0 <= result.score <= row.oracle + 1e-9
        assert rep.total.policies == {n: row.policies[n].score for n in names}
    # With the whole pool allowed, the o1-ioi policy reaches the oracle on this easy pool.
    assert report([prepared], Rules.ioi(50), ["o1-ioi"]).problems[0].policies["o1-ioi"].score == 100


def test_json_document_has_exactly_the_schema(prepared: PreparedProblem) -> None:
    doc = json.loads(report([prepared, prepared], Rules.ioi(5), ["random", "o1-ioi"]).model_dump_json())
    assert set(doc) == {"rules", "budget", "problems", "total"}
    assert doc["rules"] == "ioi" and doc["budget"] == 5
    row = doc["problems"][0]
    assert set(row) == {"problem", "max_score", "oracle", "random_expected", "policies"}
    assert set(row["policies"]["o1-ioi"]) == {"score", "submissions"}
    assert set(doc["total"]) == {"oracle", "random_expected", "policies"}
    assert doc["total"]["oracle"] == 2 * row["oracle"]
    assert doc["total"]["policies"]["random"] == 2 * row["policies"]["random"]["score"]
    EvaluationReport.model_validate(doc)


def test_budgets_share_one_preparation(prepared: PreparedProblem) -> None:
    reports = evaluate_budgets([prepared], [1, 2, 50], ["public-filter"])
    assert list(reports) == [1, 2, 50]
    assert [r.budget for r in reports.values()] == [1, 2, 50]
    assert reports[1].total.random_expected == pytest.approx(40)


def test_evaluate_problem_end_to_end(tiny: Path) -> None:
    row = evaluate_problem(
        tiny, [tiny / "submissions"], Rules.codeforces(2), ["codet"], jobs=1, inputs_per_subtask=8
    )
    assert row.problem == "tiny" and row.max_score == 100 and row.oracle == 100
    assert row.policies["codet"].submissions <= 2


def test_labelled_examples_are_hidden_score_fractions(prepared: PreparedProblem) -> None:
    examples = labelled_examples(prepared)
    by = {(e.group, e.features.candidate): e.target for e in examples}
    ids = {c.code.splitlines()[-1][:40]: c.id for c in prepared.context.pool.candidates}
    full = next(c.id for c in prepared.context.pool.candidates if c.label == "accepted")
    broken = next(c.id for c in prepared.context.pool.candidates if c.label == "compile_error")
    small = ids["print(2 * n if n < 10 else 0)"]
    assert by[("tiny/group1", full)] == 1 and by[("tiny/group2", full)] == 1
    assert by[("tiny/group1", small)] == 1 and by[("tiny/group2", small)] == 0
    assert by[("tiny/group1", broken)] == 0
    assert {g for g, _ in by} == {"tiny/group1", "tiny/group2"}


def test_selection_gain() -> None:
    assert selection_gain(70, 40, 100) == pytest.approx(0.5)
    assert selection_gain(30, 40, 100) == pytest.approx(-1 / 6)
    assert selection_gain(100, 100, 100) is None
