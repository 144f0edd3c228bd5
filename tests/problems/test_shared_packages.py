"""The real packages in ../shared/data/kattis judged with solutions written for them: each solution gets
the verdict and the groups its record in tests/data/shared_solutions/expected.json says."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem
from tests.conftest import REPO, SHARED, run_verdict

SOLUTIONS = REPO / "tests" / "data" / "shared_solutions"
KATTIS = SHARED / "data" / "kattis"


def records() -> dict[str, list[dict]]:
    by_package: dict[str, list[dict]] = defaultdict(list)
    for record in json.loads((SOLUTIONS / "expected.json").read_text()):
        by_package[record["package"]].append(record)
    return dict(sorted(by_package.items()))


RECORDS = records()


def test_every_package_loads() -> None:
    if not KATTIS.is_dir():
        pytest.skip("../shared/data/kattis is not beside this checkout")
    for folder in sorted(KATTIS.glob("*/*")):
        problem = load_problem(folder)
        assert problem.subtasks and problem.tests, folder
        if problem.scoring:
            assert sum(s.points for s in problem.subtasks) == pytest.approx(100), folder


@pytest.mark.parametrize("package", list(RECORDS), ids=list(RECORDS))
def test_shared_package(package: str) -> None:
    if not (KATTIS / package).is_dir():
        pytest.skip(f"../shared/data/kattis/{package} is not beside this checkout")
    problem = load_problem(KATTIS / package)
    recs = RECORDS[package]
    # The packages store no time limit and no accepted submissions: 1 s, as the data's README says.
    with Judge(problem, time_limit=1.0) as judge:
        results = judge.judge_sources([SOLUTIONS / r["source"] for r in recs])
    for record, result in zip(recs, results, strict=True):
        full = {s.name for s in result.subtasks if s.score >= s.points - 1e-9}
        where = f"{record['source']}: {result.verdict} {result.score}"
        if record["expect"] == "AC":
            assert result.verdict == "AC" and result.score == pytest.approx(problem.max_score), where
        elif record["expect"] == "PA":
            assert 0 < result.score < problem.max_score, where
        else:
            # The record names what the sandbox saw (the first failing test's verdict). The submission's
            # own verdict is problemtools' grader's: with `accept_if_any_accepted` on secret/ (these
            # packages) a program that passes one group is AC with that group's score.
            assert run_verdict(result) == record["expect"], where
        if problem.scoring:
            assert full == set(record["groups_passed"]), where
        else:
            assert bool(full) == bool(record["groups_passed"]), where
