"""Kattis verdict and grading rules, each checked against what problemtools says.

Sources (Kattis/problemtools):
- problemtools/judge/execute.py `_run_normal`: TLE when the run hit the CPU limit or ran past the time
  limit, else RTE for any nonzero exit or signal; there is no MLE verdict, so a program killed at its
  memory limit is RTE.
- problemtools/judge/submission_judge.py `_judge_group`: a group's children are judged in order, and
  under `on_reject: break` (the default) judging stops at the first child that is not AC; the group's
  verdict and score are its grader's over the children judged. The submission's result is data/'s.
- support/default_grader: verdict worst_error in the order JE, IF, RTE, MLE, TLE, OLE, WA, PE, AC (RTE
  before TLE); score sum of the children's (a test scores accept_score 1.0 when AC, reject_score 0).
- problemtools/verifyproblem.py `Submissions.check_submission`: an accepted submission must get verdict AC
  (not attaining full score is only a warning); partially_accepted: AC and not fully accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent.cli import main
from ioi_agent.judge.labels import label_satisfied
from ioi_agent.judge.results import CompileInfo, SubmissionResult
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem

# n == 1: loops (TLE); n == 2: exits 1 (RTE); otherwise the right answer (n itself).
BY_INPUT = "n = int(input())\nwhile n == 1:\n    pass\nif n == 2:\n    raise SystemExit(1)\nprint(n)\n"
ECHO = "print(int(input()))\n"
MEMORY_BOMB = "x = []\nwhile True:\n    x.append(bytearray(1 << 24))\n"


def write_package(root: Path, problem_yaml: str, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "problem.yaml").write_text(problem_yaml)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def files_for(*names: str) -> dict[str, str]:
    """Test files whose input and answer are the number in the test's name (`secret/g1/1` holds 1)."""
    out = {}
    for name in names:
        n = name.rsplit("/", 1)[-1]
        out[f"data/{name}.in"] = f"{n}\n"
        out[f"data/{name}.ans"] = f"{n}\n"
    return out


def verify(root: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict]]:
    code = main(["verify", str(root), "--sandbox", sandbox_name, "--json"])
    out = capsys.readouterr().out
    doc = json.loads(out[out.index("[") :])[0]
    return code, {Path(s["source"]).name: s for s in doc["report"]["submissions"]}


SCORING = "name: Rules\ntype: scoring\nlimits:\n  time_limit: 1.0\n  memory: 128\n"
PASS_FAIL = "name: Rules\nlimits:\n  time_limit: 1.0\n  memory: 64\n"


