"""The driver's side of judging on a Ray cluster: a fleet of `JudgeWorker` actors behind the `Judge`.

`Judge` keeps everything that decides a result (time limit, keys, chains with early stop, the TLE
re-run, the one store, aggregation); only "compile this" and "run these tests of this program" cross to
the cluster (`RemoteStrategy`), so results are those of a local judge and resuming works the same way.

- One actor per CPU of every live node, pinned to its node. They reserve no logical CPU: two drivers
  (a contest's grader process beside its policy side) share the nodes' cores as two local judges share
  one machine's, instead of one waiting for the other's actors to go.
- Backpressure: at most `DEPTH` calls in flight per actor (one running, one queued behind it, so the
  actor never waits for the driver); the judge's thread count is that many per actor.
- Batches: a chain sends its tests in series (up to MAX_SERIES per call), whatever the task type.
- Faults: a call whose actor or node died, or that passed its deadline, goes to another actor, at most
  `ATTEMPTS` times; with no actor left, one error line. The store is keyed, so a batch that ran twice
  is stored once, and a driver killed and started again finds every result it had stored.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ioi_agent.cluster.connect import ADDRESS_ENV, ClusterSession, connect
from ioi_agent.cluster.content import Blob, digest, portable_problem, source_blob
from ioi_agent.cluster.judge_worker import JudgeSpec, JudgeWorker, RunReply
from ioi_agent.errors import IoiAgentError
from ioi_agent.judge.compile import COMPILE_LIMITS, CompiledProgram
from ioi_agent.judge.runner import MAX_SERIES
from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.strategies import Strategy
from ioi_agent.packages.model import TestCase
from ioi_agent.sandbox.base import Mounts

if TYPE_CHECKING:
    from ioi_agent.judge.runner import Judge

DEPTH = 2  # calls in flight per actor
ATTEMPTS = 3  # actors a call is tried on before the judge gives up
STARTUP_TIMEOUT_S = 120.0  # for the actors to start (a process each, importing the judge)
SLACK_S = 60.0  # on top of a call's own time: a judge built on first use, a package fetched, a queue
WAIT_POLL_S = 1.0

_sessions: dict[str, ClusterSession] = {}
_sessions_lock = threading.Lock()


def shared_session(address: str) -> ClusterSession:
    """One connection per process, shared by its judges, closed at exit."""
    with _sessions_lock:
        session = _sessions.get(address)
        if session is None or not session.ray.is_initialized():
            session = _sessions[address] = connect(address)
            atexit.register(session.close)
            if session.owned:
                # A private cluster: processes this one starts (the official grader) join it, not
                # start one each (they read the address from the environment, as `--cluster` sets it).
                os.environ[ADDRESS_ENV] = session.ray.get_runtime_context().gcs_address
        return session


@dataclass
class DriverFiles:
    """Where a local judge has its SandboxPool: for callers that look for a program's binary on this
    machine (selection's duplicate detection). The driver holds no binaries, so such a look finds none
    and falls back to the program's key, as it does for any binary it cannot read."""

    mounts: Mounts

    def close(self) -> None:
        pass


@dataclass
class _Worker:
    handle: Any
    node: str
    inflight: int = 0
    alive: bool = True


class Fleet:
    """The actors, their load, and the retrying call."""

    def __init__(self, session: ClusterSession, sandbox: str):
        self.session = session
        self.ray = session.ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        actor = self.ray.remote(JudgeWorker)
        pending: list[tuple[Any, str, float]] = []
        for node in session.nodes():
            for _ in range(int(node.get("Resources", {}).get("CPU", 0))):
                placement = NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)
                handle = actor.options(
                    num_cpus=0, scheduling_strategy=placement, max_restarts=0, max_task_retries=0
                ).remote()
                pending.append((handle, node["NodeID"], time.monotonic()))
        self.workers: list[_Worker] = []
        self.startup_s: dict[str, float] = {}  # per node: its slowest actor's start
        self.sandbox_message = ""
        refs = {handle.ready.remote(sandbox): (handle, node, t0) for handle, node, t0 in pending}
        waiting = list(refs)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while waiting and time.monotonic() < deadline:
            left = max(0.0, deadline - time.monotonic())
            done, waiting = self.ray.wait(waiting, num_returns=1, timeout=left)
            for ref in done:
                handle, node, t0 = refs[ref]
                try:
                    info = self.ray.get(ref, timeout=WAIT_POLL_S)
                except Exception:  # an actor that cannot start is one worker fewer, not a failure
                    continue
                self.startup_s[node] = max(self.startup_s.get(node, 0.0), time.monotonic() - t0)
                self.sandbox_message = self.sandbox_message or info["sandbox"]
                self.workers.append(_Worker(handle, node))
        for ref in waiting:
            self.ray.kill(refs[ref][0])
        if not self.workers:
            raise IoiAgentError(
                f"--cluster {session.address}: no judge worker started on {len(session.nodes())} node(s) "
                f"within {STARTUP_TIMEOUT_S:.0f} s (fix: check that the nodes have ioi-agent installed "
                "and CPUs, e.g. `ray status`)"
            )
        self._cond = threading.Condition()

    @property
    def nodes(self) -> int:
        return len({w.node for w in self.workers if w.alive})

    def live(self) -> list[_Worker]:
        return [w for w in self.workers if w.alive]

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                live = self.live()
                if not live:
                    raise IoiAgentError(
                        f"--cluster {self.session.address}: no judge worker left (all {len(self.workers)} "
                        "died or their nodes left the cluster) (fix: check the nodes; finished results are "
                        "in the store: run the same command again to continue)"
                    )
                worker = min(live, key=lambda w: w.inflight)
                if worker.inflight < DEPTH:
                    worker.inflight += 1
                    return worker
                self._cond.wait(WAIT_POLL_S)

    def _release(self, worker: _Worker, dead: bool) -> None:
        with self._cond:
            worker.inflight -= 1
            if dead and worker.alive:
                worker.alive = False
                try:
                    self.ray.kill(worker.handle)  # one that missed its deadline may be stuck: stop it
                except Exception:  # gone with its node already
                    pass
            self._cond.notify_all()

    def call(self, method: str, args: tuple, deadline_s: float, what: str) -> Any:
        from ray import exceptions as rex

        lost = (
            rex.RayActorError,
            rex.ActorUnavailableError,
            rex.WorkerCrashedError,
            rex.NodeDiedError,
            rex.ObjectLostError,
            rex.OwnerDiedError,
            rex.GetTimeoutError,
            rex.TaskCancelledError,
        )
        last = ""
        for _ in range(ATTEMPTS):
            worker = self._acquire()
            dead = False
            try:
                ref = getattr(worker.handle, method).remote(*args)
                return self.ray.get(ref, timeout=deadline_s)
            except lost as exc:  # the worker or its node is gone (or hangs): another one runs it
                dead = True
                text = str(exc).strip()
                last = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:200]
            except rex.RayTaskError as exc:  # the judging itself failed: as it would have locally
                cause = exc.cause
                if isinstance(cause, IoiAgentError):
                    raise cause from None
                raise
            finally:
                self._release(worker, dead)
        raise IoiAgentError(
            f"--cluster {self.session.address}: {what} failed on {ATTEMPTS} workers in turn (last: {last}) "
            "(fix: check the nodes with `ray status`; finished results are in the store)"
        )

    def broadcast(self, method: str, args: tuple, timeout_s: float) -> list[Any]:
        """`method` on every live actor at once. An actor that fails is dropped (its node may be
        going); a failure of the judge itself (IoiAgentError: a broken package, no sandbox) is raised."""
        from ray import exceptions as rex

        refs = {getattr(w.handle, method).remote(*args): w for w in self.live()}
        if not refs:
            return []
        done, _ = self.ray.wait(list(refs), num_returns=len(refs), timeout=timeout_s)
        results, first_error = [], ""
        for ref in done:
            try:
                results.append(self.ray.get(ref, timeout=WAIT_POLL_S))
            except Exception as exc:
                if isinstance(exc, rex.RayTaskError) and isinstance(exc.cause, IoiAgentError):
                    raise exc.cause from None
                refs[ref].alive = False
                text = str(exc).strip()
                first_error = first_error or f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
        if not results and first_error:
            raise IoiAgentError(
                f"--cluster {self.session.address}: {method} failed on every judge worker ({first_error[:300]}) "
                "(fix: check that the nodes run the same ioi-agent as this machine)"
            )
        return results

    def close(self) -> None:
        for worker in self.workers:
            try:
                self.ray.kill(worker.handle)
            except Exception:  # already gone with its node
                pass


