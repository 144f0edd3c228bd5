"""A Kattis custom grader runs as a trusted program: children's `VERDICT SCORE` lines in, the group's out;
a grader that fails or prints something else is a judge error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.judge.kattis_grader import grader_input, run_grader
from ioi_agent.sandbox import cache_root
from tests.conftest import SHARED

EGOI = SHARED / "data" / "kattis" / "egoi-2024"


def test_grader_input_is_problemtools_format() -> None:
    assert grader_input([("AC", 530.0), ("WA", 0)]) == "AC 530.0\nWA 0\n"


def test_egoi_graders_in_place() -> None:
    if not EGOI.is_dir():
        pytest.skip("../shared/data/kattis/egoi-2024 is not beside this checkout")
    rescale = [EGOI / "makethemmeet" / "graders" / "grader.py"]
    assert run_grader(rescale, ["rescale", "1000", "36"], [("AC", 999.0)], cache_root()) == ("AC", 35.0, "")
    lamps = [EGOI / "lightbulbs" / "graders" / "grader.py"]
    assert run_grader(lamps, ["lamps_scoring", "78"], [("AC", 150.0)], cache_root()) == ("AC", 66.0, "")
    assert run_grader(lamps, ["lamps_small", "11"], [("WA", 3.0)], cache_root()) == ("WA", 0.0, "")
    # Its assertion fails on two lines: a judge error, with the reason.
    code, score, message = run_grader(lamps, ["lamps_small", "11"], [("AC", 1), ("AC", 2)], cache_root())
    assert (code, score) == ("JE", 0.0) and "AssertionError" in message


def test_bad_output_is_a_judge_error(tmp_path: Path) -> None:
    grader = tmp_path / "grader.py"
    grader.write_text("print('maybe 3')\n")
    code, _, message = run_grader([grader], [], [("AC", 1.0)], cache_root())
    assert code == "JE" and "VERDICT SCORE" in message
    # An empty group is graded AC 0 without running the grader (problemtools).
    assert run_grader([grader], [], [], cache_root()) == ("AC", 0.0, "")
