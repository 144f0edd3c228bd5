"""Plot specifications: the plain data of one figure, validated, stored in a report's JSON and drawn by
plots.py. A spec is data only (no matplotlib here), so a report can be read back and drawn again.

The builder functions (`score_vs_submissions`, `subtask_heatmap`, `rating_distribution`,
`verdict_distribution`) take plain Python data and return a spec; `spec.to_svg()`, `spec.to_png()`,
`spec.save(path)` and `spec.render()` draw it (deterministically, see plots.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

# Fixed order and colours, so verdict charts of different runs can be compared at a glance.
VERDICT_ORDER: tuple[str, ...] = ("AC", "WA", "TLE", "MLE", "OLE", "RE", "CE", "JE")
VERDICT_COLOURS: dict[str, str] = {
    "AC": "#2ca02c",
    "WA": "#d62728",
    "TLE": "#ff7f0e",
    "MLE": "#9467bd",
    "OLE": "#8c564b",
    "RE": "#e377c2",
    "CE": "#7f7f7f",
    "JE": "#17becf",
}
MEDAL_COLOURS: dict[str, str] = {"gold": "#d4a017", "silver": "#8c8c8c", "bronze": "#b0662f"}


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return value


class FigureBase(BaseModel):
    """What every figure has: a title drawn in the plot and an optional caption printed under it."""

    model_config = ConfigDict(frozen=True)

    kind: str  # each subclass fixes it to a Literal: the discriminator in a report's JSON
    title: str
    caption: str | None = None

    def render(self) -> MplFigure:
        """A matplotlib Figure (no pyplot). For byte-stable files use to_svg/to_png/save instead, which
        draw under the fixed style."""
        from ioi_agent.reports.plots import render_figure

        return render_figure(self)  # type: ignore[arg-type]

    def to_svg(self) -> str:
        from ioi_agent.reports.plots import figure_svg

        return figure_svg(self)  # type: ignore[arg-type]

    def to_png(self) -> bytes:
        from ioi_agent.reports.plots import figure_png

        return figure_png(self)  # type: ignore[arg-type]

    def save(self, path: Path | str) -> Path:
        """Write the figure as .svg or .png (chosen by the suffix)."""
        path = Path(path)
        if path.suffix == ".svg":
            path.write_text(self.to_svg(), encoding="utf-8")
        elif path.suffix == ".png":
            path.write_bytes(self.to_png())
        else:
            raise ValueError(f"{path}: figure files must end in .svg or .png")
        return path


class ReferenceLine(BaseModel):
    """A horizontal (or vertical) reference: oracle, random expected score, a medal cutoff."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: float
    colour: str | None = None  # None: medal colours for gold/silver/bronze labels, grey otherwise

    @field_validator("value")
    @classmethod
    def _check_value(cls, v: float) -> float:
        return _finite(v, "reference line value")


class ScoreVsSubmissionsPlot(FigureBase):
    kind: Literal["score_vs_submissions"] = "score_vs_submissions"
    curves: dict[str, list[tuple[float, float]]]  # policy -> [(submissions, score)], sorted by submissions
    max_score: float | None = None
    lines: list[ReferenceLine] = Field(default_factory=list)
    xlabel: str = "submissions"
    ylabel: str = "score"

    @model_validator(mode="after")
    def _check(self) -> ScoreVsSubmissionsPlot:
        for name, points in self.curves.items():
            for n, score in points:
                _finite(n, f"curve {name!r}: number of submissions")
                _finite(score, f"curve {name!r}: score")
                if n < 0:
                    raise ValueError(f"curve {name!r}: negative number of submissions {n}")
            if any(b[0] < a[0] for a, b in zip(points, points[1:], strict=False)):
                raise ValueError(f"curve {name!r}: points must be sorted by number of submissions")
        if self.max_score is not None:
            _finite(self.max_score, "max_score")
        return self


class SubtaskHeatmapPlot(FigureBase):
    kind: Literal["subtask_heatmap"] = "subtask_heatmap"
    rows: list[str]
    cols: list[str]
    values: list[list[float | None]]  # fraction of the subtask's points in [0, 1]; None = not applicable
    annotations: list[list[str | None]] | None = None  # cell texts instead of percentages (e.g. "17/17")
    colorbar_label: str = "fraction of subtask points"

    @model_validator(mode="after")
    def _check(self) -> SubtaskHeatmapPlot:
        if len(self.values) != len(self.rows):
            raise ValueError(
                f"values has {len(self.values)} rows, expected {len(self.rows)} (one per row label)"
            )
        for label, row in zip(self.rows, self.values, strict=True):
            if len(row) != len(self.cols):
                raise ValueError(f"row {label!r} has {len(row)} values, expected {len(self.cols)}")
            for v in row:
                if v is not None and not (0.0 <= v <= 1.0):
                    raise ValueError(f"row {label!r}: value {v!r} is outside [0, 1] (use None for missing)")
        if self.annotations is not None and (
            len(self.annotations) != len(self.rows) or any(len(r) != len(self.cols) for r in self.annotations)
        ):
            raise ValueError("annotations must have the same shape as values")
        return self