class RemoteJudging:
    """What a `Judge` built with a cluster address delegates: compiles and runs on the fleet."""

    def __init__(self, address: str, judge: Judge, *, sandbox: str, use_pch: bool, staging: str):
        self.address = address
        self.judge = judge
        self.session = shared_session(address)
        self.ray = self.session.ray
        portable, tar = portable_problem(judge.problem)
        self.package = Blob(digest(tar), judge.problem.name, self.ray.put(tar))
        self.problem_ref = self.ray.put(portable)
        self.settings = (sandbox, use_pch, staging)
        started = time.monotonic()
        self.fleet = Fleet(self.session, sandbox)
        self.startup_s = time.monotonic() - started
        self.slots = len(self.fleet.workers) * DEPTH
        nothing = judge.cache / "cluster" / "driver-holds-no-binaries"
        self.files = DriverFiles(Mounts(inputs=nothing, binaries=nothing, executor=nothing))
        self.strategy = RemoteStrategy(self)
        self._lock = threading.Lock()
        self._blobs: dict[str, Blob] = {}  # source digest -> its object (put once)
        self._compiled: dict[tuple[str, str], CompiledProgram] = {}  # (source digest, language) -> result
        self._sources: dict[str, Blob] = {}  # compile key -> a source that compiles to it
        self._spec: JudgeSpec | None = None

    @property
    def message(self) -> str:
        return (
            f"sandbox: on the Ray cluster {self.address} ({self.fleet.nodes} nodes, "
            f"{len(self.fleet.live())} workers); on the nodes: {self.fleet.sandbox_message}"
        )

    def spec(self) -> JudgeSpec:
        limit = getattr(self.judge, "time_limit", None) or 1.0
        current = self._spec
        if current is None or current.time_limit != limit or current.nproc != self.judge.nproc:
            current = self._spec = JudgeSpec.make(
                self.package, self.problem_ref, limit, self.judge.nproc, self.settings
            )
        return current

    def warm(self) -> dict[str, float]:
        """Every actor builds its judge now (package fetched and unpacked, box started), so the first
        tests do not wait for it; returns per node the seconds from asking for actors to a warm judge."""
        started = time.monotonic()
        self.fleet.broadcast("warm", (self.spec(),), STARTUP_TIMEOUT_S)
        warm_s = time.monotonic() - started
        return {node: s + warm_s for node, s in self.fleet.startup_s.items()}

    def _blob(self, source: Path) -> Blob:
        key, name, data = source_blob(source)
        with self._lock:
            blob = self._blobs.get(key)
            if blob is None:
                blob = self._blobs[key] = Blob(key, name, self.ray.put(data))
            return blob

    def compile(self, source: Path, language: str = "") -> CompiledProgram:
        """`language`: the languages.py key the driver resolved (nodes do not see the package's
        submissions, where a declared language comes from); "" = the node's default for the suffix."""
        blob = self._blob(source)
        with self._lock:
            known = self._compiled.get((blob.digest, language))
        if known is not None:
            return known
        deadline = 2 * COMPILE_LIMITS["wall_s"] + MAX_SERIES * 2 * (2 * self.spec().time_limit + 1) + SLACK_S
        program: CompiledProgram = self.fleet.call(
            "compile", (self.spec(), blob, language), deadline, f"compiling {source.name}"
        )
        with self._lock:
            if not program.box_failure:
                self._compiled[(blob.digest, language)] = program
            self._sources.setdefault(program.key, blob)
        return program

    def run(self, program: CompiledProgram, tests: list[TestCase]) -> list[StoredOutcome]:
        with self._lock:
            source = self._sources.get(program.key)
        if source is None:
            raise IoiAgentError(f"program {program.key}: not compiled by this judge (compile it first)")
        # Each test may take its wall-clock cap (2 × limit + 1 s) and as much again for a checker or an
        # interactor; the program may have to be compiled on the node first; and the call may wait
        # behind another one (a full series, a compile) on its actor: never kill a worker that is busy.
        per_test = 2 * (2 * self.judge.time_limit + 1)
        deadline = (len(tests) + MAX_SERIES) * per_test + 2 * COMPILE_LIMITS["wall_s"] + SLACK_S
        reply: RunReply = self.fleet.call(
            "run",
            (self.spec(), source, [t.name for t in tests], program.dialect),
            deadline,
            f"running {len(tests)} test(s)",
        )
        if reply.program_key != program.key:
            raise IoiAgentError(
                f"--cluster {self.address}: a node compiled the program to {reply.program_key}, the first "
                f"to {program.key} (fix: give every node the same toolchain and sandbox)"
            )
        return reply.outcomes

    def close(self) -> None:
        try:
            self.fleet.broadcast("release", (self.package.digest,), WAIT_POLL_S * 5)
        finally:
            self.fleet.close()


class RemoteStrategy(Strategy):
    """The judge's strategy on the cluster: whatever the task type, tests go in series (one call), and
    the node runs them with the problem's own strategy."""

    def __init__(self, remote: RemoteJudging):
        self.remote = remote

    def series(self, judge: Judge) -> bool:
        return True

    def run_test(self, judge: Judge, program: CompiledProgram, test: TestCase) -> StoredOutcome:
        return self.remote.run(program, [test])[0]

    def run_tests(self, judge: Judge, program: CompiledProgram, tests: list[TestCase]) -> list[StoredOutcome]:
        return self.remote.run(program, tests)
