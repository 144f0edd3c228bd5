"""Planning a run: job identity, seeds, and which samples a partly filled pool still lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import RecordKind, SamplingSettings
from ioi_agent.generation.runner import SEED_MASK, GenerateOptions, Job, pending_work, plan_jobs
from ioi_agent.packages import TaskType, load_problem
from tests.generation.sample_packages import make_package


@pytest.fixture
def problem(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_problem(make_package(tmp_path))


def test_jobs_per_kind_and_subtask(problem) -> None:
    jobs = plan_jobs([problem], GenerateOptions(samples=5, generators=2, validators=3), "m")
    kinds = [(j.prompt.kind, j.prompt.subtask, j.total) for j in jobs]
    assert kinds == [
        (RecordKind.CANDIDATE, None, 5),
        (RecordKind.GENERATOR, "group1", 2),
        (RecordKind.GENERATOR, "group2", 2),
        (RecordKind.VALIDATOR, "group1", 3),
        (RecordKind.VALIDATOR, "group2", 3),
    ]
    assert len({j.id for j in jobs}) == 5
    assert all(0 <= j.seed <= SEED_MASK for j in jobs)
    assert plan_jobs([problem], GenerateOptions(samples=0), "m") == []


def test_job_ids_are_stable_and_change_with_what_determines_the_text(problem) -> None:
    def ids(model: str = "m", **sampling: float) -> list[str]:
        opts = GenerateOptions(samples=1, per_subtask=True, sampling=SamplingSettings(**sampling))  # type: ignore[arg-type]
        return [j.id for j in plan_jobs([problem], opts, model)]

    base = ids()
    assert base == ids()
    assert not set(base) & set(ids(model="other"))
    assert not set(base) & set(ids(temperature=0.5))
    assert not set(base) & set(ids(seed=1))
    assert not set(base) & set(ids(max_tokens=10))


def test_pending_work_is_runs_of_missing_indices(problem) -> None:
    (job,) = plan_jobs([problem], GenerateOptions(samples=10), "m")
    done = {(job.id, i) for i in (0, 1, 4, 5, 6, 9)}
    items = pending_work([job], done)
    assert [(w.start, w.count) for w in items] == [(2, 2), (7, 2)]
    assert [w.seed for w in items] == [job.seed + 2, job.seed + 7]
    assert items[0].seed_of(3) == job.seed + 3
    assert pending_work([job], {(job.id, i) for i in range(10)}) == []
    assert [(w.start, w.count) for w in pending_work([job], set())] == [(0, 10)]
    other = Job("other", job.prompt, 3, 5, job.sampling)
    assert [(w.job, w.start, w.count) for w in pending_work([job, other], done | {("other", 1)})] == [
        (job.id, 2, 2),
        (job.id, 7, 2),
        ("other", 0, 1),
        ("other", 2, 1),
    ]


def test_output_only_problem_is_refused(problem) -> None:
    weird = problem.model_copy(update={"task_type": TaskType.OUTPUT_ONLY})
    with pytest.raises(IoiAgentError, match="output-only"):
        plan_jobs([weird], GenerateOptions(), "m")


def test_progress_without_a_terminal_logs_rates() -> None:
    import io

    from ioi_agent.generation.progress import SampleProgress

    stream = io.StringIO()
    bar = SampleProgress(3, stream=stream, log_every_s=0)
    bar.advance(10)
    bar.advance(None)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("sampling: 1/3 (") and "samples/s" in lines[0] and "tokens/s" in lines[0]
    assert (bar.samples, bar.tokens) == (2, 10)
    quiet = io.StringIO()
    SampleProgress(3, enabled=False, stream=quiet, log_every_s=0).advance(5)
    assert quiet.getvalue() == ""
