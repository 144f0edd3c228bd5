"""Scoring rules as pure functions: IOI (CMS GroupMin, max-subtask task score), Kattis test-data groups,
Codeforces pretests / system tests, and the verdict precedence."""

from __future__ import annotations

import itertools

import pytest

from ioi_agent.judge.outcomes import runtime_verdict
from ioi_agent.judge.verdict import PRECEDENCE, Verdict, worst
from ioi_agent.packages.model import Group
from ioi_agent.sandbox.base import ProcResult
from ioi_agent.scoring import codeforces, ioi, kattis

AC, WA, TLE, MLE, OLE, RE, CE, JE = (
    Verdict.AC,
    Verdict.WA,
    Verdict.TLE,
    Verdict.MLE,
    Verdict.OLE,
    Verdict.RE,
    Verdict.CE,
    Verdict.JE,
)

# --- IOI ---------------------------------------------------------------------------------------------


def test_subtask_score_is_points_times_min() -> None:
    assert ioi.subtask_score(40, [1.0, 1.0, 1.0]) == 40
    assert ioi.subtask_score(40, [1.0, 0.0, 1.0]) == 0


def test_subtask_score_partial_credit() -> None:
    assert ioi.subtask_score(40, [1.0, 0.5, 0.75]) == pytest.approx(20)
    assert ioi.subtask_score(30, [0.25]) == pytest.approx(7.5)


def test_subtask_score_missing_tests_count_zero() -> None:
    # Tests not run after an early stop are None: they score nothing.
    assert ioi.subtask_score(40, [1.0, None]) == 0
    assert ioi.subtask_score(40, [None, 1.0, 1.0]) == 0


def test_subtask_score_clamps_test_scores_to_unit_interval() -> None:
    assert ioi.subtask_score(10, [1.5, 1.0]) == 10
    assert ioi.subtask_score(10, [1.0, -0.5]) == 0


def test_task_score_takes_best_per_subtask() -> None:
    subtasks = ["s1", "s2", "s3"]
    a = {"s1": 10.0, "s2": 0.0, "s3": 15.0}
    b = {"s1": 0.0, "s2": 30.0, "s3": 5.0}
    total = ioi.task_score([a, b], subtasks)
    assert total == 10 + 30 + 15
    # The IOI task score can exceed the score of every single submission.
    assert total > max(ioi.submission_score(a), ioi.submission_score(b))


def test_task_score_skips_compile_errors_and_missing_subtasks() -> None:
    subtasks = ["s1", "s2"]
    assert ioi.task_score([None, {"s1": 12.0}, None], subtasks) == 12
    assert ioi.task_score([None, None], subtasks) == 0
    assert ioi.task_score([], subtasks) == 0
    # Scores of subtasks the task does not have are not counted.
    assert ioi.task_score([{"s1": 5.0, "other": 100.0}], subtasks) == 5


def test_submission_score_sums_subtasks() -> None:
    assert ioi.submission_score({"a": 10.0, "b": 2.5}) == 12.5


# --- Kattis groups -----------------------------------------------------------------------------------


def group(tests: list[str], **kw) -> Group:
    return Group(name=kw.pop("name", "secret/g"), tests=tests, **kw)


def test_group_sum_and_min() -> None:
    outcomes = {"a": (AC, 1.0), "b": (AC, 0.5)}
    assert kattis.group_result(group(["a", "b"], accept_score=10), outcomes) == (AC, 15.0)
    assert kattis.group_result(group(["a", "b"], accept_score=10, aggregation="min"), outcomes) == (AC, 5.0)


def test_group_rejected_test_scores_reject_score() -> None:
    outcomes = {"a": (AC, 1.0), "b": (WA, 1.0)}
    assert kattis.group_result(group(["a", "b"], accept_score=10, reject_score=-2), outcomes) == (WA, 8.0)
    assert kattis.group_result(group(["a", "b"], accept_score=10, aggregation="min"), outcomes) == (WA, 0.0)


def test_group_first_error_versus_worst() -> None:
    outcomes = {"a": (AC, 1.0), "b": (WA, 0.0), "c": (TLE, 0.0)}
    go_on = {"on_reject": "continue"}
    assert kattis.group_result(group(["a", "b", "c"], first_error=True, **go_on), outcomes)[0] == WA
    assert kattis.group_result(group(["a", "b", "c"], **go_on), outcomes)[0] == TLE
    # first_error follows the group's order, not the precedence.
    assert kattis.group_result(group(["c", "b"], first_error=True, **go_on), outcomes)[0] == TLE
    # on_reject: break (the default) grades the children judged up to the first rejection only.
    assert kattis.group_result(group(["a", "b", "c"]), outcomes)[0] == WA


def test_group_accept_if_any_accepted() -> None:
    outcomes = {"a": (WA, 0.0), "b": (AC, 1.0)}
    go_on = {"on_reject": "continue"}
    assert kattis.group_result(group(["a", "b"], accept_if_any_accepted=True, **go_on), outcomes)[0] == AC
    assert kattis.group_result(group(["a", "b"], **go_on), outcomes)[0] == WA
    none_ok = {"a": (WA, 0.0), "b": (RE, 0.0)}
    any_ok = group(["a", "b"], accept_if_any_accepted=True, on_reject="continue")
    assert kattis.group_result(any_ok, none_ok)[0] == RE


