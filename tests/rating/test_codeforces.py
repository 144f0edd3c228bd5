"""The official Codeforces rating update against real published rating changes (shared/data/codeforces)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.rating import compute_rating_changes, load_contestants, rating_update
from ioi_agent.rating.codeforces import reference_deltas, used_places

# The published data: a copy under tests/data/codeforces if the repository carries one, else the shared
# data folder beside the checkout (IOI_AGENT_CODEFORCES_DATA overrides both).
_CANDIDATES = [
    Path(__file__).resolve().parents[1] / "data" / "codeforces",
    Path(__file__).resolve().parents[3] / "shared" / "data" / "codeforces",
]
DATA = Path(
    os.environ.get("IOI_AGENT_CODEFORCES_DATA")
    or next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[-1])
)
ROUND_917 = DATA / "rating-changes-917.json"
ROUND_911 = DATA / "rating-changes-911.json"
CARROT_1349 = DATA / "carrot-round-1349-641-div1-data.json"
CARROT_1349_PERFS = DATA / "carrot-round-1349-641-div1-perfs.json"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"real Codeforces data not found at {DATA}")


def _official_perfs() -> dict[str, int | None]:
    rows = json.loads(CARROT_1349_PERFS.read_text())
    return {handle: None if perf == "Infinity" else perf for handle, perf in rows}


def test_round_917_every_row_exact() -> None:
    changes = compute_rating_changes(load_contestants(ROUND_917))
    assert len(changes) == 423
    wrong = [(c.handle, c.delta, c.official_delta) for c in changes if c.delta != c.official_delta]
    assert wrong == []


def test_round_917_ties_use_last_place() -> None:
    shown = {c.handle: c.rank for c in load_contestants(ROUND_917)}
    changes = compute_rating_changes(load_contestants(ROUND_917))
    tied = [c for c in changes if sum(1 for r in shown.values() if r == c.shown_rank) > 1]
    assert tied, "round 917 has ties"
    for c in tied:
        group = sum(1 for r in shown.values() if r == c.shown_rank)
        assert c.rank == c.shown_rank + group - 1


def test_round_1349_deltas_and_performances_exact() -> None:
    changes = compute_rating_changes(load_contestants(CARROT_1349))
    assert len(changes) == 1248
    assert [c.handle for c in changes if c.delta != c.official_delta] == []
    perfs = _official_perfs()
    assert [c.handle for c in changes if c.performance != perfs[c.handle]] == []
    assert [c.handle for c in changes if c.performance is None] == ["Um_nik"]


def test_round_1349_exact_performance_mode_matches_too() -> None:
    changes = compute_rating_changes(load_contestants(CARROT_1349), exact_performance=True)
    perfs = _official_perfs()
    assert [c.handle for c in changes if c.performance != perfs[c.handle]] == []


def test_exact_performance_is_where_the_full_change_reaches_zero() -> None:
    contestants = load_contestants(ROUND_917)
    ratings = [c.old_rating for c in contestants]
    ranks = [c.rank for c in contestants]
    index = {c.handle: i for i, c in enumerate(contestants)}
    fast = {c.handle: c.performance for c in compute_rating_changes(contestants)}
    exact = compute_rating_changes(contestants, exact_performance=True)
    differing = [c for c in exact if c.performance != fast[c.handle]]
    assert differing, "on round 917 holding the corrections fixed moves a few performances"
    for c in differing + exact[1::60]:
        i = index[c.handle]

        def change_at(x: int, i: int = i) -> int:
            moved = list(ratings)
            moved[i] = x
            return int(rating_update(moved, ranks).deltas[i])

        assert change_at(c.performance) <= 0 < change_at(c.performance - 1), c.handle


def test_round_911_educational_mismatch_share() -> None:
    changes = compute_rating_changes(load_contestants(ROUND_911))
    share = sum(c.delta != c.official_delta for c in changes) / len(changes)
    print(f"round 911: {share:.2%} of {len(changes)} rows differ from the published change")
    assert share < 0.08


def test_used_places_take_the_last_place_of_ties() -> None:
    # The BRIEF's example: API ranks 36, 36, 38 mean places 37, 37, 38; input order must not matter.
    shown = np.array([38, *range(1, 36), 36, 36])
    assert used_places(shown).tolist() == [38, *range(1, 36), 37, 37]
    assert used_places(np.array([3, 1, 1, 3, 3])).tolist() == [5, 2, 2, 5, 5]


def _random_contest(rng: random.Random, n: int) -> tuple[list[int], list[int]]:
    ratings = [rng.choice([rng.randint(-100, 3600), 1400]) for _ in range(n)]
    scores = sorted((rng.randint(0, n // 3) for _ in range(n)), reverse=True)  # many ties
    shown = [scores.index(s) + 1 for s in scores]
    return ratings, shown


def test_vectorised_equals_pairwise_reference() -> None:
    rng = random.Random(917)
    for n in (2, 7, 40, 90):
        ratings, shown = _random_contest(rng, n)
        assert rating_update(ratings, shown).deltas.tolist() == reference_deltas(ratings, shown)


def test_new_accounts_count_as_1400(tmp_path: Path) -> None:
    rows = json.loads(ROUND_917.read_text())
    rows[5]["oldRating"] = 0
    path = tmp_path / "with-new.json"
    path.write_text(json.dumps({"status": "OK", "result": rows}))
    contestants = load_contestants(path)
    assert [c.handle for c in contestants if c.old_rating is None] == [rows[5]["handle"]]
    changes = {c.handle: c for c in compute_rating_changes(contestants)}
    newcomer = changes[rows[5]["handle"]]
    assert newcomer.new_account and newcomer.old_rating == 1400
    assert newcomer.new_rating == 1400 + newcomer.delta
    assert newcomer.delta > 200  # rank 6 of a Div. 1 round from 1400 must gain a lot


def test_standings_with_ratings_file_reproduce_917(tmp_path: Path) -> None:
    changes = json.loads(ROUND_917.read_text())
    rows = [
        {
            "party": {"members": [{"handle": r["handle"]}], "participantType": "CONTESTANT"},
            "rank": r["rank"],
            "points": 10000.0 - r["rank"],  # equal API rank = equal points, as in the real standings
            "penalty": 0,
        }
        for r in changes
    ]
    rows.insert(
        3,
        {
            "party": {"members": [{"handle": "someone"}], "participantType": "PRACTICE"},
            "rank": 0,
            "points": 1,
        },
    )
    standings = tmp_path / "standings.json"
    standings.write_text(
        json.dumps({"status": "OK", "result": {"contest": {"id": 917}, "problems": [], "rows": rows}})
    )
    computed = compute_rating_changes(load_contestants(standings, ROUND_917))
    official = {r["handle"]: r["newRating"] - r["oldRating"] for r in changes}
    assert len(computed) == 423
    assert [c.handle for c in computed if c.delta != official[c.handle]] == []
    mapping = tmp_path / "ratings.json"
    mapping.write_text(json.dumps({r["handle"]: r["oldRating"] for r in changes}))
    again = compute_rating_changes(load_contestants(standings, mapping))
    assert [c.delta for c in again] == [c.delta for c in computed]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"status": "FAILED", "comment": "contestId: Contest with id 1 not found"}', "FAILED"),
        ('[{"rank": 1, "oldRating": 1500}]', "handle"),
        ('[{"handle": "a", "rank": 0, "oldRating": 1500}]', "rank"),
        ('[["a", 10, 0, 1500]]', "carrot row 0"),
        ('{"rows": [{"party": {"members": [{"handle": "a"}]}, "rank": 1, "points": 3}]}', "--ratings"),
        ('{"hello": 1}', "not a contest.ratingChanges"),
    ],
)
def test_malformed_files_give_one_line_errors(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(IoiAgentError) as info:
        load_contestants(path)
    message = str(info.value)
    assert needle in message and "bad.json" in message and "fix:" in message and "\n" not in message


def test_15000_contestants_in_seconds() -> None:
    rng = np.random.default_rng(15000)
    ratings = np.clip(rng.normal(1500, 450, 15000).round(), -50, 3900).astype(int).tolist()
    shown = np.sort(rng.integers(1, 15001, 15000)).tolist()  # arbitrary order with ties
    start = time.perf_counter()
    update = rating_update(ratings, shown)
    elapsed = time.perf_counter() - start
    print(f"15,000 contestants: {elapsed:.2f} s")
    assert len(update.deltas) == 15000 and sum(p is None for p in update.performances) <= 1
    assert elapsed < 20


def test_cli_changes_json() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ioi_agent", "rating", "changes", str(ROUND_917), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    official = {r["handle"]: r for r in json.loads(ROUND_917.read_text())}
    assert len(rows) == 423
    assert set(rows[0]) == {"handle", "rank", "oldRating", "delta", "newRating", "performance"}
    assert rows[0]["performance"] is None and all(isinstance(r["performance"], int) for r in rows[1:])
    for row in rows:
        assert row["oldRating"] == official[row["handle"]]["oldRating"]
        assert row["newRating"] == official[row["handle"]]["newRating"]
        assert row["delta"] == row["newRating"] - row["oldRating"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)


def test_cli_reports_bad_file_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("[1, 2")
    run = subprocess.run(
        [sys.executable, "-m", "ioi_agent", "rating", "changes", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "broken.json" in run.stderr and "fix:" in run.stderr
