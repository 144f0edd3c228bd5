"""The judge's worker on a cluster node: a Ray actor owning a warm local `Judge` (one box).

The actor keeps the judges it was asked for (one per problem package and limits, the last few), each
over the node's unpacked copy of the package, and runs what the driver's judge would have run in a local
box: the same strategy code on the same files, so outcomes are the same. It stores nothing: results go
back to the driver, whose store is the only one (and dedupes a batch that ran twice).
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray

from ioi_agent.cluster.content import Blob, node_folder, rebase_problem
from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore, StoredOutcome
from ioi_agent.judge.strategies import judge_error
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Problem
from ioi_agent.sandbox import choose_backend

FETCH_TIMEOUT_S = 300.0  # a package is fetched once per node; large test sets take a while
KEPT_JUDGES = 4  # judges kept per actor (a time limit being derived, then the real one, a second problem)


@dataclass(frozen=True)
class JudgeSpec:
    """What a node needs to build the judge the driver has: the package (content-addressed), the problem
    as a node sees it (an object reference: fetched once per actor), and the settings of its runs."""

    package: Blob
    problem: Any  # ray.ObjectRef of the portable Problem (see content.portable_problem)
    time_limit: float
    nproc: int
    sandbox: str
    use_pch: bool
    staging: str
    key: str = field(default="")

    @staticmethod
    def make(package: Blob, problem: Any, time_limit: float, nproc: int, settings: tuple) -> JudgeSpec:
        sandbox, use_pch, staging = settings
        text = f"{package.digest}|{time_limit!r}|{nproc}|{sandbox}|{use_pch}|{staging}"
        key = hashlib.sha256(text.encode()).hexdigest()[:16]
        return JudgeSpec(package, problem, time_limit, nproc, sandbox, use_pch, staging, key)


@dataclass
class RunReply:
    program_key: str  # the compile key on this node: the driver checks it is the one it stores under
    outcomes: list[StoredOutcome]  # a prefix of the tests asked for, at least the first


def _failed(outcome: StoredOutcome) -> bool:
    return outcome.verdict != Verdict.AC or outcome.score <= 0  # a chain's early stop (Judge.run_subtask)


class JudgeWorker:
    """One per CPU of a node. Calls run one at a time (Ray's default for actors): one box, one run."""

    def __init__(self) -> None:
        self.node = ray.get_runtime_context().get_node_id()
        self._judges: OrderedDict[str, Judge] = OrderedDict()
        self._programs: dict[tuple[str, str, str], CompiledProgram] = {}
        self._problems: dict[str, Problem] = {}

    def ready(self, sandbox: str) -> dict[str, str]:
        """Where this worker runs and how its node sandboxes programs (the driver's status line)."""
        _, message = choose_backend(sandbox)
        return {"node": self.node, "host": socket.gethostname(), "pid": str(os.getpid()), "sandbox": message}

    def warm(self, spec: JudgeSpec) -> float:
        """Build the judge of `spec` now (package fetched, box started); returns the seconds it took."""
        started = time.monotonic()
        self._judge(spec)
        return time.monotonic() - started

    def compile(self, spec: JudgeSpec, source: Blob, language: str = "") -> CompiledProgram:
        return self._program(self._judge(spec), spec, source, language)

    def run(self, spec: JudgeSpec, source: Blob, tests: list[str], language: str = "") -> RunReply:
        judge = self._judge(spec)
        program = self._program(judge, spec, source, language)
        if not program.ok:  # it compiled on the driver's first node: this one's box failed to build it
            why = f"the program did not compile on node {self.node[:8]}: {program.message[:300]}"
            return RunReply(program.key, [judge_error(why)])
        cases = [judge.problem.tests[name] for name in tests]
        strategy = judge.strategy
        if len(cases) == 1:
            outcomes = [strategy.run_test(judge, program, cases[0])]
        elif strategy.series(judge):
            outcomes = strategy.run_tests(judge, program, cases)
        else:  # one test after another in this call, stopping where the chain would
            outcomes = []
            for case in cases:
                outcomes.append(strategy.run_test(judge, program, case))
                if _failed(outcomes[-1]):
                    break
        return RunReply(program.key, outcomes)

    def release(self, package_digest: str) -> None:
        """The driver closed its judge of this package: close ours (boxes) now rather than at eviction."""
        for key in [k for k in self._judges if k.startswith(f"{package_digest}:")]:
            self._judges.pop(key).close()

    # --- internals ------------------------------------------------------------------------------

    def _judge(self, spec: JudgeSpec) -> Judge:
        key = f"{spec.package.digest}:{spec.key}"
        judge = self._judges.get(key)
        if judge is not None:
            self._judges.move_to_end(key)
            return judge
        problem = self._problem(spec)
        limits = problem.limits.model_copy(update={"time_s": spec.time_limit})
        # The worker's judge stores nothing (the driver's store is the one): an in-memory SQLite
        # database satisfies its constructor without a file per actor on the node.
        store = ResultStore(Path(":memory:"))
        judge = Judge(
            problem.model_copy(update={"limits": limits}),
            sandbox=spec.sandbox,
            jobs=1,
            time_limit=spec.time_limit,
            store=store,
            use_pch=spec.use_pch,
            nproc=spec.nproc,
            staging=spec.staging,
            cluster="",  # this machine's boxes, whatever the node's environment says
        )
        self._judges[key] = judge
        while len(self._judges) > KEPT_JUDGES:
            self._judges.popitem(last=False)[1].close()
        return judge

    def _problem(self, spec: JudgeSpec) -> Problem:
        problem = self._problems.get(spec.package.digest)
        if problem is None:
            folder = node_folder(
                "packages", spec.package.digest, lambda: ray.get(spec.package.ref, timeout=FETCH_TIMEOUT_S)
            )
            portable = ray.get(spec.problem, timeout=FETCH_TIMEOUT_S)
            problem = self._problems[spec.package.digest] = rebase_problem(portable, folder)
        return problem

    def _program(self, judge: Judge, spec: JudgeSpec, source: Blob, language: str) -> CompiledProgram:
        """`language`: the languages.py key the driver resolved ("" = by the suffix)."""
        memo = (spec.key, source.digest, language)
        program = self._programs.get(memo)
        if program is None:
            folder = node_folder(
                "sources", source.digest, lambda: ray.get(source.ref, timeout=FETCH_TIMEOUT_S)
            )
            # The node's compile cache makes this free for a program any actor of the node built before.
            program = judge.compile(folder / source.name, language=language or None)
            if not program.box_failure:  # a box's failure is tried again next time, as locally
                self._programs[memo] = program
        return program
