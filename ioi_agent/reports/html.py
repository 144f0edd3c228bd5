"""The HTML report: one self-contained file. CSS is inline, each plot is an <img> with a base64 data URI
(SVG by default, PNG on request), there is no script, and a Content-Security-Policy forbids loading anything
that is not in the file, so the page looks the same offline, attached to an issue, or years later.

Why <img> data URIs rather than inline <svg>: each plot stays its own document, so the element ids
matplotlib writes cannot collide between plots.
"""

from __future__ import annotations

import base64
import re
import struct
from html import escape
from typing import Literal

from ioi_agent.reports.figures import FigureBase
from ioi_agent.reports.markdown import figure_caption
from ioi_agent.reports.model import Report, Table

FigureFormat = Literal["svg", "png"]

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --band: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
       font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.8em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.subtitle { color: var(--muted); margin: 0 0 12px; font-size: 1.1em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0 16px;
          font-size: 0.9em; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em;
       background: var(--band); padding: 1px 4px; border-radius: 4px; }
nav { font-size: 0.9em; margin: 0 0 16px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.table-wrap { overflow-x: auto; margin: 12px 0 20px; }
table { border-collapse: collapse; font-size: 0.92em; }
caption { caption-side: bottom; text-align: left; color: var(--muted); padding-top: 6px; font-style: italic; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 16px 0 28px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 0.9em; margin-top: 6px; }
footer { color: var(--muted); font-size: 0.85em; padding-top: 16px; padding-bottom: 32px; }
"""


def _image_size(data: bytes, fmt: FigureFormat) -> tuple[int, int] | None:
    """CSS pixel size of a rendered plot, so the browser can lay the page out before decoding it."""
    if fmt == "png":
        if data[:8] != b"\x89PNG\r\n\x1a\n":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    match = re.search(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', data[:2000])
    if not match:
        return None
    return round(float(match[1]) * 4 / 3), round(float(match[2]) * 4 / 3)  # 1pt = 4/3 CSS px


def figure_data_uri(figure: FigureBase, fmt: FigureFormat = "svg") -> tuple[str, tuple[int, int] | None]:
    data = figure.to_svg().encode("utf-8") if fmt == "svg" else figure.to_png()
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", _image_size(data, fmt)


def html_table(table: Table) -> str:
    numeric = table.numeric_columns()

    def cls(j: int) -> str:
        return ' class="num"' if numeric[j] else ""

    parts = ['<div class="table-wrap"><table>']
    if table.caption:
        parts.append(f"<caption>{escape(table.caption)}</caption>")
    parts.append(
        "<thead><tr>" + "".join(f"<th{cls(j)}>{escape(c)}</th>" for j, c in enumerate(table.columns))
    )
    parts.append("</tr></thead><tbody>")
    for row in table.formatted_rows():
        parts.append("<tr>" + "".join(f"<td{cls(j)}>{escape(c)}</td>" for j, c in enumerate(row)) + "</tr>")
    parts.append("</tbody></table></div>")
    return "\n".join(parts)


def _paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return [f"<p>{escape(' '.join(b.split()))}</p>" for b in blocks]


def render_html(report: Report, figure_format: FigureFormat = "svg") -> str:
    """The whole page as one string."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="ioi-agent {escape(report.tool_version)}">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if report.subtitle:
        out.append(f'<p class="subtitle">{escape(report.subtitle)}</p>')
    out.append('<dl class="meta">')
    for key, value in report.meta_items():
        shown = f"<code>{escape(value)}</code>" if key == "command" else escape(value)
        out.append(f"<dt>{escape(key)}</dt><dd>{shown}</dd>")
    out.append("</dl>")
    if len(report.sections) > 1:
        links = "".join(f'<a href="#s{i}">{escape(s.heading)}</a>' for i, s in enumerate(report.sections, 1))
        out.append(f"<nav>{links}</nav>")
    out += ["</header>", "<main>"]
    figure_number = 0
    for i, section in enumerate(report.sections, 1):
        out.append(f'<section id="s{i}">')
        out.append(f"<h2>{escape(section.heading)}</h2>")
        if section.text:
            out += _paragraphs(section.text)
        if section.items:
            out.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in section.items) + "</ul>")
        out += [html_table(t) for t in section.tables]
        for figure in section.figures:
            figure_number += 1
            uri, size = figure_data_uri(figure, figure_format)
            dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
            caption = escape(figure_caption(figure_number, figure))
            out.append(
                f'<figure id="fig{figure_number}" data-kind="{escape(figure.kind)}">'
                f'<img src="{uri}" alt="{escape(figure.title)}"{dims}>'
                f"<figcaption>{caption}</figcaption></figure>"
            )
        out.append("</section>")
    out += [
        "</main>",
        f"<footer>Written by ioi-agent {escape(report.tool_version)}.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
