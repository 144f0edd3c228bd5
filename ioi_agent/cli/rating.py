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
        help="Codeforces ratings: official rating changes",
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


ACTIONS: list[Callable[[Any], None]] = [add_changes]


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
