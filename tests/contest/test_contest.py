"""Contest simulation end to end: real packages, the grader in its own process, real sandboxes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ioi_agent.cli import main
from ioi_agent.contest.medals import MedalCutoffs
from ioi_agent.errors import IoiAgentError
from ioi_agent.rating.estimate import load_results
from ioi_agent.scoring.codeforces import problem_score
from tests.conftest import REPO, backend_unavailable

DEMO = REPO / "problems" / "demo"

pytestmark = pytest.mark.skipif(
    backend_unavailable("bwrap") is not None, reason="the bwrap sandbox cannot run on this machine"
)


def _contest(*args: str) -> list[str]:
    return [sys.executable, "-m", "ioi_agent.cli", "contest", "--sandbox", "bwrap", "--jobs", "2", *args]


def _renders(page: Path, figures: int) -> None:
    from ioi_agent.reports.browser import check_html, find_chromium

    if find_chromium() is None:
        return  # the report files were checked; rendering needs chromium (scripts/install_chromium.sh)
    check = check_html(page, timeout_s=120)
    assert check.ok, check.summary()
    assert len(check.figures) == figures and all(f.loaded for f in check.figures)


def test_medal_cutoffs() -> None:
    cut = MedalCutoffs()
    assert (cut.gold, cut.silver, cut.bronze) == (359.71, 289.31, 216.97)
    assert cut.medal(359.71) == "gold" and cut.medal(300) == "silver" and cut.medal(216.97) == "bronze"
    assert cut.medal(216.96) is None
    assert MedalCutoffs.parse("30,20,10").medal(25) == "silver"
    with pytest.raises(IoiAgentError, match="--cutoffs"):
        MedalCutoffs.parse("10,20,30")


def test_ioi_contest_reaches_the_pool_and_continues_after_a_kill(tmp_path: Path) -> None:
    state = tmp_path / "state"
    pool = str(DEMO / "lanterns" / "submissions")
    args = _contest(str(DEMO / "lanterns"), "--pool", pool, "--state", str(state), "--json")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    log = state / "lanterns" / "submissions.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if log.exists() and sum(1 for line in log.read_text().splitlines() if '"index"' in line) >= 1:
            os.killpg(proc.pid, signal.SIGKILL)  # mid-task: one submission recorded, more to come
            break
        time.sleep(0.05)
    proc.wait()
    killed_with = len([line for line in log.read_text().splitlines() if '"index"' in line])
    again = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    task = result["tasks"][0]
    indexes = [s["index"] for s in task["submissions"]]
    assert indexes == list(range(1, len(indexes) + 1))  # nothing lost, nothing submitted twice
    assert len(indexes) >= killed_with
    if killed_with < len(indexes):
        assert "continuing after" in again.stderr
    # The shipped accepted program is in the pool and 50 submissions are plenty: the oracle is reached.
    assert task["score"] == task["oracle"] == 100
    assert task["random_expected"] <= task["oracle"]
    assert result["medal"] is None  # 100 points are below IOI 2024's bronze
    for suffix in ("json", "md", "html"):
        assert (state / f"report.{suffix}").stat().st_size > 0
    _renders(state / "report.html", figures=3)
    # A finished contest run again is read back, not redone.
    third = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert "already finished" in third.stderr
    assert json.loads(third.stdout)["score"] == result["score"]


def test_state_folder_refuses_other_settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "s"
    state.mkdir()
    (state / "settings.json").write_text(
        json.dumps({"rules": "ioi", "policy": "random", "budget": 3, "source": "x", "seed": 0})
    )
    code = main(["contest", str(DEMO / "lanterns"), "--pool", "submissions", "--state", str(state)])
    assert code == 2
    assert "other settings" in capsys.readouterr().err


def test_bad_problem_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contest", str(tmp_path), "--pool", "submissions"]) == 2
    err = capsys.readouterr().err
    assert "not a problem package" in err and "Traceback" not in err


def test_codeforces_contest_schedule_and_scores(tmp_path: Path) -> None:
    state = tmp_path / "cf"
    args = _contest(
        str(DEMO / "lanterns"),
        str(DEMO / "solar"),
        "--rules",
        "codeforces",
        "--pool",
        "submissions",
        "--state",
        str(state),
        "--values",
        "500,1000",
        "--minutes-per-submission",
        "7",
        "--contest-id",
        "917",
        "--json",
    )
    run = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    minute = 0
    total = 0.0
    for problem, outcome in zip(result["problems"], result["outcome"]["problems"], strict=True):
        subs = problem["submissions"]
        assert 1 <= len(subs) <= 10
        for sub in subs:
            minute += 7  # the fixed schedule: every submission 7 contest minutes after the previous one
            assert sub["minute"] == minute
            assert sub["accepted_system"] <= sub["pretests_passed"]
        assert not any(s["pretests_passed"] for s in subs[:-1])  # a problem is left once pretests pass
        if outcome["solved"]:
            last = subs[-1]
            wrong = sum(s["compiled"] for s in subs[:-1])
            assert outcome["points"] == problem_score(problem["value"], last["minute"], wrong)
            total += outcome["points"]
    assert result["outcome"]["points"] == total
    _renders(state / "report.html", figures=1)
    # The result feeds `rating estimate`.
    doc = load_results(state / "rating-results.json")
    assert doc.contests[0].contest_id == 917 and doc.contests[0].points == total


def test_a_sampled_contest_judges_while_the_model_samples(tmp_path: Path) -> None:
    """A model source (an OpenAI-compatible server on loopback): tools are sampled first, the inputs built,
    and candidates judged as they arrive (selection/pipeline.py); the contest then runs as usual."""
    from tests.generation.stub_server import MODEL, StubServer

    with StubServer() as server:
        server.script.delay_s = 0.2  # a model that takes its time: the judge runs meanwhile
        args = _contest(
            str(DEMO / "postcard"),
            "--endpoint",
            server.url,
            "--model",
            MODEL,
            "--samples",
            "6",
            "--generators",
            "1",
            "--validators",
            "1",
            "--inputs-per-subtask",
            "4",
            "--submissions",
            "3",
            "--state",
            str(tmp_path / "s"),
        )
        done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "judged" in done.stdout and "while sampling" in done.stdout, done.stdout[-2000:]
    pool = (tmp_path / "s").rglob("pool.jsonl")
    assert sum(len(p.read_text().splitlines()) for p in pool) >= 6
