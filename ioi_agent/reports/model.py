"""The report every command writes: a title, metadata and sections of text, tables and figures.

A `Report` is pure data (figures are plot specs, see figures.py), so the JSON file holds everything needed to
draw the Markdown and HTML again. `ReportDocument` is what the JSON file holds: the report plus the command's
own result document (`data`), free-form JSON.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field, JsonValue, field_validator, model_validator

from ioi_agent import __version__
from ioi_agent.reports.figures import FigureSpec

Cell = bool | int | float | str | None

REPORT_FORMAT = "ioi-agent-report"
REPORT_VERSION = 1


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Table(BaseModel):
    """Columns and rows of cells. Floats print with `digits` decimals (per column: `column_digits`);
    None prints as an em dash. Non-finite floats are kept as the strings "nan", "inf", "-inf" because JSON
    cannot hold them."""

    columns: list[str]
    rows: list[list[Cell]] = Field(default_factory=list)
    caption: str | None = None
    digits: int = Field(default=2, ge=0, le=12)
    column_digits: dict[str, int] = Field(default_factory=dict)

    @field_validator("rows")
    @classmethod
    def _finite_cells(cls, rows: list[list[Cell]]) -> list[list[Cell]]:
        def fix(cell: Cell) -> Cell:
            if isinstance(cell, float) and not math.isfinite(cell):
                return str(cell)
            return cell

        return [[fix(c) for c in row] for row in rows]

    @model_validator(mode="after")
    def _shape(self) -> Table:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table row {i} has {len(row)} cells, expected {len(self.columns)} ({self.columns})"
                )
        unknown = set(self.column_digits) - set(self.columns)
        if unknown:
            raise ValueError(f"column_digits names unknown columns {sorted(unknown)}")
        return self

    def numeric_columns(self) -> list[bool]:
        """Columns whose non-empty cells are all numbers: right-aligned in Markdown and HTML."""
        out = []
        for j in range(len(self.columns)):
            cells = [row[j] for row in self.rows if row[j] is not None]
            out.append(
                bool(cells) and all(isinstance(c, int | float) and not isinstance(c, bool) for c in cells)
            )
        return out

    def formatted_rows(self) -> list[list[str]]:
        """The cells as printed text (the same in Markdown and HTML)."""
        digits = [self.column_digits.get(c, self.digits) for c in self.columns]
        return [[format_cell(cell, d) for cell, d in zip(row, digits, strict=True)] for row in self.rows]


def format_cell(cell: Cell, digits: int) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return f"{cell:.{digits}f}"
    return str(cell)


class Section(BaseModel):
    """Printed in this order: heading, text (paragraphs split on blank lines), items (a bullet list),
    tables, figures."""

    heading: str
    text: str | None = None
    items: list[str] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[FigureSpec] = Field(default_factory=list)


class Report(BaseModel):
    title: str
    subtitle: str | None = None
    command: str | None = None  # the command line that produced it
    created: datetime | None = Field(default_factory=_now)  # None: leave the time out (reproducible files)
    tool_version: str = __version__
    metadata: dict[str, str] = Field(default_factory=dict)  # shown under the title, e.g. {"rules": "ioi"}
    sections: list[Section] = Field(default_factory=list)

    def meta_items(self) -> list[tuple[str, str]]:
        """The header facts, in print order."""
        items: list[tuple[str, str]] = []
        if self.command:
            items.append(("command", self.command))
        if self.created is not None:
            items.append(("created", self.created.isoformat()))
        items.append(("ioi-agent", self.tool_version))
        items.extend(self.metadata.items())
        return items


class ReportDocument(BaseModel):
    """The JSON file: the report and the command's own result document."""

    format: Literal["ioi-agent-report"] = REPORT_FORMAT
    version: Literal[1] = REPORT_VERSION
    report: Report
    data: JsonValue = None
