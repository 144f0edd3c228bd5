"""The report of `ioi-agent evaluate`: the evaluation table, the selection gain of each policy, and each
policy's total score against the number of submissions allowed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ioi_agent.reports import Report, Section, Table, score_vs_submissions, subtask_heatmap, write_report
from ioi_agent.selection.evaluation import EvaluationReport, selection_gain


def evaluation_report(
    document: EvaluationReport, by_budget: Mapping[int, EvaluationReport], out: Path
) -> dict[str, Path]:
    policies = list(document.total.policies)
    rows = [
        [p.problem, p.max_score, p.oracle, p.random_expected, *(p.policies[n].score for n in policies)]
        for p in document.problems
    ]
    total = document.total
    rows.append(
        [
            "total",
            sum(p.max_score for p in document.problems),
            total.oracle,
            total.random_expected,
            *(total.policies[n] for n in policies),
        ]
    )
    gains = [
        [p.problem, *(selection_gain(p.policies[n].score, p.random_expected, p.oracle) for n in policies)]
        for p in document.problems
    ]
    budgets = sorted(by_budget)
    curves = {name: [(float(k), by_budget[k].total.policies[name]) for k in budgets] for name in policies}
    curves["random (expected)"] = [(float(k), by_budget[k].total.random_expected) for k in budgets]
    curves["oracle"] = [(float(k), by_budget[k].total.oracle) for k in budgets]
    plot = score_vs_submissions(
        curves,
        sum(p.max_score for p in document.problems),
        "Total score against submissions allowed per problem",
        caption=f"Budgets {', '.join(str(k) for k in budgets)}; each point is a separate run at that budget.",
    )
    heat = subtask_heatmap(
        [p.problem for p in document.problems],
        policies,
        [
            [p.policies[n].score / p.max_score if p.max_score else None for n in policies]
            for p in document.problems
        ],
        "Share of each problem's points per policy",
        colorbar_label="fraction of the problem's points",
    )
    section = Section(
        heading=f"{document.rules} rules, at most {document.budget} submissions per problem",
        text="Random E is the exact expected score of random selection; the oracle is the best score the "
        "pool allows within the budget. Gain = (policy - random E) / (oracle - random E); empty when the "
        "oracle equals random E.",
        tables=[
            Table(columns=["problem", "max", "oracle", "random E", *policies], rows=rows),
            Table(
                columns=["problem", *(f"gain {n}" for n in policies)], rows=gains, caption="selection gain"
            ),
        ],
        figures=[plot, heat],
    )
    report = Report(title="Selection policies against the official grader", sections=[section])
    return write_report(report, out / "report", data=document)
