"""Round-based execution matrix vs exhaustive (issue 12 item 4): sandbox runs made, seconds, and whether
every policy submits the same candidates.

For each demo task, its pool (the shipped problems/demo/pool.jsonl: the labelled submissions, the
generators and validators, and for postcard and ridge seeded mutants; `--mutants N` adds N more) is
prepared round-based, then `exhaustive` with a fresh result store each (so both
really run), and every policy is replayed with several seeds against the simulated grader: the two must
submit exactly the same candidates (contenders.py says why they do).

Run: python bench/matrix_rounds.py [--tasks lanterns,solar,terraces] [--inputs-per-subtask 32] [--labelled-only]
     [--mutants 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ioi_agent.generation.mutants import run_mutants  # noqa: E402
from ioi_agent.judge.store import ResultStore  # noqa: E402
from ioi_agent.packages import load_problem  # noqa: E402
from ioi_agent.selection.candidates import load_pool  # noqa: E402
from ioi_agent.selection.evaluation import PreparedProblem, pool_for, prepare_problem  # noqa: E402
from ioi_agent.selection.policies import POLICIES  # noqa: E402
from ioi_agent.selection.tuning import selection_differences, sim_problem  # noqa: E402

DEMO = ROOT / "problems" / "demo"


def prepare(package: Path, pool, inputs: int, jobs: int, exhaustive: bool) -> tuple[PreparedProblem, float]:  # type: ignore[no-untyped-def]
    store = ResultStore(Path(tempfile.mkdtemp(prefix="matrix-rounds-")) / "results.sqlite")
    start = time.perf_counter()
    prepared = prepare_problem(
        package, pool, jobs=jobs, inputs_per_subtask=inputs, store=store, exhaustive=exhaustive
    )
    prepared.close()
    return prepared, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", default="lanterns,solar,terraces")
    parser.add_argument("--inputs-per-subtask", type=int, default=32)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--labelled-only", action="store_true", help="leave the shipped mutants out of the pool"
    )
    parser.add_argument(
        "--mutants",
        type=int,
        default=0,
        help="add N seeded mutants of the task's programs (generation/mutants.py)",
    )
    args = parser.parse_args()
    print(
        f"{'task':<10} {'cands':>5} {'progs':>5} {'runs':>7} {'exhaustive':>10} {'share':>6} "
        f"{'rounds s':>8} {'exh. s':>7}  same selection"
    )
    for task in args.tasks.split(","):
        package = DEMO / task
        pool = pool_for(load_problem(package), [DEMO / "pool.jsonl"])
        if args.labelled_only:
            pool = pool.model_copy(update={"candidates": [c for c in pool.candidates if c.label]})
        if args.mutants:
            out = Path(tempfile.mkdtemp(prefix="matrix-rounds-mutants-")) / "mutants.jsonl"
            run_mutants([load_problem(package)], args.mutants, out)
            extra = load_pool(out, load_problem(package)).candidates
            pool = pool.model_copy(update={"candidates": [*pool.candidates, *extra]})
        rounds, t_rounds = prepare(package, pool, args.inputs_per_subtask, args.jobs, False)
        full, t_full = prepare(package, pool, args.inputs_per_subtask, args.jobs, True)
        diffs = selection_differences(
            sim_problem(rounds), sim_problem(full), list(POLICIES), range(args.seeds)
        )
        runs = rounds.context.matrix._runs
        print(
            f"{task:<10} {runs.candidates:>5} {runs.programs:>5} {runs.executed:>7} "
            f"{full.context.matrix._runs.executed:>10} {runs.executed / max(1, runs.exhaustive):>6.0%} "
            f"{t_rounds:>8.1f} {t_full:>7.1f}  {'yes' if not diffs else 'NO: ' + '; '.join(diffs)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
