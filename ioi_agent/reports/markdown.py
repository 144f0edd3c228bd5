"""The Markdown summary of a report: headings, text, pipe tables and figure captions (the plots themselves
are in the HTML file, whose name the caller may pass as `html_name`)."""

from __future__ import annotations

from ioi_agent.reports.figures import FigureBase
from ioi_agent.reports.model import Report, Table


def _cell(text: str) -> str:
    # A pipe would end the cell, a newline the row; a backslash must not escape what follows it.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _code(text: str) -> str:
    # A backtick inside the command would end a single-backtick span early.
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def markdown_table(table: Table) -> str:
    numeric = table.numeric_columns()
    lines = [
        "| " + " | ".join(_cell(c) for c in table.columns) + " |",
        "|" + "|".join("---:" if num else ":---" for num in numeric) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.formatted_rows()]
    if table.caption:
        lines += ["", f"*{_cell(table.caption)}*"]
    return "\n".join(lines)


def figure_caption(number: int, figure: FigureBase) -> str:
    """'Figure N. Title: caption' — the same words as in the HTML."""
    text = f"Figure {number}. {figure.title}"
    return f"{text}: {figure.caption}" if figure.caption else text


def render_markdown(report: Report, html_name: str | None = None) -> str:
    out = [f"# {report.title}", ""]
    if report.subtitle:
        out += [report.subtitle, ""]
    out += [
        f"- {key}: {_code(value)}" if key == "command" else f"- {key}: {value}"
        for key, value in report.meta_items()
    ]
    out.append("")
    figure_number = 0
    for section in report.sections:
        out += [f"## {section.heading}", ""]
        if section.text:
            out += [section.text.strip(), ""]
        if section.items:
            out += [f"- {item}" for item in section.items]
            out.append("")
        for table in section.tables:
            out += [markdown_table(table), ""]
        for figure in section.figures:
            figure_number += 1
            where = f" (plot in {html_name})" if html_name else ""
            out += [f"*{figure_caption(figure_number, figure)}*{where}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
