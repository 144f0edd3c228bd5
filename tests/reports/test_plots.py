"""Every plot kind renders to SVG and PNG, deterministically, without pyplot and without leaving rcParams
changed; bad data is refused with a message naming what is wrong."""

from __future__ import annotations

import hashlib
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from pydantic import TypeAdapter, ValidationError

from ioi_agent.judge.verdict import Verdict
from ioi_agent.reports import (
    VERDICT_ORDER,
    FigureSpec,
    rating_distribution,
    score_vs_submissions,
    subtask_heatmap,
    verdict_distribution,
)
from ioi_agent.reports.figures import FigureBase, ReferenceLine

REPO = Path(__file__).resolve().parents[2]


def all_kinds() -> list[FigureBase]:
    return [
        score_vs_submissions(
            {"random": [(1, 10.0), (4, 30.0)], "o1-ioi": [(0, 0.0), (2, 45.5), (9, 80.0)]},
            100,
            "Score",
            lines=[ReferenceLine(label="oracle", value=90.0), ReferenceLine(label="Gold", value=70.0)],
        ),
        subtask_heatmap(["t1", "t2"], ["s1", "s2", "s3"], [[0.0, 0.5, 1.0], [None, 0.25, 0.999]], "Heatmap"),
        rating_distribution([800, 1200, 1250, 1900, 2400, 3100], 1500.0, (1400.0, 1650.0), "Ratings"),
        verdict_distribution({"AC": 5, "TLE": 2, "JE": 1}, "Verdicts"),
    ]


KIND_IDS = ["score_vs_submissions", "subtask_heatmap", "rating_distribution", "verdict_distribution"]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("index", range(4), ids=KIND_IDS)
def test_every_kind_renders_svg_and_png(index: int) -> None:
    spec = all_kinds()[index]
    assert spec.kind == KIND_IDS[index]
    svg = spec.to_svg()
    root = ET.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 20  # axes, glyphs, lines or bars
    width, height = png_size(spec.to_png())
    fig = spec.render()
    assert isinstance(fig, Figure)
    assert (width, height) == tuple(round(x * 100) for x in fig.get_size_inches())
    assert 400 <= width <= 1400 and 250 <= height <= 2000


@pytest.mark.parametrize("index", range(4), ids=KIND_IDS)
def test_output_is_deterministic_and_follows_the_data(index: int) -> None:
    spec = all_kinds()[index]
    assert spec.to_svg() == spec.to_svg()
    assert spec.to_png() == spec.to_png()
    changed = spec.model_copy(update={"title": spec.title + " (changed)"})
    assert changed.to_svg() != spec.to_svg()


def test_same_svg_in_a_fresh_process() -> None:
    # svg ids would be salted with a fresh UUID per process without svg.hashsalt
    code = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); from tests.reports.test_plots import all_kinds; "
        "print(hashlib.sha256(''.join(s.to_svg() for s in all_kinds()).encode()).hexdigest()); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'"
    )
    out = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    here = hashlib.sha256("".join(s.to_svg() for s in all_kinds()).encode()).hexdigest()
    assert out.stdout.strip() == here


def test_global_matplotlib_state_is_left_alone() -> None:
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    reference = [s.to_svg() for s in all_kinds()]
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.get_backend() == backend
    # ... and the caller's own settings do not leak into the reports
    with matplotlib.rc_context(
        {"lines.linewidth": 7.0, "font.size": 20, "axes.grid": False, "svg.hashsalt": "x"}
    ):
        assert [s.to_svg() for s in all_kinds()] == reference
        assert matplotlib.rcParams["lines.linewidth"] == 7.0


def test_specs_round_trip_through_json() -> None:
    adapter = TypeAdapter(list[FigureSpec])
    specs = all_kinds()
    back = adapter.validate_json(adapter.dump_json(specs))
    assert back == specs
    assert [type(s) for s in back] == [type(s) for s in specs]
    assert back[0].to_svg() == specs[0].to_svg()


