"""CMS rules: white diff, the score types (GroupMin, GroupMul, GroupThreshold, Sum), score_precision
rounding, how the CMS loader reads the score types, and how the judge applies them. Known answers worked
out by hand from CMS's definitions (cms/grading/steps/whitediff.py, cms/grading/scoretypes/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent.errors import PackageError
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.results import TestResult as JudgedTest
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.cms import load_cms
from ioi_agent.packages.model import CheckerKind, Subtask
from ioi_agent.scoring import cms, ioi

# --- white diff --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "answer"),
    [
        (b"1 2\n", b"1  2 \n\n"),  # runs of whitespace, trailing spaces, trailing empty lines
        (b"1 2", b"1 2\n"),  # a missing final newline
        (b"  1\t2\r\n", b"1 2\n"),  # leading whitespace, tab, CRLF
        (b"1\x0b2\x0c\n", b"1 2\n"),  # vertical tab and form feed are whitespace too
        (b"1 2\n\n \t\n", b"1 2"),  # whitespace-only lines at the end of the output
        (b"", b"\n\n"),
        (b"", b""),
    ],
)
def test_white_diff_equal(output: bytes, answer: bytes) -> None:
    assert cms.white_diff(output, answer) == (True, "")
    assert cms.white_diff(answer, output)[0]


@pytest.mark.parametrize(
    ("output", "answer", "words"),
    [
        (b"a\n", b"A\n", "line 1"),  # case-sensitive
        (b"1 2\n", b"1\n2\n", "line 1"),  # a line break is not a space
        (b"12\n", b"1 2\n", "line 1"),
        (b"1\n\n2\n", b"1\n2\n", "line 2"),  # a blank line in the middle counts
        (b"1.0\n", b"1\n", "line 1"),  # no number tolerance
        (b"1\n2\n", b"1\n", "too long"),
        (b"1\n", b"1\n2\n", "too short"),
        (b"1\xa02\n", b"1 2\n", "line 1"),  # only ASCII whitespace (no-break space is a character)
    ],
)
def test_white_diff_different(output: bytes, answer: bytes, words: str) -> None:
    equal, message = cms.white_diff(output, answer)
    assert not equal and words in message


# --- score types -------------------------------------------------------------------------------------


def test_group_min() -> None:
    assert cms.subtask_score("GroupMin", 40, [1.0, 0.5, 0.75]) == 20
    assert cms.subtask_score("GroupMin", 40, [1.0, None]) == 0  # a test not run scores 0
    assert cms.subtask_score("GroupMin", 40, []) == 40


def test_group_mul() -> None:
    assert cms.subtask_score("GroupMul", 40, [0.5, 0.5, 1.0]) == 10
    assert cms.subtask_score("GroupMul", 30, [0.5, 0.0, 1.0]) == 0
    assert cms.subtask_score("GroupMul", 30, [1.0, 1.0]) == 30


def test_group_threshold_counts_outcomes_in_zero_to_threshold() -> None:
    # Passed when 0 < outcome <= T for every test; zero (a failed run) never passes.
    assert cms.subtask_score("GroupThreshold", 10, [0.2, 0.5], threshold=0.5) == 10
    assert cms.subtask_score("GroupThreshold", 10, [0.2, 0.51], threshold=0.5) == 0
    assert cms.subtask_score("GroupThreshold", 10, [0.2, 0.0], threshold=0.5) == 0
    assert cms.subtask_score("GroupThreshold", 10, [1.0], threshold=1.0) == 10
    assert cms.subtask_score("GroupThreshold", 10, [3.0], threshold=5.0) == 10  # raw outcome, no clamp
    with pytest.raises(ValueError):
        cms.subtask_score("GroupThreshold", 10, [0.2])


def test_sum_is_points_times_the_mean() -> None:
    # Sum with 10 points per test over 3 tests: one subtask worth 30, scoring 10 × (1 + 0 + 0.5).
    assert cms.subtask_score("Sum", 30, [1.0, 0.0, 0.5]) == 15
    assert cms.subtask_score("Sum", 30, [1.0, None, None]) == 10


def test_unknown_score_type() -> None:
    with pytest.raises(ValueError):
        cms.subtask_score("GroupMax", 10, [1.0])  # type: ignore[arg-type]


def test_score_precision_rounds_the_total_not_the_parts() -> None:
    # CMS adds unrounded subtask scores and rounds what it shows: 3 × (1/3) is 1.00, not 0.99.
    third = {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    assert ioi.submission_score(third, precision=2) == 1.0
    assert ioi.task_score([third], ["a", "b", "c"], precision=2) == 1.0
    assert ioi.task_score([{"a": 12.3456}], ["a"], precision=2) == 12.35
    assert ioi.task_score([{"a": 12.3456}], ["a"], precision=0) == 12
    assert ioi.task_score([{"a": 12.3456}], ["a"]) == 12.3456  # no precision: unrounded
    assert cms.round_score(2.675, None) == 2.675


# --- the CMS loader ----------------------------------------------------------------------------------


def cms_package(root: Path, problem: dict, tests: int = 4, subtasks: dict[str, dict] | None = None) -> Path:
    (root / "tests").mkdir(parents=True)
    for i in range(1, tests + 1):
        (root / "tests" / f"0{i}.in").write_text(f"{i}\n")
        (root / "tests" / f"0{i}.out").write_text(f"{i}\n")
    base = {"code": "t", "task_type": "Batch", "time_limit": 1, "memory_limit": 256}
    (root / "problem.json").write_text(json.dumps({**base, **problem}))
    if subtasks:
        (root / "subtasks").mkdir()
        for name, data in subtasks.items():
            (root / "subtasks" / f"{name}.json").write_text(json.dumps(data))
    return root


def test_no_checker_means_white_diff(tmp_path: Path) -> None:
    p = load_cms(cms_package(tmp_path / "p", {}))
    assert p.checker.kind == CheckerKind.WHITE_DIFF


def test_group_mul_parameters(tmp_path: Path) -> None:
    p = load_cms(
        cms_package(tmp_path / "p", {"score_type": "GroupMul", "score_type_parameters": [[40, 1], [60, 3]]})
    )
    assert [(s.points, s.tests, s.score_type, s.stop_on_failure) for s in p.subtasks] == [
        (40, ["01"], "GroupMul", True),
        (60, ["02", "03", "04"], "GroupMul", True),
    ]


def test_group_threshold_parameters(tmp_path: Path) -> None:
    params = [[40, "0[12]", 0.5], [60, "0[34]", 2]]
    p = load_cms(
        cms_package(tmp_path / "p", {"score_type": "GroupThreshold", "score_type_parameters": params})
    )
    assert [(s.points, s.tests, s.score_type, s.threshold) for s in p.subtasks] == [
        (40, ["01", "02"], "GroupThreshold", 0.5),
        (60, ["03", "04"], "GroupThreshold", 2.0),
    ]
    # As a JSON string (CMS's own storage), and with counts.
    text = json.dumps([[40, 2, 0.5], [60, 2, 2]])
    p = load_cms(cms_package(tmp_path / "q", {"score_type": "GroupThreshold", "score_type_parameters": text}))
    assert [(s.tests, s.threshold) for s in p.subtasks] == [(["01", "02"], 0.5), (["03", "04"], 2.0)]


def test_group_threshold_needs_thresholds(tmp_path: Path) -> None:
    root = cms_package(
        tmp_path / "p", {"score_type": "GroupThreshold", "score_type_parameters": [[40, 2], [60, 2]]}
    )
    with pytest.raises(PackageError, match="threshold"):
        load_cms(root)


def test_group_threshold_with_subtask_files(tmp_path: Path) -> None:
    subtasks = {"01-a": {"score": 30, "testcases": ["01"], "threshold": 0.25}, "02-b": {"score": 70}}
    root = cms_package(
        tmp_path / "p",
        {"score_type": "GroupThreshold", "score_type_parameters": [[30, "01", 9], [70, "0[234]", 0.75]]},
        subtasks=subtasks,
    )
    (root / "tests" / "02.in").rename(root / "tests" / "2-01.in")
    (root / "tests" / "02.out").rename(root / "tests" / "2-01.out")
    p = load_cms(root)
    # The file's own threshold wins; otherwise the matching entry of score_type_parameters.
    assert [(s.name, s.threshold) for s in p.subtasks] == [("01-a", 0.25), ("02-b", 0.75)]


def test_sum_is_one_subtask(tmp_path: Path) -> None:
    p = load_cms(cms_package(tmp_path / "p", {"score_type": "Sum", "score_type_parameters": 25}))
    assert [(s.name, s.points, s.tests, s.score_type, s.stop_on_failure) for s in p.subtasks] == [
        ("all", 100, ["01", "02", "03", "04"], "Sum", False)
    ]


# --- the judge's aggregation (no sandbox: only the pure part of Judge) ----------------------------------


def bare_judge(tmp_path: Path, problem: dict) -> Judge:
    judge = Judge.__new__(Judge)  # no boxes: _subtask_score and _aggregate only read the problem
    judge.problem = load_cms(cms_package(tmp_path / "p", problem))
    return judge


def results(scores: dict[str, float | Verdict]) -> list[JudgedTest]:
    out = []
    for name, s in scores.items():
        verdict, score = (s, 0.0) if isinstance(s, Verdict) else (Verdict.AC, s)
        out.append(JudgedTest(test=name, verdict=verdict, score=score, time_s=0.1, memory_mb=1.0))
    return out


def test_judge_applies_each_score_type(tmp_path: Path) -> None:
    mul = bare_judge(
        tmp_path / "mul", {"score_type": "GroupMul", "score_type_parameters": [[40, 2], [60, 2]]}
    )
    st = mul.problem.subtasks
    assert mul._subtask_score(st[0], results({"01": 0.5, "02": 0.5})) == 10
    assert mul._subtask_score(st[1], results({"03": 1.0, "04": Verdict.TLE})) == 0

    thr = bare_judge(
        tmp_path / "thr",
        {"score_type": "GroupThreshold", "score_type_parameters": [[40, 2, 0.5], [60, 2, 1]]},
    )
    st = thr.problem.subtasks
    assert thr._subtask_score(st[0], results({"01": 0.5, "02": 0.25})) == 40
    assert thr._subtask_score(st[0], results({"01": 0.5, "02": 1.0})) == 0

    total = bare_judge(tmp_path / "sum", {"score_type": "Sum", "score_type_parameters": 10})
    (all_tests,) = total.problem.subtasks
    assert total._subtask_score(all_tests, results({"01": 1.0, "02": 0.5, "03": Verdict.WA, "04": 1.0})) == 25


def test_judge_rounds_the_submission_score_to_score_precision(tmp_path: Path) -> None:
    judge = bare_judge(
        tmp_path,
        {
            "score_type": "GroupMin",
            "score_type_parameters": [[10, 1], [10, 1], [10, 1]],
            "score_precision": 1,
        },
    )
    prog = CompiledProgram(key="k", language="cpp", ok=True)
    per = {s.name: results({s.tests[0]: 1 / 3}) for s in judge.problem.subtasks}
    result = judge._aggregate(Path("a.cpp"), prog, per)
    # Each subtask keeps 3.333333 (the task score adds the best unrounded ones); the total shows 10.0.
    assert [s.score for s in result.subtasks] == [pytest.approx(10 / 3, abs=1e-6)] * 3
    assert result.score == 10.0


def test_subtask_default_is_group_min() -> None:
    assert Subtask(name="s", points=1, tests=[]).score_type == "GroupMin"
