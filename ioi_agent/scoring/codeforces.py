"""Codeforces judging and contest scoring.

Judging: pass/fail, pretests (a prefix of the tests) during the round, all tests after.
Scoring: problem points, penalties and which submissions count (rules in the comment before
`MAX_SUBMISSIONS`), as small pure functions and the models a simulated contestant's attempts fill.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


# --- Contest scoring: points, penalties and which submissions count -----------------------------------
#
# Rules implemented (BRIEF section 6 and the published Codeforces rules; the docstrings say where a
# choice was made):
# - Time is counted in whole minutes since the start (seconds // 60): a problem of value x loses x/250
#   per whole minute, each counted rejected attempt costs 50, and the score never drops below 0.3x:
#   max(0.3x, x - x*t/250 - 50w). Codeforces values are multiples of 250, so every score is a whole
#   number; nothing else is rounded (other values give the exact fraction).
# - A compilation error or a failure on test 1 is never penalised (Codeforces and its ICPC-style rounds
#   alike); every other rejected attempt is.
# - Codeforces-scored rounds: only the LAST submission that passed pretests is system tested; earlier
#   pretest-passed submissions count as rejected attempts (resubmitting costs 50). If the system-tested
#   one fails, the problem scores 0, whatever came before.
# - ICPC-style rounds (Educational, Div. 3/4): solved at the first submission that passes the final
#   tests; penalty = its minute + per_wrong (10 on Codeforces, 20 at the ICPC) per counted rejected
#   attempt before it, summed over solved problems.
# - CodeElo: the final tests decide every attempt; value - 50 * (0-based index of the first accepted
#   attempt: every failed attempt before it counts, test-1 failures too), no time decay, no penalty.
# - At most MAX_SUBMISSIONS submissions per problem (the model-evaluation cap of AlphaCode and o1-ioi).

MAX_SUBMISSIONS = 10
WRONG_ATTEMPT_POINTS = 50
DECAY_MINUTES = 250
EDUCATIONAL_PENALTY_MINUTES = 10  # Codeforces' ICPC-style rounds; the ICPC itself uses 20
ICPC_PENALTY_MINUTES = 20
ScoringMode = Literal["cf", "codeelo", "icpc"]
SCORING_MODES: tuple[ScoringMode, ...] = ("cf", "codeelo", "icpc")


class SubmissionLimitError(ValueError):
    """An 11th submission to one problem: the contest refuses it."""


def problem_score(value: float, minute: int, wrong_attempts: int) -> float:
    """Points of a problem accepted at `minute` after `wrong_attempts` counted rejections."""
    if value <= 0 or minute < 0 or wrong_attempts < 0:
        raise ValueError("value must be positive, minute and wrong_attempts non-negative")
    decayed = value * (DECAY_MINUTES - minute) / DECAY_MINUTES - WRONG_ATTEMPT_POINTS * wrong_attempts
    return max(value * 3 / 10, decayed)  # 3/10 rather than 0.3: exact for whole values


def icpc_penalty(
    solve_minutes: Sequence[int], wrong_attempts: Sequence[int], per_wrong: int = EDUCATIONAL_PENALTY_MINUTES
) -> int:
    """Penalty minutes of the solved problems: each one's minute plus per_wrong per counted rejection."""
    if len(solve_minutes) != len(wrong_attempts):
        raise ValueError("one wrong-attempt count per solved problem")
    if any(m < 0 for m in solve_minutes) or any(w < 0 for w in wrong_attempts) or per_wrong < 0:
        raise ValueError("minutes, attempts and per_wrong must be non-negative")
    return sum(solve_minutes) + per_wrong * sum(wrong_attempts)


def codeelo_score(value: float, first_accepted_index: int) -> float:
    """CodeElo: value - 50 per attempt before the first accepted one; clamped at 0 (never negative)."""
    if value <= 0 or first_accepted_index < 0:
        raise ValueError("value must be positive and the index non-negative")
    return max(0.0, value - WRONG_ATTEMPT_POINTS * first_accepted_index)


class Attempt(BaseModel):
    """One submission: its minute, the pretest result, and the final (system test) result.

    JSON may give it as a list `[minute, pretests_passed, accepted_system]` (or with `penalty_free` 4th).
    """

    model_config = ConfigDict(frozen=True)

    minute: int = Field(ge=0, description="whole minutes since the start (seconds // 60)")
    pretests_passed: bool
    accepted_system: bool = Field(default=False, description="passes every test (system tests)")
    penalty_free: bool = Field(default=False, description="compilation error or failed on test 1")

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: object) -> object:
        if isinstance(data, list | tuple):
            names = ("minute", "pretests_passed", "accepted_system", "penalty_free")
            if not 2 <= len(data) <= len(names):
                raise ValueError(
                    "an attempt list is [minute, pretests_passed, accepted_system(, penalty_free)]"
                )
            return dict(zip(names, data, strict=False))
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Attempt:
        # System tests include the pretests, and a free failure is a failure on test 1 (a pretest).
        if self.accepted_system and not self.pretests_passed:
            raise ValueError("accepted on system tests but failed pretests")
        if self.penalty_free and self.pretests_passed:
            raise ValueError("penalty_free marks a compilation error or a failure on test 1")
        return self


