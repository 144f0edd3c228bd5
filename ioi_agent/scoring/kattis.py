"""Kattis test-data group semantics (problem package format "legacy", as problemtools judges it).

A group's result comes from its children in package order (tests and subgroups sorted together by name):
with `on_reject: break` judging of the group stops at the first child that is not accepted, and the
children judged so far are graded. A test scores the output validator's score (`validation: custom
score`: score.txt holds an absolute value) when accepted, `accept_score` (times the checker's fraction,
1 for a Kattis validator) otherwise, and `reject_score` when not accepted. A child that is a judge error
makes the group a judge error. Otherwise the group's grader turns the children's `VERDICT SCORE` lines
into the group's: the default grader (`default_grader`, problemtools' support/default_grader: verdict
modes worst_error/no_errors, first_error, always_accept; score modes sum, avg, min, max, the last one given
wins; flags ignore_sample, accept_if_any_accepted; unknown flags ignored), or with `grading: custom` the
package's grader, which the judge layer runs and passes in as `grade_custom`. The group's score is kept in
its `range` (problemtools only reports a score outside it; for a valid package this changes nothing).
Children never judged (not run after a break) are left out, as Kattis does.

Pure functions: no process is started here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Group

Outcome = tuple[Verdict, float]  # a test's verdict and score (checker fraction, or the validator's score)
GraderLine = tuple[str, float]  # one `VERDICT SCORE` line of a grader's input or output
CustomGrader = Callable[[Group, list[GraderLine]], GraderLine]

# problemtools' default grader: most severe first.
KATTIS_ORDER = ("JE", "IF", "RTE", "MLE", "TLE", "OLE", "WA", "PE", "AC")
VERDICT_MODES = ("worst_error", "no_errors", "first_error", "always_accept")
SCORE_MODES = ("sum", "avg", "max", "min")
_TO_KATTIS = {Verdict.RE: "RTE", Verdict.CE: "JE"}
_FROM_KATTIS = {"RTE": Verdict.RE, "IF": Verdict.WA, "PE": Verdict.WA}


def to_kattis(verdict: Verdict) -> str:
    return _TO_KATTIS.get(verdict, str(verdict))


def from_kattis(code: str) -> Verdict:
    if code in _FROM_KATTIS:
        return _FROM_KATTIS[code]
    try:
        return Verdict(code)
    except ValueError:
        return Verdict.JE


def default_grader(flags: list[str], results: list[GraderLine]) -> GraderLine:
    """problemtools' support/default_grader, rule for rule (including its `JE 0` on bad input and the
    six decimals of its `%f` output)."""
    verdict_mode, score_mode = "worst_error", "sum"
    ignore_sample = accept_if_any_accepted = False
    for flag in flags:
        if flag in SCORE_MODES:
            score_mode = flag
        if flag in VERDICT_MODES:
            verdict_mode = flag
        if flag == "ignore_sample":
            ignore_sample = True
        if flag == "accept_if_any_accepted":
            accept_if_any_accepted = True
    verdicts = [v for v, _ in results]
    scores = [s for _, s in results]
    if ignore_sample:
        if not 1 <= len(verdicts) <= 2:
            return "JE", 0.0
        verdicts, scores = verdicts[-1:], scores[-1:]
    if not scores and score_mode != "sum":  # min/max/avg of nothing fail in the real grader
        return "JE", 0.0
    if accept_if_any_accepted and "AC" in verdicts:
        verdict: str | None = "AC"
    else:
        verdict = _aggregate_verdict(verdict_mode, verdicts)
    if verdict is None:
        return "JE", 0.0
    if score_mode == "avg":
        score = sum(scores) / len(scores)
    else:
        score = {"sum": sum, "max": max, "min": min}[score_mode](scores)
    return verdict, float(f"{score:f}")


def _aggregate_verdict(mode: str, verdicts: list[str]) -> str | None:
    if mode == "always_accept":
        return "AC"
    if mode == "first_error":
        return next((v for v in verdicts if v != "AC"), "AC")
    if any(v not in KATTIS_ORDER for v in verdicts):
        return None  # the real grader fails on a verdict it does not know
    return min([*verdicts, "AC"], key=KATTIS_ORDER.index)


def test_score(group: Group, outcome: Outcome, custom_score: bool) -> float:
    """A test's score in its group: the validator's score, or the group's accept/reject score."""
    verdict, value = outcome
    if verdict != Verdict.AC:
        return group.reject_score
    return value if custom_score else group.accept_score * value


def _items(group: Group) -> list[tuple[str, object]]:
    children = {c.name: c for c in group.children}
    if group.items:
        return [(kind, name if kind == "test" else children[name]) for kind, name in group.items]
    return [("test", t) for t in group.tests] + [("group", c) for c in group.children]


def group_result(
    group: Group,
    outcomes: Mapping[str, Outcome],
    *,
    custom_score: bool = False,
    grade_custom: CustomGrader | None = None,
) -> Outcome | None:
    """(verdict, score) of a group, or None when none of its tests was judged."""
    lines: list[GraderLine] = []
    for kind, item in _items(group):
        if kind == "test":
            if item not in outcomes:
                continue
            outcome = outcomes[item]  # type: ignore[index]
            verdict, score = outcome[0], test_score(group, outcome, custom_score)
        else:
            sub = group_result(item, outcomes, custom_score=custom_score, grade_custom=grade_custom)  # type: ignore[arg-type]
            if sub is None:
                continue
            verdict, score = sub
        if verdict == Verdict.JE:
            return Verdict.JE, 0.0
        lines.append((to_kattis(verdict), score))
        if verdict != Verdict.AC and group.on_reject == "break":
            break
    if not lines:
        return None
    if group.grading == "custom":
        if grade_custom is None:
            return Verdict.JE, 0.0
        code, score = grade_custom(group, lines)
    else:
        code, score = default_grader(_flags(group), lines)
    verdict = from_kattis(code)
    if verdict == Verdict.JE:
        return Verdict.JE, 0.0
    return verdict, max(group.range_min, min(group.range_max, score))


def _flags(group: Group) -> list[str]:
    """The default grader's arguments: `grader_flags` as given, or (a group built by hand without them)
    the equivalent of the model's fields."""
    if group.grader_flags:
        return list(group.grader_flags)
    flags = [group.aggregation]
    if group.first_error:
        flags.append("first_error")
    if group.accept_if_any_accepted:
        flags.append("accept_if_any_accepted")
    if group.ignore_sample:
        flags.append("ignore_sample")
    return flags
