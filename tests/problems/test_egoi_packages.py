"""The EGOI 2024 packages in ../shared/data/kattis/egoi-2024, judged as Kattis judges them: every labelled
program in submissions/<label>/ must get what its folder promises (judge/labels.py, the legacy spec's
table): accepted = AC with the full 100 points, partially_accepted = a score strictly between 0 and 100,
wrong_answer = verdict WA. The packages use everything of the legacy format at once: interactive
validators with scores (gardendecorations, lightbulbs), a scoring validator (makethemmeet), nested test
groups, custom graders (graders/grader.py: rescale, lamps_*), include/ runners in C++ and Python, and a time
limit derived from the slowest accepted submission. A label that does not hold at that limit is checked
again as problemtools checks it: partially_accepted at limit / time_safety_margin (makethemmeet's
jan_contract_and_move_closer.py is full marks in 15 s of CPU, under a 24 s limit, and too slow at 12 s),
the others at limit × margin. The programs are read in place, never copied."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ioi_agent.judge import runner as runner_module
from ioi_agent.judge.labels import label_expectation, label_satisfied
from ioi_agent.judge.results import SubmissionResult
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages import Problem, load_problem
from ioi_agent.packages.kattis import verification_limits
from tests.conftest import SHARED

EGOI = SHARED / "data" / "kattis" / "egoi-2024"
PACKAGES = ["gardendecorations", "lightbulbs", "makethemmeet"]
MULTIPLIERS = {"gardendecorations": 15, "lightbulbs": 3, "makethemmeet": 4.25}

pytestmark = pytest.mark.slow


def test_packages_load_with_their_grading() -> None:
    if not EGOI.is_dir():
        pytest.skip("../shared/data/kattis/egoi-2024 is not beside this checkout")
    for name in PACKAGES:
        problem = load_problem(EGOI / name)
        assert problem.scoring and problem.checker.writes_score, name
        assert problem.max_score == pytest.approx(100), name
        assert problem.limits.time_s is None and problem.limits.time_multiplier == MULTIPLIERS[name]
        for subtask in problem.subtasks:
            group = next(g for g in problem.groups.children[1].children if g.name.endswith(subtask.name))
            assert group.grading == "custom" and group.grader and group.grader[0].name == "grader.py"
            assert subtask.stop_on_failure  # one nested group: its first rejection ends the subtask
        assert len(problem.submissions) >= 17


def rejudge(problem: Problem, source: Path, time_limit: float, store: ResultStore) -> SubmissionResult:
    fixed = problem.model_copy(deep=True)
    fixed.limits.time_s = time_limit
    with Judge(fixed, jobs=2, store=store) as judge:
        return judge.judge_sources([source])[0]


@pytest.mark.timeout(3600)  # two cores: 5-6 min (gardendecorations) to ~30 min (makethemmeet, 37 s limit)
@pytest.mark.parametrize("name", PACKAGES)
def test_every_labelled_submission_gets_its_label(name: str, tmp_path, monkeypatch) -> None:
    if not (EGOI / name).is_dir():
        pytest.skip(f"../shared/data/kattis/egoi-2024/{name} is not beside this checkout")
    # Limits here are 3-15 × the slowest accepted program, so a second run of a timeout changes nothing
    # but doubles the cost of every one (15-24 s each); the re-run rule has its own tests.
    monkeypatch.setattr(runner_module, "RERUN_TLE_WITHIN", 0.0)
    problem = load_problem(EGOI / name)
    start = time.monotonic()
    store = ResultStore(tmp_path / "results.sqlite")
    with Judge(problem, jobs=2, store=store) as judge:
        assert judge.time_limit >= 1 and judge.time_limit == int(judge.time_limit)
        assert "slowest accepted" in problem.limits.time_source
        results = judge.judge_sources([s.path for s in problem.submissions])
        limit = judge.time_limit
    # problemtools checks a label that does not hold at the limit once more around it: partially_accepted
    # at limit / time_safety_margin, the others at limit × margin ("OK with extra time").
    low, high = verification_limits(limit, problem.limits.time_safety_margin)
    for sub, result in zip(problem.submissions, list(results), strict=True):
        if not label_satisfied(sub.label, result, problem.max_score):
            again = rejudge(problem, sub.path, low if sub.label == "partially_accepted" else high, store)
            results[results.index(result)] = again
    wrong, timing_only = [], []
    for sub, result in zip(problem.submissions, results, strict=True):
        if (
            sub.label == "partially_accepted"
            and result.score >= problem.max_score
            and result.max_time_s > low / 2
        ):
            # Partial by time alone: full marks, but within a factor 2 of limit / margin, where problemtools
            # wants it too slow. Which side it lands on moves with the machine's load (the limit is
            # derived from other programs' times): makethemmeet's jan_contract_and_move_closer.py is TLE
            # at 12 s on a quiet machine and AC at 18 s under load. Reported, not failed.
            timing_only.append(f"{sub.path.name}: {result.max_time_s:.1f} s, low limit {low:g} s")
            continue
        if not label_satisfied(sub.label, result, problem.max_score):
            wrong.append(
                f"{sub.label}/{sub.path.name}: {result.verdict} {result.score:g} "
                f"{[(s.name, s.score) for s in result.subtasks]}, expected {label_expectation(sub.label)}"
            )
    elapsed = time.monotonic() - start
    print(
        f"{name}: {len(results) - len(wrong)}/{len(results)} agree in {elapsed:.0f} s; time-only: {timing_only}"
    )
    assert not wrong, "\n".join(wrong)
