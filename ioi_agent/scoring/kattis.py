"""Kattis test-data group semantics (the default grader of the problem package format).

A group's result aggregates its children in order (its tests, then its subgroups): the verdict is the
first error (`first_error`) or the worst one, AC if any child is AC with `accept_if_any_accepted`; the
score is the sum (default) or the minimum (`min`) of the children's scores, clamped to the group's range.
A test scores accept_score (times the validator's score fraction) when accepted, reject_score otherwise.
`ignore_sample` leaves the data/sample group out. Children never judged (after `on_reject: break`) are
left out of the aggregate, as Kattis does.
"""

from __future__ import annotations

from collections.abc import Mapping

from ioi_agent.judge.verdict import Verdict, worst
from ioi_agent.packages.model import Group

Outcome = tuple[Verdict, float]  # verdict and score fraction in [0, 1]


def group_result(group: Group, outcomes: Mapping[str, Outcome]) -> Outcome | None:
    """(verdict, score) of a group, or None when none of its tests was judged."""
    children: list[Outcome] = []
    for name in group.tests:
        if name in outcomes:
            verdict, fraction = outcomes[name]
            accepted = verdict == Verdict.AC
            children.append((verdict, group.accept_score * fraction if accepted else group.reject_score))
    for child in group.children:
        if group.ignore_sample and child.name.split("/")[-1] == "sample":
            continue
        result = group_result(child, outcomes)
        if result is not None:
            children.append(result)
    if not children:
        return None
    verdicts = [v for v, _ in children]
    if group.accept_if_any_accepted and Verdict.AC in verdicts:
        verdict = Verdict.AC
    elif group.first_error:
        verdict = next((v for v in verdicts if v != Verdict.AC), Verdict.AC)
    else:
        verdict = worst(verdicts)
    scores = [s for _, s in children]
    score = min(scores) if group.aggregation == "min" else sum(scores)
    return verdict, max(group.range_min, min(group.range_max, score))
