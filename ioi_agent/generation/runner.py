"""A generation run: plan jobs, skip what the pool already has, sample the rest, write each sample as it lands.

A job is one prompt sampled `total` times with fixed settings; its id hashes everything that determines the
text (prompt, model, sampling settings, run seed), so running the same command again resumes it, and a
different temperature or model makes new jobs in the same pool.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.base import Backend, Sample, WorkItem
from ioi_agent.generation.extract import extract_code
from ioi_agent.generation.pool import (
    CodeStatus,
    PoolRecord,
    PoolWriter,
    RecordKind,
    SamplingSettings,
    job_id,
    sha256_text,
)
from ioi_agent.generation.progress import SampleProgress
from ioi_agent.generation.prompts import Prompt, Templates, prompts_for
from ioi_agent.packages.model import Problem, TaskType

SEED_MASK = 0x3FFFFFFF  # job seeds stay below 2**30 so seed + index fits a signed 32-bit integer


@dataclass
class GenerateOptions:
    samples: int = 1  # candidate programs per prompt
    per_subtask: bool = False
    language: str = "cpp"
    sampling: SamplingSettings = field(default_factory=SamplingSettings)
    generators: int = 0  # test-input generators per subtask
    validators: int = 0  # input validators per subtask
    keep_completions: bool = True  # False: store only the completion's hash
    templates: Path | None = None


@dataclass(frozen=True)
class Job:
    id: str
    prompt: Prompt
    total: int
    seed: int
    sampling: SamplingSettings


@dataclass
class RunSummary:
    planned: int = 0  # samples the jobs ask for in all
    already_done: int = 0
    written: int = 0
    no_code: int = 0
    truncated: int = 0
    tokens: int = 0
    elapsed_s: float = 0.0

    @property
    def samples_per_s(self) -> float:
        return self.written / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.elapsed_s if self.elapsed_s > 0 else 0.0


def job_seed(job: str) -> int:
    return int(job[:8], 16) & SEED_MASK


def plan_jobs(problems: Sequence[Problem], options: GenerateOptions, model: str) -> list[Job]:
    templates = Templates.load(options.templates)
    wanted = [
        (RecordKind.CANDIDATE, options.samples),
        (RecordKind.GENERATOR, options.generators),
        (RecordKind.VALIDATOR, options.validators),
    ]
    jobs: list[Job] = []
    for problem in problems:
        if problem.task_type == TaskType.OUTPUT_ONLY:
            raise IoiAgentError(
                f"{problem.root}: output-only tasks have no program to sample (fix: leave this problem out)"
            )
        for kind, count in wanted:
            if count <= 0:
                continue
            for prompt in prompts_for(problem, kind, options.language, options.per_subtask, templates):
                jid = job_id(
                    kind=str(kind),
                    problem=prompt.problem,
                    subtask=prompt.subtask,
                    language=prompt.language,
                    prompt=prompt.sha256,
                    model=model,
                    sampling=options.sampling.model_dump(),
                )
                jobs.append(Job(jid, prompt, count, job_seed(jid), options.sampling))
    return jobs


def pending_work(jobs: Iterable[Job], done: set[tuple[str, int]]) -> list[WorkItem]:
    """The samples the pool lacks, as runs of consecutive indices (one request each)."""
    items: list[WorkItem] = []
    for job in jobs:
        start = None
        for index in range(job.total + 1):
            missing = index < job.total and (job.id, index) not in done
            if missing and start is None:
                start = index
            elif not missing and start is not None:
                items.append(
                    WorkItem(job.id, job.prompt, start, index - start, job.seed + start, job.sampling)
                )
                start = None
    return items


def make_record(
    job: Job, sample: Sample, model: str, backend: str, run_id: str, keep_completion: bool
) -> PoolRecord:
    extraction = extract_code(sample.text, job.prompt.language)
    mean = (
        sample.cumulative_logprob / sample.completion_tokens
        if sample.cumulative_logprob is not None and sample.completion_tokens
        else None
    )
    return PoolRecord(
        kind=job.prompt.kind,
        problem=job.prompt.problem,
        subtask=job.prompt.subtask,
        language=job.prompt.language,
        status=extraction.status,
        code=extraction.code,
        completion=sample.text if keep_completion else None,
        completion_sha256=sha256_text(sample.text),
        job=job.id,
        sample_index=sample.index,
        seed=sample.seed,
        model=model,
        backend=backend,
        sampling=job.sampling,
        prompt_sha256=job.prompt.sha256,
        prompt_tokens=sample.prompt_tokens,
        completion_tokens=sample.completion_tokens,
        cumulative_logprob=sample.cumulative_logprob,
        mean_logprob=mean,
        finish_reason=sample.finish_reason,
        time=datetime.now(UTC),
        run_id=run_id,
    )


def run_generation(
    problems: Sequence[Problem],
    backend: Backend,
    options: GenerateOptions,
    out: Path,
    progress: bool = True,
) -> RunSummary:
    jobs = plan_jobs(problems, options, backend.model)
    by_id = {job.id: job for job in jobs}
    summary = RunSummary(planned=sum(job.total for job in jobs))
    run_id = uuid.uuid4().hex[:12]
    with PoolWriter(out) as writer:
        items = pending_work(jobs, writer.keys)
        todo = sum(item.count for item in items)
        summary.already_done = summary.planned - todo
        if not items:
            return summary
        backend.start()
        bar = SampleProgress(todo, enabled=progress)

        def emit(sample: Sample) -> None:
            record = make_record(
                by_id[sample.job], sample, backend.model, backend.name, run_id, options.keep_completions
            )
            if writer.append(record):
                summary.written += 1
                summary.tokens += sample.completion_tokens or 0
                summary.no_code += record.status == CodeStatus.NO_CODE
                summary.truncated += record.status == CodeStatus.TRUNCATED
                bar.advance(sample.completion_tokens)

        try:
            backend.generate(items, emit)
        finally:
            bar.close()
            summary.elapsed_s = bar.elapsed
    return summary