def test_group_ignore_sample() -> None:
    sample = group(["s"], name="sample")
    secret = group(["x"], name="secret", accept_score=50)
    outcomes = {"s": (WA, 0.0), "x": (AC, 1.0)}
    root = Group(name="", children=[sample, secret], ignore_sample=True, on_reject="continue")
    assert kattis.group_result(root, outcomes) == (AC, 50.0)
    counted = Group(name="", children=[sample, secret], on_reject="continue")
    assert kattis.group_result(counted, outcomes) == (WA, 50.0)


def test_group_range_clamps_score() -> None:
    outcomes = {"a": (AC, 1.0), "b": (AC, 1.0)}
    assert kattis.group_result(group(["a", "b"], accept_score=10, range_max=15), outcomes) == (AC, 15.0)
    rejected = {"a": (WA, 0.0), "b": (WA, 0.0)}
    clamped = group(["a", "b"], reject_score=-5, range_min=0)
    assert kattis.group_result(clamped, rejected) == (WA, 0.0)


def test_group_break_leaves_unjudged_tests_out() -> None:
    # After `on_reject: break` the remaining tests have no outcome: they are not in the aggregate.
    g = group(["a", "b", "c"], accept_score=10, reject_score=-1)
    assert kattis.group_result(g, {"a": (AC, 1.0), "b": (WA, 0.0)}) == (WA, 9.0)
    assert kattis.group_result(g, {}) is None
    # A subgroup with nothing judged is left out as well.
    parent = Group(name="secret", children=[group(["a"], name="secret/g1"), group(["z"], name="secret/g2")])
    assert kattis.group_result(parent, {"a": (AC, 1.0)}) == (AC, 1.0)


def test_group_nested_min_of_sums() -> None:
    g1 = group(["a", "b"], name="secret/g1", accept_score=5)
    g2 = group(["c"], name="secret/g2", accept_score=20)
    parent = Group(name="secret", children=[g1, g2], aggregation="min")
    outcomes = {"a": (AC, 1.0), "b": (AC, 1.0), "c": (AC, 0.25)}
    assert kattis.group_result(parent, outcomes) == (AC, 5.0)


# --- Codeforces --------------------------------------------------------------------------------------


def test_codeforces_pretest_failure_hides_system_tests() -> None:
    out = codeforces.judge_codeforces([AC, TLE, WA, AC], n_pretests=2)
    assert out.pretest_verdict == TLE
    assert not out.pretests_passed and not out.accepted
    assert out.final_verdict is None
    assert out.failed_test == 2


def test_codeforces_pass_pretests_fail_system_tests() -> None:
    out = codeforces.judge_codeforces([AC, AC, AC, WA, RE], n_pretests=3)
    assert out.pretest_verdict == AC and out.pretests_passed
    assert out.final_verdict == WA and not out.accepted
    assert out.failed_test == 4


def test_codeforces_all_pass() -> None:
    out = codeforces.judge_codeforces([AC] * 5, n_pretests=5)
    assert out.pretests_passed and out.accepted and out.final_verdict == AC and out.failed_test is None
    out = codeforces.judge_codeforces([AC] * 5, n_pretests=1)
    assert out.accepted


@pytest.mark.parametrize("n", [0, -1, 4])
def test_codeforces_bad_pretest_count(n: int) -> None:
    with pytest.raises(ValueError):
        codeforces.judge_codeforces([AC, AC, AC], n_pretests=n)


# --- verdicts ----------------------------------------------------------------------------------------


def test_precedence_order() -> None:
    assert list(PRECEDENCE) == [JE, CE, TLE, MLE, OLE, RE, WA, AC]
    assert set(PRECEDENCE) == set(Verdict)


def test_worst_follows_precedence() -> None:
    for i, j in itertools.combinations(range(len(PRECEDENCE)), 2):
        a, b = PRECEDENCE[i], PRECEDENCE[j]
        assert worst([a, b]) == a and worst([b, a]) == a
    assert worst([]) == AC
    assert worst([AC, AC]) == AC
    assert worst(iter([WA, RE, AC])) == RE


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"exit_code": 0}, None),
        ({"exit_code": 1}, RE),
        ({"signal": 11}, RE),
        ({"exit_code": 0, "output_exceeded": True}, OLE),
        ({"signal": 25, "output_exceeded": True}, OLE),
        ({"exit_code": 1, "output_exceeded": True}, OLE),
        ({"signal": 6, "mem_exceeded": True}, MLE),
        ({"mem_exceeded": True, "output_exceeded": True, "exit_code": 1}, MLE),
        ({"signal": 9, "cpu_exceeded": True}, TLE),
        ({"signal": 9, "wall_exceeded": True}, TLE),
        ({"signal": 9, "cpu_exceeded": True, "mem_exceeded": True, "output_exceeded": True}, TLE),
        ({"spawn_error": "exec failed: No such file or directory"}, RE),
        ({"spawn_error": "fork failed: Resource temporarily unavailable"}, JE),
    ],
)
def test_runtime_verdict(fields: dict, expected: Verdict | None) -> None:
    assert runtime_verdict(ProcResult(**fields)) == expected


def test_runtime_verdict_is_worst_of_its_failures() -> None:
    flags = {"cpu_exceeded": TLE, "mem_exceeded": MLE, "output_exceeded": OLE}
    for r in range(1, len(flags) + 1):
        for combo in itertools.combinations(flags, r):
            result = ProcResult(signal=9, **{k: True for k in combo})
            assert runtime_verdict(result) == worst([flags[k] for k in combo] + [RE])


def test_empty_group_has_no_result() -> None:
    # A group with no tests and no subgroups has nothing judged: None, not a score.
    assert kattis.group_result(Group(name="secret/empty"), {}) is None
