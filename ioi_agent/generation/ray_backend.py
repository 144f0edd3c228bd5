"""Sampling on a Ray cluster: one engine per GPU (or per tensor-parallel group) as an actor, work sharded
across them, every sample handed to the runner the moment the driver hears of it.

The engines are the local backend (`VllmBackend`) run inside `EngineActor`s, so a sample's text depends on
nothing but its prompt, model, settings and seed: the work is split by sample, each keeping the seed of a
local run, and the pool comes out the same as on one machine. The runner on the driver writes the pool
(the only writer, under its lock), so resuming works as locally.

Faults: an engine whose actor or node dies, or that stops answering or producing within its deadlines, is
dropped and its unfinished samples are split among the others; a sample handed out `max_attempts` times, or
a run with no engine left, ends with a one-line error (what was written stays; running again resumes).
An error inside an engine (a prompt longer than the context, ...) would fail anywhere: it ends the run.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ioi_agent.cluster.connect import ClusterSession
from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.base import Backend, Emit, WorkItem
from ioi_agent.generation.ray_engine import (
    FORWARDED_ENV_PREFIXES,
    EngineActor,
    EngineSlot,
    Key,
    describe,
    plan_engines,
    regroup,
    shard,
)


@dataclass
class _Engine:
    index: int
    slot: EngineSlot
    handle: Any
    where: str = ""
    outstanding: set[Key] = field(default_factory=set)
    poll: Any = None  # the poll call in flight
    poll_sent: float = 0.0
    last_progress: float = 0.0


@dataclass(frozen=True)
class RayTimeouts:
    start_s: float = 1800.0  # an engine loading its model (large models from network storage are slow)
    poll_s: float = 1.0  # how long one poll waits for a sample on the engine's side
    answer_s: float = 120.0  # a poll not answered this long after its wait: the actor is unresponsive
    stall_s: float = 3600.0  # an engine with work but no finished sample for this long is stuck
    close_s: float = 30.0  # graceful engine shutdown before the actor is killed


class RayBackend:
    """A `Backend` whose engines are actors on a Ray cluster; `factory` builds one engine on its node."""

    def __init__(
        self,
        session: ClusterSession,
        factory: Callable[[], Backend],
        *,
        name: str,
        model: str,
        gpus_per_engine: int = 1,
        max_engines: int | None = None,
        max_attempts: int = 3,
        timeouts: RayTimeouts = RayTimeouts(),
    ):
        self.session = session
        self.factory = factory
        self.name = name  # the engine's name: records say what produced the text, not where it ran
        self.model = model
        self.gpus_per_engine = gpus_per_engine
        self.max_engines = max_engines
        self.max_attempts = max_attempts
        self.timeouts = timeouts
        self.engines: list[_Engine] = []
        self.lost: list[str] = []  # "engine i on host: why", for the summary
        self.started = 0  # engines that loaded
        self._dropped: set[int] = set()
        self.emitted: dict[int, int] = {}  # samples each engine handed back, by engine index

    # -- start ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.engines:
            return
        ray = self.session.ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        slots = plan_engines(self.session.nodes(), self.gpus_per_engine)[: self.max_engines]
        if not slots:
            raise IoiAgentError(
                f"--cluster {self.session.address}: no node has {self.gpus_per_engine} GPU(s) for an engine "
                "(fix: lower --tensor-parallel-size, or add GPU nodes)"
            )
        env = {k: v for k, v in os.environ.items() if k.startswith(FORWARDED_ENV_PREFIXES)}
        # Threaded actor: the engine thread samples while poll/submit calls come in on the others.
        actor_class = ray.remote(max_concurrency=4)(EngineActor)
        for index, slot in enumerate(slots):
            handle = actor_class.options(
                num_cpus=slot.num_cpus,
                num_gpus=slot.num_gpus,
                scheduling_strategy=NodeAffinitySchedulingStrategy(slot.node_id, soft=False),
                max_restarts=0,  # a reloaded engine takes minutes: its work goes to the others instead
                max_task_retries=0,
            ).remote(self.factory, env)
            self.engines.append(_Engine(index, slot, handle, where=slot.node_ip))
        pending = {e.handle.start.remote(self.timeouts.start_s): e for e in self.engines}
        ready, _ = ray.wait(
            list(pending), num_returns=len(pending), timeout=self.timeouts.start_s + self.timeouts.answer_s
        )
        started: list[_Engine] = []
        for ref in ready:
            engine = pending[ref]
            try:
                info = ray.get(ref)
            except ray.exceptions.RayTaskError as exc:
                self.close()
                # One bad node (a model path missing there, an out-of-memory GPU) is a setup error to
                # fix, not something to sample around silently.
                raise IoiAgentError(
                    f"sampling engine on {engine.where} could not start: {describe(exc.cause or exc)} "
                    "(fix: every node needs the same installation and the model at the same path)"
                ) from None
            except ray.exceptions.RayError as exc:  # its node went away, or it could not be placed there
                self._drop(engine, f"lost while loading ({describe(exc)})")
                continue
            engine.where = f"{info['host']} ({engine.slot.node_ip})"
            if info["loaded"]:
                started.append(engine)
        for engine in self.engines:
            if engine not in started and engine.index not in self._dropped:
                self._drop(engine, f"not loaded within {self.timeouts.start_s:.0f} s")
        self.engines = started
        self.started = len(started)
        if not self.engines:
            self.close()
            raise IoiAgentError(
                f"no sampling engine started on {self.session.address}: {'; '.join(self.lost)} "
                "(fix: check the nodes' logs under /tmp/ray/session_latest/logs)"
            )

    # -- sampling ---------------------------------------------------------------------------------

    def generate(self, items: Sequence[WorkItem], emit: Emit) -> None:
        self.start()
        ray = self.session.ray
        origin: dict[Key, WorkItem] = {}
        for item in items:
            for index in range(item.start, item.start + item.count):
                origin[(item.job, index)] = item
        attempts: dict[Key, int] = dict.fromkeys(origin, 0)
        self._assign(items, self.engines, attempts)
        while any(e.outstanding for e in self.engines):
            now = time.monotonic()
            for engine in self.engines:
                if engine.outstanding and engine.poll is None:
                    engine.poll = engine.handle.poll.remote(self.timeouts.poll_s)
                    engine.poll_sent = now
            polls = {e.poll: e for e in self.engines if e.poll is not None}
            ready, _ = ray.wait(list(polls), num_returns=1, timeout=self.timeouts.poll_s + 1.0)
            for ref in ready:
                engine = polls[ref]
                engine.poll = None
                try:
                    samples, error = ray.get(ref)
                except ray.exceptions.RayTaskError:
                    raise  # poll itself failed: a bug, not a lost node
                except ray.exceptions.RayError as exc:  # the actor, its worker or its node died
                    self._lose(engine, f"died ({describe(exc)})", origin, attempts)
                    continue
                for sample in samples:
                    key = (sample.job, sample.index)
                    if key not in engine.outstanding:
                        continue  # handed to another engine meanwhile; the pool keeps the first
                    engine.outstanding.discard(key)
                    self.emitted[engine.index] = self.emitted.get(engine.index, 0) + 1
                    engine.last_progress = time.monotonic()
                    emit(sample)
                if error is not None:
                    raise IoiAgentError(f"sampling engine {engine.index} failed: {error}")
            self._check_deadlines(origin, attempts)

    def _assign(self, items: Sequence[WorkItem], engines: list[_Engine], attempts: dict[Key, int]) -> None:
        now = time.monotonic()
        for engine, part in zip(engines, shard(items, len(engines)), strict=True):
            if not part:
                continue
            if not engine.outstanding:
                engine.last_progress = now  # the stall clock starts when an idle engine gets work
            for item in part:
                for index in range(item.start, item.start + item.count):
                    key = (item.job, index)
                    attempts[key] += 1
                    if attempts[key] > self.max_attempts:
                        raise IoiAgentError(
                            f"sample {index} of job {item.job[:12]} was lost with {self.max_attempts} engines "
                            f"({'; '.join(self.lost)}) (fix: check the cluster, then run again to resume)"
                        )
                    engine.outstanding.add(key)
            engine.handle.submit.remote(part)

    def _check_deadlines(self, origin: dict[Key, WorkItem], attempts: dict[Key, int]) -> None:
        now = time.monotonic()
        for engine in list(self.engines):
            if (
                engine.poll is not None
                and now - engine.poll_sent > self.timeouts.poll_s + self.timeouts.answer_s
            ):
                self._lose(engine, f"no answer for {now - engine.poll_sent:.0f} s", origin, attempts)
            elif engine.outstanding and now - engine.last_progress > self.timeouts.stall_s:
                self._lose(engine, f"no sample finished for {self.timeouts.stall_s:.0f} s", origin, attempts)

    def _lose(self, engine: _Engine, why: str, origin: dict[Key, WorkItem], attempts: dict[Key, int]) -> None:
        """Drop `engine`; its unfinished samples go to the engines left (already written ones stay)."""
        left = regroup(engine.outstanding, origin)
        engine.outstanding.clear()
        self._drop(engine, why)
        self.engines = [e for e in self.engines if e is not engine]
        if not self.engines:
            raise IoiAgentError(
                f"every sampling engine was lost ({'; '.join(self.lost)}); the samples written so far are in "
                "the pool (fix: check the cluster, then run the same command again to resume)"
            )
        self._assign(left, self.engines, attempts)

    def _drop(self, engine: _Engine, why: str) -> None:
        self.lost.append(f"engine {engine.index} on {engine.where}: {why}")
        self._dropped.add(engine.index)
        try:
            self.session.ray.kill(engine.handle, no_restart=True)
        except Exception:  # already gone with its node
            pass

    # -- end --------------------------------------------------------------------------------------

    def close(self) -> None:
        if not self.engines:
            return
        ray = self.session.ray
        closing = []
        for engine in self.engines:
            try:
                closing.append(engine.handle.close.remote(self.timeouts.close_s))
            except Exception:
                pass
        # Let vLLM free its GPU memory and child processes, but never wait on a node that is gone.
        if closing:
            ray.wait(closing, num_returns=len(closing), timeout=self.timeouts.close_s + 5.0)
        for engine in self.engines:
            try:
                ray.kill(engine.handle, no_restart=True)
            except Exception:
                pass
        self.engines = []

    def summary(self) -> str:
        """One line: how many engines ran, what each sampled, and any that were lost."""
        counts = ", ".join(str(self.emitted[i]) for i in sorted(self.emitted))
        return (
            f"{self.started} engine(s)"
            + (f", samples per engine: {counts}" if counts else "")
            + (f"; lost: {'; '.join(self.lost)}" if self.lost else "")
        )


def ray_vllm_backend(
    session: ClusterSession, model: str, *, tensor_parallel_size: int = 1, **engine: Any
) -> RayBackend:
    """`VllmBackend(model, ...)` on every GPU group of the cluster (one per node on CPU-only clusters)."""
    from ioi_agent.generation.vllm_backend import VllmBackend

    engine_args = dict(engine.pop("engine_args", None) or {})
    if tensor_parallel_size > 1:
        # The actor holds its group's GPUs; vLLM's in-node executor spawns one worker per GPU it sees.
        # (Its Ray executor would ask the cluster for another set of GPUs and wait for them forever.)
        engine_args.setdefault("distributed_executor_backend", "mp")
    factory = functools.partial(
        VllmBackend, model, tensor_parallel_size=tensor_parallel_size, engine_args=engine_args, **engine
    )
    return RayBackend(session, factory, name="vllm", model=model, gpus_per_engine=tensor_parallel_size)
