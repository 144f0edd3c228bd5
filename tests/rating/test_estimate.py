"""Elo estimation against real standings (shared/data/codeforces): codeelo, performance, sequential."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.rating import Contestant, compute_rating_changes, load_contestants, rating_update
from ioi_agent.rating.estimate import (
    ContestField,
    ContestResults,
    ModelResults,
    bootstrap_interval,
    codeelo_rating,
    estimate,
    estimate_files,
    load_fields,
    load_results,
    place_model,
    rating_percentile,
)
from ioi_agent.scoring.codeforces import ProblemAttempts, contest_result

_CANDIDATES = [
    Path(__file__).resolve().parents[1] / "data" / "codeforces",
    Path(__file__).resolve().parents[3] / "shared" / "data" / "codeforces",
]
DATA = Path(
    os.environ.get("IOI_AGENT_CODEFORCES_DATA")
    or next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[-1])
)
ROUND_917 = DATA / "rating-changes-917.json"
CARROT_1349 = DATA / "carrot-round-1349-641-div1-data.json"
CARROT_1349_PERFS = DATA / "carrot-round-1349-641-div1-perfs.json"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real Codeforces data not found at {DATA}")


def _row(contest_id: int, handle: str, points: float, penalty: int = 0, **extra: Any) -> dict[str, Any]:
    party = {"contestId": contest_id, "members": [{"handle": handle}], "participantType": "CONTESTANT"}
    return {"party": party, "rank": 0, "points": points, "penalty": penalty, **extra}


def _points_917(rank: int) -> float:
    # The ratingChanges file has ranks only: equal API rank = equal points, as in the real standings.
    return 10000.0 - rank


@pytest.fixture(scope="module")
def standings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A standings folder as a user saves it: API answers under names that do not give the contest."""
    folder = tmp_path_factory.mktemp("standings")
    changes = json.loads(ROUND_917.read_text())
    rows = [_row(917, r["handle"], _points_917(r["rank"])) for r in changes]
    rows.insert(
        5,
        {
            **_row(917, "practising", 9999.0),
            "party": {"members": [{"handle": "practising"}], "participantType": "PRACTICE"},
        },
    )
    result = {"contest": {"id": 917, "type": "CF"}, "problems": [], "rows": rows}
    (folder / "a.json").write_text(json.dumps({"status": "OK", "result": result}))  # full response
    (folder / "b.json").write_text(json.dumps({"status": "OK", "result": changes}))
    # Round 1349 from carrot's rows: real points, penalties, old ratings and changes (bare results).
    carrot = sorted(json.loads(CARROT_1349.read_text()), key=lambda r: (-r[1], r[2]))
    nested = folder / "round-917-copy"  # a misleading name: files are matched by the id inside
    nested.mkdir()
    rows_1349 = [_row(1349, h, float(p), q) for h, p, q, _, _ in carrot]
    (nested / "c.json").write_text(json.dumps({"contest": {"id": 1349}, "problems": [], "rows": rows_1349}))
    rated = [
        {"contestId": 1349, "handle": h, "rank": 1, "oldRating": old, "newRating": old + d}
        for h, _, _, old, d in carrot
    ]
    (nested / "d.json").write_text(json.dumps(rated))
    (folder / "notes.json").write_text(json.dumps({"comment": "not an API answer"}))
    return folder


@pytest.fixture(scope="module")
def fields(standings: Path) -> dict[int, ContestField]:
    return load_fields(standings, [917, 1349])


def _results(*contests: tuple[int, float, int]) -> ModelResults:
    return ModelResults(
        model="test-model",
        contests=[ContestResults(contest_id=c, points=p, penalty=q) for c, p, q in contests],
    )


def _augmented(contestants: list[Contestant], tied_with_rank: int, rating: int = 1500) -> list[Contestant]:
    """The real field with the model added, tied with the contestants at API rank `tied_with_rank`."""
    moved = [
        Contestant(handle=c.handle, rank=c.rank + (c.rank > tied_with_rank), old_rating=c.old_rating)
        for c in contestants
    ]
    return [*moved, Contestant(handle="MODEL", rank=tied_with_rank, old_rating=rating)]


@needs_data
def test_fields_read_real_files(fields: dict[int, ContestField]) -> None:
    assert fields[917].size == 423 and fields[1349].size == 1248  # the PRACTICE row is not rated
    assert not fields[917].uses_penalty and not fields[1349].uses_penalty
    assert fields[917].ratings[0] == 3199 and list(fields[917].points) == sorted(
        fields[917].points, reverse=True
    )


