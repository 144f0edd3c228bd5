"""Codeforces contest scoring: decay, wrong-attempt costs, ICPC penalties, CodeElo, which submissions count."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ioi_agent.judge.verdict import Verdict
from ioi_agent.scoring.codeforces import (
    MAX_SUBMISSIONS,
    Attempt,
    ProblemAttempts,
    SubmissionLimitError,
    attempt_from_outcome,
    codeelo_score,
    contest_result,
    icpc_penalty,
    judge_codeforces,
    problem_outcome,
    problem_score,
)


def test_score_at_minute_zero_is_the_full_value() -> None:
    assert problem_score(500, 0, 0) == 500
    assert problem_score(3000, 0, 0) == 3000


def test_score_decays_by_value_over_250_per_minute() -> None:
    # The rules' own example: B (1000) solved at minute 10 is worth 960, on the third attempt 860.
    assert problem_score(1000, 10, 0) == 960
    assert problem_score(1000, 10, 2) == 860
    assert problem_score(1750, 13, 0) == 1659  # 7 a minute
    assert problem_score(500, 174, 0) == 152


def test_score_never_drops_below_thirty_percent() -> None:
    assert problem_score(500, 175, 0) == 150  # the decay meets the floor exactly here
    assert problem_score(500, 249, 0) == 150
    assert problem_score(500, 250, 0) == 150
    assert problem_score(1750, 500, 0) == 525
    assert problem_score(1000, 100, 10) == 300  # 1000 - 400 - 500 = 100 < 300
    assert problem_score(1000, 100, 5) == 350  # above the floor: 1000 - 400 - 250


def test_score_rejects_nonsense() -> None:
    for args in [(0, 1, 0), (500, -1, 0), (500, 1, -1)]:
        with pytest.raises(ValueError):
            problem_score(*args)


def test_icpc_penalty_per_wrong_10_and_20() -> None:
    # A solved at minute 30 after 2 rejections, C at 45 after 1.
    assert icpc_penalty([30, 45], [2, 1], per_wrong=20) == 135
    assert icpc_penalty([30, 45], [2, 1], per_wrong=10) == 105
    assert icpc_penalty([30, 45], [2, 1]) == 105  # Codeforces' ICPC-style rounds: 10 minutes
    assert icpc_penalty([], []) == 0
    with pytest.raises(ValueError):
        icpc_penalty([30], [1, 2])


def test_codeelo_score_costs_50_per_earlier_attempt_without_decay() -> None:
    assert codeelo_score(1000, 0) == 1000
    assert codeelo_score(1000, 3) == 850
    assert codeelo_score(250, 9) == 0  # never negative
    with pytest.raises(ValueError):
        codeelo_score(1000, -1)


def _contest() -> list[ProblemAttempts]:
    return [
        # A: compilation error (free), wrong on test 5 (counted), then accepted.
        ProblemAttempts(
            index="A",
            value=500,
            attempts=[
                Attempt(minute=5, pretests_passed=False, penalty_free=True),
                Attempt(minute=7, pretests_passed=False),
                Attempt(minute=12, pretests_passed=True, accepted_system=True),
            ],
        ),
        # B: a correct submission replaced by one that fails system tests: the last one is tested.
        ProblemAttempts(
            index="B",
            value=1000,
            attempts=[[20, True, True], [30, True, False]],
        ),
        # C: resubmitted after passing pretests: the earlier one counts as a rejected attempt.
        ProblemAttempts(index="C", value=1000, attempts=[[20, True, True], [40, True, True]]),
        # D: never passes pretests.
        ProblemAttempts(index="D", value=1500, attempts=[[50, False, False], [60, False, False, True]]),
    ]


def test_cf_mode_scores_the_last_pretest_passed_submission() -> None:
    result = contest_result(_contest(), mode="cf")
    by_index = {p.index: p for p in result.problems}
    assert by_index["A"].points == 500 - 2 * 12 - 50 and by_index["A"].failed_attempts == 1
    assert not by_index["B"].solved and by_index["B"].points == 0
    assert by_index["C"].points == 1000 - 4 * 40 - 50 and by_index["C"].minute == 40
    assert not by_index["D"].solved and by_index["D"].failed_attempts == 1
    assert result.points == 426 + 790 and result.penalty == 0 and result.solved == 2


def test_icpc_mode_counts_solved_and_penalty() -> None:
    result = contest_result(_contest(), mode="icpc")
    assert result.solved == 3 and result.points == 3
    # A at 12 after one counted rejection, B and C at 20 with none.
    assert result.penalty == 12 + 10 + 20 + 20
    assert contest_result(_contest(), mode="icpc", per_wrong=20).penalty == 12 + 20 + 20 + 20


def test_codeelo_mode_uses_the_first_accepted_attempt() -> None:
    result = contest_result(_contest(), mode="codeelo")
    by_index = {p.index: p for p in result.problems}
    assert by_index["A"].points == 500 - 2 * 50  # index 2: the free compilation error counts here
    assert by_index["B"].points == 1000 and by_index["C"].points == 1000
    assert by_index["D"].failed_attempts == 2 and not by_index["D"].solved
    assert result.points == 2400 and result.penalty == 0


def test_unknown_mode_and_repeated_indexes_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        problem_outcome(_contest()[0], mode="ioi")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="repeat"):
        contest_result([_contest()[0], _contest()[0]])


def test_at_most_ten_submissions_per_problem() -> None:
    problem = ProblemAttempts(index="A", value=500)
    for minute in range(MAX_SUBMISSIONS):
        problem = problem.with_attempt(Attempt(minute=minute, pretests_passed=False))
    assert len(problem.attempts) == 10
    with pytest.raises(SubmissionLimitError, match="at most 10"):
        problem.with_attempt(Attempt(minute=99, pretests_passed=True, accepted_system=True))
    with pytest.raises(ValidationError, match="at most 10"):
        ProblemAttempts(index="A", value=500, attempts=[[m, False, False] for m in range(11)])


def test_attempts_must_be_consistent_and_in_time_order() -> None:
    with pytest.raises(ValidationError, match="time order"):
        ProblemAttempts(index="A", value=500, attempts=[[9, False, False], [3, False, False]])
    with pytest.raises(ValidationError, match="system"):
        Attempt(minute=1, pretests_passed=False, accepted_system=True)
    with pytest.raises(ValidationError, match="test 1"):
        Attempt(minute=1, pretests_passed=True, penalty_free=True)


def test_attempts_from_judged_submissions_mark_free_failures() -> None:
    ac, wa, ce = Verdict.AC, Verdict.WA, Verdict.CE
    failed_test_1 = attempt_from_outcome(3, judge_codeforces([wa, ac, ac], n_pretests=2))
    failed_test_2 = attempt_from_outcome(4, judge_codeforces([ac, wa, ac], n_pretests=2))
    compile_error = attempt_from_outcome(5, judge_codeforces([ce, ce, ce], n_pretests=2))
    system_fail = attempt_from_outcome(6, judge_codeforces([ac, ac, wa], n_pretests=2))
    accepted = attempt_from_outcome(7, judge_codeforces([ac, ac, ac], n_pretests=2))
    assert failed_test_1.penalty_free and compile_error.penalty_free
    assert not failed_test_2.penalty_free and not failed_test_2.pretests_passed
    assert system_fail.pretests_passed and not system_fail.accepted_system
    assert accepted.accepted_system
    problem = ProblemAttempts(
        index="A", value=1000, attempts=[failed_test_1, failed_test_2, compile_error, accepted]
    )
    assert problem_outcome(problem, "cf").points == 1000 - 4 * 7 - 50  # only test 2's failure costs
