"""`ioi-agent score PROBLEMS_DIR --pool POOL`: batch scoring of a problem set (pass@k, n@k, IOI points)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table as RichTable

from ioi_agent.batch.scoring import BatchScoreResult, ProblemScore, score_batch
from ioi_agent.cli.judge import judge_options
from ioi_agent.errors import IoiAgentError
from ioi_agent.reports import Report, Section, Table, write_report
from ioi_agent.reports.figures import score_vs_submissions, subtask_heatmap, verdict_distribution
from ioi_agent.scoring.passk import pass_at_k

err = Console(stderr=True)
RATE_COLUMNS = ["pass@1", "pass@10", "pass@100", "1@k", "10@k"]
HEATMAP_ROWS = 60  # a heatmap taller than this is unreadable; the tables hold every problem


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="judge every candidate of a pool on a folder of problems: pass@k, n@k, IOI points",
        description="Judge every candidate of POOL on the full tests of every package under PROBLEMS_DIR "
        "(Kattis or CMS, found recursively; a pool record's problem is its package's folder name) and "
        "report per problem and in total: candidates, compiled, public-example passes, fully solved, "
        "pass@1/10/100, n@k (1@k, 10@k; k = candidates; public filter, bootstrap) and IOI points "
        "(all candidates together, best single, mean). Resumable: finished tests are kept in the "
        "judge's store, so a run started again re-judges nothing it had finished.",
    )
    p.add_argument("problems_dir", type=Path, metavar="PROBLEMS_DIR", help="folder holding package folders")
    p.add_argument(
        "--pool",
        required=True,
        metavar="POOL",
        help="a pool .jsonl file (from `ioi-agent generate`), or the word submissions for each "
        "package's own submissions/ programs",
    )
    judge_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="also write report.json, report.md and report.html there"
    )
    p.add_argument("--resamples", type=int, default=1000, metavar="R", help="bootstrap rounds for n@k")
    p.add_argument("--seed", type=int, default=0, help="seed of the n@k bootstrap")
    p.set_defaults(handler=run_score)


def _command_line(args: argparse.Namespace) -> str:
    parts = ["ioi-agent", "score", str(args.problems_dir), "--pool", args.pool, "--sandbox", args.sandbox]
    if args.jobs is not None:
        parts += ["--jobs", str(args.jobs)]
    if args.time_limit is not None:
        parts += ["--time-limit", f"{args.time_limit:g}"]
    return " ".join(parts)


def run_score(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise IoiAgentError(f"--jobs {args.jobs}: must be at least 1 (fix: e.g. --jobs 2)")
    if args.resamples < 1:
        raise IoiAgentError(f"--resamples {args.resamples}: must be at least 1 (fix: e.g. --resamples 1000)")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise IoiAgentError(f"{args.out}: is a file, not a folder (fix: give --out a folder)")
    result = score_batch(
        args.problems_dir,
        args.pool,
        sandbox=args.sandbox,
        jobs=args.jobs,
        time_limit=args.time_limit,
        resamples=args.resamples,
        seed=args.seed,
    )
    if result.sandbox:
        err.print(f"[dim]{result.sandbox}; results stored in {result.store}[/dim]")
    if args.out is not None:
        paths = write_outputs(result, args.out, command=_command_line(args))
        err.print(f"[dim]report: {paths['html']} (and .md, .json)[/dim]")
    if args.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        console = Console()
        for table in score_tables(result):
            console.print(table)
    for p in result.problems:
        if p.error:
            err.print(f"[red]{p.problem}: not scored: {p.error}[/red]", highlight=False)
        elif p.judge_errors:
            err.print(
                f"[yellow]{p.problem}: {p.judge_errors} test(s) ended in a judge error (JE); "
                "run again to retry them[/yellow]"
            )
    if result.ignored_pool_problems:
        names = ", ".join(result.ignored_pool_problems[:8])
        err.print(
            f"[dim]pool records of problems not under {result.problems_dir} were ignored: {names}[/dim]"
        )
    return 1 if result.totals.problems_failed else 0


def write_outputs(result: BatchScoreResult, out: Path, command: str | None = None) -> dict[str, Path]:
    """<out>/report.json (the report and, under `data`, the same document as --json), report.md, report.html."""
    out.mkdir(parents=True, exist_ok=True)
    return write_report(score_report(result, command), out, data=result)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 6)


def _pass_at_k_curve(result: BatchScoreResult) -> list[tuple[float, float]]:
    """Mean pass@k over the scored problems, for k up to the smallest pool (so every problem counts)."""
    scored = [p for p in result.problems if p.error is None and p.candidates > 0]
    if not scored:
        return []
    smallest = min(p.candidates for p in scored)
    # Every k while the steps are readable, then a log-like grid.
    grid = {*range(1, 21), 50, 100, 200, 500, 1000, 2000, 5000}
    ks = sorted({k for k in grid if k <= smallest} | {smallest})
    return [
        (float(k), 100.0 * sum(pass_at_k(p.candidates, p.solved, k) for p in scored) / len(scored))
        for k in ks
    ]


def score_report(result: BatchScoreResult, command: str | None = None) -> Report:
    t = result.totals
    scored = [p for p in result.problems if p.error is None]
    rates = Table(
        columns=["problem", "candidates", "compiled", "public ok", "solved", *RATE_COLUMNS],
        caption="rates in %; solved: candidates with full points; pass@k for k <= candidates; n@k: n "
        "submissions chosen from k = all candidates (public-example filter, then random), bootstrap",
        digits=1,
    )
    points = Table(
        columns=["problem", "pool", "best", "mean", "max"],
        caption="pool: all candidates together (IOI task score, best score per subtask); best: best single "
        "candidate; mean: mean candidate (no program or not compiled = 0)",
        digits=1,
    )
    for p in result.problems:
        if p.error:
            rates.rows.append([p.problem, None, None, None, None, *[None] * len(RATE_COLUMNS)])
            points.rows.append([p.problem, None, None, None, p.max_score or None])
            continue
        n_at = {key: est.mean for key, est in p.n_at_k.items()}
        rates.rows.append(
            [
                p.problem,
                p.candidates,
                p.compiled,
                p.public_passed,
                p.solved,
                *(_pct(p.pass_at_k.get(f"pass@{k}")) for k in (1, 10, 100)),
                _pct(n_at.get("1@k")),
                _pct(n_at.get("10@k")),
            ]
        )
        points.rows.append([p.problem, p.points_pool, p.points_best, p.points_mean, p.max_score])
    rates.rows.append(
        [
            "total",
            t.candidates,
            t.compiled,
            t.public_passed,
            t.solved_candidates,
            *(_pct(t.pass_at_k.get(f"pass@{k}")) for k in (1, 10, 100)),
            _pct(t.n_at_k.get("1@k")),
            _pct(t.n_at_k.get("10@k")),
        ]
    )
    points.rows.append(["total", t.points_pool, t.points_best, t.points_mean, t.max_score])
    rate_figures = []
    curve = _pass_at_k_curve(result)
    if curve:
        rate_figures.append(
            score_vs_submissions(
                {"pass@k (mean over problems)": curve},
                100.0,
                "Problems solved against samples",
                xlabel="samples k",
                ylabel="problems solved (%)",
                caption="pass@k averaged over the scored problems, k up to the smallest pool",
            )
        )
    point_figures = []
    heat = [p for p in scored if p.subtask_points and p.candidates][:HEATMAP_ROWS]
    if heat:
        width = max(len(p.subtask_points) for p in heat)
        values: list[list[float | None]] = []
        for p in heat:
            row: list[float | None] = [
                (p.subtask_best[name] / pts if pts > 0 else None) for name, pts in p.subtask_points.items()
            ]
            values.append([min(1.0, max(0.0, v)) if v is not None else None for v in row])
            values[-1] += [None] * (width - len(row))
        more = len([p for p in scored if p.subtask_points and p.candidates]) - len(heat)
        point_figures.append(
            subtask_heatmap(
                [p.problem for p in heat],
                [f"subtask {i + 1}" for i in range(width)],
                values,
                "Best score per subtask over the pool",
                caption="share of each subtask's points that the best candidate on it got"
                + (f"; {more} more problems are in the tables" if more > 0 else ""),
            )
        )
    counts: dict[str, int] = {}
    for p in scored:
        for d in p.details:
            if d.verdict is not None:
                counts[d.verdict.value] = counts.get(d.verdict.value, 0) + 1
    verdict_figures = (
        [
            verdict_distribution(
                counts,
                "Verdicts of the candidates",
                caption="each judged candidate's overall verdict on the hidden tests "
                "(candidates without a program are not counted)",
            )
        ]
        if counts
        else []
    )
    notes = [f"{p.problem}: not scored: {p.error}" for p in result.problems if p.error]
    notes += [f"{p.problem}: {p.note}" for p in result.problems if p.note]
    notes += [f"{p.problem}: {p.judge_errors} judge error(s)" for p in result.problems if p.judge_errors]
    summary = (
        f"{t.problems_solved} of {t.problems} problems solved by the pool; {t.points_pool:g} of "
        f"{t.max_score:g} IOI points with every candidate submitted, {t.points_best:g} with the best "
        f"single candidate of each problem. {t.candidates} candidates, {t.compiled} compiled, "
        f"{t.public_passed} passed the public examples, {t.solved_candidates} got full points."
    )
    return Report(
        title=f"Batch scoring of {result.problems_dir}",
        subtitle=f"pool: {result.pool}",
        command=command,
        metadata={
            "pool": result.pool,
            "sandbox": result.sandbox.removeprefix("sandbox: ") or "-",
            "jobs": str(result.jobs),
            "n@k bootstrap": f"{result.resamples} resamples, seed {result.seed}",
            "tests": f"{t.tests_run} judged, {t.tests_cached} reused",
            "elapsed": f"{result.elapsed_s:.1f} s",
        },
        sections=[
            Section(heading="Summary", text=summary, items=notes),
            Section(heading="Solve rates", tables=[rates], figures=rate_figures),
            Section(heading="IOI points", tables=[points], figures=point_figures),
            Section(heading="Verdicts", figures=verdict_figures),
        ],
    )


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _rates(p: ProblemScore) -> list[str]:
    if p.error:
        return [p.problem, "[red]error[/red]", *[""] * 8]
    n_at = {key: est.mean for key, est in p.n_at_k.items()}
    return [
        p.problem,
        str(p.candidates),
        str(p.compiled),
        str(p.public_passed),
        str(p.solved),
        *(_rate(p.pass_at_k.get(f"pass@{k}")) for k in (1, 10, 100)),
        _rate(n_at.get("1@k")),
        _rate(n_at.get("10@k")),
    ]


def _points(p: ProblemScore) -> list[str]:
    if p.error:
        return [p.problem, "[red]error[/red]", "", "", ""]
    return [p.problem, f"{p.points_pool:g}", f"{p.points_best:g}", f"{p.points_mean:.1f}", f"{p.max_score:g}"]


def score_tables(result: BatchScoreResult) -> tuple[RichTable, RichTable]:
    """Solve rates and IOI points, per problem and in total (two tables, so each fits 80 columns)."""
    t = result.totals
    rates = RichTable(
        title=f"{result.problems_dir}: {t.problems_solved}/{t.problems} problems solved by the pool",
        caption="rates in %; solved: full points; p@k: pass@k (k <= candidates); n@k: n submissions "
        "from k = all candidates, public-example filter, bootstrap",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for col in ("problem", "cand", "compiled", "public", "solved", "p@1", "p@10", "p@100", "1@k", "10@k"):
        rates.add_column(col, justify="left" if col == "problem" else "right", no_wrap=True)
    points = RichTable(
        title=f"IOI points: {t.points_pool:g} / {t.max_score:g}",
        caption="pool: all candidates together (best score per subtask); best: best single candidate; "
        "mean: mean candidate",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for col in ("problem", "pool", "best", "mean", "max"):
        points.add_column(col, justify="left" if col == "problem" else "right", no_wrap=True)
    for p in result.problems:
        rates.add_row(*_rates(p))
        points.add_row(*_points(p))
    rates.add_section()
    points.add_section()
    rates.add_row(
        "[bold]total[/bold]",
        str(t.candidates),
        str(t.compiled),
        str(t.public_passed),
        str(t.solved_candidates),
        *(_rate(t.pass_at_k.get(f"pass@{k}")) for k in (1, 10, 100)),
        _rate(t.n_at_k.get("1@k")),
        _rate(t.n_at_k.get("10@k")),
    )
    points.add_row(
        "[bold]total[/bold]",
        f"{t.points_pool:g}",
        f"{t.points_best:g}",
        f"{t.points_mean:.1f}",
        f"{t.max_score:g}",
    )
    return rates, points
