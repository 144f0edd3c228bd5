"""`ioi-agent select`, `evaluate` and `train-scorer` through the real command-line entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ioi_agent.cli as cli
from ioi_agent.cli.select import POLICY_NAMES
from tests.selection.test_grader import make_tiny_package


@pytest.fixture(autouse=True)
def commands(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [
        *cli.COMMAND_MODULES,
        *(m for m in ("select", "evaluate", "train_scorer") if m not in cli.COMMAND_MODULES),
    ]
    monkeypatch.setattr(cli, "COMMAND_MODULES", names)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_package(tmp_path_factory.mktemp("cli") / "tiny")


def ioi_agent(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_policy_names_match_the_registry() -> None:
    from ioi_agent.selection.policies import POLICIES

    assert POLICY_NAMES == list(POLICIES)


def test_select_prints_the_sequence_and_the_final_score(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = tiny / "submissions"
    code, out, _ = ioi_agent(
        capsys, "select", tiny, "--pool", pool, "--jobs", "2", "--inputs-per-subtask", "8"
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("#1 ") and "t=     0s" in lines[0] and "group1" in lines[0]
    assert lines[-1].startswith("final score 100 / 100")


def test_select_json_and_codeforces_feedback(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "select",
        tiny,
        "--pool",
        tiny / "submissions",
        "--jobs",
        "2",
        "--inputs-per-subtask",
        "8",
        "--json",
    ]
    code, out, _ = ioi_agent(capsys, *args, "--rules", "codeforces", "--budget", "3", "--policy", "codet")
    assert code == 0
    doc = json.loads(out)
    assert doc["rules"] == "codeforces" and doc["budget"] == 3 and doc["policy"] == "codet"
    assert 1 <= len(doc["submissions"]) <= 3
    for sub in doc["submissions"]:
        assert sub["subtask_scores"] is None and sub["pretests_passed"] is not None  # pretests only
    assert doc["final_score"] in (0, 100) and doc["max_score"] == 100


def test_select_continues_from_its_log(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "contest.jsonl"
    args = ["select", tiny, "--pool", tiny / "submissions", "--jobs", "2", "--inputs-per-subtask", "8"]
    code, out, _ = ioi_agent(capsys, *args, "--budget", "1", "--log", log, "--policy", "random", "--json")
    first = json.loads(out)
    assert code == 0 and len(first["submissions"]) == 1
    code, out, err = ioi_agent(capsys, *args, "--budget", "1", "--log", log, "--policy", "random")
    assert code == 0 and "continuing from 1 logged submission" in err
    assert out.count("#1 ") == 1 and "#2 " not in out  # the cap counts the logged submission
    code, _, err = ioi_agent(capsys, *args, "--budget", "2", "--log", log)
    assert code == 2 and "this log is for" in err


def test_evaluate_json_is_exactly_the_schema(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ioi_agent(
        capsys,
        "evaluate",
        tiny,
        "--pool",
        tiny / "submissions",
        "--budget",
        "2",
        "--policies",
        "random,o1-ioi",
        "--json",
        "--jobs",
        "2",
        "--inputs-per-subtask",
        "8",
    )
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"rules", "budget", "problems", "total"}
    assert doc["rules"] == "ioi" and doc["budget"] == 2
    (row,) = doc["problems"]
    assert set(row) == {"problem", "max_score", "oracle", "random_expected", "policies"}
    assert row["problem"] == "tiny" and row["oracle"] == 100
    assert row["random_expected"] == pytest.approx(40 * 12 / 15 + 60 * 9 / 15)
    assert set(row["policies"]) == {"random", "o1-ioi"}
    assert set(row["policies"]["random"]) == {"score", "submissions"}
    assert set(doc["total"]) == {"oracle", "random_expected", "policies"}
    assert doc["total"]["policies"]["o1-ioi"] == row["policies"]["o1-ioi"]["score"]


def test_evaluate_table_and_errors(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--pool", tiny / "submissions", "--jobs", "2", "--inputs-per-subtask", "8"]
    code, out, _ = ioi_agent(capsys, "evaluate", tiny, *common, "--budget", "1")
    assert code == 0 and "total" in out and "o1-ioi" in out
    code, _, err = ioi_agent(capsys, "evaluate", tiny, *common, "--policies", "random,best")
    assert code == 2 and "unknown policy best" in err
    code, _, err = ioi_agent(capsys, "evaluate", tiny, "--pool", tiny / "nope.jsonl")
    assert code == 2 and "no such pool" in err


def test_train_scorer_writes_a_checkpoint(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ioi_agent.selection.scorer import Scorer

    out_file = tmp_path / "scorer.pt"
    outside = tmp_path / "written" / "tiny"  # written solutions outside the package, found by name
    shutil.copytree(tiny / "submissions", outside)
    argv = ["train-scorer", tiny / "submissions", outside, "--problems", tiny.parent, "--out", out_file]
    code, out, _ = ioi_agent(capsys, *argv, "--epochs", "20", "--jobs", "2", "--inputs-per-subtask", "8")
    assert code == 0 and out_file.is_file()
    assert "val_pairwise_accuracy" in out and f"saved {out_file}" in out
    scorer = Scorer.load(out_file)
    assert scorer.feature_names
    code, _, err = ioi_agent(capsys, "train-scorer", tmp_path / "written", "--out", out_file)
    assert code == 2 and "not inside a package" in err


def test_evaluate_writes_a_report_with_a_curve_per_policy(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ioi_agent.reports import read_report

    code, out, _ = ioi_agent(
        capsys,
        "evaluate",
        tiny,
        "--pool",
        tiny / "submissions",
        "--budget",
        "5",
        "--policies",
        "random,o1-ioi",
        "--jobs",
        "2",
        "--inputs-per-subtask",
        "8",
        "--json",
        "--out",
        tmp_path,
    )
    assert code == 0
    doc = read_report(tmp_path / "report.json")
    assert doc.data == json.loads(out)  # the report carries exactly the --json document
    plot = doc.report.sections[0].figures[0]
    assert plot.kind == "score_vs_submissions"
    assert [x for x, _ in plot.curves["o1-ioi"]] == [1, 2, 5]
    # The last point of each curve is the run at --budget itself.
    assert plot.curves["o1-ioi"][-1][1] == doc.data["total"]["policies"]["o1-ioi"]
    assert plot.curves["oracle"][-1][1] == doc.data["total"]["oracle"]
    assert "| total |" in (tmp_path / "report.md").read_text()