@needs_data
def test_performance_equals_the_official_computation_round_917(fields: dict[int, ContestField]) -> None:
    contestants = load_contestants(ROUND_917)
    own = {c.handle: c.performance for c in compute_rating_changes(contestants, exact_performance=True)}
    tie_ranks = {c.rank for c in contestants if sum(d.rank == c.rank for d in contestants) > 1}
    picks = [contestants[i] for i in (1, 10, 200, 422)] + [
        next(c for c in contestants if c.rank in tie_ranks)
    ]
    for c in picks:
        report = estimate(_results((917, _points_917(c.rank), 0)), fields, "performance")
        row = report.contests[0]
        assert row.rank == c.rank
        official = compute_rating_changes(_augmented(contestants, c.rank), exact_performance=True)
        expected = next(ch for ch in official if ch.handle == "MODEL")
        assert row.place == expected.rank
        assert row.rating == expected.performance, c.handle
        if c.rank >= 10:  # one more contestant in the field barely moves a performance
            assert abs(row.rating - own[c.handle]) <= 25


@needs_data
def test_performance_is_where_the_change_reaches_zero_round_1349(fields: dict[int, ContestField]) -> None:
    contestants = load_contestants(CARROT_1349)
    carrot = sorted(json.loads(CARROT_1349.read_text()), key=lambda r: (-r[1], r[2]))
    perfs = dict(json.loads(CARROT_1349_PERFS.read_text()))
    for i in (30, 400, 1000):
        handle, points, penalty, _, _ = carrot[i]
        rank = next(c.rank for c in contestants if c.handle == handle)
        row = estimate(_results((1349, points, penalty)), fields, "performance").contests[0]
        assert row.rank == rank and not row.capped
        augmented = _augmented(contestants, rank)
        ratings = [c.old_rating for c in augmented]
        ranks = [c.rank for c in augmented]

        def change_at(x: int, ratings: list[int | None] = ratings, ranks: list[int] = ranks) -> int:
            return int(rating_update([*ratings[:-1], x], ranks).deltas[-1])

        performance = int(row.rating)
        assert change_at(performance) <= 0 < change_at(performance - 1)
        assert abs(performance - perfs[handle]) <= 25  # carrot's published performance of the tied human


@needs_data
def test_sole_winner_is_capped(fields: dict[int, ContestField]) -> None:
    report = estimate(_results((1349, 99999.0, 0)), fields, "performance")
    assert report.contests[0].rank == 1 and report.contests[0].capped and report.contests[0].percentile == 100
    report = estimate(_results((1349, 99999.0, 0)), fields, "codeelo")
    assert report.contests[0].capped and report.contests[0].rating == 6000


@needs_data
def test_codeelo_rating_falls_as_rank_grows(fields: dict[int, ContestField]) -> None:
    scores = np.unique(fields[1349].points)[::-1]  # every distinct human score, best first
    ladder = [float(s) + 0.5 for s in scores[::40]]
    rows = [estimate(_results((1349, p, 0)), fields, "codeelo").contests[0] for p in ladder]
    ranks = [r.rank for r in rows]
    ratings = [r.rating for r in rows]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert all(a > b for a, b in zip(ratings, ratings[1:], strict=False))
    assert rows[0].percentile > rows[-1].percentile


def _synthetic(ratings: list[int], points: list[float], penalty: list[int] | None = None) -> ContestField:
    pen = penalty or [0] * len(ratings)
    return ContestField(
        contest_id=1,
        points=np.asarray(points, dtype=np.float64),
        penalty=np.asarray(pen, dtype=np.int64),
        ratings=np.asarray(ratings, dtype=np.int64),
        uses_penalty=any(pen),
        sources=(),
    )


def test_codeelo_on_a_tiny_field_by_hand() -> None:
    # Two humans at 1500, one ahead: 1 + 2/(1+10^((r-1500)/400)) = 2 gives r = 1500.
    field = _synthetic([1500, 1500], [3, 1])
    row = estimate(_results((1, 2, 0)), {1: field}, "codeelo").contests[0]
    assert row.rank == 2 and row.rating == pytest.approx(1500, abs=1e-4) and row.percentile == 50
    # Symmetric field 1000 / 2000 at rank 2: r = 1500.
    assert codeelo_rating(np.array([1000, 2000]), 2)[0] == pytest.approx(1500, abs=1e-4)
    # Three humans at 1600, rank 2: 3/(1+10^x) = 1, so r = 1600 + 400 log10(2).
    assert codeelo_rating(np.array([1600] * 3), 2)[0] == pytest.approx(1600 + 400 * math.log10(2), abs=1e-4)
    # Nobody ahead or everybody ahead: the equation has no finite root; the bounds are reported.
    assert codeelo_rating(np.array([1600] * 3), 1) == (6000.0, True)
    assert codeelo_rating(np.array([1600] * 3), 4) == (-500.0, True)


