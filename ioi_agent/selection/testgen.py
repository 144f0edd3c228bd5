"""Generated tests: run the model-written generators with seeds, keep what the validators accept.

Per subtask, the generators written for it (or for the whole problem) get seeds 0..N-1 round-robin; a
generator prints one input for the seed in argv[1]. An input is kept when at least 75% of the subtask's
working validators (its own and the whole problem's) accept it (exit code 0 on the input as stdin), as
o1-ioi did; duplicates (same SHA-256) are dropped. Generators and validators are untrusted model code:
they are compiled and run in the sandbox, with the judge's compiler and boxes.

Kept inputs are files `<work>/inputs/<sha256>.in`. Every finished step (a compilation's outcome, a
generator run, a validator verdict) is appended to `<work>/inputs/index.jsonl`, so an interrupted call
resumes and a repeated one reuses everything it can; the result is also written to
`<work>/generated_inputs.json` for reports.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ioi_agent.judge.boxfiles import run_captured
from ioi_agent.judge.compile import CompiledProgram, Compiler
from ioi_agent.judge.outcomes import runtime_verdict
from ioi_agent.packages.model import Problem, TaskType
from ioi_agent.sandbox import SandboxPool, cache_root, choose_backend
from ioi_agent.sandbox.base import ProcSpec
from ioi_agent.selection.model import Candidate, CandidatePool, GeneratedInputs

KEEP_FRACTION = 0.75
TOOL_TIME_S = 10.0  # CPU seconds for one generator or validator run
TOOL_MEMORY_MB = 1024
TOOL_OUTPUT_MB = 64
RUN_CWD = "/tmp/run"
INDEX_NAME = "index.jsonl"
SUMMARY_NAME = "generated_inputs.json"
SUFFIX = {"cpp": ".cpp", "c": ".c", "python": ".py"}


def program_digest(program: Candidate) -> str:
    return hashlib.sha256(f"{program.language}\0{program.code}".encode("utf-8", "surrogatepass")).hexdigest()


class StepLog:
    """Append-only JSONL of finished steps: key -> value, last write wins; safe across threads."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    obj = json.loads(line)
                    self.entries[str(obj["key"])] = dict(obj["value"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by an interruption: that step is simply done again

    def get(self, key: str) -> dict[str, Any] | None:
        return self.entries.get(key)

    def put(self, key: str, value: dict[str, Any]) -> None:
        line = json.dumps({"key": key, "value": value}, separators=(",", ":")) + "\n"
        with self._lock:
            self.entries[key] = value
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)


class ToolRunner:
    """Compiles and runs generators and validators in sandbox boxes; the boxes start on first use."""

    def __init__(self, sandbox: str, jobs: int, work: Path):
        self.sandbox = sandbox
        self.jobs = jobs
        self.sources = work / "programs"
        self._pool: SandboxPool | None = None
        self._compiler: Compiler | None = None
        self._compiled: dict[str, CompiledProgram] = {}
        self._lock = threading.Lock()

    def _ensure(self) -> tuple[SandboxPool, Compiler]:
        with self._lock:
            if self._pool is None:
                backend, _ = choose_backend(self.sandbox)
                self._pool = SandboxPool(backend, self.jobs, memory_cap_mb=4096, cache=cache_root())
                self._compiler = Compiler(self._pool)
            assert self._compiler is not None
            return self._pool, self._compiler

    def compile(self, program: Candidate) -> CompiledProgram:
        digest = program_digest(program)
        if digest in self._compiled:
            return self._compiled[digest]
        _, compiler = self._ensure()
        self.sources.mkdir(parents=True, exist_ok=True)
        source = self.sources / f"{digest[:24]}{SUFFIX.get(program.language, '.cpp')}"
        source.write_text(program.code, encoding="utf-8", errors="surrogatepass")
        compiled = compiler.compile(source)
        self._compiled[digest] = compiled
        return compiled

    def run(self, program: CompiledProgram, args: list[str], stdin: Path | None) -> tuple[bool, str, bytes]:
        """(ended normally with exit 0, failure kind or "", stdout)."""
        pool, _ = self._ensure()
        box_stdin = pool.stage_input(stdin) if stdin is not None else None
        spec = ProcSpec(
            argv=[*program.argv, *args],
            cwd=RUN_CWD,
            stdin=box_stdin,
            cpu_s=TOOL_TIME_S,
            wall_s=2 * TOOL_TIME_S + 1,
            mem_mb=TOOL_MEMORY_MB,
            out_mb=TOOL_OUTPUT_MB,
            clean_dirs=[RUN_CWD],
        )
        dest = pool.private / f"tool-{uuid.uuid4().hex[:12]}.out"
        try:
            result = run_captured(pool, spec, dest, TOOL_OUTPUT_MB << 20)
            verdict = runtime_verdict(result)
            output = dest.read_bytes() if verdict is None else b""
            return verdict is None, "" if verdict is None else verdict.value, output
        finally:
            dest.unlink(missing_ok=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def _parallel(jobs: int, fn: Callable[[Any], None], items: Iterable[Any]) -> None:
    with ThreadPoolExecutor(jobs) as executor:
        for future in [executor.submit(fn, item) for item in items]:
            future.result()


def _write_input(folder: Path, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    target = folder / f"{sha}.in"
    if not target.exists():
        tmp = folder / f".{sha}.{uuid.uuid4().hex[:8]}.part"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return sha


def _applies(program: Candidate, subtask: str) -> bool:
    return program.subtask is None or program.subtask == subtask


def generate_inputs(
    problem: Problem,
    pool: CandidatePool,
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    per_subtask: int = 256,
    work: Path,
) -> GeneratedInputs:
    """Generate, validate and deduplicate inputs for every subtask of `problem` (see the module doc)."""
    work = Path(work)
    folder = work / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    subtasks = [s.name for s in problem.subtasks]
    empty = {name: [] for name in subtasks}
    if problem.task_type != TaskType.BATCH:
        note = (
            f"generated inputs are not used for {problem.task_type.value} problems (the program talks to a "
            "judge-side program): public examples only"
        )
        return _save(work, GeneratedInputs(folder=str(folder), per_subtask=empty, fallback=True, note=note))
    if not pool.generators:
        note = "no generators in the pool: public examples only"
        return _save(work, GeneratedInputs(folder=str(folder), per_subtask=empty, fallback=True, note=note))

    jobs = max(1, jobs or os.cpu_count() or 1)
    log = StepLog(folder / INDEX_NAME)
    runner = ToolRunner(sandbox, jobs, work)
    try:
        return _save(work, _generate(problem, pool, per_subtask, folder, log, runner, jobs))
    finally:
        runner.close()


def _generate(
    problem: Problem,
    pool: CandidatePool,
    per_subtask: int,
    folder: Path,
    log: StepLog,
    runner: ToolRunner,
    jobs: int,
) -> GeneratedInputs:
    subtasks = [s.name for s in problem.subtasks]
    programs = {program_digest(p): p for p in [*pool.generators, *pool.validators] if p.ok}
    compiled: dict[str, CompiledProgram] = {}

    def compile_step(digest: str) -> None:
        known = log.get(f"compile|{digest}")
        if known is not None and not known["ok"]:
            return  # a known failure: nothing to run
        program = runner.compile(programs[digest])
        if known is None:
            log.put(f"compile|{digest}", {"ok": program.ok, "message": program.message[-400:]})
        if program.ok:
            compiled[digest] = program

    def compiles(program: Candidate) -> bool:
        return program.ok and bool((log.get(f"compile|{program_digest(program)}") or {}).get("ok"))

    def working(kind: list[Candidate], subtask: str) -> list[str]:
        """Digests of the programs of `kind` for `subtask` that compiled; one per record, so two samples
        with the same code are two votes (and run once)."""
        return [program_digest(p) for p in kind if _applies(p, subtask) and compiles(p)]

    # Which generator runs are needed (a whole-problem generator's run serves every subtask).
    plan: dict[str, list[tuple[str, int]]] = {}
    for subtask in subtasks:
        gens = [program_digest(g) for g in pool.generators if g.ok and _applies(g, subtask)]
        plan[subtask] = [(gens[seed % len(gens)], seed) for seed in range(per_subtask)] if gens else []

    def gen_done(step: tuple[str, int]) -> bool:
        entry = log.get(f"gen|{step[0]}|{step[1]}")
        return entry is not None and (entry["input"] is None or (folder / f"{entry['input']}.in").is_file())

    needed = {d for steps in plan.values() for d, _ in steps} | {program_digest(v) for v in pool.validators}
    todo = {step for steps in plan.values() for step in steps if not gen_done(step)}
    _parallel(jobs, compile_step, sorted(d for d in needed if d in programs and _needs_compile(d, log, todo)))

    def gen_step(step: tuple[str, int]) -> None:
        digest, seed = step
        program = compiled.get(digest)
        if program is None:
            return  # did not compile: counted below
        ok, failure, output = runner.run(program, [str(seed)], None)
        sha = _write_input(folder, output) if ok and output.strip() else None
        log.put(f"gen|{digest}|{seed}", {"input": sha, "failure": failure or ("" if sha else "empty output")})

    _parallel(jobs, gen_step, sorted(todo))

    # Distinct inputs per subtask, then the validators that must judge them.
    generated: dict[str, list[str]] = {}
    stats: dict[str, dict[str, int]] = {}
    for subtask in subtasks:
        shas = [(log.get(f"gen|{d}|{seed}") or {}).get("input") for d, seed in plan[subtask]]
        produced = [s for s in shas if s]
        distinct = list(dict.fromkeys(produced))
        generated[subtask] = distinct
        gens = [g for g in pool.generators if _applies(g, subtask)]
        vals = [v for v in pool.validators if _applies(v, subtask)]
        stats[subtask] = {
            "generators": len(gens),
            "generators_broken": sum(not compiles(g) for g in gens),
            "validators": len(vals),
            "validators_broken": sum(not compiles(v) for v in vals),
            "runs": len(plan[subtask]),
            "failed_runs": len(plan[subtask]) - len(produced),
            "generated": len(produced),
            "duplicate": len(produced) - len(distinct),
        }
    val_todo = {
        (v, sha)
        for subtask in subtasks
        for v in working(pool.validators, subtask)
        for sha in generated[subtask]
        if log.get(f"val|{v}|{sha}") is None
    }
    _parallel(jobs, compile_step, sorted({v for v, _ in val_todo} - set(compiled)))

    def val_step(step: tuple[str, str]) -> None:
        digest, sha = step
        program = compiled.get(digest)
        if program is None:
            return  # logged as compiling but failed now (another toolchain): its vote is a rejection
        ok, failure, _ = runner.run(program, [], folder / f"{sha}.in")
        log.put(f"val|{digest}|{sha}", {"ok": ok, "failure": failure})

    _parallel(jobs, val_step, sorted(val_todo))

    kept: dict[str, list[str]] = {}
    notes: list[str] = []
    for subtask in subtasks:
        validators = working(pool.validators, subtask)
        if not validators and generated[subtask]:
            notes.append(f"subtask {subtask}: no working validators, every generated input kept")
        keep = []
        for sha in generated[subtask]:
            accepted = sum(bool((log.get(f"val|{v}|{sha}") or {}).get("ok")) for v in validators)
            if accepted >= KEEP_FRACTION * len(validators):
                keep.append(sha)
        kept[subtask] = keep
        stats[subtask]["invalid"] = len(generated[subtask]) - len(keep)
        stats[subtask]["valid"] = len(keep)
        if not plan[subtask]:
            notes.append(f"subtask {subtask}: no generator for it, public examples only")
    unknown = sorted({g.subtask for g in pool.generators if g.subtask and g.subtask not in subtasks})
    if unknown:
        notes.append(f"generators for unknown subtasks ignored: {', '.join(unknown)}")
    return GeneratedInputs(
        folder=str(folder),
        per_subtask=kept,
        fallback=not any(kept.values()),
        note="; ".join(notes) if any(kept.values()) else "; ".join(["no generated input kept", *notes]),
        stats=stats,
    )


def _needs_compile(digest: str, log: StepLog, todo: set[tuple[str, int]]) -> bool:
    """A generator is compiled only when one of its runs is still to do, or its compilation is unknown."""
    return log.get(f"compile|{digest}") is None or any(d == digest for d, _ in todo)


def _save(work: Path, inputs: GeneratedInputs) -> GeneratedInputs:
    (work / SUMMARY_NAME).write_text(inputs.model_dump_json(indent=2), encoding="utf-8")
    return inputs