def test_standalone_save(tmp_path: Path) -> None:
    spec = all_kinds()[3]
    assert spec.save(tmp_path / "v.svg").read_text() == spec.to_svg()
    assert spec.save(tmp_path / "v.png").read_bytes() == spec.to_png()
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        spec.save(tmp_path / "v.pdf")


def test_verdict_order_is_the_judges_and_missing_verdicts_count_zero() -> None:
    assert list(VERDICT_ORDER) == [v.value for v in Verdict]
    spec = verdict_distribution({Verdict.WA: 2, "AC": 1}, "v")
    assert list(spec.counts) == list(VERDICT_ORDER)
    assert spec.counts == {"AC": 1, "WA": 2, "TLE": 0, "MLE": 0, "OLE": 0, "RE": 0, "CE": 0, "JE": 0}


def test_rating_percentile() -> None:
    assert rating_distribution([1, 2, 3, 4], 2.5, None, "r").share_below() == 50.0
    assert rating_distribution([1, 2, 2, 3], 2, None, "r").share_below() == 50.0  # ties count half
    assert rating_distribution([1, 2, 3], 9, None, "r").share_below() == 100.0
    assert rating_distribution([1, 2, 3], 0, None, "r", percentile=42.0).share_below() == 42.0


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: subtask_heatmap(["a"], ["x", "y"], [[0.5]], "h"), "row 'a' has 1 values, expected 2"),
        (lambda: subtask_heatmap(["a", "b"], ["x"], [[0.5]], "h"), "values has 1 rows, expected 2"),
        (lambda: subtask_heatmap(["a"], ["x"], [[1.5]], "h"), "outside"),
        (lambda: subtask_heatmap(["a"], ["x"], [[0.5]], "h", annotations=[["1", "2"]]), "same shape"),
        (lambda: verdict_distribution({"OK": 1}, "v"), "unknown verdicts \\['OK'\\]"),
        (lambda: verdict_distribution({"AC": -1}, "v"), ">= 0"),
        (lambda: rating_distribution([1500], 1500, (1600, 1400), "r"), "lo > hi"),
        (lambda: rating_distribution([float("nan")], 1500, None, "r"), "finite"),
        (lambda: score_vs_submissions({"p": [(5, 1.0), (2, 2.0)]}, 10, "s"), "sorted"),
        (lambda: score_vs_submissions({"p": [(-1, 1.0)]}, 10, "s"), "negative"),
        (lambda: score_vs_submissions({"p": [(1, float("inf"))]}, 10, "s"), "finite"),
    ],
)
def test_bad_data_is_refused(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


def test_edge_cases_render() -> None:
    empty = [
        score_vs_submissions({}, None, "nothing submitted"),
        score_vs_submissions({"p": []}, 100, "empty curve", lines={"bronze": 50}),
        rating_distribution([], 1500, None, "no participants"),
        verdict_distribution({}, "no verdicts"),
        subtask_heatmap(["a"], ["x"], [[None]], "all missing"),
    ]
    for spec in empty:
        assert spec.to_svg().lstrip().startswith("<?xml")
    # 60 submissions x 8 subtasks: the figure grows with the rows, within a cap
    rows = [f"submission {i}" for i in range(60)]
    tall = subtask_heatmap(
        rows, [f"st{j}" for j in range(8)], [[(i * j % 10) / 9 for j in range(8)] for i in range(60)], "tall"
    )
    width, height = png_size(tall.to_png())
    assert 500 <= width <= 1400 and 1500 <= height <= 2000


def test_heatmap_cell_text() -> None:
    from ioi_agent.reports.plots import _cell_text

    # a subtask reads 100% only when fully solved; 0.29 must not print as 28% through float error
    assert [_cell_text(v) for v in (None, 0.0, 0.29, 0.999, 1.0)] == ["–", "0%", "29%", "99%", "100%"]
