"""`ioi-agent problem show PATH`: what a problem package holds, as ioi-agent reads it (any format)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ioi_agent.judge.languages import describe
from ioi_agent.packages import Problem, TaskType, load_problem
from ioi_agent.packages.sources import FORMATS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "problem", help="inspect problem packages (Kattis, CMS/IOI, Polygon) and datasets (hf:...)"
    )
    sub = parser.add_subparsers(dest="problem_command", metavar="ACTION")
    show = sub.add_parser("show", help="print limits, task type, checker, subtasks and labelled submissions")
    show.add_argument(
        "path", metavar="PATH", help="the package's top folder, or hf:OWNER/NAME:SELECTOR naming one problem"
    )
    show.add_argument("--json", action="store_true", help="print the loaded problem model as JSON")
    show.set_defaults(handler=run_show)
    listing = sub.add_parser(
        "list",
        help="list the problems a source holds: a package folder, a folder of packages, or hf:OWNER/NAME[:SELECTOR]",
    )
    listing.add_argument(
        "source",
        metavar="SOURCE",
        help="a Kattis / CMS / Polygon folder, a folder of them, or a dataset (hf:open-r1/ioi:2024, hf:/path/to/copy)",
    )
    listing.add_argument(
        "--format", choices=FORMATS, default=None, help="the source's format (default: detected)"
    )
    listing.add_argument("--json", action="store_true", help="print [{reference, name, title, format, what}]")
    listing.add_argument(
        "--paths",
        action="store_true",
        help="load every problem and print the folder each is read from, one a line (dataset problems are "
        "written out as package folders: give these to commands that take folders, e.g. contest)",
    )
    listing.set_defaults(handler=run_list)
    parser.set_defaults(handler=lambda args: _usage(parser))


def run_list(args: argparse.Namespace) -> int:
    from ioi_agent.packages.sources import list_source, load_all

    if args.paths:
        for problem in load_all(args.source, args.format):
            print(problem.root, flush=True)
        return 0
    entries = list_source(args.source, args.format)
    if args.json:
        print(json.dumps([dataclasses.asdict(e) for e in entries], indent=1), flush=True)
        return 0
    table = Table(
        title=f"{args.source}: {len(entries)} problem{'' if len(entries) == 1 else 's'}", title_justify="left"
    )
    for column in ("reference", "name", "title", "format", "what"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(e.reference, e.name, e.title, e.format, e.what)
    Console().print(table)
    return 0


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_show(args: argparse.Namespace) -> int:
    problem = load_problem(args.path)
    if args.json:
        # print() not rich: the JSON must reach stdout byte for byte, without markup or wrapping.
        try:
            print(problem.model_dump_json(indent=2), flush=True)
        except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    render(problem, Console())
    return 0


def _time_text(problem: Problem) -> str:
    limits = problem.limits
    if limits.time_s is not None:
        return f"{limits.time_s:g} s CPU (from {limits.time_source or 'the package'})"
    if problem.format == "kattis":
        return f"not set: give --time-limit (or accepted submissions, × {limits.time_multiplier:g} as Kattis derives it)"
    return "not set: give --time-limit"


def render(problem: Problem, console: Console) -> None:
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    task = problem.task_type.value
    if problem.task_type == TaskType.COMMUNICATION:
        task += f" ({problem.num_processes} contestant process{'es' if problem.num_processes != 1 else ''})"
        user_io = getattr(problem, "user_io", None)
        if user_io:
            task += f", {user_io}"
    if problem.grader_files:
        task += ", compiled with " + ", ".join(
            f"{lang}: {' '.join(p.name for p in files)}"
            for lang, files in sorted(problem.grader_files.items())
        )
    checker = problem.checker.kind.value
    if problem.checker.sources:
        checker += " (" + " ".join(p.name for p in problem.checker.sources) + ")"
    if getattr(problem, "scored_by_manager", False):
        checker = "none: the manager scores each test"
    n_samples = len(problem.samples)
    rows = [
        ("name", problem.name),
        ("title", problem.title),
        ("format", problem.format),
        ("folder", str(problem.root)),
        ("task type", task),
        ("time limit", _time_text(problem)),
        ("memory limit", f"{problem.limits.memory_mb} MiB"),
        ("output limit", f"{problem.limits.output_mb} MiB"),
        ("checker", checker),
        ("tests", f"{len(problem.tests)} ({n_samples} sample{'' if n_samples == 1 else 's'})"),
        ("max score", f"{problem.max_score:g}" + ("" if problem.scoring else " (pass/fail)")),
    ]
    if problem.manager_sources:
        rows.insert(5, ("manager", " ".join(p.name for p in problem.manager_sources)))
    if problem.statement:
        rows.append(("statement", str(problem.statement.relative_to(problem.root))))
    for key, value in rows:
        info.add_row(key, value)
    console.print(info)

    table = Table(title="Subtasks", title_justify="left")
    table.add_column("subtask")
    table.add_column("points", justify="right")
    table.add_column("tests", justify="right")
    table.add_column("stops at first failure")
    for s in problem.subtasks:
        table.add_row(s.name, f"{s.points:g}", str(len(s.tests)), "yes" if s.stop_on_failure else "no")
    console.print(table)

    if problem.languages:
        console.print("languages allowed: " + " ".join(problem.languages))
    langs = Counter(describe(problem.format, s.language, s.path) for s in problem.submissions)
    if langs:
        table = Table(title="Submission languages (as judged here)", title_justify="left")
        table.add_column("language")
        table.add_column("count", justify="right")
        for name, n in sorted(langs.items()):
            table.add_row(escape(name), str(n))
        console.print(table)

    counts = Counter(s.label for s in problem.submissions)
    if counts:
        subs = Table(title="Labelled submissions", title_justify="left")
        subs.add_column("label")
        subs.add_column("count", justify="right")
        for label, n in sorted(counts.items()):
            subs.add_row(label, str(n))
        console.print(subs)
    else:
        console.print("no labelled submissions")
