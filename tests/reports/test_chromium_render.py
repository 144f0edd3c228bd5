"""The HTML report opened in headless Chromium (DevTools protocol): it renders with no console errors, no
exceptions, no failed loads, and every plot decodes with a nonzero size. Broken pages must be caught, so the
check itself can fail. CI installs Chromium with scripts/install_chromium.sh."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioi_agent.reports import Report, write_report
from ioi_agent.reports.browser import HeadlessChromium, RenderCheck, find_chromium
from tests.reports.conftest import make_report

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no chromium binary on this machine (scripts/install_chromium.sh installs Debian's chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[HeadlessChromium]:
    with HeadlessChromium(timeout_s=120) as chromium:
        yield chromium


@pytest.mark.parametrize("figure_format", ["svg", "png"])
def test_report_renders_without_errors(tmp_path: Path, browser: HeadlessChromium, figure_format: str) -> None:
    report = make_report()
    paths = write_report(report, tmp_path / "contest", figure_format=figure_format)  # type: ignore[arg-type]
    result = browser.check(paths["html"])
    assert result.problems == [], result.summary()
    assert result.ok, result.summary()
    assert result.title == report.title
    assert result.tables == 2
    n_figures = sum(len(s.figures) for s in report.sections)
    assert [f.tag for f in result.figures] == ["img"] * n_figures
    for figure in result.figures:
        assert figure.loaded
        assert figure.natural_width and figure.natural_width >= 400
        assert figure.width >= 300 and figure.height >= 150
    assert result.text_length > 500


def test_screenshot(tmp_path: Path, browser: HeadlessChromium, report: Report) -> None:
    paths = write_report(report, tmp_path / "contest")
    result = browser.check(paths["html"], screenshot=tmp_path / "shot.png")
    assert result.ok, result.summary()
    data = (tmp_path / "shot.png").read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert width == 1280 and height > 1500  # the whole page, not only the first screen


PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>{head}</head><body>{body}</body></html>'
)
BROKEN = {
    "missing image": ("", '<img src="missing.png" alt="x">', "log/network"),
    "script error": ("", "<script>undefinedFunction();</script>", "exception"),
    "console error": ("", '<script>console.error("boom")</script>', "console"),
    "missing script": ('<script src="missing.js"></script>', "<p>text</p>", "log/network"),
    "undecodable image": ("", '<img src="data:image/svg+xml;base64,PHN2Zz48L2Rpdg==" alt="x">', None),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_pages_are_caught(tmp_path: Path, browser: HeadlessChromium, name: str) -> None:
    head, body, source = BROKEN[name]
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(head=head, body=body))
    result = browser.check(page)
    assert not result.ok
    if source is None:  # nothing logged: only the figure check sees it
        assert [f.loaded for f in result.figures] == [False]
    else:
        assert source in [p.source for p in result.problems], result.summary()


def test_report_with_an_external_image_is_caught(tmp_path: Path, browser: HeadlessChromium) -> None:
    """Someone edits the renderer to link a plot instead of embedding it: the page's Content-Security-Policy
    blocks the load, and the check reports it."""
    report = make_report()
    paths = write_report(report, tmp_path / "contest")
    html = paths["html"].read_text()
    paths["html"].write_text(
        html.replace("<main>", '<main><img src="https://example.invalid/plot.png" alt="p">', 1)
    )
    result: RenderCheck = browser.check(paths["html"])
    assert not result.ok
    assert any(p.source == "log/security" and "Content Security Policy" in p.text for p in result.problems)
    assert sum(not f.loaded for f in result.figures) == 1


def test_missing_page_is_caught(tmp_path: Path, browser: HeadlessChromium) -> None:
    result = browser.check(tmp_path / "nowhere.html")
    assert not result.ok
    assert [p.source for p in result.problems] == ["navigation"]
