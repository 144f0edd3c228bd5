"""Reading a candidate pool for selection: a pool JSONL file, or the programs a package ships.

Solutions become `Candidate`s; the model-written generators and validators are kept beside them (as
`Candidate`s too, for their code and subtask). A record without a usable program (status `no_code` or
`truncated`) stays in the pool with `ok=False`, so pool sizes and expected scores count it.
"""

from __future__ import annotations

from pathlib import Path

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import CodeStatus, PoolRecord, RecordKind, iter_records
from ioi_agent.generation.replay import replay_records
from ioi_agent.packages.model import Problem
from ioi_agent.selection.model import Candidate, CandidatePool


def candidate_id(record: PoolRecord) -> str:
    return f"{record.job[:12]}-{record.sample_index}"


def to_candidate(record: PoolRecord) -> Candidate:
    return Candidate(
        id=candidate_id(record),
        problem=record.problem,
        subtask=record.subtask,
        language=record.language,
        code=record.code,
        ok=record.status == CodeStatus.OK and bool(record.code.strip()),
        mean_logprob=record.mean_logprob,
        completion_tokens=record.completion_tokens,
        label=record.label,
    )


def load_pool(src: str | Path, problem: Problem) -> CandidatePool:
    """The pool of `problem` from `src`: a pool file, a package's `submissions/` folder (or the package
    folder), or the word `submissions` (the problem's own shipped programs)."""
    kinds: dict[RecordKind, list[Candidate]] = {kind: [] for kind in RecordKind}
    seen: set[str] = set()
    other_problems: set[str] = set()
    path = Path(src)
    # A pool file is read whole so that the error can name the problems it does hold.
    records = iter_records(path) if path.is_file() else replay_records(str(src), [problem])
    for record in records:
        if record.problem != problem.name:
            other_problems.add(record.problem)
            continue
        candidate = to_candidate(record)
        if candidate.id in seen:  # the same record copied twice into one file: count it once
            continue
        seen.add(candidate.id)
        kinds[record.kind].append(candidate)
    if not kinds[RecordKind.CANDIDATE]:
        found = f" (it has records of: {', '.join(sorted(other_problems))})" if other_problems else ""
        raise IoiAgentError(
            f"{src}: no candidates of problem {problem.name}{found} (fix: give a pool generated for "
            f"this problem, e.g. `ioi-agent generate {problem.root} --out POOL`, or its submissions/ folder)"
        )
    return CandidatePool(
        problem=problem.name,
        candidates=kinds[RecordKind.CANDIDATE],
        generators=kinds[RecordKind.GENERATOR],
        validators=kinds[RecordKind.VALIDATOR],
    )
