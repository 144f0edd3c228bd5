"""Where a contest's candidates come from: a model (sampled into the contest's own pool, resumable), an
existing pool, or the embedded default (the demo problems' labelled submissions replayed, plus seeded mutants).

Sampling sees only the public view of a task (statement, examples, limits, subtasks): the contestant side
never loads the hidden package."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import ioi_agent
from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.base import Backend
from ioi_agent.generation.replay import SUBMISSIONS
from ioi_agent.generation.runner import GenerateOptions, run_generation
from ioi_agent.packages.model import Problem
from ioi_agent.selection.candidates import load_pool
from ioi_agent.selection.model import CandidatePool
from ioi_agent.selection.pipeline import JudgeSettings, sample_while_judging

DEMO = Path(ioi_agent.__file__).resolve().parents[1] / "problems" / "demo"


def demo_pool() -> Path | None:
    """The embedded default's pool: the demo problems' labelled submissions plus model-style generators and
    validators, and seeded mutants for postcard and ridge (scripts/make_demo_pool.py); None when absent
    (then each task's submissions/ are replayed)."""
    path = DEMO / "pool.jsonl"
    return path if path.is_file() else None


def demo_problems() -> list[Path]:
    """The demo problems of a source checkout (the embedded default contest)."""
    root = DEMO
    found = sorted(d for d in root.glob("*") if (d / "problem.yaml").is_file())
    if not found:
        raise IoiAgentError(
            f"{root}: the demo problems are not here (they ship with a source checkout, not the wheel) "
            "(fix: run from a clone of the repository, or give PROBLEM folders and --pool/--model)"
        )
    return found


@dataclass
class CandidateSource:
    """One of: `backend` (sample with a model), `pool` (a pool file or submissions/ folder), or neither
    (replay each task's own labelled submissions)."""

    backend: Backend | None = None
    options: GenerateOptions | None = None
    pool: Path | None = None

    @property
    def description(self) -> str:
        if self.backend is not None:
            return f"model {self.backend.model} ({self.backend.name})"
        if self.pool is not None:
            return f"pool {self.pool}"
        return "each task's labelled submissions, replayed"

    def candidates(
        self, problem: Problem, state: Path, judging: JudgeSettings | None = None
    ) -> CandidatePool:
        """The task's pool; sampling writes into `state/pool.jsonl` so a restarted contest resumes. With
        `judging`, the judge runs the candidates as they come while the model samples (pipeline.py)."""
        if self.backend is not None:
            out = state / "pool.jsonl"
            options = self.options or GenerateOptions()
            if judging is None:
                run_generation([problem], self.backend, options, out)
            else:
                backend = self.backend
                tools = replace(options, samples=0)
                programs = replace(options, generators=0, validators=0)
                sample_while_judging(
                    problem,
                    out,
                    lambda: run_generation([problem], backend, tools, out),
                    lambda: run_generation([problem], backend, programs, out),
                    judging,
                )
            return load_pool(out, problem)
        if self.pool is not None:
            return load_pool(self.pool, problem)
        return load_pool(SUBMISSIONS, problem)
