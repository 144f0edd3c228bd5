"""`ioi-agent evaluate`: every policy against the official grader on labelled pools, with the exact expected
score of random selection and the oracle, per problem and in total."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ioi_agent.cli.select import POLICY_NAMES, load_scorer, make_rules, rules_options, selection_options
from ioi_agent.errors import IoiAgentError

err = Console(stderr=True)
CURVE_BUDGETS = (1, 2, 5, 10, 20, 50)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score every submission policy on labelled pools against the official grader",
        description="For each PROBLEM, judge its pool on the hidden tests (for the oracle and the exact "
        "expected score of random selection only), then replay a contest per policy against the official "
        "grader. Prints per problem and in total each policy's final score and submissions used.",
    )
    p.add_argument(
        "problems", type=Path, nargs="+", metavar="PROBLEM", help="package folder, or a folder of packages"
    )
    p.add_argument(
        "--pool",
        required=True,
        nargs="+",
        action="extend",
        metavar="POOL",
        help="pool files (records matched by problem name), packages' submissions/ folders, or folders named "
        "after a problem holding <label>/<program> files",
    )
    p.add_argument(
        "--policies",
        default="all",
        metavar="all|NAME,NAME",
        help=f"policies to run (default all: {', '.join(POLICY_NAMES)})",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write report.json, report.md and report.html, with the total score of every policy "
        "against the number of submissions (budgets 1, 2, 5, 10, 20, 50 up to --budget)",
    )
    rules_options(p)
    selection_options(p)
    p.set_defaults(handler=run_evaluate)


def parse_policies(text: str) -> list[str]:
    if text.strip() == "all":
        return list(POLICY_NAMES)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in POLICY_NAMES]
    if unknown or not names:
        raise IoiAgentError(
            f"--policies {text}: unknown policy {', '.join(unknown) or '(none given)'} "
            f"(fix: all, or names among {', '.join(POLICY_NAMES)})"
        )
    return names


def run_evaluate(args: argparse.Namespace) -> int:
    from ioi_agent.selection.evaluation import find_packages, prepare_problem, report

    policies = parse_policies(args.policies)
    rules = make_rules(args.rules, args.budget)
    scorer = load_scorer(args.scorer)
    prepared = []
    try:
        for package in find_packages(args.problems):
            err.print(f"[dim]{package.name}: judging the pool and building the selection context[/dim]")
            prepared.append(
                prepare_problem(
                    package,
                    args.pool,
                    sandbox=args.sandbox,
                    jobs=args.jobs,
                    inputs_per_subtask=args.inputs_per_subtask,
                    time_limit=args.time_limit,
                    exhaustive=args.exhaustive,
                )
            )
            err.print(f"[dim]{package.name}: {prepared[-1].context.matrix._runs.describe()}[/dim]")
        document = report(prepared, rules, policies, seed=args.seed, scorer=scorer)
        if args.out:
            from ioi_agent.selection.evaluation import evaluate_budgets
            from ioi_agent.selection.report import evaluation_report

            budgets = sorted(
                {k for k in CURVE_BUDGETS if k < rules.max_submissions} | {rules.max_submissions}
            )
            curves = evaluate_budgets(
                prepared, budgets, policies, rules=rules.name, seed=args.seed, scorer=scorer
            )
            paths = evaluation_report(document, curves, args.out)
            err.print("reports: " + ", ".join(str(p) for p in paths.values()))
    finally:
        for p in prepared:
            p.close()
    if args.json:
        sys.stdout.write(document.model_dump_json(indent=2) + "\n")
        return 0
    table = Table(title=f"{rules.name.value} rules, at most {rules.max_submissions} submissions per problem")
    for column in ["problem", "max", "oracle", "random E", *policies]:
        table.add_column(column, justify="left" if column == "problem" else "right")
    for row in document.problems:
        table.add_row(
            row.problem,
            f"{row.max_score:g}",
            f"{row.oracle:g}",
            f"{row.random_expected:.2f}",
            *(f"{row.policies[n].score:g} ({row.policies[n].submissions})" for n in policies),
        )
    total = document.total
    table.add_row(
        "total",
        f"{sum(r.max_score for r in document.problems):g}",
        f"{total.oracle:g}",
        f"{total.random_expected:.2f}",
        *(f"{total.policies[n]:g}" for n in policies),
        style="bold",
    )
    # Wide enough for every column even when stdout is not a terminal (rich would assume 80).
    Console(width=max(100, 24 + 14 * len(policies) + 40)).print(table)
    err.print("[dim]policy cells: final score (submissions used)[/dim]")
    return 0
