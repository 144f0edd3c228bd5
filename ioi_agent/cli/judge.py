"""`ioi-agent judge` and `ioi-agent verify`: judge programs against a problem package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ioi_agent.cluster.connect import CLUSTER_HELP
from ioi_agent.judge.labels import promise_label, submission_promise, submission_satisfied
from ioi_agent.judge.results import JudgeReport, SubmissionResult
from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem

err = Console(stderr=True)


def cluster_option(p: argparse.ArgumentParser) -> None:
    """--cluster: every command that judges takes it; `cli.main` makes it the process's cluster."""
    p.add_argument("--cluster", metavar="ADDRESS", help=CLUSTER_HELP)
    p.set_defaults(cluster_judging=True)


def judge_options(p: argparse.ArgumentParser) -> None:
    """--sandbox, --time-limit, --jobs and --cluster: every command that judges programs takes them."""
    p.add_argument(
        "--sandbox",
        choices=["auto", "docker", "bwrap"],
        default="auto",
        help="where programs run: auto prefers Docker (image ioi-agent-sandbox) and falls back to bubblewrap",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="CPU seconds per test for packages that give no limit and have no accepted submissions",
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="parallel workers, one box each (default: one per core; with --cluster: one per node CPU)",
    )
    cluster_option(p)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "judge",
        help="judge source files against a problem package",
        description="Compile each SOURCE once, run it on every test with early stop per subtask, "
        "and print verdict, score, subtasks, time and memory. Exit 0 whenever judging worked.",
    )
    p.add_argument(
        "problem",
        type=Path,
        metavar="PROBLEM",
        help="package folder (Kattis problem.yaml or CMS problem.json)",
    )
    p.add_argument(
        "sources", type=Path, nargs="+", metavar="SOURCE", help=".cpp (C++17) or .py (Python 3) files"
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    judge_options(p)
    p.set_defaults(handler=run_judge)

    v = sub.add_parser(
        "verify",
        help="judge each package's labelled submissions and check their folders' promises",
        description="For every labelled program (Kattis submissions/<label>/ and, in the 2023-07 format, "
        "submissions.yaml; Polygon solution tags; CMS solutions/<label>/), check the judge's result keeps "
        "the label's promise (README: labels and their verdict sets). Exit 1 if any does not.",
    )
    v.add_argument("problems", type=Path, nargs="+", metavar="PROBLEM")
    v.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    judge_options(v)
    v.set_defaults(handler=run_verify)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def judge_with_progress(judge: Judge, sources: list[Path], title: str) -> JudgeReport:
    with _progress() as progress:
        task = progress.add_task(title, total=judge.tests_to_run(len(sources)))
        return judge.judge(sources, progress=lambda n: progress.advance(task, n))


def run_judge(args: argparse.Namespace) -> int:
    problem = load_problem(args.problem)
    with Judge(problem, sandbox=args.sandbox, jobs=args.jobs, time_limit=args.time_limit) as judge:
        err.print(
            f"[dim]{judge.sandbox_message}; time limit {judge.time_limit:g} s ({problem.limits.time_source})[/dim]"
        )
        report = judge_with_progress(judge, list(args.sources), f"judging {problem.name}")
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        Console().print(report_table(report))
    return 0


def report_table(
    report: JudgeReport, labels: dict[str, str] | None = None, oks: dict[str, bool | None] | None = None
) -> Table:
    """The report as a table; with `labels` (source -> label) and `oks` (source -> promise kept) the
    label and ok columns too."""
    table = Table(title=f"{report.problem}: task score {report.task_score:g} / {report.max_score:g}")
    table.add_column("source")
    if labels is not None:
        table.add_column("label")
    for col in ("verdict", "score", "subtasks", "time s", "mem MB"):
        table.add_column(col, justify="right" if col in ("score", "time s", "mem MB") else "left")
    if labels is not None:
        table.add_column("ok")
    for sub in report.submissions:
        colour = "green" if sub.verdict == "AC" else "red"
        subtasks = " ".join(f"{s.score:g}/{s.points:g}" for s in sub.subtasks)
        row = [Path(sub.source).name]
        if labels is not None:
            row.append(labels.get(sub.source, ""))
        verdict = f"[{colour}]{sub.verdict}[/{colour}]"
        if sub.compile.not_judged:  # never silently: the reason stands where the verdict would
            verdict = f"[yellow]{escape(sub.compile.not_judged)}[/yellow]"
        row += [
            verdict,
            f"{sub.score:g}",
            subtasks,
            f"{sub.max_time_s:.3f}",
            f"{sub.max_memory_mb:.1f}",
        ]
        if labels is not None:
            ok = (oks or {}).get(sub.source)
            mark = {True: "[green]yes[/green]", False: "[red]NO[/red]", None: "-"}[ok]
            row.append("[yellow]not judged[/yellow]" if sub.compile.not_judged else mark)
        table.add_row(*row)
    return table


def run_verify(args: argparse.Namespace) -> int:
    failures = 0
    not_judged: list[SubmissionResult] = []
    documents = []
    console = Console()
    for path in args.problems:
        problem = load_problem(path)
        subs = [s for s in problem.submissions if submission_promise(s, problem.format)]
        if not subs:
            err.print(f"[yellow]{problem.name}: no labelled submissions[/yellow]")
            continue
        with Judge(problem, sandbox=args.sandbox, jobs=args.jobs, time_limit=args.time_limit) as judge:
            err.print(
                f"[dim]{problem.name}: {judge.sandbox_message}; time limit {judge.time_limit:g} s[/dim]"
            )
            report = judge_with_progress(judge, [s.path for s in subs], f"verifying {problem.name}")
        labels = {str(s.path): promise_label(s) for s in subs}
        not_judged.extend(r for r in report.submissions if r.compile.not_judged)
        by_source = {str(s.path): s for s in subs}
        oks = {
            r.source: None
            if r.compile.not_judged
            else submission_satisfied(by_source[r.source], r, problem, report.max_score)
            for r in report.submissions
        }
        bad = [source for source, ok in oks.items() if ok is False]
        failures += len(bad)
        if args.json:
            documents.append(
                {
                    "problem": problem.name,
                    "ok": not bad,
                    "report": report.model_dump(),
                    "labels": labels,
                    "promises": {str(s.path): submission_promise(s, problem.format) for s in subs},
                }
            )
        else:
            console.print(report_table(report, labels, oks))
    for r in not_judged:  # stderr: the JSON on stdout keeps them too (compile.not_judged)
        err.print(f"[yellow]{r.source}: {escape(r.compile.not_judged)}[/yellow]")
    if args.json:
        import json

        sys.stdout.write(json.dumps(documents, indent=2) + "\n")
    elif failures:
        err.print(f"[red]{failures} labelled submission(s) did not get what their folder says[/red]")
    else:
        err.print("[green]every labelled submission got what its folder says[/green]")
    return 1 if failures else 0
