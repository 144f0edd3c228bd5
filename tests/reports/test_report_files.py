"""write_report: the three files exist, agree with each other, round-trip, are self-contained and atomic."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from ioi_agent.errors import IoiAgentError
from ioi_agent.reports import (
    Report,
    Section,
    Table,
    read_report,
    report_paths,
    verdict_distribution,
    write_report,
)
from ioi_agent.reports import writer as writer_module
from tests.reports.conftest import make_report
from tests.reports.parse import markdown_tables, parse_html


class Medal(StrEnum):
    BRONZE = "bronze"


class ContestResult(BaseModel):
    total: float
    medal: Medal
    pool: Path
    at: datetime


def small_report(title: str = "small") -> Report:
    """Quick to render: one table, one small plot."""
    return Report(
        title=title,
        sections=[
            Section(
                heading="Verdicts",
                text="The <b>oracle</b> is not here.",
                tables=[Table(columns=["verdict", "count"], rows=[["AC", 3], ["WA", 1]])],
                figures=[verdict_distribution({"AC": 3, "WA": 1}, "Verdicts")],
            )
        ],
    )


def _expected_tables(report: Report) -> list[list[list[str]]]:
    return [[t.columns, *t.formatted_rows()] for s in report.sections for t in s.tables]


def _figures(report: Report) -> list:
    return [f for s in report.sections for f in s.figures]


RESULT = ContestResult(
    total=216.5,
    medal=Medal.BRONZE,
    pool=Path("/pools/nile.jsonl"),
    at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, dict[str, Path]]:
    """One report written once (plots take a while on a busy machine); these tests only read it."""
    report = make_report()
    out = tmp_path_factory.mktemp("written") / "out" / "contest"
    paths = write_report(report, out, data={"result": RESULT, "ratio": float("nan"), "runs": (1, 2)})
    return report, paths


def test_writes_three_files_named_after_the_stem(written: tuple[Report, dict[str, Path]]) -> None:
    _, paths = written
    folder = paths["json"].parent
    assert paths == {
        "json": folder / "contest.json",
        "md": folder / "contest.md",
        "html": folder / "contest.html",
    }
    assert folder.name == "out"
    for path in paths.values():
        assert path.stat().st_size > 0
        assert path.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in folder.iterdir()) == ["contest.html", "contest.json", "contest.md"]


def test_json_round_trips_with_the_commands_data(written: tuple[Report, dict[str, Path]]) -> None:
    report, paths = written
    document = read_report(paths["json"])
    assert document.report == report
    assert document.data == {
        "result": {
            "total": 216.5,
            "medal": "bronze",
            "pool": "/pools/nile.jsonl",
            "at": "2025-01-02T03:04:05Z",
        },
        "ratio": None,  # strict JSON has no NaN
        "runs": [1, 2],
    }
    raw = json.loads(paths["json"].read_text())  # plain json, as jq or a browser would read it
    assert raw["format"] == "ioi-agent-report" and raw["version"] == 1
    assert ContestResult.model_validate(raw["data"]["result"]) == RESULT
    # read_report also takes the stem, as write_report names the files
    assert read_report(paths["json"].with_suffix("")).report == report


def test_tables_agree_in_markdown_and_html(written: tuple[Report, dict[str, Path]]) -> None:
    report, paths = written
    expected = _expected_tables(report)
    assert markdown_tables(paths["md"].read_text()) == expected
    page = parse_html(paths["html"].read_text())
    assert page.tables == expected
    assert page.table_captions == ["Scores after the contest"]
    # the formatting itself: 2 decimals, per-column digits, None, NaN and escaped text
    first = expected[0]
    assert first[1] == ["nile", "100.00", "100.0", "7", "—"]
    assert first[2] == ["message", "33.33", "79.5", "50", "a|b <i>"]
    assert first[3] == ["tree", "nan", "13.0", "0", "did not compile"]
    assert expected[1][1:] == [["codeelo", "1650.40"], ["performance", "1702"]]


def test_markdown_table_alignment(written: tuple[Report, dict[str, Path]]) -> None:
    md = written[1]["md"].read_text()
    # numbers right-aligned, text left-aligned; the NaN-holding column still counts as text
    assert "|:---|:---|---:|---:|:---|" in md
    assert "|:---|---:|" in md


def test_figure_captions_agree(written: tuple[Report, dict[str, Path]]) -> None:
    report, paths = written
    figures = _figures(report)
    expected = [
        f"Figure {i}. {f.title}" + (f": {f.caption}" if f.caption else "") for i, f in enumerate(figures, 1)
    ]
    md = paths["md"].read_text()
    assert re.findall(r"^\*(Figure \d+\. .*)\* \(plot in contest\.html\)$", md, flags=re.M) == expected
    page = parse_html(paths["html"].read_text())
    assert page.figcaptions == expected
    assert page.figure_kinds == [f.kind for f in figures]
    images = [v for tag, name, v in page.attrs if tag == "img" and name == "src"]
    assert len(images) == len(figures) == 4
    for src, figure in zip(images, figures, strict=True):
        assert src.startswith("data:image/svg+xml;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).decode() == figure.to_svg()


def test_headings_and_text_agree(written: tuple[Report, dict[str, Path]]) -> None:
    report, paths = written
    md = paths["md"].read_text()
    page = parse_html(paths["html"].read_text())
    assert page.texts["h1"] == [report.title] and page.texts["title"] == [report.title]
    assert page.texts["h2"] == [s.heading for s in report.sections]
    assert re.findall(r"^## (.*)$", md, flags=re.M) == [s.heading for s in report.sections]
    assert md.startswith(f"# {report.title}\n\n{report.subtitle}\n")
    assert "The <b>oracle</b> is the best any selection could do." in page.texts["p"]
    assert page.texts["li"] == ["medal: bronze", "random (expected): 156.0 | 600"]
    # the command holds a backtick: the Markdown code span must use a longer fence
    assert "- command: `` ioi-agent contest problems/nile --rules ioi --pool `pool.jsonl` ``" in md
    assert "- created: 2025-01-02T03:04:05+00:00" in md


def test_html_escapes_all_text(tmp_path: Path) -> None:
    hostile = small_report().model_copy(
        update={"title": "<script>alert(1)</script>", "metadata": {'x"><img src=x>': "<style>"}}
    )
    text = write_report(hostile, tmp_path / "r")["html"].read_text()
    assert "<script" not in text and "<img src=x>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>oracle</b>" not in text and "&lt;b&gt;oracle&lt;/b&gt;" in text
    page = parse_html(text)
    assert page.tags.count("style") == 1


def test_html_is_self_contained(written: tuple[Report, dict[str, Path]]) -> None:
    text = written[1]["html"].read_text()
    page = parse_html(text)
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(page.tags)
    for tag, name, value in page.attrs:
        if name == "src":
            assert value.startswith("data:image/"), (tag, value[:60])
        if name == "href":
            assert value.startswith("#"), (tag, value)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, flags=re.I)
    assert "@import" not in text and "url(" not in text
    csp = [v for tag, name, v in page.attrs if tag == "meta" and name == "content" and "default-src" in v]
    assert csp and "default-src 'none'" in csp[0] and "img-src data:" in csp[0]
    # inside the plots: no reference to anything outside the SVG itself
    for tag, name, value in page.attrs:
        if tag == "img" and name == "src":
            svg = base64.b64decode(value.split(",", 1)[1]).decode()
            assert not re.search(r"<(script|foreignObject)\b", svg)
            # ids inside the SVG, or an embedded raster (the heatmap's cells)
            refs = re.findall(r'href="([^"]*)"', svg)
            assert refs and all(ref.startswith(("#", "data:image/png;base64,")) for ref in refs)


def test_png_figures(tmp_path: Path, report: Report) -> None:
    text = write_report(report, tmp_path / "r", figure_format="png")["html"].read_text()
    sources = [v for tag, name, v in parse_html(text).attrs if tag == "img" and name == "src"]
    assert len(sources) == 4
    assert all(base64.b64decode(s.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n" for s in sources)
    assert 'width="800" height="450"' in text  # the score plot: 8 x 4.5 in at 100 dpi


def test_report_paths(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    assert report_paths(folder)["md"] == folder / "report.md"
    assert report_paths(f"{tmp_path}/new/")["json"] == tmp_path / "new" / "report.json"
    assert report_paths(tmp_path / "x.html")["json"] == tmp_path / "x.json"
    assert report_paths(tmp_path / "run.v2")["html"] == tmp_path / "run.v2.html"


def test_writes_into_a_folder(tmp_path: Path) -> None:
    paths = write_report(small_report(), f"{tmp_path}/reports/")
    assert paths["html"] == tmp_path / "reports" / "report.html" and paths["html"].exists()


def test_failed_write_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = small_report()
    paths = write_report(report, tmp_path / "r")
    before = {k: p.read_bytes() for k, p in paths.items()}
    changed = report.model_copy(update={"title": "second run"})
    real_fsync = writer_module.os.fsync
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:  # the disk fills up while the third file is written
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(writer_module.os, "fsync", failing_fsync)
    with pytest.raises(IoiAgentError, match="cannot write the report.*No space left"):
        write_report(changed, tmp_path / "r")
    assert {k: p.read_bytes() for k, p in paths.items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json", "r.md"]  # no temp files left


def test_interrupt_while_rendering_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = small_report()
    paths = write_report(report, tmp_path / "r")
    before = {k: p.read_bytes() for k, p in paths.items()}

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module, "render_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(report.model_copy(update={"title": "second run"}), tmp_path / "r")
    assert {k: p.read_bytes() for k, p in paths.items()} == before
    assert len(list(tmp_path.iterdir())) == 3


def test_unwritable_destination_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(IoiAgentError, match="cannot write the report"):
        write_report(small_report(), blocker / "sub" / "r")


def test_read_report_errors(tmp_path: Path) -> None:
    with pytest.raises(IoiAgentError, match="no such report"):
        read_report(tmp_path / "missing.json")
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else", "report": {}}')
    with pytest.raises(IoiAgentError, match="not an ioi-agent report"):
        read_report(other)


def test_table_validation() -> None:
    with pytest.raises(ValidationError, match="row 1 has 1 cells, expected 2"):
        Table(columns=["a", "b"], rows=[[1, 2], [3]])
    with pytest.raises(ValidationError, match="unknown columns"):
        Table(columns=["a"], column_digits={"b": 1})
    table = Table(columns=["a", "b"], rows=[[float("inf"), True]])
    assert table.rows == [["inf", True]] and table.formatted_rows() == [["inf", "yes"]]


def test_created_may_be_left_out_for_reproducible_files(tmp_path: Path, report: Report) -> None:
    plain = Report(title="t", created=None, sections=[Section(heading="h", text="x")])
    first = {k: p.read_bytes() for k, p in write_report(plain, tmp_path / "a").items()}
    second = {k: p.read_bytes() for k, p in write_report(plain, tmp_path / "b").items()}
    assert first["json"] == second["json"] and first["html"] == second["html"]
    assert first["md"].replace(b"a.html", b"b.html") == second["md"]
    assert b"created" not in first["md"]
    assert "created" in dict(report.meta_items())
