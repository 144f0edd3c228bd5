"""`ioi-agent rating ...`: Codeforces rating computations.

`rating` has its own actions; each is added by one `add_*(actions)` function listed in ACTIONS, so a new
action (e.g. `estimate`) is one function plus one list entry.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ioi_agent.rating.codeforces import compute_rating_changes
from ioi_agent.rating.io import RatingChange, load_contestants


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rating",
        help="Codeforces ratings: official rating changes, a model's rating estimate",
        description="Codeforces rating computations.",
    )
    actions = parser.add_subparsers(dest="rating_action", metavar="ACTION")
    for add in ACTIONS:
        add(actions)

    def show_help(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=show_help)


def add_changes(actions: Any) -> None:
    parser = actions.add_parser(
        "changes",
        help="official rating changes of one contest",
        description=(
            "Apply the official Codeforces rating update to one contest. FILE is a contest.ratingChanges or "
            "contest.standings API answer (full or bare result) or carrot round rows "
            "[handle, points, penalty, oldRating, trueDelta]. Tied contestants take the last place of their "
            "tie group; new accounts (old rating 0 or missing) count as 1400. Performance is the rating at "
            "which the change would be zero ('inf' / null for a sole winner)."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="contest data (JSON)")
    parser.add_argument(
        "--ratings",
        type=Path,
        metavar="FILE",
        help="old ratings for standings: {handle: rating} or a contest.ratingChanges answer",
    )
    parser.add_argument(
        "--exact-perf",
        action="store_true",
        help="recompute the whole contest for every performance probe (O(n^2); exact, slower)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=run_changes)


def add_estimate(actions: Any) -> None:
    from ioi_agent.rating.estimate import DEFAULT_BOOTSTRAP, DEFAULT_METHOD, METHODS

    parser = actions.add_parser(
        "estimate",
        help="a model's rating from its simulated contests against real standings",
        description=(
            "Place the model in each contest's real standings by its simulated points and penalty, rate it "
            "by the named method, and report the mean with a bootstrap confidence interval (contests "
            "resampled) and its percentile among the contest's rated participants. RESULTS is the contest "
            "simulation's JSON {model, contests: [{contest_id, points, penalty, problems}]}; DIR holds per "
            "contest the Codeforces API answers contest.standings and contest.ratingChanges (JSON, found "
            "by the contest id inside them). Methods: codeelo (CodeElo's expected-rank equation), "
            "performance (rating at which the official change would be zero), sequential (AlphaCode: "
            "official updates contest by contest from 1400)."
        ),
    )
    parser.add_argument("results", type=Path, metavar="RESULTS", help="the model's results (JSON)")
    parser.add_argument(
        "--standings", type=Path, required=True, metavar="DIR", help="folder of Codeforces API answers"
    )
    parser.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD, help="rating method")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument(
        "--bootstrap",
        type=_positive,
        default=DEFAULT_BOOTSTRAP,
        metavar="N",
        help=f"bootstrap resamples (default {DEFAULT_BOOTSTRAP})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write report.json, report.md and report.html (with each contest's rating distribution)",
    )
    parser.set_defaults(handler=run_estimate)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000000")
    return value


ACTIONS: list[Callable[[Any], None]] = [add_changes, add_estimate]


def run_changes(args: argparse.Namespace) -> int:
    contestants = load_contestants(args.file, args.ratings)
    changes = compute_rating_changes(contestants, exact_performance=args.exact_perf)
    if args.json:
        # One contestant per line: readable and still one JSON document.
        print("[\n" + ",\n".join(json.dumps(_as_json(ch)) for ch in changes) + "\n]")
    else:
        _print_table(args.file, changes)
    return 0


def _as_json(ch: RatingChange) -> dict[str, Any]:
    # performance null = unbounded (a sole winner gains rating at any old rating).
    return {
        "handle": ch.handle,
        "rank": ch.rank,
        "oldRating": ch.old_rating,
        "delta": ch.delta,
        "newRating": ch.new_rating,
        "performance": ch.performance,
    }


def _print_table(path: Path, changes: list[RatingChange]) -> None:
    from rich.console import Console
    from rich.table import Table

    known = [ch for ch in changes if ch.official_delta is not None]
    table = Table(title=f"Official Codeforces rating update: {path.name} ({len(changes)} contestants)")
    table.add_column("Rank", justify="right")
    table.add_column("Handle")
    table.add_column("Old", justify="right")
    table.add_column("Delta", justify="right")
    table.add_column("New", justify="right")
    table.add_column("Perf", justify="right")
    if known:
        table.add_column("Official", justify="right")
    for ch in changes:
        old = f"{ch.old_rating} (new)" if ch.new_account else str(ch.old_rating)
        cells = [str(ch.rank), ch.handle, old, f"{ch.delta:+d}", str(ch.new_rating)]
        cells.append("inf" if ch.performance is None else str(ch.performance))
        if known:
            official = ch.official_delta
            mark = "" if official is None or official == ch.delta else " !"
            cells.append("" if official is None else f"{official:+d}{mark}")
        table.add_row(*cells)
    console = Console()
    console.print(table)
    if known:
        same = sum(ch.delta == ch.official_delta for ch in known)
        console.print(f"matches the published change for {same}/{len(known)} contestants")


def run_estimate(args: argparse.Namespace) -> int:
    from ioi_agent.rating.estimate import estimate, load_fields, load_results

    results = load_results(args.results)
    fields = load_fields(args.standings, [c.contest_id for c in results.contests], args.results)
    report = estimate(results, fields, args.method, seed=args.seed, bootstrap=args.bootstrap)
    if args.out:
        from ioi_agent.rating.report import estimate_report

        paths = estimate_report(report, fields, args.out)
        if not args.json:
            print("reports: " + ", ".join(str(p) for p in paths.values()))
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        _print_estimate(report)
    return 0


def _print_estimate(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    sequential = report.method == "sequential"
    table = Table(
        title=f"{report.model}: Codeforces rating by method '{report.method}'", caption=report.description
    )
    for name in ("Contest", "Points", "Penalty", "Rank", "Rated", "Rating", "Percentile"):
        table.add_column(name, justify="left" if name == "Contest" else "right")
    if sequential:
        for name in ("Before", "Change", "After"):
            table.add_column(name, justify="right")
    for row in report.contests:
        rating = f"{row.rating:.0f}" + (" (bound)" if row.capped else "")
        cells = [
            str(row.contest_id),
            f"{row.points:g}",
            str(row.penalty),
            str(row.rank),
            str(row.participants),
            rating,
            f"{row.percentile:.1f}%",
        ]
        if sequential:
            cells += [str(row.rating_before), f"{row.delta:+d}", str(row.rating_after)]
        table.add_row(*cells)
    console = Console()
    if not console.is_terminal:  # a pipe gets 80 columns, too few for the sequential table
        console = Console(width=max(console.width, 120))
    console.print(table)
    what = "mean performance" if sequential else "mean rating"
    console.print(
        f"{what} {report.mean:.0f}, {report.confidence:.0%} CI [{report.ci_low:.0f}, {report.ci_high:.0f}] "
        f"(bootstrap over {len(report.contests)} contests, {report.bootstrap} resamples, seed {report.seed})"
    )
    if sequential:
        console.print(f"final rating after {len(report.contests)} contests from 1400: {report.final_rating}")