def test_ties_and_penalties_place_the_model() -> None:
    # Codeforces-scored: penalties are all 0, so the model's penalty does not break the tie.
    cf = _synthetic([1500, 1600, 1700], [900, 500, 100])
    placed = place_model(cf, 500, 37)
    assert placed.rank == 2 and placed.place == 3
    # ICPC-style: equal solved count, less penalty is ahead.
    icpc = _synthetic([1500, 1600, 1700], [3, 3, 2], [100, 200, 50])
    assert place_model(icpc, 3, 150).rank == 2
    tied = place_model(icpc, 3, 100)
    assert tied.rank == 1 and tied.place == 2
    assert place_model(icpc, 3, 99).place == 1
    assert place_model(icpc, 2, 10).rank == 3


def test_percentile_counts_half_of_equal_ratings() -> None:
    assert rating_percentile(np.array([1000, 1500, 1500, 2000]), 1500) == 50
    assert rating_percentile(np.array([1000, 1500, 1500, 2000]), 1999) == 75
    assert rating_percentile(np.array([1000]), 500) == 0


def test_bootstrap_interval_contains_the_mean_and_is_seeded() -> None:
    values = [1210.0, 1890.0, 1544.0, 1702.0, 980.0, 2200.0, 1433.0, 1650.0]
    low, high = bootstrap_interval(values, 2000, seed=7)
    assert low < np.mean(values) < high and high - low < max(values) - min(values)
    assert bootstrap_interval(values, 2000, seed=7) == (low, high)
    assert bootstrap_interval(values, 2000, seed=8) != (low, high)
    assert bootstrap_interval([1500.0], 100, seed=0) == (1500.0, 1500.0)


@needs_data
def test_report_interval_is_seeded(fields: dict[int, ContestField]) -> None:
    results = _results((917, 9950.0, 0), (1349, 2641.0, 0))
    first = estimate(results, fields, "codeelo", seed=3, bootstrap=500)
    again = estimate(results, fields, "codeelo", seed=3, bootstrap=500)
    assert first == again and first.bootstrap == 500 and first.method == "codeelo"
    assert first.ci_low <= first.mean <= first.ci_high
    assert first.mean == pytest.approx(np.mean([r.rating for r in first.contests]))


@needs_data
def test_sequential_applies_the_official_update_in_contest_order(fields: dict[int, ContestField]) -> None:
    results = _results((1349, 2641.0, 0), (917, 9950.0, 0))  # listed out of order on purpose
    report = estimate(results, fields, "sequential")
    assert [r.contest_id for r in report.contests] == [917, 1349]
    first, second = report.contests
    assert first.rating_before == 1400 and second.rating_before == first.rating_after
    assert report.final_rating == second.rating_after == 1400 + first.delta + second.delta
    for row, source in ((first, load_contestants(ROUND_917)), (second, load_contestants(CARROT_1349))):
        augmented = _augmented(source, row.rank, rating=row.rating_before)
        update = rating_update([c.old_rating for c in augmented], [c.rank for c in augmented])
        assert row.delta == int(update.deltas[-1])
    assert first.delta > 0  # rank 50 of a Div. 1 round from 1400
    performance = estimate(results, fields, "performance")
    assert [r.rating for r in report.contests] == [r.rating for r in performance.contests]
    assert report.mean == performance.mean


