"""Batch jobs over whole problem sets. `scoring`: judge every candidate of a pool on every problem of a
folder and report pass@k, n@k and IOI points (the `ioi-agent score` command)."""

from ioi_agent.batch.scoring import (
    BatchScoreResult,
    CandidateScore,
    NAtK,
    ProblemScore,
    ScoreTotals,
    find_packages,
    score_batch,
)

__all__ = [
    "BatchScoreResult",
    "CandidateScore",
    "NAtK",
    "ProblemScore",
    "ScoreTotals",
    "find_packages",
    "score_batch",
]
