"""Codeforces pass/fail judging: pretests (a prefix of the tests) during the round, all tests after."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from ioi_agent.judge.verdict import Verdict


class CodeforcesOutcome(BaseModel):
    pretest_verdict: Verdict  # what the contestant sees during the round
    pretests_passed: bool
    final_verdict: Verdict | None  # after system tests; None when pretests failed (not system tested)
    accepted: bool
    failed_test: int | None = None  # 1-based index of the first failing test, as Codeforces reports


def first_failure(verdicts: Sequence[Verdict]) -> int | None:
    return next((i for i, v in enumerate(verdicts) if v != Verdict.AC), None)


def judge_codeforces(verdicts: Sequence[Verdict], n_pretests: int) -> CodeforcesOutcome:
    """Verdicts of all tests in order (pretests first); judging stops at the first failing test."""
    if not 0 < n_pretests <= len(verdicts):
        raise ValueError("n_pretests must be between 1 and the number of tests")
    pre = first_failure(verdicts[:n_pretests])
    if pre is not None:
        return CodeforcesOutcome(
            pretest_verdict=verdicts[pre],
            pretests_passed=False,
            final_verdict=None,
            accepted=False,
            failed_test=pre + 1,
        )
    fail = first_failure(verdicts)
    final = Verdict.AC if fail is None else verdicts[fail]
    return CodeforcesOutcome(
        pretest_verdict=Verdict.AC,
        pretests_passed=True,
        final_verdict=final,
        accepted=fail is None,
        failed_test=None if fail is None else fail + 1,
    )
