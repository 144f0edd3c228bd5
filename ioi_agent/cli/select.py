"""`ioi-agent select`: choose submissions from a pool and submit them to the official grader under the rules.

The grader runs in its own process and is the only one that loads the package's hidden tests; this process
gets the public view (samples only), builds the selection context from it, and lets the policy choose.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from ioi_agent.cli.judge import judge_options
from ioi_agent.selection.model import Feedback, Rules, RulesName

err = Console(stderr=True)
DEFAULT_POLICY = "o1-ioi"
EXHAUSTIVE_HELP = (
    "run every program on every generated input; by default a program failing a subtask's public "
    "examples is not run on its inputs, nor one past 5 timeouts: the same submissions either way, fewer runs"
)
# The keys of selection.policies.POLICIES, listed here so building the parser does not import torch.
POLICY_NAMES = ["random", "public-filter", "alphacode", "codet", "learned", "o1-ioi"]


def selection_options(p: argparse.ArgumentParser) -> None:
    """Options shared by select, evaluate and train-scorer."""
    judge_options(p)
    p.add_argument(
        "--inputs-per-subtask",
        type=int,
        default=256,
        metavar="N",
        help="generated inputs per subtask from the pool's generators (default 256)",
    )
    p.add_argument("--exhaustive", action="store_true", help=EXHAUSTIVE_HELP)


def rules_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rules",
        choices=[r.value for r in RulesName],
        default="ioi",
        help="ioi: 50 submissions, full subtask feedback, one minute apart; codeforces: 10, pretests only",
    )
    p.add_argument(
        "--budget", type=int, metavar="N", help="submission cap (default: the rules' own, 50 or 10)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the policies' random choices (default 0)")
    p.add_argument("--scorer", type=Path, metavar="PT", help="scorer checkpoint (default: the shipped one)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "select",
        help="choose submissions from a pool and submit them to the official grader",
        description="Build the selection context of PROBLEM's public view and POOL (generated inputs, "
        "executions, clusters, features), then let a policy submit to the official grader, which runs in "
        "its own process and alone holds the hidden tests. Prints each submission with its feedback "
        "and the final score.",
    )
    p.add_argument("problem", type=Path, metavar="PROBLEM", help="package folder")
    p.add_argument(
        "--pool",
        required=True,
        metavar="POOL",
        help="pool file, the package's submissions/ folder, or a folder named after the problem holding "
        "<label>/<program> files",
    )
    p.add_argument("--policy", choices=POLICY_NAMES, default=DEFAULT_POLICY, help="default o1-ioi")
    p.add_argument(
        "--log",
        type=Path,
        metavar="JSONL",
        help="the grader's submission log: run again with the same log to continue a contest",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    rules_options(p)
    selection_options(p)
    p.set_defaults(handler=run_select)


def make_rules(name: str, budget: int | None) -> Rules:
    if budget is not None and budget < 1:
        from ioi_agent.errors import IoiAgentError

        raise IoiAgentError(f"--budget {budget}: give at least 1 submission")
    return Rules.ioi(budget) if RulesName(name) == RulesName.IOI else Rules.codeforces(budget)


def load_scorer(path: Path | None):  # -> Scorer | None (typed loosely: importing torch is slow)
    if path is None:
        return None
    from ioi_agent.selection.scorer import Scorer

    return Scorer.load(path)


def describe(feedback: Feedback, points: dict[str, float]) -> str:
    if not feedback.compiled:
        return "compilation failed"
    if feedback.subtask_scores is not None:
        parts = [
            f"{name} {score:g}/{points.get(name, 0):g}" for name, score in feedback.subtask_scores.items()
        ]
        return f"{sum(feedback.subtask_scores.values()):g} ({', '.join(parts)})"
    verdict = feedback.verdict.value if feedback.verdict else "?"
    return f"pretests {'passed' if feedback.pretests_passed else 'failed'} ({verdict})"


def run_select(args: argparse.Namespace) -> int:
    from ioi_agent.selection.context import build_context
    from ioi_agent.selection.evaluation import context_work, pool_for
    from ioi_agent.selection.grader import GraderProcess
    from ioi_agent.selection.policies import make_policy
    from ioi_agent.selection.session import run_submissions

    rules = make_rules(args.rules, args.budget)
    scorer = load_scorer(args.scorer)
    with GraderProcess(
        args.problem,
        rules,
        sandbox=args.sandbox,
        jobs=args.jobs,
        log=args.log,
        time_limit=args.time_limit,
    ) as grader:
        public = grader.public_problem()
        pool = pool_for(public, [args.pool])
        err.print(
            f"[dim]{public.name}: {len(pool.candidates)} candidates; building the selection context[/dim]"
        )
        context = build_context(
            public,
            pool,
            sandbox=args.sandbox,
            jobs=args.jobs,
            inputs_per_subtask=args.inputs_per_subtask,
            work=context_work(public),
            contains=grader.containment(),
            exhaustive=args.exhaustive,
        )
        err.print(f"[dim]{public.name}: {context.matrix._runs.describe()}[/dim]")
        if context.inputs.note:
            err.print(f"[dim]{context.inputs.note}[/dim]")
        policy = make_policy(args.policy, context, rules, seed=args.seed, scorer=scorer)
        labels = {c.id: c.label for c in pool.candidates}
        history = grader.records()
        out = Console()

        def show(f: Feedback) -> None:
            if not args.json:
                label = f" [{labels[f.candidate]}]" if labels.get(f.candidate) else ""
                line = f"#{f.index:<3} t={f.at_s:>6g}s  {f.candidate}{label}: {describe(f, context.points)}"
                out.print(line, markup=False, highlight=False)

        if history and not args.json:
            err.print(f"[dim]continuing from {len(history)} logged submission(s)[/dim]")
            for f in history:
                show(f)
        feedback = run_submissions(policy, grader, rules, history=history, on_feedback=show)
        final = grader.final_score()
    if args.json:
        document = {
            "problem": public.name,
            "rules": rules.name.value,
            "budget": rules.max_submissions,
            "policy": args.policy,
            "submissions": [
                {**f.model_dump(mode="json"), "label": labels.get(f.candidate)} for f in feedback
            ],
            "final_score": final,
            "max_score": public.max_score,
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        out.print(
            f"final score {final:g} / {public.max_score:g} with {len(feedback)} of {rules.max_submissions} "
            f"submissions ({args.policy}, {rules.name.value} rules)"
        )
    return 0
