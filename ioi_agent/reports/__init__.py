"""Reports: every command writes its result as JSON, a Markdown summary and a self-contained HTML page
with plots.

    from ioi_agent.reports import Report, Section, Table, write_report, score_vs_submissions
    report = Report(title="IOI 2024 simulation", command="ioi-agent contest ...", sections=[
        Section(heading="Scores", tables=[Table(columns=["task", "score"], rows=[["nile", 100.0]])],
                figures=[score_vs_submissions({"o1-ioi": [(1, 30.0), (7, 100.0)]}, 600, "Score")]),
    ])
    paths = write_report(report, "out/contest", data=result)  # out/contest.{json,md,html}

Modules: model.py (Report, Section, Table, ReportDocument), figures.py (plot specs and their builders),
plots.py (drawing with matplotlib, deterministic, no pyplot), markdown.py, html.py, writer.py
(write_report/read_report), browser.py (headless Chromium check of an HTML file, for tests and CI).
"""

from ioi_agent.reports.figures import (
    VERDICT_ORDER,
    FigureSpec,
    RatingDistributionPlot,
    ReferenceLine,
    ScoreVsSubmissionsPlot,
    SubtaskHeatmapPlot,
    VerdictDistributionPlot,
    rating_distribution,
    score_vs_submissions,
    subtask_heatmap,
    verdict_distribution,
)
from ioi_agent.reports.html import render_html
from ioi_agent.reports.markdown import render_markdown
from ioi_agent.reports.model import Report, ReportDocument, Section, Table
from ioi_agent.reports.writer import read_report, report_paths, write_report

__all__ = [
    "VERDICT_ORDER",
    "FigureSpec",
    "RatingDistributionPlot",
    "ReferenceLine",
    "Report",
    "ReportDocument",
    "ScoreVsSubmissionsPlot",
    "Section",
    "SubtaskHeatmapPlot",
    "Table",
    "VerdictDistributionPlot",
    "rating_distribution",
    "read_report",
    "render_html",
    "render_markdown",
    "report_paths",
    "score_vs_submissions",
    "subtask_heatmap",
    "verdict_distribution",
    "write_report",
]
