"""Writing a report's three files (JSON, Markdown, HTML) and reading the JSON back.

Atomic: everything is rendered in memory first (the slow part), each file goes to a temporary file in the
target folder (same file system) and is fsynced, and only then are the three renamed into place. An
interrupted run leaves the previous report (or none), never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ioi_agent.errors import IoiAgentError
from ioi_agent.reports.html import FigureFormat, render_html
from ioi_agent.reports.markdown import render_markdown
from ioi_agent.reports.model import Report, ReportDocument

DEFAULT_STEM = "report"
SUFFIXES = {"json": ".json", "md": ".md", "html": ".html"}

_any = TypeAdapter(Any)


def report_paths(out: Path | str) -> dict[str, Path]:
    """`out` is a folder (existing, or written with a trailing slash): <out>/report.{json,md,html};
    otherwise a stem: <out>.{json,md,html} (a given .json/.md/.html suffix is dropped)."""
    text = str(out)
    path = Path(out)
    if path.is_dir() or text.endswith(("/", os.sep)):
        stem = path / DEFAULT_STEM
    elif path.suffix in SUFFIXES.values():
        stem = path.with_suffix("")
    else:
        stem = path
    return {kind: stem.parent / (stem.name + suffix) for kind, suffix in SUFFIXES.items()}


def report_document(report: Report, data: Any = None) -> ReportDocument:
    """`data` may be a pydantic model, dataclass or plain structure; Paths, datetimes and enums become JSON."""
    return ReportDocument(report=report, data=_any.dump_python(data, mode="json"))


def _atomic_write_all(files: dict[Path, str]) -> None:
    temps: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            temps.append((Path(tmp), target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)


def write_report(
    report: Report, out: Path | str, *, data: Any = None, figure_format: FigureFormat = "svg"
) -> dict[str, Path]:
    """Write <stem>.json (report + `data`), <stem>.md and <stem>.html; returns {"json", "md", "html"} paths."""
    paths = report_paths(out)
    document = report_document(report, data)
    files = {
        # pydantic writes NaN/inf in `data` as null, so the file stays strict JSON for jq and browsers
        paths["json"]: document.model_dump_json(indent=2) + "\n",
        paths["md"]: render_markdown(report, html_name=paths["html"].name),
        paths["html"]: render_html(report, figure_format=figure_format),
    }
    try:
        _atomic_write_all(files)
    except OSError as exc:
        raise IoiAgentError(
            f"{paths['html'].parent}: cannot write the report ({exc.strerror or exc}) "
            "(fix: choose a writable output folder)"
        ) from exc
    return paths


def read_report(path: Path | str) -> ReportDocument:
    """Read a report's JSON file (or the JSON of a stem/folder as write_report names them)."""
    path = Path(path)
    if path.suffix != ".json":
        path = report_paths(path)["json"]
    try:
        return ReportDocument.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise IoiAgentError(f"{path}: no such report (fix: pass the .json file a command wrote)") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise IoiAgentError(
            f"{path}: not an ioi-agent report ({first}) (fix: pass a report's .json file)"
        ) from None
