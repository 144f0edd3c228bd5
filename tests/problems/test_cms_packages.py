"""The CMS/IOI-format packages (Communication with 2 concurrent processes, Batch with a grader and a
partial-credit checker) judged in both sandboxes: every solution gets the score and the subtask scores
of solutions/expected.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem
from ioi_agent.scoring import ioi
from tests.conftest import REPO

CMS = sorted(p for p in (REPO / "tests" / "data" / "cms").iterdir() if (p / "problem.json").is_file())


@pytest.mark.parametrize("package", CMS, ids=[p.name for p in CMS])
def test_cms_package(package: Path, sandbox_name: str) -> None:
    problem = load_problem(package)
    subs = [s for s in problem.submissions if getattr(s, "expected_score", None) is not None]
    assert subs, "expected.json lists no solution"
    with Judge(problem, sandbox=sandbox_name) as judge:
        results = judge.judge_sources([s.path for s in subs])
    for sub, result in zip(subs, results, strict=True):
        assert result.score == pytest.approx(sub.expected_score), (
            f"{sub.path.name}: {result.verdict} {result.score}"
        )
        got = {s.name: s.score for s in result.subtasks}
        assert got == pytest.approx(sub.expected_subtask_scores), sub.path.name
    best = ioi.task_score([r.subtask_scores() for r in results], [s.name for s in problem.subtasks])
    assert best == pytest.approx(problem.max_score)
