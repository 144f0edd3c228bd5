"""Kattis legacy grading rules (scoring/kattis.py) against problemtools' default grader and judge:
grader flags, accept/reject scores, validator scores, on_reject, custom graders, ranges."""

from __future__ import annotations

import pytest

from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Group
from ioi_agent.scoring.kattis import default_grader, from_kattis, group_result, to_kattis

AC, WA, TLE, RE, MLE, JE = Verdict.AC, Verdict.WA, Verdict.TLE, Verdict.RE, Verdict.MLE, Verdict.JE


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], ("RTE", 6.0)),  # worst_error, sum
        (["worst_error"], ("RTE", 6.0)),
        (["no_errors"], ("RTE", 6.0)),
        (["first_error"], ("WA", 6.0)),
        (["always_accept"], ("AC", 6.0)),
        (["min"], ("RTE", 0.0)),
        (["max"], ("RTE", 3.0)),
        (["avg"], ("RTE", 1.5)),
        (["sum"], ("RTE", 6.0)),
        (["accept_if_any_accepted"], ("AC", 6.0)),
        (["min", "max"], ("RTE", 3.0)),  # conflicting modes: the last one wins
        (["first_error", "worst_error"], ("RTE", 6.0)),
        (["rescale", "1000", "10"], ("RTE", 6.0)),  # words it does not know are ignored
    ],
)
def test_default_grader_modes(flags: list[str], expected: tuple[str, float]) -> None:
    lines = [("AC", 3.0), ("WA", 0.0), ("TLE", 1.0), ("RTE", 2.0)]
    assert default_grader(flags, lines) == expected


def test_default_grader_worst_error_order_is_kattis_order() -> None:
    # JE > IF > RTE > MLE > TLE > OLE > WA > PE > AC, not the judge's own precedence (TLE > RE).
    assert default_grader([], [("TLE", 0), ("RTE", 0)])[0] == "RTE"
    assert default_grader([], [("TLE", 0), ("MLE", 0)])[0] == "MLE"
    assert default_grader([], [("WA", 0), ("OLE", 0)])[0] == "OLE"
    assert default_grader([], [("AC", 1), ("AC", 2)]) == ("AC", 3.0)


def test_default_grader_ignore_sample_and_bad_input() -> None:
    assert default_grader(["ignore_sample"], [("WA", 0), ("AC", 40)]) == ("AC", 40.0)
    assert default_grader(["ignore_sample"], [("AC", 40)]) == ("AC", 40.0)
    assert default_grader(["ignore_sample"], [("AC", 1), ("AC", 2), ("AC", 3)]) == ("JE", 0.0)
    assert default_grader([], [("XX", 1)]) == ("JE", 0.0)
    # Its output is printed with %f: six decimals.
    assert default_grader(["avg"], [("AC", 1), ("AC", 1), ("AC", 0)]) == ("AC", 0.666667)


def test_verdict_codes_round_trip() -> None:
    assert to_kattis(RE) == "RTE" and from_kattis("RTE") == RE
    for v in (AC, WA, TLE, MLE, JE):
        assert from_kattis(to_kattis(v)) == v
    assert from_kattis("nonsense") == JE


def leaf(name: str, tests: list[str], **kw) -> Group:
    return Group(name=name, tests=tests, items=[("test", t) for t in tests], **kw)


def test_validator_score_is_absolute_and_accept_score_is_the_default() -> None:
    g = leaf("secret/g", ["a", "b"], grader_flags=["min"], accept_score=7, range_max=1000)
    outcomes = {"a": (AC, 720.5), "b": (AC, 1000.0)}
    assert group_result(g, outcomes, custom_score=True) == (AC, 720.5)
    # Without `validation: custom score` an accepted test is worth accept_score.
    assert group_result(g, {"a": (AC, 1.0), "b": (AC, 1.0)}) == (AC, 7.0)
    # A rejected test is worth reject_score, whatever its checker said.
    assert group_result(g, {"a": (WA, 0.0), "b": (AC, 1.0)}, custom_score=True) == (WA, 0.0)
    # An accepted test scoring 0 is still accepted.
    assert group_result(g, {"a": (AC, 0.0), "b": (AC, 9.0)}, custom_score=True) == (AC, 0.0)


