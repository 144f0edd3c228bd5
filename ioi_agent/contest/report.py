"""Contest reports: the result document as JSON, a Markdown summary and an HTML page with plots, plus the
terminal summary."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

from ioi_agent.contest.codeforces import CodeforcesContestResult
from ioi_agent.contest.ioi import IoiContestResult
from ioi_agent.reports import (
    VERDICT_ORDER,
    Report,
    Section,
    Table,
    score_vs_submissions,
    subtask_heatmap,
    verdict_distribution,
    write_report,
)


def _verdicts(verdicts: list[str | None]) -> dict[str, int]:
    counts = Counter(v for v in verdicts if v)
    return {v: counts.get(v, 0) for v in VERDICT_ORDER}


def ioi_report(result: IoiContestResult, out: Path) -> dict[str, Path]:
    tasks = result.tasks
    rows = [
        [t.task, t.score, t.max_score, t.random_expected, t.oracle, len(t.submissions), t.candidates]
        for t in tasks
    ]
    rows.append(
        [
            "total",
            result.score,
            result.max_score,
            result.random_expected,
            result.oracle,
            sum(len(t.submissions) for t in tasks),
            sum(t.candidates for t in tasks),
        ]
    )
    budget = result.settings.budget
    longest = max([len(t.submissions) for t in tasks] + [1])
    policy_curve = [
        (
            n,
            sum(
                t.submissions[min(n, len(t.submissions)) - 1].task_score_after if t.submissions and n else 0.0
                for t in tasks
            ),
        )
        for n in range(0, longest + 1)
    ]
    random_curve = [(0, 0.0)] + [
        (k, sum(t.random_curve[min(k, len(t.random_curve)) - 1] if t.random_curve else 0.0 for t in tasks))
        for k in range(1, budget + 1)
    ]
    cutoffs = result.cutoffs
    score_plot = score_vs_submissions(
        {result.settings.policy: policy_curve, "random (expected)": random_curve},
        result.max_score,
        "Contest score against submissions per task",
        lines={
            "oracle": result.oracle,
            "gold": cutoffs.gold,
            "silver": cutoffs.silver,
            "bronze": cutoffs.bronze,
        },
        caption="Total over tasks after the first n submissions of each task.",
    )
    width = max(len(t.points) for t in tasks)
    heat = subtask_heatmap(
        [t.task for t in tasks],
        [f"subtask {i + 1}" for i in range(width)],
        [
            [t.subtask_best[name] / pts if pts else None for name, pts in t.points.items()]
            + [None] * (width - len(t.points))
            for t in tasks
        ],
        "Best score per subtask",
    )
    verdicts = verdict_distribution(
        _verdicts([s.verdict for t in tasks for s in t.submissions]), "Verdicts of the submissions"
    )
    medal = result.medal or "no medal"
    text = (
        f"{result.score:g} of {result.max_score:g} points: {medal} (cutoffs {cutoffs.source}: gold "
        f"{cutoffs.gold:g}, silver {cutoffs.silver:g}, bronze {cutoffs.bronze:g}). Random selection would "
        f"expect {result.random_expected:.2f} ({result.medal_random or 'no medal'}); the pool allows "
        f"{result.oracle:g} ({result.medal_oracle or 'no medal'}) within {budget} submissions per task."
    )
    sections = [
        Section(
            heading="Result",
            text=text,
            items=[f"source: {result.source}", f"policy: {result.settings.policy}"]
            + [f"{t.task}: {t.inputs_note}" for t in tasks if t.inputs_note],
            tables=[
                Table(
                    columns=[
                        "task",
                        "score",
                        "max",
                        "random expected",
                        "oracle",
                        "submissions",
                        "candidates",
                    ],
                    rows=rows,
                )
            ],
            figures=[score_plot, heat, verdicts],
        ),
        Section(
            heading="Submissions",
            tables=[
                Table(
                    columns=[
                        "task",
                        "#",
                        "candidate",
                        "label",
                        "minute",
                        "verdict",
                        "subtask scores",
                        "task score",
                    ],
                    rows=[
                        [
                            t.task,
                            s.index,
                            s.candidate,
                            s.label,
                            round(s.at_s / 60, 1),
                            s.verdict,
                            " ".join(f"{v:g}" for v in (s.subtask_scores or {}).values()) or "CE",
                            s.task_score_after,
                        ]
                        for t in tasks
                        for s in t.submissions
                    ],
                )
            ],
        ),
    ]
    report = Report(title="IOI contest simulation", subtitle=f"{len(tasks)} tasks", sections=sections)
    return write_report(report, out / "report", data=result)


def codeforces_report(result: CodeforcesContestResult, out: Path) -> dict[str, Path]:
    outcomes = {p.index: p for p in result.outcome.problems}
    rows = [
        [
            p.index,
            p.task,
            p.value,
            len(p.submissions),
            outcomes[p.index].solved,
            outcomes[p.index].minute,
            outcomes[p.index].points,
            p.random_solve_probability,
            p.oracle_solvable,
        ]
        for p in result.problems
    ]
    s = result.settings
    text = (
        f"{result.outcome.solved} solved, {result.outcome.points:g} points, penalty {result.outcome.penalty} "
        f"(scoring {s.scoring}; {s.minutes_per_submission:g} contest minutes per submission, "
        f"{s.duration:g}-minute round). Random selection would expect {result.random_expected_solved:.2f} "
        f"solved; the pool allows {result.oracle_solved}."
    )
    verdicts = verdict_distribution(
        _verdicts([sub.verdict for p in result.problems for sub in p.submissions]), "Pretest verdicts"
    )
    sections = [
        Section(
            heading="Result",
            text=text,
            items=[f"source: {result.source}", f"policy: {s.policy}"],
            tables=[
                Table(
                    columns=[
                        "problem",
                        "task",
                        "value",
                        "submissions",
                        "solved",
                        "minute",
                        "points",
                        "random P(solve)",
                        "oracle",
                    ],
                    rows=rows,
                )
            ],
            figures=[verdicts],
        ),
        Section(
            heading="Submissions",
            tables=[
                Table(
                    columns=["problem", "#", "candidate", "label", "minute", "verdict", "pretests", "system"],
                    rows=[
                        [
                            p.index,
                            x.index,
                            x.candidate,
                            x.label,
                            x.minute,
                            x.verdict,
                            x.pretests_passed,
                            x.accepted_system,
                        ]
                        for p in result.problems
                        for x in p.submissions
                    ],
                )
            ],
        ),
    ]
    report = Report(
        title="Codeforces contest simulation", subtitle=f"{len(result.problems)} problems", sections=sections
    )
    return write_report(report, out / "report", data=result)


def print_ioi_summary(result: IoiContestResult) -> None:
    table = RichTable(
        title=f"IOI contest ({result.settings.policy}, {result.settings.budget} submissions/task)"
    )
    for col in ("task", "score", "max", "random exp.", "oracle", "submissions"):
        table.add_column(col, justify="left" if col == "task" else "right")
    for t in result.tasks:
        table.add_row(
            t.task,
            f"{t.score:g}",
            f"{t.max_score:g}",
            f"{t.random_expected:.2f}",
            f"{t.oracle:g}",
            str(len(t.submissions)),
        )
    table.add_row(
        "total",
        f"{result.score:g}",
        f"{result.max_score:g}",
        f"{result.random_expected:.2f}",
        f"{result.oracle:g}",
        str(sum(len(t.submissions) for t in result.tasks)),
    )
    console = Console()
    console.print(table)
    console.print(
        f"medal: {result.medal or 'none'} (random: {result.medal_random or 'none'}, "
        f"oracle: {result.medal_oracle or 'none'}; cutoffs {result.cutoffs.source})"
    )


def print_codeforces_summary(result: CodeforcesContestResult) -> None:
    table = RichTable(
        title=f"Codeforces contest ({result.settings.scoring} scoring, {result.settings.policy})"
    )
    for col in ("problem", "task", "submissions", "solved", "minute", "points"):
        table.add_column(col)
    outcomes = {p.index: p for p in result.outcome.problems}
    for p in result.problems:
        o = outcomes[p.index]
        table.add_row(
            p.index,
            p.task,
            str(len(p.submissions)),
            "yes" if o.solved else "no",
            "" if o.minute is None else str(o.minute),
            f"{o.points:g}",
        )
    console = Console()
    console.print(table)
    console.print(
        f"total: {result.outcome.points:g} points, {result.outcome.solved} solved, penalty "
        f"{result.outcome.penalty}; random expects {result.random_expected_solved:.2f} solved, "
        f"oracle {result.oracle_solved}"
    )
