"""The submission loop against a real grader: simulated clock, cap, stop, resume, unknown ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.packages import load_problem
from ioi_agent.selection.grader import OfficialGrader
from ioi_agent.selection.model import Feedback, Rules
from ioi_agent.selection.session import run_submissions
from tests.selection.test_grader import PROGRAMS, candidate, make_tiny_package

CANDIDATES = {name: candidate("tiny", name) for _, name in PROGRAMS}


class Scripted:
    """Submits the given ids in order, then stops; records the histories it was shown."""

    def __init__(self, ids: Sequence[str | None]):
        self.ids = list(ids)
        self.seen: list[int] = []

    def next(self, history: Sequence[Feedback]) -> str | None:
        self.seen.append(len(history))
        return self.ids[len(history)] if len(history) < len(self.ids) else None


class Forever:
    def next(self, history: Sequence[Feedback]) -> str | None:
        return "wrong.py"


@pytest.fixture(scope="module")
def grader(tmp_path_factory: pytest.TempPathFactory):
    root = make_tiny_package(tmp_path_factory.mktemp("session") / "tiny")
    with OfficialGrader(load_problem(root), Rules.ioi(), jobs=2) as g:
        g.hidden_scores(CANDIDATES.values())  # judge once; every test below replays with `fresh`
        yield g


def test_submits_at_the_earliest_allowed_times_until_the_policy_stops(grader: OfficialGrader) -> None:
    rules = Rules.ioi(10)
    g = grader.fresh(rules)
    policy = Scripted(["small.py", "large.py"])
    seen: list[int] = []
    history = run_submissions(
        policy, g, rules, start_at=5.0, candidates=CANDIDATES, on_feedback=lambda f: seen.append(f.index)
    )
    assert [f.at_s for f in history] == [5.0, 65.0]
    assert [f.candidate for f in history] == ["small.py", "large.py"]
    assert seen == [1, 2] and policy.seen == [0, 1, 2]
    assert g.final_score() == 100


def test_stops_at_the_cap(grader: OfficialGrader) -> None:
    rules = Rules.codeforces(3)
    g = grader.fresh(rules)
    history = run_submissions(Forever(), g, rules, candidates=CANDIDATES)
    assert len(history) == 3 and [f.at_s for f in history] == [0.0, 0.0, 0.0]
    assert g.submissions_left() == 0


def test_resumes_from_a_history(grader: OfficialGrader) -> None:
    rules = Rules.ioi(3)
    g = grader.fresh(rules)
    first = run_submissions(Scripted(["small.py"]), g, rules, candidates=CANDIDATES)
    # Started again (say after a crash) with what the grader recorded: the clock and the cap continue.
    policy = Scripted(["small.py", "large.py", "full.py", "wrong.py"])
    history = run_submissions(policy, g, rules, history=g.records(), candidates=CANDIDATES)
    assert history[:1] == first and len(history) == 3
    assert [f.at_s for f in history] == [0.0, 60.0, 120.0]
    assert policy.seen[0] == 1  # the policy saw the earlier feedback
    assert g.final_score() == 100


def test_unknown_candidate_is_an_error(grader: OfficialGrader) -> None:
    rules = Rules.ioi(3)
    with pytest.raises(IoiAgentError, match="not in the pool"):
        run_submissions(Scripted(["nope"]), grader.fresh(rules), rules, candidates=CANDIDATES)


def test_uses_the_policys_own_pool(grader: OfficialGrader, tmp_path: Path) -> None:
    from ioi_agent.selection.model import CandidatePool

    class WithContext(Scripted):
        class context:  # the attribute a SubmissionPolicy carries
            pool = CandidatePool(problem="tiny", candidates=list(CANDIDATES.values()))

    rules = Rules.ioi(2)
    history = run_submissions(WithContext(["full.py"]), grader.fresh(rules), rules)
    assert [f.candidate for f in history] == ["full.py"]