def test_a_run_over_the_memory_limit_is_rte(
    tmp_path: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # problemtools: no MLE verdict; the run_time_error folder holds the program that runs out of memory.
    files = {
        **files_for("sample/3", "secret/4"),
        "submissions/accepted/echo.py": ECHO,
        "submissions/run_time_error/bomb.py": MEMORY_BOMB,
    }
    code, subs = verify(write_package(tmp_path / "mem", PASS_FAIL, files), sandbox_name, capsys)
    assert subs["bomb.py"]["verdict"] == "RE", subs["bomb.py"]
    assert code == 0


@pytest.mark.parametrize(
    ("on_reject", "folder", "verdict", "score"),
    [
        # break (the default): g1's TLE stops secret, so g2's RTE and g3's 30 points are never judged.
        ("break", "time_limit_exceeded", "TLE", 0.0),
        # continue: every group is judged; worst_error puts RTE before TLE; g3 scores its 30.
        ("continue", "run_time_error", "RE", 30.0),
    ],
)
def test_the_submission_verdict_is_the_group_trees(
    tmp_path: Path,
    sandbox_name: str,
    capsys: pytest.CaptureFixture[str],
    on_reject: str,
    folder: str,
    verdict: str,
    score: float,
) -> None:
    files = {
        **files_for("secret/g1/1", "secret/g2/2", "secret/g3/3"),
        "data/testdata.yaml": f"on_reject: {on_reject}\n",
        "data/secret/g1/testdata.yaml": "accept_score: 30\ngrader_flags: min\n",
        "data/secret/g2/testdata.yaml": "accept_score: 40\ngrader_flags: min\n",
        "data/secret/g3/testdata.yaml": "accept_score: 30\ngrader_flags: min\n",
        "submissions/accepted/echo.py": ECHO,
        f"submissions/{folder}/by_input.py": BY_INPUT,
    }
    code, subs = verify(write_package(tmp_path / on_reject, SCORING, files), sandbox_name, capsys)
    got = subs["by_input.py"]
    assert (got["verdict"], got["score"]) == (verdict, score), got
    assert [s["verdict"] for s in got["subtasks"]] == ["TLE", "RE", "AC"]  # each group its own verdict
    assert (subs["echo.py"]["verdict"], subs["echo.py"]["score"]) == ("AC", 100.0)
    assert code == 0


def test_groups_without_points_score_what_the_default_grader_gives(
    tmp_path: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # No accept_score anywhere: each accepted test is worth 1.0; group a sums its 3 tests (default
    # flags), group b takes the min of its 2 (grader_flags: min), data/ and secret/ sum: 3 + 1.
    files = {
        **files_for("secret/a/3", "secret/a/4", "secret/a/5", "secret/b/6", "secret/b/7"),
        "data/secret/b/testdata.yaml": "grader_flags: min\n",
        "submissions/accepted/echo.py": ECHO,
    }
    root = write_package(tmp_path / "points", SCORING, files)
    assert [(s.name, s.points) for s in load_problem(root).subtasks] == [("a", 3.0), ("b", 1.0)]
    code, subs = verify(root, sandbox_name, capsys)
    echo = subs["echo.py"]
    assert (echo["verdict"], echo["score"]) == ("AC", 4.0)
    assert [s["score"] for s in echo["subtasks"]] == [3.0, 1.0]
    assert code == 0


def test_an_accepted_submission_worth_zero_points_is_accepted(
    tmp_path: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        **files_for("secret/g/3"),
        "data/secret/g/testdata.yaml": "accept_score: 0\n",
        "submissions/accepted/echo.py": ECHO,
    }
    code, subs = verify(write_package(tmp_path / "zero", SCORING, files), sandbox_name, capsys)
    assert (subs["echo.py"]["verdict"], subs["echo.py"]["score"]) == ("AC", 0.0)
    assert code == 0


def _result(verdict: Verdict, score: float) -> SubmissionResult:
    return SubmissionResult(
        source="x", verdict=verdict, score=score, subtasks=[], compile=CompileInfo(ok=True)
    )


def test_folder_promises_follow_check_submission() -> None:
    ac0, ac50, ac100 = _result(Verdict.AC, 0), _result(Verdict.AC, 50), _result(Verdict.AC, 100)
    assert label_satisfied("accepted", ac0, 100) and label_satisfied("accepted", ac50, 100)
    assert not label_satisfied("accepted", _result(Verdict.WA, 100), 100)
    # partially_accepted: AC and not fully accepted (fully: the score is the top of data/'s range).
    assert label_satisfied("partially_accepted", ac0, 100) and label_satisfied(
        "partially_accepted", ac50, 100
    )
    assert not label_satisfied("partially_accepted", ac100, 100, full_score=100)
    assert label_satisfied("partially_accepted", ac100, 100, full_score=float("inf"))  # no range: never full
    assert not label_satisfied("partially_accepted", _result(Verdict.WA, 0), 100)
    assert label_satisfied("partially_accepted", _result(Verdict.WA, 50), 100)  # the lenient half
    assert label_satisfied("run_time_error", _result(Verdict.RE, 0), 100)
    assert label_satisfied("memory_limit_exceeded", _result(Verdict.RE, 0), 100)  # problemtools' RTE
    assert not label_satisfied("run_time_error", _result(Verdict.TLE, 0), 100)
