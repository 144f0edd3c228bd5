"""Build the shipped demo pool, problems/demo/pool.jsonl: one replayed pool for all the demo problems.

For each demo package it holds every labelled submission (as `--replay submissions` records them) and one
record per file of the package's `model_tests/` folder, written the way a model would have written them:
`gen_<subtask>.cpp` / `gen_any.cpp` are random-input generators (kind generator), `val_<subtask>.cpp` /
`val_all.cpp` input validators (kind validator); `any` / `all` mean the whole problem (subtask null).
Then MUTANTS[package] seeded mutants of the package's partial and brute-force programs
(`ioi_agent.generation.mutants`, as `ioi-agent generate --mutants N --seed MUTANT_SEED` writes them, default
mix: exact and cosmetic copies and semantic mutants, each saying it is a mutant and of what; a semantic
mutant's label is null). So the embedded default contest exercises test-time selection with generated
tests, and on postcard and ridge a pool large enough that choosing matters (random selection's expectation
falls below the oracle within 50 submissions), without a model. MUTANTS is chosen so that `ioi-agent
contest` still finishes within about 5 minutes on 2 cores (README, Contests).

The output is deterministic (same bytes on every run): records in a fixed order, a fixed `time`, jobs
hashed from the content. Rebuild it after changing a submission or a model test:

    python scripts/make_demo_pool.py            # rewrites problems/demo/pool.jsonl
    python scripts/make_demo_pool.py --check    # exit 1 when the shipped pool is out of date
    python scripts/make_demo_pool.py --mutants 0 --out /tmp/labelled.jsonl   # the labelled part only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.mutants import mutant_records
from ioi_agent.generation.pool import CodeStatus, PoolRecord, PoolWriter, RecordKind, job_id, sha256_text
from ioi_agent.generation.replay import submission_record
from ioi_agent.judge.labels import ACCEPTED, promise_label
from ioi_agent.packages import load_problem
from ioi_agent.packages.model import Problem

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "problems" / "demo"
POOL_NAME = "pool.jsonl"
MODEL_TESTS = "model_tests"
MODEL = "demo-model-tests"
# A fixed time: the records describe files, not a run, and the pool must not change between builds.
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = {"gen": RecordKind.GENERATOR, "val": RecordKind.VALIDATOR}
WHOLE_PROBLEM = {"any", "all"}
# Seeded mutants per task, chosen by measurement (README, Contests): each one is compiled, run on every
# generated input and judged on the hidden tests, so the tasks with model-written generators (hundreds of
# generated inputs each) get none, and the two without them enough that 50 random submissions can miss.
MUTANTS = {"postcard": 120, "ridge": 120}
MUTANT_SEED = 1


def model_test_record(problem: Problem, path: Path) -> PoolRecord:
    """The record of one `model_tests/<kind>_<subtask>.cpp` file."""
    prefix, _, target = path.stem.partition("_")
    if path.suffix != ".cpp" or prefix not in KINDS or not target:
        raise IoiAgentError(
            f"{path}: not a model test name (fix: name it gen_<subtask>.cpp, gen_any.cpp, "
            "val_<subtask>.cpp or val_all.cpp)"
        )
    subtask = None if target in WHOLE_PROBLEM else target
    names = [s.name for s in problem.subtasks]
    if subtask is not None and subtask not in names:
        raise IoiAgentError(
            f"{path}: {problem.name} has no subtask {subtask} (fix: use one of {', '.join(names)}, or any/all)"
        )
    kind = KINDS[prefix]
    code = path.read_text(encoding="utf-8")
    source = path.relative_to(problem.root).as_posix()
    digest = sha256_text(code)
    return PoolRecord(
        kind=kind,
        problem=problem.name,
        subtask=subtask,
        language="cpp",
        status=CodeStatus.OK,
        code=code,
        completion=None,
        completion_sha256=digest,
        job=job_id(kind=kind.value, problem=problem.name, subtask=subtask, source=source, code=digest),
        sample_index=0,
        model=MODEL,
        backend="replay",
        time=FIXED_TIME,
        source=source,
    )


def problem_records(problem: Problem, mutants: int, seed: int = MUTANT_SEED) -> list[PoolRecord]:
    """Its labelled submissions in package order, its model tests by file name, then its mutants by index."""
    records = [
        submission_record(problem, s).model_copy(update={"time": FIXED_TIME}) for s in problem.submissions
    ]
    folder = problem.root / MODEL_TESTS
    if folder.is_dir():
        records += [model_test_record(problem, p) for p in sorted(folder.iterdir()) if p.is_file()]
    # Mutants of the partial (and brute-force) programs only: about a fifth of the accepted programs'
    # mutants stay correct, and with them random selection finds a correct program within 50 submissions
    # as surely as the oracle does; this way the labelled accepted programs stay the only correct ones, as
    # a model's correct programs are rare on a hard task.
    partial = problem.model_copy(
        update={"submissions": [s for s in problem.submissions if promise_label(s) not in ACCEPTED]}
    )
    records += [r.model_copy(update={"time": FIXED_TIME}) for r in mutant_records([partial], mutants, seed)]
    return records


def demo_records(demo: Path, mutants: int | None = None, seed: int = MUTANT_SEED) -> list[PoolRecord]:
    """Every demo package's records; `mutants` per task, or MUTANTS' count for it (None)."""
    packages = sorted(d for d in demo.iterdir() if (d / "problem.yaml").is_file())
    if not packages:
        raise IoiAgentError(f"{demo}: no problem packages here (fix: give the demo folder with --demo)")
    return [
        record
        for package in packages
        for record in problem_records(
            load_problem(package), MUTANTS.get(package.name, 0) if mutants is None else mutants, seed
        )
    ]


def write_pool(records: list[PoolRecord], out: Path) -> None:
    """Write a fresh pool through PoolWriter (the generation stage's own format), then move it in place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    try:
        with PoolWriter(tmp) as writer:
            for record in records:
                if not writer.append(record):
                    raise IoiAgentError(
                        f"{record.source}: two records with the same job (fix: rename one file)"
                    )
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=DEMO, help="folder of the demo packages")
    parser.add_argument("--out", type=Path, help="pool to write (default: DEMO/pool.jsonl)")
    parser.add_argument("--check", action="store_true", help="only compare with the existing pool")
    parser.add_argument(
        "--mutants", type=int, help=f"seeded mutants per task (default: {MUTANTS}, none for the others)"
    )
    parser.add_argument("--seed", type=int, default=MUTANT_SEED, help=f"mutant seed (default {MUTANT_SEED})")
    args = parser.parse_args(argv)
    out: Path = args.out or args.demo / POOL_NAME
    if args.mutants is not None and args.mutants < 0:
        print("error: --mutants must be 0 or more", file=sys.stderr)
        return 2
    try:
        records = demo_records(args.demo, args.mutants, args.seed)
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / POOL_NAME
                write_pool(records, fresh)
                same = out.is_file() and out.read_bytes() == fresh.read_bytes()
            if not same:
                print(f"{out}: out of date (fix: python scripts/make_demo_pool.py)", file=sys.stderr)
                return 1
            print(f"{out}: up to date ({len(records)} records)")
            return 0
        write_pool(records, out)
    except IoiAgentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{out}: {len(records)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