def test_on_reject_break_versus_continue() -> None:
    outcomes = {"a": (AC, 5.0), "b": (TLE, 0.0), "c": (AC, 5.0)}
    brk = leaf("secret/g", ["a", "b", "c"], grader_flags=["sum"], on_reject="break")
    cont = leaf("secret/g", ["a", "b", "c"], grader_flags=["sum"], on_reject="continue")
    assert group_result(brk, outcomes, custom_score=True) == (TLE, 5.0)
    assert group_result(cont, outcomes, custom_score=True) == (TLE, 10.0)


def test_items_keep_package_order() -> None:
    # Tests and subgroups are sorted together by name: "a" < "g1" < "z".
    sub = leaf("secret/g/g1", ["g1t"], grader_flags=["min"])
    g = Group(
        name="secret/g",
        tests=["a", "z"],
        children=[sub],
        items=[("test", "a"), ("group", "secret/g/g1"), ("test", "z")],
        grader_flags=["first_error"],
        on_reject="continue",
    )
    outcomes = {"a": (AC, 1.0), "g1t": (WA, 0.0), "z": (TLE, 0.0)}
    assert group_result(g, outcomes)[0] == WA


def test_judge_error_child_makes_the_group_a_judge_error() -> None:
    g = leaf("secret/g", ["a", "b"], grader_flags=["always_accept"], on_reject="continue")
    assert group_result(g, {"a": (JE, 0.0), "b": (AC, 1.0)}) == (JE, 0.0)


def test_custom_grader_gets_children_lines_and_flags() -> None:
    seen: list[tuple[list[str], list[tuple[str, float]]]] = []

    def rescale(group: Group, lines: list[tuple[str, float]]) -> tuple[str, float]:
        seen.append((group.grader_flags, lines))
        verdict, score = lines[0]
        return verdict, float(int(score * float(group.grader_flags[2]) / float(group.grader_flags[1]) + 1e-7))

    inner = leaf("secret/g1/g1", ["a", "b"], grader_flags=["min"], range_max=1000)
    outer = Group(
        name="secret/g1",
        children=[inner],
        items=[("group", "secret/g1/g1")],
        grading="custom",
        grader_flags=["rescale", "1000", "24"],
        range_min=0,
        range_max=24,
    )
    outcomes = {"a": (AC, 1000.0), "b": (AC, 530.0)}
    assert group_result(outer, outcomes, custom_score=True, grade_custom=rescale) == (AC, 12.0)
    assert seen == [(["rescale", "1000", "24"], [("AC", 530.0)])]
    # Partial credit under `min` with validator scores, not full marks.
    full = {"a": (AC, 1000.0), "b": (AC, 1000.0)}
    assert group_result(outer, full, custom_score=True, grade_custom=rescale) == (AC, 24.0)
    # A rejected test: the grader sees the rejection and its reject_score.
    rejected = {"a": (AC, 1000.0), "b": (WA, 0.0)}
    assert group_result(outer, rejected, custom_score=True, grade_custom=rescale) == (WA, 0.0)
    # No grader to run: a judge error, never a score.
    assert group_result(outer, outcomes, custom_score=True) == (JE, 0.0)


def test_custom_grader_failure_is_a_judge_error() -> None:
    g = Group(name="secret/g", tests=["a"], items=[("test", "a")], grading="custom", grader_flags=["x"])
    assert group_result(g, {"a": (AC, 1.0)}, grade_custom=lambda _g, _l: ("JE", 0.0)) == (JE, 0.0)


def test_range_keeps_the_score_in_bounds() -> None:
    g = leaf("secret/g", ["a", "b"], grader_flags=["sum"], range_min=0, range_max=15, accept_score=10)
    assert group_result(g, {"a": (AC, 1.0), "b": (AC, 1.0)}) == (AC, 15.0)
