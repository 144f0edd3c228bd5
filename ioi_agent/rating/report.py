"""The report of `rating estimate`: per contest the model's rating and percentile, with the contest's
rating distribution and the estimate marked."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ioi_agent.rating.estimate import ContestField, EstimateReport
from ioi_agent.reports import Report, Section, Table, rating_distribution, write_report


def estimate_report(report: EstimateReport, fields: Mapping[int, ContestField], out: Path) -> dict[str, Path]:
    rows = [
        [c.contest_id, c.points, c.penalty, c.rank, c.participants, round(c.rating), round(c.percentile, 1)]
        for c in report.contests
    ]
    figures = [
        rating_distribution(
            [float(r) for r in fields[c.contest_id].ratings],
            c.rating,
            None,
            f"Contest {c.contest_id}: rated participants and the model",
            percentile=c.percentile,
        )
        for c in report.contests
    ]
    text = (
        f"Method: {report.method} ({report.description}). Mean {report.mean:.0f}, "
        f"{report.confidence:.0%} bootstrap CI [{report.ci_low:.0f}, {report.ci_high:.0f}] over "
        f"{len(report.contests)} contests ({report.bootstrap} resamples, seed {report.seed})."
    )
    if report.final_rating is not None:
        text += f" Final rating after the contests in order, from 1400: {report.final_rating}."
    section = Section(
        heading="Rating estimate",
        text=text,
        tables=[
            Table(
                columns=["contest", "points", "penalty", "rank", "rated", "rating", "percentile"],
                rows=rows,
            )
        ],
        figures=figures,
    )
    doc = Report(
        title=f"Codeforces rating of {report.model}", subtitle=f"method: {report.method}", sections=[section]
    )
    return write_report(doc, out / "report", data=report)
