"""The official grader's rules on a tiny two-subtask package with programs whose results are known: the cap,
the interval, what feedback each rule set shows, max-per-subtask scoring, compile errors, the log, the
separate grader process, and that a policy process never opens a hidden test."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pytest

from ioi_agent import sandbox
from ioi_agent.errors import IoiAgentError
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from ioi_agent.selection.grader import (
    GraderProcess,
    GraderRefusal,
    OfficialGrader,
    pretest_names,
)
from ioi_agent.selection.grader_server import GraderRequest
from ioi_agent.selection.model import Candidate, Rules, RulesName
from tests.conftest import write_kattis_problem

# group1: n in {2, 3} (40 points); group2: n in {10..13} (60 points); the sample: n = 1. Answer: 2n.
TESTS = {
    "a1": ("2\n", "4\n"),
    "a2": ("3\n", "6\n"),
    "b1": ("10\n", "20\n"),
    "b2": ("11\n", "22\n"),
    "b3": ("12\n", "24\n"),
    "b4": ("13\n", "26\n"),
}
GROUPS = {"group1": (40, ["a1", "a2"]), "group2": (60, ["b1", "b2", "b3", "b4"])}
PROGRAMS = {
    # label folder, file -> code; the comment says what it scores
    ("accepted", "full.py"): "n = int(input())\nprint(2 * n)\n",  # 100
    ("partially_accepted", "small.py"): "n = int(input())\nprint(2 * n if n < 10 else 0)\n",  # group1: 40
    ("partially_accepted", "large.py"): "n = int(input())\nprint(2 * n if n >= 10 else 0)\n",  # group2: 60
    # passes the sample and the first test of each group (the pretests), fails b2: 40, not accepted
    ("partially_accepted", "pretest.py"): "n = int(input())\nprint(2 * n if n <= 10 else 0)\n",
    ("wrong_answer", "wrong.py"): "n = int(input())\nprint(n)\n",  # 0
    ("compile_error", "broken.cpp"): "int main( {\n",  # does not compile
}


def make_tiny_package(root: Path) -> Path:
    write_kattis_problem(root, TESTS, groups=GROUPS)
    (root / "data" / "sample" / "s1.in").write_text("1\n")
    (root / "data" / "sample" / "s1.ans").write_text("2\n")
    for (label, name), code in PROGRAMS.items():
        folder = root / "submissions" / label
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(code)
    return root


def candidate(problem: str, name: str) -> Candidate:
    label, code = next((lab, c) for (lab, n), c in PROGRAMS.items() if n == name)
    language = "cpp" if name.endswith(".cpp") else "python"
    return Candidate(id=name, problem=problem, language=language, code=code, label=label)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_package(tmp_path_factory.mktemp("grader") / "tiny")


@pytest.fixture(scope="module")
def grader(tiny: Path):
    """One IOI grader whose judged programs later graders share (`fresh`), so each program is judged once."""
    with OfficialGrader(load_problem(tiny), Rules.ioi(50), jobs=2) as g:
        yield g


def test_pretests_are_samples_then_a_quarter_of_each_subtask(tiny: Path) -> None:
    problem = load_problem(tiny)
    assert pretest_names(problem) == ["sample/s1", "secret/group1/a1", "secret/group2/b1"]


def test_hidden_scores_are_the_known_results(grader: OfficialGrader) -> None:
    names = [n for _, n in PROGRAMS]
    scores = grader.hidden_scores([candidate("tiny", n) for n in names])
    assert {n: scores[n].score for n in names} == {
        "full.py": 100,
        "small.py": 40,
        "large.py": 60,
        "pretest.py": 40,
        "wrong.py": 0,
        "broken.cpp": 0,
    }
    assert scores["small.py"].subtask_scores == {"group1": 40, "group2": 0}
    assert scores["broken.cpp"].subtask_scores is None and not scores["broken.cpp"].compiled
    assert [n for n in names if scores[n].accepted] == ["full.py"]
    assert {n for n in names if scores[n].pretests_passed} == {"full.py", "pretest.py"}
    assert scores["large.py"].pretest_verdict == Verdict.WA  # fails the sample, the first pretest


def test_cap_refuses_the_submission_past_it(grader: OfficialGrader) -> None:
    g = grader.fresh(Rules.ioi(2))
    g.submit(candidate("tiny", "wrong.py"), 0)
    g.submit(candidate("tiny", "wrong.py"), 60)
    assert g.submissions_left() == 0
    with pytest.raises(GraderRefusal, match="all 2 submissions"):
        g.submit(candidate("tiny", "full.py"), 120)
    assert len(g.records()) == 2 and g.final_score() == 0


def test_interval_refuses_a_submission_too_soon(grader: OfficialGrader) -> None:
    g = grader.fresh(Rules.ioi(5))
    g.submit(candidate("tiny", "wrong.py"), 10)
    assert g.next_allowed_at() == 70
    with pytest.raises(GraderRefusal, match="too early"):
        g.submit(candidate("tiny", "full.py"), 69)
    assert len(g.records()) == 1  # a refused submission is not recorded and costs nothing
    assert g.submit(candidate("tiny", "full.py"), 70).index == 2
    cf = grader.fresh(Rules.codeforces(5))  # no interval under Codeforces rules
    cf.submit(candidate("tiny", "wrong.py"), 0)
    cf.submit(candidate("tiny", "small.py"), 0)


def test_ioi_feedback_is_the_score_of_every_subtask(grader: OfficialGrader) -> None:
    g = grader.fresh(Rules.ioi())
    f = g.submit(candidate("tiny", "small.py"), 0)
    assert f.compiled and f.subtask_scores == {"group1": 40, "group2": 0}
    # Full feedback: the verdict over all tests too (small.py fails group2 with a wrong answer).
    assert f.verdict == Verdict.WA and f.pretests_passed is None


def test_codeforces_feedback_is_the_pretest_verdict_only(grader: OfficialGrader) -> None:
    g = grader.fresh(Rules.codeforces())
    f = g.submit(candidate("tiny", "pretest.py"), 0)
    # Passes the pretests although it fails system tests; no subtask score leaks.
    assert f.pretests_passed is True and f.verdict == Verdict.AC
    assert f.subtask_scores is None
    assert "40" not in f.model_dump_json() and "group" not in f.model_dump_json()
    assert g.final_score() == 0  # system tests: not accepted
    f2 = g.submit(candidate("tiny", "small.py"), 0)
    assert f2.pretests_passed is False and f2.verdict == Verdict.WA and f2.subtask_scores is None
    g.submit(candidate("tiny", "full.py"), 0)
    assert g.final_score() == 100


def test_final_score_takes_the_best_of_each_subtask(grader: OfficialGrader) -> None:
    g = grader.fresh(Rules.ioi())
    g.submit(candidate("tiny", "small.py"), 0)  # group1 only: 40
    assert g.final_score() == 40
    g.submit(candidate("tiny", "large.py"), 60)  # group2 only: 60
    assert g.final_score() == 100  # more than either submission alone


def test_compile_error_counts_as_a_submission_and_scores_nothing(grader: OfficialGrader) -> None:
    g = grader.fresh(Rules.ioi(3))
    f = g.submit(candidate("tiny", "broken.cpp"), 0)
    assert not f.compiled and f.subtask_scores is None
    assert g.submissions_left() == 2
    g.submit(candidate("tiny", "small.py"), 60)
    assert g.final_score() == 40
    cf = grader.fresh(Rules.codeforces(3))
    f = cf.submit(candidate("tiny", "broken.cpp"), 0)
    assert f.verdict == Verdict.CE and f.pretests_passed is False and cf.submissions_left() == 2


def test_log_restores_the_submissions_after_reopening(tiny: Path, tmp_path: Path) -> None:
    log = tmp_path / "grader.jsonl"
    problem = load_problem(tiny)
    rules = Rules.ioi(3)
    with OfficialGrader(problem, rules, jobs=1, log=log) as g:
        g.submit(candidate("tiny", "small.py"), 0)
        g.submit(candidate("tiny", "large.py"), 60)
        before = g.records()
    with OfficialGrader(problem, rules, jobs=1, log=log) as g:
        assert g.records() == before
        assert g.final_score() == 100 and g.next_allowed_at() == 120 and g.submissions_left() == 1
        with pytest.raises(GraderRefusal):
            g.submit(candidate("tiny", "wrong.py"), 60)  # the interval still counts from the log
        g.submit(candidate("tiny", "wrong.py"), 120)
        with pytest.raises(GraderRefusal):
            g.submit(candidate("tiny", "full.py"), 180)  # the cap counts the restored submissions
    assert len(log.read_text().splitlines()) == 4  # header + 3 submissions
    with pytest.raises(IoiAgentError, match="this log is for"):
        OfficialGrader(problem, Rules.codeforces(3), log=log)


def test_log_drops_a_cut_short_last_line(tiny: Path, tmp_path: Path) -> None:
    log = tmp_path / "grader.jsonl"
    problem = load_problem(tiny)
    with OfficialGrader(problem, Rules.ioi(3), jobs=1, log=log) as g:
        g.submit(candidate("tiny", "small.py"), 0)
    with log.open("a") as handle:
        handle.write('{"kind": "submission", "feedback": {"ind')  # the grader died mid-write
    with pytest.warns(UserWarning, match="cut short"), OfficialGrader(problem, Rules.ioi(3), log=log) as g:
        assert len(g.records()) == 1
        g.submit(candidate("tiny", "large.py"), 60)
    with OfficialGrader(problem, Rules.ioi(3), log=log) as g:
        assert g.final_score() == 100


def test_candidate_of_another_problem_is_an_error(grader: OfficialGrader) -> None:
    with pytest.raises(IoiAgentError, match="not tiny"):
        grader.fresh().submit(candidate("other", "full.py"), 0)


def test_public_problem_has_only_the_samples(grader: OfficialGrader) -> None:
    public = grader.public_problem()
    assert list(public.tests) == ["sample/s1"]
    assert all(not st.tests for st in public.subtasks)
    assert public.limits.time_s == 1.0


# --- the grader process ---------------------------------------------------------------------------------


def test_grader_process_answers_like_the_grader(tiny: Path, tmp_path: Path) -> None:
    with GraderProcess(tiny, Rules.ioi(2), jobs=1, log=tmp_path / "log.jsonl") as g:
        public = g.public_problem()
        assert list(public.tests) == ["sample/s1"] and public.name == "tiny"
        assert g.containment() == {"group1": [], "group2": []}
        f = g.submit(candidate("tiny", "small.py"), 0)
        assert f.subtask_scores == {"group1": 40, "group2": 0}
        with pytest.raises(GraderRefusal, match="too early"):
            g.submit(candidate("tiny", "large.py"), 30)
        g.submit(candidate("tiny", "large.py"), 60)
        with pytest.raises(GraderRefusal, match="all 2"):
            g.submit(candidate("tiny", "full.py"), 120)
        assert g.final_score() == 100 and [r.index for r in g.records()] == [1, 2]
        assert g.next_allowed_at() == 120 and g.submissions_left() == 0
        pid = g.pid
    with pytest.raises(ProcessLookupError):  # closed: the child is gone
        os.kill(pid, 0)


def test_hidden_results_only_on_the_harness_channel(tiny: Path) -> None:
    """The contestant's channel answers what the rules allow; hidden results come through the harness's
    own pipe (the old server answered hidden_scores to whoever held the contestant's channel)."""
    with GraderProcess(tiny, Rules.ioi(2), jobs=1) as g:
        assert not hasattr(g, "hidden_scores")
        request = GraderRequest(op="hidden_scores", candidates=[candidate("tiny", "full.py")])
        with pytest.raises(IoiAgentError, match="not answered on the contestant's channel"):
            g._call(request)
        scores = g.harness.hidden_scores([candidate("tiny", "full.py"), candidate("tiny", "small.py")])
        assert {k: v.score for k, v in scores.items()} == {"full.py": 100, "small.py": 40}
        with pytest.raises(IoiAgentError, match="not answered on the harness's channel"):
            g._call(GraderRequest(op="final_score"), g.harness._channel)
        assert g.submissions_left() == 2  # the harness's questions cost the contestant nothing


def test_grader_process_reports_a_bad_package_and_a_dead_child(tiny: Path, tmp_path: Path) -> None:
    with pytest.raises(IoiAgentError, match="neither problem.yaml"):
        GraderProcess(tmp_path, Rules.ioi())
    g = GraderProcess(tiny, Rules.codeforces(), jobs=1)
    try:
        os.kill(g.pid, signal.SIGKILL)
        with pytest.raises(IoiAgentError, match="grader process"):
            g.submit(candidate("tiny", "full.py"), 0)
    finally:
        g.close()


# --- the policy process never opens a hidden test -------------------------------------------------------

_OPENED: list[str] = []
_RECORDING = [False]


def _audit(event: str, args: tuple) -> None:
    if _RECORDING[0] and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        _OPENED.append(os.path.realpath(path))


sys.addaudithook(_audit)  # cannot be removed: inert unless _RECORDING is set


def test_policy_process_never_opens_the_hidden_tests(tiny: Path) -> None:
    from ioi_agent.selection.context import build_context
    from ioi_agent.selection.evaluation import pool_for
    from ioi_agent.selection.policies import make_policy
    from ioi_agent.selection.session import run_submissions

    hidden = {
        os.path.realpath(p) for p in (tiny / "data" / "secret").rglob("*") if p.suffix in (".in", ".ans")
    }
    samples = {os.path.realpath(tiny / "data" / "sample" / f"s1.{ext}") for ext in ("in", "ans")}
    assert len(hidden) == 12
    rules = Rules.ioi(4)
    # Test files' digests are memoised per process; forget them so that any use of a test file, hidden or
    # public, opens it again while the hook records.
    sandbox._digests.clear()
    _OPENED.clear()
    _RECORDING[0] = True
    try:
        with GraderProcess(tiny, rules, jobs=1) as grader:
            public = grader.public_problem()
            pool = pool_for(public, [tiny / "submissions"])
            context = build_context(
                public,
                pool,
                jobs=1,
                inputs_per_subtask=8,
                work=Path(os.environ["IOI_AGENT_CACHE"]) / "audit-context",
                contains=grader.containment(),
            )
            policy = make_policy("o1-ioi", context, rules)
            history = run_submissions(policy, grader, rules)
            final = grader.final_score()
    finally:
        _RECORDING[0] = False
    assert history and final > 0  # a real flow ran
    opened = set(_OPENED)
    assert samples <= opened, "the hook must see the policy side reading the public examples"
    assert any(p.startswith(os.path.realpath(tiny / "submissions")) for p in opened)  # the pool was read
    assert not (opened & hidden), f"hidden tests opened by the policy process: {sorted(opened & hidden)}"

    # The check can fail: loading the full package in this process does open hidden tests.
    _OPENED.clear()
    _RECORDING[0] = True
    try:
        load_problem(tiny)
    finally:
        _RECORDING[0] = False
    assert set(_OPENED) & hidden


def test_grader_rules_roundtrip_through_the_process_arguments(tiny: Path) -> None:
    rules = Rules(name=RulesName.IOI, max_submissions=3, min_interval_s=7.5)
    with GraderProcess(tiny, rules, jobs=1) as g:
        g.submit(candidate("tiny", "wrong.py"), 0)
        assert g.next_allowed_at() == 7.5 and g.submissions_left() == 2


def test_hidden_tests_are_staged_apart_from_the_policy_side(tiny: Path, tmp_path: Path, monkeypatch) -> None:
    """Old: the grader staged its hidden tests in the same folder the boxes of the policy side's judge
    (generated tests, the execution matrix) mount as /box/in; now each trust level has its own."""
    # A cache of its own, reachable by box uids (pytest's tmp_path is private: 0700 above it).
    cache = Path(tempfile.mkdtemp(prefix="ioi-agent-grader-cache-"))
    os.chmod(cache, 0o755)
    monkeypatch.setenv("IOI_AGENT_CACHE", str(cache))
    try:
        with OfficialGrader(load_problem(tiny), Rules.ioi(50), jobs=1) as g:
            g.submit(candidate("tiny", "full.py"), 0)
            staged = g.judge().pool.mounts.inputs
        assert staged.name == "inputs-keyed-grader"
        assert any(staged.iterdir())
        contestant = cache / "inputs-keyed"
        assert not contestant.exists() or not any(contestant.iterdir())
    finally:
        shutil.rmtree(cache, ignore_errors=True)
