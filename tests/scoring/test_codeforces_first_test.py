"""The Codeforces rule that a submission rejected on test 1 costs nothing, as the contest applies it: the
rule lives in `scoring.codeforces.is_penalty_free`; the contest's attempts and the grader feedback use it."""

from __future__ import annotations

from ioi_agent.contest.codeforces import CfProblemResult, CfSubmission, attempts_of
from ioi_agent.scoring.codeforces import is_penalty_free, problem_outcome


def test_is_penalty_free() -> None:
    assert is_penalty_free(compiled=False, pretests_passed=False, failed_test=None)  # compilation error
    assert is_penalty_free(compiled=True, pretests_passed=False, failed_test=1)  # rejected on test 1
    assert not is_penalty_free(compiled=True, pretests_passed=False, failed_test=2)
    assert not is_penalty_free(compiled=True, pretests_passed=False, failed_test=None)  # unknown: counted
    assert not is_penalty_free(compiled=True, pretests_passed=True, failed_test=None)


def sub(index: int, minute: int, *, compiled: bool = True, passed: bool = False, failed: int | None = None):
    return CfSubmission(
        index=index,
        candidate=f"c{index}",
        minute=minute,
        compiled=compiled,
        verdict="AC" if passed else "WA",
        pretests_passed=passed,
        accepted_system=passed,
        failed_test=failed,
    )


def test_contest_attempts_do_not_count_test_1_failures() -> None:
    problem = CfProblemResult(
        index="A",
        task="a",
        value=1000,
        candidates=5,
        start_minute=0,
        end_minute=10,
        submissions=[
            sub(1, 2, compiled=False),  # free
            sub(2, 4, failed=1),  # free: test 1
            sub(3, 6, failed=3),  # counted: 50 points
            sub(4, 10, passed=True),
        ],
        random_solve_probability=0.0,
        oracle_solvable=True,
    )
    attempts = attempts_of(problem)
    assert [a.penalty_free for a in attempts.attempts] == [True, True, False, False]
    outcome = problem_outcome(attempts, "cf")
    # 1000 - 1000 * 10 / 250 - 50 * 1 = 910
    assert outcome.solved and outcome.failed_attempts == 1 and outcome.points == 910


def test_older_records_without_failed_test_still_load() -> None:
    record = sub(1, 3).model_dump()
    del record["failed_test"]
    assert CfSubmission.model_validate(record).failed_test is None
