"""Replay: a package's shipped programs labelled by folder, and records copied from another pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import CodeStatus, read_pool
from ioi_agent.generation.replay import run_replay
from ioi_agent.packages import load_problem
from tests.conftest import REPO
from tests.generation.sample_packages import ACCEPTED_CPP, WRONG_PY, make_package
from tests.generation.test_pool import record

DEMO = REPO / "problems" / "demo"


@pytest.fixture
def problem(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_problem(make_package(tmp_path, submissions=True))


def test_submissions_become_labelled_candidates(problem, tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    summary = run_replay("submissions", [problem], pool)
    records = read_pool(pool)
    assert summary.written == 2
    by_label = {r.label: r for r in records}
    assert by_label["accepted"].code == ACCEPTED_CPP and by_label["accepted"].language == "cpp"
    assert by_label["wrong_answer"].code == WRONG_PY and by_label["wrong_answer"].language == "python"
    assert by_label["accepted"].source == "submissions/accepted/sort.cpp"
    assert all(r.backend == "replay" and r.status == CodeStatus.OK and r.subtask is None for r in records)
    # Again: nothing new. A changed program is a new candidate.
    assert run_replay("submissions", [problem], pool).written == 0
    (problem.root / "submissions" / "accepted" / "sort.cpp").write_text(ACCEPTED_CPP + "// v2\n")
    assert run_replay("submissions", [problem], pool).written == 1


def test_submissions_folder_or_package_folder_as_source(problem, tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run_replay(str(problem.root / "submissions"), [problem], a).written == 2
    assert run_replay(str(problem.root), [problem], b).written == 2
    assert [r.model_dump() for r in read_pool(a)] != []  # same programs, same jobs
    assert {r.job for r in read_pool(a)} == {r.job for r in read_pool(b)}
    only_accepted = tmp_path / "c.jsonl"
    assert run_replay(str(problem.root / "submissions" / "accepted"), [problem], only_accepted).written == 1
    other = load_problem(make_package(tmp_path / "x", name="other"))
    with pytest.raises(IoiAgentError, match="belongs to none of the problems given"):
        run_replay(str(problem.root / "submissions"), [other], tmp_path / "d.jsonl")


def test_pool_replay_copies_records_of_the_problems_asked(problem, tmp_path: Path) -> None:
    src = tmp_path / "src.jsonl"
    from ioi_agent.generation.pool import PoolWriter

    with PoolWriter(src) as writer:
        for i in range(4):
            writer.append(record(i, problem="pairsum"))
        writer.append(record(0, job="elsewhere", problem="another"))
    out = tmp_path / "out.jsonl"
    summary = run_replay(str(src), [problem], out, samples=3)
    copied = read_pool(out)
    assert summary.written == 3 and [r.sample_index for r in copied] == [0, 1, 2]
    assert [r.model_dump() for r in copied] == [r.model_dump() for r in read_pool(src)[:3]]
    assert run_replay(str(src), [problem], out).written == 1  # the fourth; the first three are there
    with pytest.raises(IoiAgentError, match="same file"):
        run_replay(str(out), [problem], out)
    with pytest.raises(IoiAgentError, match="no such pool file or submissions folder"):
        run_replay(str(tmp_path / "missing.jsonl"), [problem], tmp_path / "e.jsonl")


@pytest.mark.skipif(not (DEMO / "lanterns" / "submissions").is_dir(), reason="demo packages not present")
def test_demo_package_submissions(tmp_path: Path) -> None:
    problem = load_problem(DEMO / "lanterns")
    run_replay("submissions", [problem], tmp_path / "pool.jsonl")
    records = read_pool(tmp_path / "pool.jsonl")
    assert len(records) == len(problem.submissions) > 0
    assert {r.label for r in records} == {s.label for s in problem.submissions}