def test_results_from_a_simulated_contest_round_trip(tmp_path: Path) -> None:
    outcome = contest_result([ProblemAttempts(index="A", value=500, attempts=[[10, True, True]])], mode="cf")
    results = ModelResults(model="m", scoring="cf", contests=[ContestResults.from_outcome(917, outcome)])
    path = tmp_path / "results.json"
    path.write_text(results.model_dump_json())
    loaded = load_results(path)
    assert loaded == results and loaded.contests[0].points == 480
    assert loaded.contests[0].problems[0].minute == 10


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{broken", "not valid JSON"),
        ('{"model": "m", "contests": []}', "contests"),
        (
            '{"model": "m", "contests": [{"contest_id": 1, "points": 1}, {"contest_id": 1, "points": 2}]}',
            "repeat",
        ),
        ('{"model": "m", "contests": [{"contest_id": 1}]}', "points"),
    ],
)
def test_bad_results_give_one_line_errors(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "results.json"
    path.write_text(content)
    with pytest.raises(IoiAgentError) as info:
        load_results(path)
    message = str(info.value)
    assert needle in message and "results.json" in message and "fix:" in message and "\n" not in message


@needs_data
def test_missing_standings_name_the_contest_and_the_fix(standings: Path, tmp_path: Path) -> None:
    with pytest.raises(IoiAgentError) as info:
        load_fields(standings, [917, 2024])
    message = str(info.value)
    assert (
        "contest 2024" in message and "contest.standings?contestId=2024" in message and "917, 1349" in message
    )
    only_changes = tmp_path / "only-changes"
    only_changes.mkdir()
    (only_changes / "x.json").write_text(ROUND_917.read_text())
    with pytest.raises(IoiAgentError, match="no points"):
        load_fields(only_changes, [917])
    with pytest.raises(IoiAgentError, match="not a folder"):
        load_fields(tmp_path / "absent", [917])


def test_standings_without_ratings_ask_for_rating_changes(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps({"contest": {"id": 5}, "rows": [_row(5, "a", 10.0)]}))
    with pytest.raises(IoiAgentError, match="ratingChanges"):
        load_fields(tmp_path, [5])
    # Old ratings in the rows themselves are enough (0 = a new account, rated as 1400).
    (tmp_path / "s.json").write_text(
        json.dumps(
            {
                "contest": {"id": 5},
                "rows": [_row(5, "a", 10.0, oldRating=0), _row(5, "b", 5.0, oldRating=1800)],
            }
        )
    )
    field = load_fields(tmp_path, [5])[5]
    assert field.ratings.tolist() == [1400, 1800]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ioi_agent", "rating", "estimate", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_data
def test_cli_json_report(standings: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(_results((917, 9950.0, 0), (1349, 2641.0, 0)).model_dump_json())
    run = _cli(
        str(results), "--standings", str(standings), "--method", "sequential", "--json", "--bootstrap", "300"
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["method"] == "sequential" and "AlphaCode" in report["description"]
    assert {"model", "contests", "mean", "ci_low", "ci_high", "final_rating", "bootstrap", "seed"} <= set(
        report
    )
    assert set(report["contests"][0]) >= {"contest_id", "rank", "participants", "rating", "percentile"}
    assert report["contests"][0]["participants"] == 423 and report["bootstrap"] == 300
    direct = estimate_files(results, standings, "sequential", bootstrap=300)
    assert report == json.loads(direct.model_dump_json())
    table = _cli(str(results), "--standings", str(standings), "--method", "codeelo")
    assert table.returncode == 0 and "codeelo" in table.stdout and "CI" in table.stdout


@needs_data
def test_cli_errors_are_one_line(standings: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(_results((917, 9950.0, 0), (31337, 10.0, 0)).model_dump_json())
    for args, needles in [
        ((str(results), "--standings", str(standings)), ["contest 31337", "fix:"]),
        ((str(tmp_path / "missing.json"), "--standings", str(standings)), ["missing.json", "cannot read"]),
    ]:
        run = _cli(*args)
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1 and all(n in run.stderr for n in needles), run.stderr


@needs_data
def test_cli_writes_a_report_that_renders(standings: Path, tmp_path: Path) -> None:
    from ioi_agent.reports import read_report
    from ioi_agent.reports.browser import check_html, find_chromium

    results = tmp_path / "results.json"
    results.write_text(_results((917, 9950.0, 0)).model_dump_json())
    out = tmp_path / "report"
    run = _cli(str(results), "--standings", str(standings), "--bootstrap", "100", "--out", str(out))
    assert run.returncode == 0, run.stderr
    doc = read_report(out / "report.json")
    assert doc.data["method"] == "codeelo"
    figure = doc.report.sections[0].figures[0]
    assert figure.kind == "rating_distribution" and len(figure.ratings) == 423
    assert "| 917 |" in (out / "report.md").read_text()
    if find_chromium() is None:
        pytest.skip("no chromium on this machine (scripts/install_chromium.sh installs it)")
    check = check_html(out / "report.html", timeout_s=120)
    assert check.ok, check
