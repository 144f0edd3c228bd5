"""Drawing the figure specs of figures.py with matplotlib, deterministically and without pyplot.

Why no pyplot: pyplot keeps global figure state and picks a GUI backend; a bare `matplotlib.figure.Figure`
saved to SVG/PNG uses the Agg/SVG canvases directly, so nothing global changes for other code.

Why a style context: the output must not depend on the user's matplotlibrc, and SVG ids must not be random
(matplotlib salts them with a fresh UUID unless `svg.hashsalt` is set). The rc changes are scoped to
`matplotlib.style.context` and serialised by a lock, since rcParams are process-global while they last.
Same data + same matplotlib version -> byte-identical SVG and PNG.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib.style
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ioi_agent.reports.figures import (
    MEDAL_COLOURS,
    VERDICT_COLOURS,
    VERDICT_ORDER,
    FigureBase,
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

__all__ = [
    "figure_png",
    "figure_svg",
    "rating_distribution",
    "render_figure",
    "score_vs_submissions",
    "subtask_heatmap",
    "verdict_distribution",
]

DPI = 100
WIDE = (8.0, 4.5)  # inches: 800 x 450 px at DPI
STYLE: dict[str, Any] = {
    "svg.hashsalt": "ioi-agent",  # stable element ids
    "svg.fonttype": "path",  # glyphs as paths: the SVG draws the same without the font installed
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",  # ships with matplotlib
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 9,
    "legend.frameon": False,
}
SVG_METADATA = {"Date": None, "Creator": "ioi-agent"}
PNG_METADATA = {"Software": "ioi-agent"}
POLICY_COLOURS = colormaps["tab10"].colors

_lock = threading.RLock()


@contextmanager
def _style() -> Iterator[None]:
    with _lock, matplotlib.style.context(["default", STYLE]):
        yield


def _reference_colour(line: ReferenceLine) -> str:
    if line.colour:
        return line.colour
    return MEDAL_COLOURS.get(line.label.strip().lower(), "#555555")


def _draw_score_vs_submissions(spec: ScoreVsSubmissionsPlot) -> Figure:
    fig = Figure(figsize=WIDE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    x_end = max((p[-1][0] for p in spec.curves.values() if p), default=1.0)
    for i, (name, points) in enumerate(spec.curves.items()):
        xs = [n for n, _ in points]
        ys = [s for _, s in points]
        if not xs or xs[0] > 0:
            xs, ys = [0.0, *xs], [0.0, *ys]
        colour = POLICY_COLOURS[i % len(POLICY_COLOURS)]
        ax.step([*xs, x_end], [*ys, ys[-1]], where="post", color=colour, linewidth=1.8, label=name)
        ax.plot(xs[1:], ys[1:], linestyle="none", marker="o", markersize=3, color=colour)
    styles = ["--", ":", "-."]
    for i, line in enumerate(spec.lines):
        ax.axhline(
            line.value,
            color=_reference_colour(line),
            linestyle=styles[i % len(styles)],
            linewidth=1.2,
            label=f"{line.label} ({line.value:g})",
        )
    ax.set_xlim(0, max(x_end, 1.0) * 1.02)  # room for the last step
    top = max(
        [
            spec.max_score or 0.0,
            *(ln.value for ln in spec.lines),
            *(s for p in spec.curves.values() for _, s in p),
        ],
        default=0.0,
    )
    ax.set_ylim(0, top * 1.05 if top > 0 else 1.0)
    if spec.max_score is not None:
        ax.axhline(spec.max_score, color="black", linewidth=0.8, alpha=0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(spec.xlabel)
    ax.set_ylabel(spec.ylabel)
    ax.set_title(spec.title)
    if spec.curves or spec.lines:
        fig.legend(loc="outside right upper")
    return fig


def _cell_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 1.0:
        return "100%"
    # floor, so that only a full subtask reads 100%; the epsilon absorbs 0.29 * 100 = 28.999...
    return f"{math.floor(value * 100 + 1e-9)}%"


def _draw_subtask_heatmap(spec: SubtaskHeatmapPlot) -> Figure:
    n_rows, n_cols = len(spec.rows), len(spec.cols)
    label_in = min(3.0, 0.075 * max((len(r) for r in spec.rows), default=1))
    width = min(14.0, max(5.0, 2.2 + label_in + 0.8 * n_cols))
    height = min(20.0, max(2.8, 1.4 + 0.35 * n_rows))
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(False)
    grid = np.ma.masked_invalid(
        np.array([[np.nan if v is None else v for v in row] for row in spec.values], dtype=float).reshape(
            n_rows, n_cols
        )
    )
    cmap = colormaps["RdYlGn"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(grid, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(n_cols), spec.cols)
    ax.set_yticks(range(n_rows), spec.rows)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    if n_rows * n_cols <= 600:  # beyond that the numbers are unreadable anyway
        size = 9 if n_rows <= 30 else 7
        for r in range(n_rows):
            for c in range(n_cols):
                value = spec.values[r][c]
                text = spec.annotations[r][c] if spec.annotations is not None else None
                text = _cell_text(value) if text is None else text
                dark = value is not None and (value < 0.2 or value > 0.85)
                ax.text(
                    c, r, text, ha="center", va="center", fontsize=size, color="white" if dark else "black"
                )
    fig.colorbar(image, ax=ax, label=spec.colorbar_label, fraction=0.05, pad=0.02)
    ax.set_title(spec.title)
    return fig


def _draw_rating_distribution(spec: RatingDistributionPlot) -> Figure:
    fig = Figure(figsize=WIDE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    w = spec.bin_width
    points = [*spec.ratings, spec.estimate, *(spec.ci or ())]
    lo = math.floor(min(points) / w) * w
    hi = math.ceil(max(points) / w) * w
    if hi <= lo:
        hi = lo + w
    n_bins = int(round((hi - lo) / w))
    if n_bins > 400:  # a degenerate bin width; keep the histogram drawable
        n_bins = 400
    edges = np.linspace(lo, hi, n_bins + 1)
    if spec.ratings:
        ax.hist(
            spec.ratings,
            bins=edges,
            color="#4c72b0",
            edgecolor="white",
            linewidth=0.5,
            label=f"participants ({len(spec.ratings)})",
        )
    if spec.ci is not None:
        ax.axvspan(
            spec.ci[0],
            spec.ci[1],
            color="#dd8452",
            alpha=0.25,
            label=f"CI [{spec.ci[0]:.0f}, {spec.ci[1]:.0f}]",
        )
    share = spec.share_below()
    pct = "" if math.isnan(share) else f"\n(above {share:.1f}% of participants)"
    ax.axvline(
        spec.estimate, color="#c44e52", linewidth=2.0, label=f"model estimate {spec.estimate:.0f}{pct}"
    )
    ax.set_xlim(lo, hi)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(spec.xlabel)
    ax.set_ylabel("participants")
    ax.set_title(spec.title)
    fig.legend(loc="outside right upper")
    return fig


def _draw_verdict_distribution(spec: VerdictDistributionPlot) -> Figure:
    fig = Figure(figsize=(7.0, 4.0), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    counts = [spec.counts[v] for v in VERDICT_ORDER]
    total = sum(counts)
    bars = ax.bar(VERDICT_ORDER, counts, color=[VERDICT_COLOURS[v] for v in VERDICT_ORDER])
    labels = [f"{c}\n{100 * c / total:.0f}%" if total and c else str(c) for c in counts]
    ax.bar_label(bars, labels=labels, padding=2, fontsize=8)
    ax.set_ylim(0, max(counts, default=0) * 1.2 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(spec.xlabel)
    ax.set_ylabel(spec.ylabel)
    ax.set_title(f"{spec.title} (n = {total})")
    return fig


_DRAW: dict[type[FigureBase], Callable[[Any], Figure]] = {
    ScoreVsSubmissionsPlot: _draw_score_vs_submissions,
    SubtaskHeatmapPlot: _draw_subtask_heatmap,
    RatingDistributionPlot: _draw_rating_distribution,
    VerdictDistributionPlot: _draw_verdict_distribution,
}


def _draw(spec: FigureBase) -> Figure:
    try:
        draw = _DRAW[type(spec)]
    except KeyError:
        raise TypeError(f"no drawing for figure type {type(spec).__name__}") from None
    return draw(spec)


def render_figure(spec: FigureBase) -> Figure:
    """The matplotlib Figure of a spec, built under the fixed style."""
    with _style():
        return _draw(spec)


def figure_svg(spec: FigureBase) -> str:
    """The figure as an SVG document (deterministic)."""
    with _style():
        buffer = io.StringIO()
        _draw(spec).savefig(buffer, format="svg", metadata=SVG_METADATA)
    return buffer.getvalue()


def figure_png(spec: FigureBase) -> bytes:
    """The figure as a PNG (deterministic; DPI pixels per inch)."""
    with _style():
        buffer = io.BytesIO()
        _draw(spec).savefig(buffer, format="png", metadata=PNG_METADATA)
    return buffer.getvalue()
