"""The submission loop: ask the policy for a candidate, submit it to the grader, hand back the feedback.

Time is simulated: the contest clock only moves by submissions. The first submission is made at
`start_at` (or, resuming, as soon as the rules allow after the last one); each next one at the earliest
time the rules allow, the previous submission's time plus `rules.min_interval_s`. Judging takes no
contest time here (a contest simulation that charges real time passes its own `start_at` per call).

The loop stops when the cap is reached or the policy returns None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from ioi_agent.errors import IoiAgentError
from ioi_agent.selection.model import Candidate, Feedback, Rules


class Grader(Protocol):
    """What the loop needs from `OfficialGrader` or `GraderProcess`."""

    def submit(self, candidate: Candidate, at_s: float) -> Feedback: ...


class Policy(Protocol):
    def next(self, history: Sequence[Feedback]) -> str | None: ...


def run_submissions(
    policy: Policy,
    grader: Grader,
    rules: Rules,
    *,
    history: Sequence[Feedback] = (),
    start_at: float = 0.0,
    on_feedback: Callable[[Feedback], None] | None = None,
    candidates: Mapping[str, Candidate] | None = None,
) -> list[Feedback]:
    """Submit until the cap or the policy stops; returns the whole history (`history` first, then the new
    feedback). `candidates` maps ids to candidates; by default the policy's own context pool."""
    by_id = dict(candidates) if candidates is not None else _pool_of(policy)
    feedback = list(history)
    at = start_at if not feedback else max(start_at, feedback[-1].at_s + rules.min_interval_s)
    while len(feedback) < rules.max_submissions:
        chosen = policy.next(feedback)
        if chosen is None:
            break
        candidate = by_id.get(chosen)
        if candidate is None:
            raise IoiAgentError(f"policy {type(policy).__name__} chose {chosen!r}, which is not in the pool")
        result = grader.submit(candidate, at)
        feedback.append(result)
        if on_feedback is not None:
            on_feedback(result)
        at = result.at_s + rules.min_interval_s
    return feedback


def _pool_of(policy: Policy) -> dict[str, Candidate]:
    context = getattr(policy, "context", None)
    if context is None:
        raise IoiAgentError(f"policy {type(policy).__name__} has no context: pass candidates=")
    return context.pool.by_id()
