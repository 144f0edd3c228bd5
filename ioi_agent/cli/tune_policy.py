"""`ioi-agent tune-policy`: tune the o1-ioi policy's weights by simulating contests on labelled pools.

Each pool's problem is prepared once (selection context from the public view; every candidate judged on
the hidden tests), then the submission process is replayed against those verdicts for every weight
setting the search tries (selection/tuning.py: random search, then local refinement; objective: the mean
over budgets of the total selection gain). By default each training problem is replayed with a scorer
trained on the other training problems, as the policy will meet a problem its scorer never saw.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ioi_agent.cli.select import load_scorer, selection_options
from ioi_agent.cli.train_scorer import labelled_pool_arguments, problems_of
from ioi_agent.errors import IoiAgentError

if TYPE_CHECKING:
    from ioi_agent.selection.tuning import SimProblem

err = Console(stderr=True)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tune-policy",
        help="tune the o1-ioi policy's weights by simulating contests on labelled pools",
        description="Judge every pool's candidates once, then replay the submission process against those "
        "verdicts for each weight setting of a seeded random search (then a local refinement), scoring "
        "each by the mean over --budgets of the total selection gain (policy - random) / (oracle - random). "
        "Writes the best weights as a policy file (the o1-ioi policy reads ioi_agent/selection/policy.json).",
    )
    labelled_pool_arguments(p)
    p.add_argument("--out", type=Path, required=True, metavar="JSON", help="policy file to write")
    p.add_argument("--budgets", default="1,2,5,10,50", metavar="K,K", help="budgets of the objective")
    p.add_argument("--samples", type=int, default=120, help="random settings tried (default 120)")
    p.add_argument("--refine", type=int, default=60, help="local refinement steps (default 60)")
    p.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    p.add_argument(
        "--tie-seeds", type=int, default=2, metavar="N", help="tie-break seeds per replay (default 2)"
    )
    p.add_argument(
        "--scorer",
        type=Path,
        metavar="PT",
        help="score every problem with this checkpoint (in-sample if it was trained on them); default: "
        "per problem, a scorer trained on the other problems",
    )
    p.add_argument(
        "--exclude-features",
        default="language_python,code_length_log",
        metavar="NAME,NAME",
        help="features the held-out scorers leave out (default the authorship features)",
    )
    selection_options(p)
    p.set_defaults(handler=run_tune)


def run_tune(args: argparse.Namespace) -> int:
    from ioi_agent.selection.evaluation import prepare_problem
    from ioi_agent.selection.tuning import sim_problem

    problems = []
    for package, pools in sorted(problems_of(args.pools, args.problems).items()):
        prepared = prepare_problem(
            package,
            pools,
            sandbox=args.sandbox,
            jobs=args.jobs,
            inputs_per_subtask=args.inputs_per_subtask,
            exhaustive=args.exhaustive,
            time_limit=args.time_limit,
        )
        try:
            problems.append(sim_problem(prepared))
        finally:
            prepared.close()
        err.print(f"[dim]{package.name}: {len(prepared.context.pool.candidates)} candidates[/dim]")
    return tune_problems(problems, args)


def tune_problems(problems: list[SimProblem], args: argparse.Namespace) -> int:
    """The search on prepared problems (tuning.SimProblem), then the policy file."""
    from ioi_agent.selection import crossval
    from ioi_agent.selection.features import FEATURE_NAMES
    from ioi_agent.selection.tuning import Evaluator, ScoreTable, tune
    from ioi_agent.selection.weights import ALPHACODE_LIKE, HAND_SET, save_policy

    budgets = tuple(int(b) for b in args.budgets.split(",") if b.strip())
    if not budgets or min(budgets) < 1:
        raise IoiAgentError(f"--budgets {args.budgets}: give positive integers, e.g. 1,2,5,10,50")
    if len(problems) < (1 if args.scorer else 2):
        raise IoiAgentError("held-out scorers need two problems or more (fix: give more pools, or --scorer)")
    seeds = tuple(range(max(1, args.tie_seeds)))
    if args.scorer:
        scorer = load_scorer(args.scorer)
        tables = [ScoreTable.of(scorer, p.context) for p in problems]
        evaluator = Evaluator(problems, tables, budgets=budgets, seeds=seeds)
        result = tune(evaluator.objective, seed=args.seed, samples=args.samples, refine_rounds=args.refine)
        how = f"scorer {args.scorer}"
    else:
        excluded = {n.strip() for n in args.exclude_features.split(",") if n.strip()}
        unknown = excluded - set(FEATURE_NAMES)
        if unknown:
            raise IoiAgentError(f"--exclude-features: unknown {', '.join(sorted(unknown))}")
        settings = crossval.FitSettings(
            feature_names=tuple(n for n in FEATURE_NAMES if n not in excluded),
            tune_seed=args.seed,
            samples=args.samples,
            refine_rounds=args.refine,
            budgets=budgets,
            seeds=seeds,
        )
        cache = crossval.ScorerCache(problems, settings)
        result = crossval.fit(problems, cache)
        tables = [cache.tables(frozenset({p.name}))[p.name] for p in problems]
        evaluator = Evaluator(problems, tables, budgets=budgets, seeds=seeds)
        how = "per problem a scorer trained on the others"
    note = (
        f"tune-policy: {len(problems)} problems, budgets {','.join(map(str, budgets))}, {how}, "
        f"{result.tried} settings, search seed {args.seed}, tie seeds {len(seeds)}"
    )
    save_policy(
        args.out, result.weights, note=note, objective=result.objective, trained_on=[p.name for p in problems]
    )
    console = Console()
    for name, w in (("hand-set", HAND_SET), ("alphacode-like", ALPHACODE_LIKE), ("tuned", result.weights)):
        console.print(f"{name}: objective {evaluator.objective(w):.4f}")
    console.print(f"weights: {result.weights.model_dump_json()}")
    console.print(f"saved {args.out}")
    return 0
