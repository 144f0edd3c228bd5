"""The engine side of sampling on Ray: where engines go, how work is split, and the actor that runs one.

Kept free of any Ray import at module level: the planning and sharding functions are plain Python (tested
without a cluster), and `EngineActor` is an ordinary class that `ray_backend` turns into an actor.
"""

from __future__ import annotations

import os
import queue
import socket
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ioi_agent.generation.base import Backend, Sample, WorkItem

# Environment variables the driver forwards to its engines: a VLLM_* knob set where the command runs
# (attention backend, CPU KV-cache size, ...) would otherwise silently not apply on the other nodes.
FORWARDED_ENV_PREFIXES = ("VLLM_", "HF_", "TRANSFORMERS_", "TOKENIZERS_")

Key = tuple[str, int]  # (job, sample index): the pool's key of a sample


@dataclass(frozen=True)
class EngineSlot:
    """One engine to start: pinned to a node, with the resources Ray reserves for it there."""

    node_id: str
    node_ip: str
    num_cpus: float
    num_gpus: int


def plan_engines(nodes: Iterable[Mapping[str, Any]], gpus_per_engine: int) -> list[EngineSlot]:
    """One engine per `gpus_per_engine` GPUs of each node; on a cluster without GPUs, one per node.

    Tensor-parallel groups never span nodes (vLLM's in-node executor is far faster than one across
    nodes), so a node with 6 GPUs and groups of 4 runs one engine and leaves 2 GPUs idle.
    """
    nodes = [n for n in nodes if n.get("Alive", True)]
    slots: list[EngineSlot] = []
    for node in nodes:
        gpus = int(node.get("Resources", {}).get("GPU", 0))
        for _ in range(gpus // max(1, gpus_per_engine)):
            slots.append(EngineSlot(node["NodeID"], node.get("NodeManagerAddress", "?"), 1, gpus_per_engine))
    if slots or any(n.get("Resources", {}).get("GPU", 0) for n in nodes):
        return slots
    # CPU-only cluster (tests, CPU inference): the engine takes the whole node, as vLLM's CPU backend
    # binds its threads to every core it sees. A head started with --num-cpus=0 runs no engine.
    for node in nodes:
        cpus = float(node.get("Resources", {}).get("CPU", 0))
        if cpus >= 1:
            slots.append(EngineSlot(node["NodeID"], node.get("NodeManagerAddress", "?"), cpus, 0))
    return slots


def split_item(item: WorkItem, start: int, count: int) -> WorkItem:
    """Samples `start .. start + count - 1` of `item`, each keeping its own seed (hence its text)."""
    return WorkItem(item.job, item.prompt, start, count, item.seed_of(start), item.sampling)


def shard(items: Sequence[WorkItem], parts: int) -> list[list[WorkItem]]:
    """`parts` lists with sample counts differing by at most one, in the items' order.

    Contiguous ranges rather than round-robin: the samples of one prompt stay together on as few engines
    as possible, so each engine computes the prompt once (prefix caching) and sends `n` samples per request.
    """
    total = sum(item.count for item in items)
    sizes = [total // parts + (1 if p < total % parts else 0) for p in range(parts)]
    out: list[list[WorkItem]] = [[] for _ in range(parts)]
    part = 0
    for item in items:
        index, left = item.start, item.count
        while left > 0:
            while sizes[part] == 0:
                part += 1
            take = min(left, sizes[part])
            out[part].append(split_item(item, index, take))
            sizes[part] -= take
            index += take
            left -= take
    return out


def regroup(keys: Iterable[Key], origin: Mapping[Key, WorkItem]) -> list[WorkItem]:
    """Work items for exactly these samples: runs of consecutive indices of each job, seeds unchanged."""
    by_job: dict[str, list[int]] = defaultdict(list)
    for job, index in keys:
        by_job[job].append(index)
    items: list[WorkItem] = []
    for job, indices in by_job.items():
        indices.sort()
        run_start = previous = indices[0]
        for index in [*indices[1:], None]:
            if index is not None and index == previous + 1:
                previous = index
                continue
            items.append(split_item(origin[(job, run_start)], run_start, previous - run_start + 1))
            if index is not None:
                run_start = previous = index
    return items


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class EngineActor:
    """One sampling engine (any `Backend`, built by `factory` on the node) behind a work queue.

    Every call into the backend happens on one thread of its own (vLLM binds its CPU threads, and its
    engine is stepped from one loop), while the driver's `poll` calls, on Ray's other actor threads,
    collect finished samples as they come. Errors are handed back as text: they name what broke on
    which node, and they must reach the driver even when the exception itself does not unpickle there.
    """

    def __init__(self, factory: Callable[[], Backend], env: Mapping[str, str]):
        os.environ.update(env)
        self._backend = factory()
        self._work: queue.Queue[list[WorkItem] | None] = queue.Queue()
        self._cond = threading.Condition()
        self._done: list[Sample] = []
        self._error: str | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampling-engine", daemon=True)
        self._thread.start()

    def start(self, timeout_s: float) -> dict[str, Any]:
        """Wait for the engine to load: where it runs and whether it loaded in time; raises its error."""
        loaded = self._ready.wait(timeout_s)
        if self._error is not None:
            raise RuntimeError(self._error)
        return {"host": socket.gethostname(), "pid": os.getpid(), "loaded": loaded}

    def submit(self, items: list[WorkItem]) -> None:
        self._work.put(items)

    def poll(self, wait_s: float) -> tuple[list[Sample], str | None]:
        """The samples finished since the last poll (waits up to `wait_s` for one), and the error if any."""
        with self._cond:
            self._cond.wait_for(lambda: bool(self._done) or self._error is not None, timeout=wait_s)
            done, self._done = self._done, []
            return done, self._error

    def close(self, timeout_s: float) -> None:
        self._work.put(None)
        self._thread.join(timeout_s)

    def _emit(self, sample: Sample) -> None:
        with self._cond:
            self._done.append(sample)
            self._cond.notify_all()

    def _fail(self, exc: BaseException) -> None:
        with self._cond:
            self._error = f"{socket.gethostname()}: {describe(exc)}"
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            self._backend.start()
        except BaseException as exc:  # reported through start(); the actor stays up to say so
            self._fail(exc)
            self._ready.set()
            return
        self._ready.set()
        try:
            while (batch := self._work.get()) is not None:
                self._backend.generate(batch, self._emit)
        except BaseException as exc:
            self._fail(exc)
        finally:
            self._backend.close()
