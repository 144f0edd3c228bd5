"""Every labelled submission of every demo package gets, from `ioi-agent judge`, what its folder says,
in both sandboxes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ioi_agent.judge.labels import label_expectation, label_satisfied
from ioi_agent.judge.results import SubmissionResult
from ioi_agent.packages import TaskType, load_problem
from tests.conftest import REPO

DEMO = sorted(p for p in (REPO / "problems" / "demo").iterdir() if (p / "problem.yaml").is_file())
LABELS = {
    "accepted",
    "partially_accepted",
    "wrong_answer",
    "time_limit_exceeded",
    "run_time_error",
    "memory_limit_exceeded",
    "compile_error",
}


def test_demo_set_covers_every_task_kind() -> None:
    problems = [load_problem(p) for p in DEMO]
    kinds = {p.task_type for p in problems}
    assert {TaskType.BATCH, TaskType.INTERACTIVE, TaskType.MULTI_PASS} <= kinds
    assert any(p.grader_files.get("cpp") for p in problems), "no function-style task"
    assert any(p.checker.float_abs_tol for p in problems), "no float-tolerance task"
    assert len(problems) >= 5
    for p in problems:
        assert p.statement is not None and (p.root / "generator").is_dir(), p.name
        assert LABELS <= {s.label for s in p.submissions}, f"{p.name} lacks labels"
        assert any(s.path.name.startswith("ref") for s in p.submissions if s.label == "accepted"), p.name


@pytest.mark.parametrize("package", DEMO, ids=[p.name for p in DEMO])
def test_labelled_submissions(package: Path, sandbox_name: str) -> None:
    problem = load_problem(package)
    subs = [s for s in problem.submissions if label_expectation(s.label)]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ioi_agent",
            "judge",
            str(package),
            *[str(s.path) for s in subs],
            "--json",
            "--sandbox",
            sandbox_name,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["max_score"] == pytest.approx(100)
    assert report["task_score"] == pytest.approx(100)  # the accepted ones are among them
    broken = []
    for sub, raw in zip(subs, report["submissions"], strict=True):
        result = SubmissionResult.model_validate(raw)
        if not label_satisfied(sub.label, result, report["max_score"]):
            broken.append(f"{sub.label}/{sub.path.name}: {result.verdict} {result.score}")
    assert not broken, broken
