"""`ioi-agent train-scorer`: train the learned scorer on labelled pools and save a checkpoint.

Each candidate is labelled per subtask with its score fraction on the hidden tests (the official grader's
`hidden_scores`); its features come from the selection context built on the public view, exactly as a
policy will see them.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from rich.console import Console

from ioi_agent.cli.select import selection_options
from ioi_agent.errors import IoiAgentError

err = Console(stderr=True)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train-scorer",
        help="train the learned scorer on labelled pools",
        description="Build the selection context of every pool's problem, label each candidate per subtask "
        "with its hidden score fraction, train the scorer (seeded, reproducible), print validation "
        "metrics and save the checkpoint.",
    )
    labelled_pool_arguments(p)
    p.add_argument("--out", type=Path, required=True, metavar="PT", help="checkpoint to write")
    p.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    p.add_argument("--epochs", type=int, default=200, help="full-batch epochs (default 200)")
    p.add_argument("--hidden", type=int, default=16, help="hidden units; 0 = logistic model (default 16)")
    p.add_argument(
        "--exclude-features",
        default="",
        metavar="NAME,NAME",
        help="features the scorer must not use (e.g. ones that give a labelled pool's labels away)",
    )
    selection_options(p)
    p.set_defaults(handler=run_train)


def _owning_package(path: Path) -> Path | None:
    from ioi_agent.selection.evaluation import is_package

    for folder in [path, *path.resolve().parents]:
        if is_package(folder):
            return folder
    return None


def labelled_pool_arguments(p: argparse.ArgumentParser) -> None:
    """`POOL... [--problems PATH...]`: the labelled pools a command learns from (read by `problems_of`)."""
    p.add_argument(
        "pools",
        nargs="+",
        metavar="POOL",
        help="pool file (its problems found among --problems by name), a package's submissions/ folder, or "
        "a folder named after a --problems package holding <label>/<program> files",
    )
    p.add_argument(
        "--problems",
        type=Path,
        nargs="+",
        action="extend",
        default=[],
        metavar="PATH",
        help="package folders, or folders of packages, where the pools' problems are found",
    )


def problems_of(pools: list[str], problem_paths: list[Path]) -> dict[Path, list[str]]:
    """package folder -> the pools that hold candidates of it."""
    from ioi_agent.generation.pool import RecordKind, iter_records
    from ioi_agent.selection.evaluation import find_packages

    packages = {p.name: p for p in find_packages(problem_paths)} if problem_paths else {}
    out: dict[Path, list[str]] = defaultdict(list)
    for src in pools:
        path = Path(src)
        if path.is_file():
            names = sorted({r.problem for r in iter_records(path) if r.kind == RecordKind.CANDIDATE})
            missing = [n for n in names if n not in packages]
            if missing:
                raise IoiAgentError(
                    f"{src}: its problem(s) {', '.join(missing)} are not among --problems "
                    "(fix: add their package folders to --problems)"
                )
            for name in names:
                out[packages[name]].append(src)
        elif path.is_dir():
            owner = _owning_package(path)
            if owner is None:
                owner = packages.get(path.name)
            if owner is None:
                raise IoiAgentError(
                    f"{src}: not inside a package, and no --problems package is named {path.name} "
                    "(fix: give the package in --problems)"
                )
            out[owner].append(src)
        else:
            raise IoiAgentError(f"{src}: no such pool file or folder")
    return dict(out)


def feature_names(args: argparse.Namespace) -> list[str] | None:
    """FEATURE_NAMES without --exclude-features (None: the scorer's default choice)."""
    from ioi_agent.selection.features import FEATURE_NAMES

    excluded = [n.strip() for n in args.exclude_features.split(",") if n.strip()]
    if not excluded:
        return None
    unknown = [n for n in excluded if n not in FEATURE_NAMES]
    if unknown:
        raise IoiAgentError(
            f"--exclude-features: unknown feature {', '.join(unknown)} (fix: names among {', '.join(FEATURE_NAMES)})"
        )
    return [n for n in FEATURE_NAMES if n not in excluded]


def run_train(args: argparse.Namespace) -> int:
    from ioi_agent.selection.evaluation import labelled_examples, prepare_problem
    from ioi_agent.selection.scorer import train

    examples = []
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
            found = labelled_examples(prepared)
        finally:
            prepared.close()
        err.print(
            f"[dim]{package.name}: {len(prepared.context.pool.candidates)} candidates, {len(found)} examples[/dim]"
        )
        examples.extend(found)
    scorer, metrics = train(
        examples, seed=args.seed, epochs=args.epochs, hidden=args.hidden, feature_names=feature_names(args)
    )
    scorer.save(args.out)
    console = Console()
    for key, value in metrics.model_dump().items():
        console.print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    console.print(f"saved {args.out}")
    return 0