class RatingDistributionPlot(FigureBase):
    kind: Literal["rating_distribution"] = "rating_distribution"
    ratings: list[float]
    estimate: float
    ci: tuple[float, float] | None = None
    percentile: float | None = None  # the caller's own figure (0..100); None: computed from `ratings`
    xlabel: str = "rating"
    bin_width: float = 100.0  # Codeforces rank bands are multiples of 100

    @model_validator(mode="after")
    def _check(self) -> RatingDistributionPlot:
        for r in self.ratings:
            _finite(r, "rating")
        _finite(self.estimate, "estimate")
        if self.ci is not None:
            lo, hi = (_finite(x, "confidence interval bound") for x in self.ci)
            if lo > hi:
                raise ValueError(f"confidence interval ({lo}, {hi}) has lo > hi")
        if self.percentile is not None and not 0.0 <= self.percentile <= 100.0:
            raise ValueError(f"percentile {self.percentile} is outside [0, 100]")
        if not self.bin_width > 0:
            raise ValueError("bin_width must be positive")
        return self

    def share_below(self) -> float:
        """Percentile of the estimate among `ratings`: share strictly below plus half the ties, in %."""
        if self.percentile is not None:
            return self.percentile
        if not self.ratings:
            return float("nan")
        below = sum(r < self.estimate for r in self.ratings)
        ties = sum(r == self.estimate for r in self.ratings)
        return 100.0 * (below + 0.5 * ties) / len(self.ratings)


class VerdictDistributionPlot(FigureBase):
    kind: Literal["verdict_distribution"] = "verdict_distribution"
    counts: dict[str, int]  # every verdict of VERDICT_ORDER, in that order (zeros included)
    xlabel: str = "verdict"
    ylabel: str = "count"

    @field_validator("counts", mode="before")
    @classmethod
    def _fill(cls, counts: Mapping[str, int]) -> dict[str, int]:
        unknown = sorted(str(k) for k in counts if str(k) not in VERDICT_ORDER)
        if unknown:
            raise ValueError(f"unknown verdicts {unknown}; expected some of {list(VERDICT_ORDER)}")
        given = {str(k): v for k, v in counts.items()}
        return {v: given.get(v, 0) for v in VERDICT_ORDER}

    @field_validator("counts")
    @classmethod
    def _non_negative(cls, counts: dict[str, int]) -> dict[str, int]:
        if any(c < 0 for c in counts.values()):
            raise ValueError("verdict counts must be >= 0")
        return counts


FigureSpec = Annotated[
    ScoreVsSubmissionsPlot | SubtaskHeatmapPlot | RatingDistributionPlot | VerdictDistributionPlot,
    Field(discriminator="kind"),
]


def _reference_lines(lines: Mapping[str, float] | Sequence[ReferenceLine] | None) -> list[ReferenceLine]:
    if lines is None:
        return []
    if isinstance(lines, Mapping):
        return [ReferenceLine(label=k, value=v) for k, v in lines.items()]
    return list(lines)


def score_vs_submissions(
    curves: Mapping[str, Sequence[tuple[float, float]]],
    max_score: float | None,
    title: str,
    *,
    lines: Mapping[str, float] | Sequence[ReferenceLine] | None = None,
    caption: str | None = None,
    xlabel: str = "submissions",
    ylabel: str = "score",
) -> ScoreVsSubmissionsPlot:
    """Score after n submissions, one step line per policy. `lines`: horizontal references, e.g.
    {"oracle": 412.0, "random (expected)": 156.0, "gold": 359.71}; labels gold/silver/bronze get medal
    colours. A curve that does not start at 0 submissions is drawn from (0, 0): nothing submitted, no points;
    each curve is held flat to the largest submission count of any curve (the policy stopped)."""
    return ScoreVsSubmissionsPlot(
        title=title,
        caption=caption,
        curves={str(k): [(float(n), float(s)) for n, s in v] for k, v in curves.items()},
        max_score=max_score,
        lines=_reference_lines(lines),
        xlabel=xlabel,
        ylabel=ylabel,
    )


def subtask_heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Sequence[Sequence[float | None]],
    title: str,
    *,
    annotations: Sequence[Sequence[str | None]] | None = None,
    caption: str | None = None,
    colorbar_label: str = "fraction of subtask points",
) -> SubtaskHeatmapPlot:
    """Rows × columns of fractions in [0, 1] (None: not applicable, drawn grey), e.g. tasks × subtasks or
    submissions × subtasks. Cells are annotated with the percentage, or with `annotations` when given."""
    return SubtaskHeatmapPlot(
        title=title,
        caption=caption,
        rows=list(rows),
        cols=list(cols),
        values=[list(r) for r in values],
        annotations=None if annotations is None else [list(r) for r in annotations],
        colorbar_label=colorbar_label,
    )


def rating_distribution(
    ratings: Sequence[float],
    estimate: float,
    ci: tuple[float, float] | None,
    title: str,
    *,
    percentile: float | None = None,
    caption: str | None = None,
    xlabel: str = "rating",
    bin_width: float = 100.0,
) -> RatingDistributionPlot:
    """Histogram of a contest's participant ratings with the model's estimate (vertical line) and its
    confidence interval (shaded). The legend gives the estimate's percentile among the participants."""
    return RatingDistributionPlot(
        title=title,
        caption=caption,
        ratings=[float(r) for r in ratings],
        estimate=estimate,
        ci=ci,
        percentile=percentile,
        xlabel=xlabel,
        bin_width=bin_width,
    )


def verdict_distribution(
    counts: Mapping[str, int],
    title: str,
    *,
    caption: str | None = None,
    xlabel: str = "verdict",
    ylabel: str = "count",
) -> VerdictDistributionPlot:
    """Bar chart of verdict counts in the fixed order AC, WA, TLE, MLE, OLE, RE, CE, JE (missing = 0)."""
    return VerdictDistributionPlot(
        title=title, caption=caption, counts=dict(counts), xlabel=xlabel, ylabel=ylabel
    )
