"""What the runner hands a sampling backend, and what a backend hands back.

A `WorkItem` asks for `count` samples of one prompt, numbered `start`, `start + 1`, ...; sample `i` of a job
uses seed `job_seed + i`. That matches vLLM's own rule for a request with `n` samples and a seed (child `j`
gets `seed + j`), so one request of `n` samples and `n` requests of one sample give the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ioi_agent.generation.pool import SamplingSettings
from ioi_agent.generation.prompts import Prompt


@dataclass(frozen=True)
class WorkItem:
    job: str
    prompt: Prompt
    start: int  # first sample index
    count: int
    seed: int  # the seed of sample `start`
    sampling: SamplingSettings

    def seed_of(self, index: int) -> int:
        return self.seed + (index - self.start)


@dataclass(frozen=True)
class Sample:
    job: str
    index: int
    text: str
    seed: int | None
    finish_reason: str | None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cumulative_logprob: float | None = None


Emit = Callable[[Sample], None]


class Backend(Protocol):
    name: str
    model: str

    def start(self) -> None:
        """Load the engine or check the server; the run's clock starts after this."""
        ...

    def generate(self, items: Sequence[WorkItem], emit: Emit) -> None:
        """Sample every item; call `emit` once per finished sample, as soon as it is finished."""
        ...

    def close(self) -> None: ...
