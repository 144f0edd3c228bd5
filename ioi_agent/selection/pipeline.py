"""Sampling and judging at the same time (issue 12 item 5): the model writes the pool while the judge reads it.

The sampler runs in a thread of its own, tools first: the generators and validators of every subtask, then
the candidate programs. The judge side follows the pool file as it grows (`PoolFollower`: whole lines
only, so a record being written is read on the next pass). As soon as the tools are in, the generated
inputs are built (testgen.py), while the model samples candidates; then every batch of new candidates is
compiled and run on what selection will read of it whatever comes later (`matrix.prejudge`: the public
examples, and the inputs of the subtasks whose examples it passes).

Nothing here decides anything: the outcomes land in the result store, and the caller then builds the
selection context from the finished pool as usual (context.py), which finds those runs there and makes
only the rest (the fallback of a subtask no candidate passes). So a pipelined run selects exactly what a
sequential one does; it is only done sooner, with the judge busy while the model samples.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ioi_agent.generation.pool import PoolFollower, RecordKind
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages.model import Problem
from ioi_agent.selection.candidates import to_candidate
from ioi_agent.selection.matrix import matrix_problem, prejudge
from ioi_agent.selection.model import Candidate, CandidatePool, GeneratedInputs
from ioi_agent.selection.testgen import generate_inputs

POLL_S = 0.5  # how often the pool file is read again while nothing new came
Log = Callable[[str], None]


@dataclass
class PipelineStats:
    candidates: int = 0  # candidates judged while sampling
    batches: int = 0
    runs: int = 0  # sandbox runs asked of the judge while sampling (cached ones included)
    inputs_ready_s: float | None = None  # when the generated inputs were built, from the start
    sampling_s: float = 0.0  # when the sampler finished, from the start
    elapsed_s: float = 0.0  # when the judge caught up, from the start


class _Sampler(threading.Thread):
    """Runs `sample_tools` then `sample_candidates`; `tools_done` / `done` say how far it got, `error`
    what stopped it."""

    def __init__(self, sample_tools: Callable[[], None], sample_candidates: Callable[[], None]):
        super().__init__(name="ioi-agent-sampler", daemon=True)
        self.sample_tools = sample_tools
        self.sample_candidates = sample_candidates
        self.tools_done = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.finished_at = 0.0  # time.monotonic() when it stopped

    def run(self) -> None:
        try:
            self.sample_tools()
            self.tools_done.set()
            self.sample_candidates()
        except BaseException as exc:  # handed to the judging thread, which raises it
            self.error = exc
        finally:
            self.finished_at = time.monotonic()
            self.tools_done.set()
            self.done.set()


@dataclass
class JudgeSettings:
    """How the judge side runs: as the selection context will be built afterwards (same `work` folder, so
    the same generated inputs; same store, so the runs are found there)."""

    work: Path
    sandbox: str = "auto"
    jobs: int | None = None
    inputs_per_subtask: int = 256
    store: ResultStore | None = None
    time_limit: float | None = None
    log: Log | None = None


def sample_while_judging(
    problem: Problem,
    pool_path: Path,
    sample_tools: Callable[[], None],
    sample_candidates: Callable[[], None],
    settings: JudgeSettings,
) -> PipelineStats:
    """Sample into `pool_path` (the two callables append to it) while judging what arrives; `problem` is
    the public view."""
    s = settings
    log = s.log
    say = log or (lambda _line: None)
    stats = PipelineStats()
    start = time.monotonic()
    sampler = _Sampler(sample_tools, sample_candidates)
    follower = PoolFollower(pool_path)
    tools: dict[RecordKind, list[Candidate]] = {RecordKind.GENERATOR: [], RecordKind.VALIDATOR: []}
    waiting: list[Candidate] = []
    seen: set[str] = set()
    judge: Judge | None = None
    inputs: GeneratedInputs | None = None
    sampler.start()
    try:
        while True:
            finished = sampler.done.is_set()  # read before the pool: what it wrote by then is read below
            for record in follower.read_new():
                candidate = to_candidate(record)
                if record.problem != problem.name or candidate.id in seen:
                    continue
                seen.add(candidate.id)
                if record.kind == RecordKind.CANDIDATE:
                    waiting.append(candidate)
                else:
                    tools[record.kind].append(candidate)
            if sampler.error is not None:
                raise sampler.error
            if inputs is None and sampler.tools_done.is_set():
                tool_pool = CandidatePool(
                    problem=problem.name,
                    candidates=[],
                    generators=tools[RecordKind.GENERATOR],
                    validators=tools[RecordKind.VALIDATOR],
                )
                inputs = generate_inputs(
                    problem,
                    tool_pool,
                    sandbox=s.sandbox,
                    jobs=s.jobs,
                    per_subtask=s.inputs_per_subtask,
                    work=s.work,
                )
                stats.inputs_ready_s = time.monotonic() - start
                say(
                    f"{problem.name}: generated inputs ready after {stats.inputs_ready_s:.0f}s, sampling goes on"
                )
                judge = Judge(
                    matrix_problem(problem, inputs),
                    sandbox=s.sandbox,
                    jobs=s.jobs,
                    time_limit=s.time_limit,
                    store=s.store,
                )
            if judge is not None and inputs is not None and waiting:
                batch, waiting = waiting, []
                count = prejudge(judge, problem, inputs, batch)
                stats.batches += 1
                stats.candidates += len(batch)
                stats.runs += count.executed
                say(
                    f"{problem.name}: judged {stats.candidates} candidates while sampling ({stats.runs} runs)"
                )
                continue  # more may have come meanwhile: read again before waiting
            if finished:
                break
            sampler.done.wait(POLL_S)
        stats.sampling_s = sampler.finished_at - start
    finally:
        if judge is not None:
            judge.close()
        if not sampler.done.is_set():
            # Interrupted (Ctrl-C, a judge failure): the sampler thread is a daemon and writes whole records
            # only, so the pool stays valid and a restart resumes it.
            say(f"{problem.name}: sampling interrupted; the pool keeps what was written")
    stats.elapsed_s = time.monotonic() - start
    return stats