def is_penalty_free(compiled: bool, pretests_passed: bool, failed_test: int | None) -> bool:
    """Codeforces counts no penalty for a compilation error nor for a submission rejected on test 1 (the
    first pretest); `failed_test` is the 1-based test it failed on, None when unknown or none."""
    return not compiled or (not pretests_passed and failed_test == 1)


def attempt_from_outcome(minute: int, outcome: CodeforcesOutcome) -> Attempt:
    """The Attempt a judged submission (see `judge_codeforces`) makes at `minute`."""
    compiled = outcome.pretest_verdict != Verdict.CE
    return Attempt(
        minute=minute,
        pretests_passed=outcome.pretests_passed,
        accepted_system=outcome.accepted,
        penalty_free=is_penalty_free(compiled, outcome.pretests_passed, outcome.failed_test),
    )


class ProblemAttempts(BaseModel):
    """A contestant's submissions to one problem, in time order (at most MAX_SUBMISSIONS)."""

    model_config = ConfigDict(frozen=True)

    index: str = Field(min_length=1, description="problem letter, e.g. 'A' or 'D1'")
    value: float = Field(gt=0, description="maximum points (Codeforces-scored rounds)")
    attempts: list[Attempt] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rules(self) -> ProblemAttempts:
        if len(self.attempts) > MAX_SUBMISSIONS:
            raise SubmissionLimitError(
                f"problem {self.index}: {len(self.attempts)} submissions, at most {MAX_SUBMISSIONS} allowed"
            )
        minutes = [a.minute for a in self.attempts]
        if minutes != sorted(minutes):
            raise ValueError(f"problem {self.index}: attempts must be in time order")
        return self

    def with_attempt(self, attempt: Attempt) -> ProblemAttempts:
        """A copy with one more submission; SubmissionLimitError on the 11th."""
        if len(self.attempts) >= MAX_SUBMISSIONS:
            raise SubmissionLimitError(
                f"problem {self.index}: submission {len(self.attempts) + 1} refused, "
                f"at most {MAX_SUBMISSIONS} allowed"
            )
        return ProblemAttempts(index=self.index, value=self.value, attempts=[*self.attempts, attempt])


class ProblemOutcome(BaseModel):
    """How one problem ended for the contestant (the `problems` rows of a rating estimate's RESULTS)."""

    model_config = ConfigDict(frozen=True)

    index: str
    solved: bool
    minute: int | None = Field(
        default=None, description="minute of the submission that counts; None if unsolved"
    )
    failed_attempts: int = Field(default=0, ge=0, description="rejections that count (see the mode's rules)")
    points: float = Field(default=0.0, ge=0, description="cf/codeelo: problem points; icpc: 1 if solved")


class ContestOutcome(BaseModel):
    """A contestant's contest total: points (icpc: problems solved), penalty minutes, problems solved."""

    model_config = ConfigDict(frozen=True)

    mode: ScoringMode
    points: float
    penalty: int
    solved: int
    problems: list[ProblemOutcome]


def _counted(attempts: Sequence[Attempt]) -> int:
    return sum(not a.penalty_free for a in attempts)


def problem_outcome(problem: ProblemAttempts, mode: ScoringMode = "cf") -> ProblemOutcome:
    """One problem's result under the mode's rules (module comment above)."""
    attempts = problem.attempts
    if mode == "cf":
        tested = max((i for i, a in enumerate(attempts) if a.pretests_passed), default=None)
        if tested is None or not attempts[tested].accepted_system:
            return ProblemOutcome(index=problem.index, solved=False, failed_attempts=_counted(attempts))
        wrong = _counted(attempts[:tested])
        minute = attempts[tested].minute
        points = problem_score(problem.value, minute, wrong)
    elif mode in ("icpc", "codeelo"):
        first = next((i for i, a in enumerate(attempts) if a.accepted_system), None)
        if first is None:
            failed = len(attempts) if mode == "codeelo" else _counted(attempts)
            return ProblemOutcome(index=problem.index, solved=False, failed_attempts=failed)
        wrong = first if mode == "codeelo" else _counted(attempts[:first])
        minute = attempts[first].minute
        points = codeelo_score(problem.value, wrong) if mode == "codeelo" else 1.0
    else:
        raise ValueError(f"unknown scoring mode {mode!r}; use one of {', '.join(SCORING_MODES)}")
    return ProblemOutcome(
        index=problem.index, solved=True, minute=minute, failed_attempts=wrong, points=points
    )


def contest_result(
    problems: Sequence[ProblemAttempts],
    mode: ScoringMode = "cf",
    per_wrong: int = EDUCATIONAL_PENALTY_MINUTES,
) -> ContestOutcome:
    """Total of a contest: cf and codeelo sum problem points (penalty 0); icpc counts solved problems
    and sums icpc_penalty with `per_wrong` minutes per counted rejection."""
    indexes = [p.index for p in problems]
    if len(set(indexes)) != len(indexes):
        raise ValueError(f"problem indexes repeat: {indexes}")
    outcomes = [problem_outcome(p, mode) for p in problems]
    solved = [o for o in outcomes if o.solved]
    penalty = 0
    if mode == "icpc":
        penalty = icpc_penalty(
            [o.minute or 0 for o in solved], [o.failed_attempts for o in solved], per_wrong
        )
    return ContestOutcome(
        mode=mode,
        points=float(sum(o.points for o in outcomes)),
        penalty=penalty,
        solved=len(solved),
        problems=outcomes,
    )
