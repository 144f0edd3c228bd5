"""Regenerates ioi_agent/selection/policy.json, the o1-ioi weights that ship with the package (beside
default_scorer.pt).

Labelled pools: as scripts/measure_selection.py builds them (problems/demo with problems/demo/pool.jsonl;
the Kattis packages in ../shared/data/kattis with the solutions in tests/data/shared_solutions), read from
its cache when present (else judged once and cached). The weights are tuned by simulated contests on all
of them (selection/tuning.py; objective: the mean over budgets 1, 2, 5, 10, 50 of the total selection
gain), each problem scored by a scorer trained on the other problems without the authorship features, as
the shipped policy meets problems its scorer never saw (crossval.fit). Deterministic for given data.

Usage (from the repository root):
    python scripts/tune_default_policy.py [--jobs 2] [--out ioi_agent/selection/policy.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ioi_agent.sandbox import cache_root
from ioi_agent.selection import crossval
from ioi_agent.selection.tuning import Evaluator
from ioi_agent.selection.weights import ALPHACODE_LIKE, DEFAULT_POLICY_FILE, HAND_SET, save_policy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure_selection import load_or_prepare  # noqa: E402  (a sibling script)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_POLICY_FILE)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--inputs-per-subtask", type=int, default=256)
    parser.add_argument("--cache", type=Path, default=cache_root() / "selection" / "measure")
    parser.add_argument("--rebuild", action="store_true", help="judge again instead of reading --cache")
    args = parser.parse_args()
    started = time.monotonic()
    problems, key = load_or_prepare(args.cache, args.jobs, args.inputs_per_subtask, args.rebuild)
    settings = crossval.FitSettings()
    cache = crossval.ScorerCache(problems, settings, path=args.cache / "scorers.json", key=key)
    result = crossval.fit(problems, cache)
    names = [p.name for p in problems]
    tables = [cache.tables(frozenset({p.name}))[p.name] for p in problems]  # the ones fit replayed with
    evaluator = Evaluator(problems, tables, budgets=settings.budgets, seeds=settings.seeds)
    for label, w in (("hand-set", HAND_SET), ("alphacode-like", ALPHACODE_LIKE), ("tuned", result.weights)):
        print(f"{label}: objective {evaluator.objective(w):.4f}")
    save_policy(
        args.out,
        result.weights,
        note=(
            "scripts/tune_default_policy.py: random search + local refinement by simulated IOI contests; "
            "objective = mean over budgets 1,2,5,10,50 of the total selection gain; each problem scored by "
            "a scorer trained on the others (behaviour features only)"
        ),
        objective=result.objective,
        trained_on=names,
    )
    print(f"{result.weights.model_dump_json()}\nwrote {args.out} ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
