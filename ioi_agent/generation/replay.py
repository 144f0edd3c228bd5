"""Replay: candidates that need no model, so every later stage runs on a machine without a GPU.

Two sources: an existing pool file (its records are copied as they are, for the problems asked), and the
programs a package ships (Kattis `submissions/<label>/`, CMS `solutions/<label>/`), each one candidate
labelled by its folder. A shipped program's job is its path and content hash, so replaying again adds
nothing, and a new or changed program is added.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import (
    CodeStatus,
    PoolRecord,
    PoolWriter,
    RecordKind,
    iter_records,
    job_id,
    sha256_text,
)
from ioi_agent.generation.runner import RunSummary
from ioi_agent.packages.model import Problem, Submission

SUBMISSIONS = "submissions"
LANGUAGE_BY_SUFFIX = {".py": "python", ".c": "c"}


def submission_record(problem: Problem, submission: Submission) -> PoolRecord:
    code = submission.path.read_text(encoding="utf-8", errors="replace")
    try:
        source = submission.path.relative_to(problem.root).as_posix()
    except ValueError:
        source = str(submission.path)
    digest = sha256_text(code)
    return PoolRecord(
        kind=RecordKind.CANDIDATE,
        problem=problem.name,
        subtask=None,
        language=LANGUAGE_BY_SUFFIX.get(submission.path.suffix, "cpp"),
        status=CodeStatus.OK,
        code=code,
        completion=None,
        completion_sha256=digest,
        job=job_id(problem=problem.name, source=source, code=digest),
        sample_index=0,
        model=SUBMISSIONS,
        backend="replay",
        label=submission.label,
        source=source,
    )


def _submissions_of(problem: Problem, folder: Path | None) -> list[Submission]:
    if folder is None:
        return list(problem.submissions)
    folder = folder.resolve()
    return [s for s in problem.submissions if folder in s.path.resolve().parents]


def replay_records(src: str, problems: Sequence[Problem], samples: int | None = None) -> Iterator[PoolRecord]:
    """Records from `src`: a pool file, the word `submissions` (each problem's own shipped programs), or a
    package's `submissions/` folder (or the package folder holding it)."""
    path = Path(src)
    if src == SUBMISSIONS and not path.exists():
        for problem in problems:
            for sub in problem.submissions:
                yield submission_record(problem, sub)
        return
    if path.is_file():
        names = {p.name for p in problems}
        for record in iter_records(path):
            if names and record.problem not in names:
                continue
            if samples is not None and record.sample_index >= samples:
                continue
            yield record
        return
    if path.is_dir():
        folder = (path / SUBMISSIONS if (path / SUBMISSIONS).is_dir() else path).resolve()
        owners = [p for p in problems if p.root.resolve() == folder or p.root.resolve() in folder.parents]
        if not owners:
            raise IoiAgentError(
                f"{path}: this folder belongs to none of the problems given "
                "(fix: name its package as PROBLEM, or use --replay submissions)"
            )
        for problem in owners:
            for sub in _submissions_of(problem, folder):
                yield submission_record(problem, sub)
        return
    raise IoiAgentError(
        f"{src}: no such pool file or submissions folder (fix: give a .jsonl pool, a submissions/ folder, "
        "or the word submissions)"
    )


def run_replay(src: str, problems: Sequence[Problem], out: Path, samples: int | None = None) -> RunSummary:
    started = time.monotonic()
    summary = RunSummary()
    if Path(src).resolve() == out.resolve():
        raise IoiAgentError(f"{out}: --replay and --out are the same file (fix: write to another --out)")
    with PoolWriter(out) as writer:
        for record in replay_records(src, problems, samples):
            summary.planned += 1
            if writer.append(record):
                summary.written += 1
                summary.tokens += record.completion_tokens or 0
                summary.no_code += record.status == CodeStatus.NO_CODE
                summary.truncated += record.status == CodeStatus.TRUNCATED
            else:
                summary.already_done += 1
    summary.elapsed_s = time.monotonic() - started
    return summary
