"""Elo estimation: a model's Codeforces rating from its simulated results against real standings.

RESULTS: a JSON document (`ModelResults`) written by the Codeforces contest simulation:
    {"model": str,
     "scoring": "cf" | "codeelo" | "icpc" | null,      (optional: how the points were computed)
     "contests": [{"contest_id": int, "points": float, "penalty": int,
                   "problems": [{"index": "A", "solved": bool, "minute": int | null,
                                 "failed_attempts": int, "points": float}]}]}
  A contest's `points` and `penalty` place the model (icpc: points = problems solved); `problems` are
  carried along for reports and are not re-added.

STANDINGS DIR: a folder, searched recursively for *.json, holding per contest its Codeforces API answers:
  - contest.standings: the full response or its result {"contest": {"id", "type"}, "problems", "rows"},
    rows with party.members[].handle, party.participantType, points, penalty (rows may carry oldRating);
  - contest.ratingChanges: the full response or its result list of {contestId, handle, rank, oldRating,
    newRating}.
  Files are matched to contests by the contest id inside them, never by their names; JSON files of
  another shape are skipped. A contest needs its standings (points place the model) and old ratings (its
  ratingChanges, or oldRating in the standings rows). Rated humans: the official standings rows (party
  CONTESTANT, not ghosts) that appear in the ratingChanges when there is one. An old rating of 0 (a new
  account) counts as 1400, as in the official update.

Placing the model: a human is ahead of it with more points, or equal points and less penalty where
penalties are used (ICPC-type contest, or some human with a nonzero penalty; Codeforces-scored rounds
carry penalty 0). rank = humans ahead + 1 (as the API shows ranks); the official update uses the last
place of the model's tie group instead (`place`, BRIEF section 6).

Methods (every report names the one used):
- codeelo: the r solving 1 + sum_i 1/(1+10^((r - r_i)/400)) = rank over the humans' old ratings r_i,
  by bisection on [RATING_LOW, RATING_HIGH] (a sole winner is capped at RATING_HIGH).
- performance: the model joins the contest (n + 1 contestants) and its performance is the smallest
  integer rating in [RATING_LOW, RATING_HIGH) at which its official change, everything recomputed with
  it at that rating (both corrections included), would be <= 0; a sole winner is unbounded and reported
  as RATING_HIGH, capped. Same definition as ioi_agent.rating.codeforces' exact performance.
- sequential (AlphaCode): from 1400 the model takes part in the contests in contest-id order, each time
  at its current rating, and gets the official change; `final_rating` is the result. Its per-contest
  `rating` (what mean and interval summarise) is the contest's performance as above.
Overall: the mean of the per-contest ratings and a percentile bootstrap interval (contests resampled with
replacement, `bootstrap` times, numpy generator seeded with `seed`). Percentile: 100 * (share of the rated
humans whose old rating is below the contest rating + half the share equal to it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ioi_agent.errors import IoiAgentError
from ioi_agent.rating.codeforces import (
    NEW_ACCOUNT_RATING,
    PERF_HIGH,
    PERF_LOW,
    _build_field,
    _correction,
    _own_deltas,
    used_places,
)
from ioi_agent.rating.io import _fail, _first_error, _new_if_zero, _Party, read_api_result
from ioi_agent.scoring.codeforces import ContestOutcome, ProblemOutcome, ScoringMode

Method = Literal["codeelo", "performance", "sequential"]
METHODS: tuple[Method, ...] = ("codeelo", "performance", "sequential")
DEFAULT_METHOD: Method = "codeelo"
DEFAULT_BOOTSTRAP = 2000
CONFIDENCE = 0.95
# The range every method searches: the one the official performances are computed over.
RATING_LOW, RATING_HIGH = PERF_LOW, PERF_HIGH

DESCRIPTIONS: dict[Method, str] = {
    "codeelo": "CodeElo: rank = humans strictly ahead + 1; rating r solves 1 + sum 1/(1+10^((r-r_i)/400)) = rank",
    "performance": "Codeforces performance: the rating at which the model's official change would be zero",
    "sequential": "AlphaCode: official updates contest by contest from 1400; mean over contest performances",
}


# --- RESULTS -----------------------------------------------------------------------------------------


class ContestResults(BaseModel):
    """The model's result in one contest."""

    model_config = ConfigDict(frozen=True)

    contest_id: int = Field(ge=1)
    points: float = Field(ge=0, description="total points (icpc: problems solved)")
    penalty: int = Field(default=0, ge=0, description="penalty minutes (0 in Codeforces-scored rounds)")
    problems: list[ProblemOutcome] = Field(default_factory=list)

    @classmethod
    def from_outcome(cls, contest_id: int, outcome: ContestOutcome) -> ContestResults:
        return cls(
            contest_id=contest_id, points=outcome.points, penalty=outcome.penalty, problems=outcome.problems
        )


class ModelResults(BaseModel):
    """RESULTS: a model's simulated Codeforces contests (module docstring)."""

    model_config = ConfigDict(frozen=True)

    model: str = Field(min_length=1)
    scoring: ScoringMode | None = None
    contests: list[ContestResults] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ModelResults:
        ids = [c.contest_id for c in self.contests]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"contest ids repeat: {repeated}")
        return self


def load_results(path: Path) -> ModelResults:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(
            path, f"cannot read RESULTS ({exc.strerror})", "give the contest simulation's JSON"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"not valid JSON (line {exc.lineno}: {exc.msg})", "give a JSON document") from None
    try:
        return ModelResults.model_validate(data)
    except ValidationError as exc:
        raise _fail(
            path,
            f"not a RESULTS document ({_first_error(exc, whole='document')})",
            'use {"model": ..., "contests": [{"contest_id", "points", "penalty", "problems"}]}',
        ) from None


# --- STANDINGS DIR -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestField:
    """The rated humans of one contest, best first."""

    contest_id: int
    points: np.ndarray  # float64
    penalty: np.ndarray  # int64
    ratings: np.ndarray  # int64 old ratings, new accounts as 1400
    uses_penalty: bool
    sources: tuple[Path, ...]

    @property
    def size(self) -> int:
        return len(self.ratings)


class _Row(BaseModel):
    party: _Party
    points: float
    penalty: int = 0
    oldRating: int | None = None


class _ChangeRow(BaseModel):
    contestId: int
    handle: str
    oldRating: int


@dataclass
class _Found:
    standings: dict[int, tuple[Path, dict[str, Any]]]
    changes: dict[int, tuple[Path, list[dict[str, Any]]]]
    skipped: list[str]


def _standings_id(data: dict[str, Any]) -> int | None:
    contest = data.get("contest")
    if isinstance(contest, dict) and isinstance(contest.get("id"), int):
        return contest["id"]
    rows = data.get("rows") or []
    party = rows[0].get("party") if rows and isinstance(rows[0], dict) else None
    if isinstance(party, dict) and isinstance(party.get("contestId"), int):
        return party["contestId"]
    return None


def _scan(directory: Path, wanted: set[int]) -> _Found:
    found = _Found(standings={}, changes={}, skipped=[])
    for path in sorted(directory.rglob("*.json")):
        data = read_api_result(path)
        if isinstance(data, dict) and isinstance(data.get("rows"), list):
            cid = _standings_id(data)
            if cid is None:
                found.skipped.append(f"{path.name} (standings naming no contest)")
            elif cid in found.standings:
                other = found.standings[cid][0]
                raise _fail(path, f"second standings of contest {cid} (also {other})", "keep one of them")
            else:
                # Only the contests asked for keep their rows in memory.
                found.standings[cid] = (path, data if cid in wanted else {})
        elif isinstance(data, list) and data and all(isinstance(r, dict) and "contestId" in r for r in data):
            for cid in sorted({r["contestId"] for r in data if isinstance(r["contestId"], int)}):
                if cid in found.changes:
                    other = found.changes[cid][0]
                    raise _fail(path, f"second ratingChanges of contest {cid} (also {other})", "keep one")
                rows = [r for r in data if r["contestId"] == cid] if cid in wanted else []
                found.changes[cid] = (path, rows)
        else:
            found.skipped.append(f"{path.name} (not a standings or ratingChanges answer)")
    return found


def _old_ratings(path: Path, rows: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, raw in enumerate(rows):
        try:
            row = _ChangeRow.model_validate(raw)
        except ValidationError as exc:
            raise _fail(
                path, f"ratingChanges row {i}: {_first_error(exc)}", "save the API answer as is"
            ) from None
        out[row.handle] = _checked_rating(path, row.handle, row.oldRating)
    return out


def _checked_rating(path: Path, handle: str, rating: int) -> int:
    return _new_if_zero(rating, path, handle) or NEW_ACCOUNT_RATING


def _contest_field(cid: int, found: _Found) -> ContestField:
    path, data = found.standings[cid]
    change_path, change_rows = found.changes.get(cid, (None, []))
    old = _old_ratings(change_path, change_rows) if change_path is not None else None
    points: list[float] = []
    penalty: list[int] = []
    ratings: list[int] = []
    for i, raw in enumerate(data["rows"]):
        try:
            row = _Row.model_validate(raw)
        except ValidationError as exc:
            raise _fail(
                path, f"standings row {i}: {_first_error(exc)}", "rows need party.members, points"
            ) from None
        # Only official contestants are rated: practice, virtual and out-of-competition rows are not.
        if row.party.participantType != "CONTESTANT" or row.party.ghost:
            continue
        if len(row.party.members) != 1:
            raise _fail(
                path, f"standings row {i} is a team", "team contests are not rated; give an individual round"
            )
        handle = row.party.members[0].handle
        if old is not None:
            if handle not in old:
                continue  # not rated in this contest (e.g. removed before the update)
            rating = old[handle]
        elif row.oldRating is not None:
            rating = _checked_rating(path, handle, row.oldRating)
        else:
            raise _fail(
                path,
                f"contest {cid}: no old rating for {handle!r}",
                f"add the contest.ratingChanges answer of contest {cid} to the standings folder",
            )
        points.append(row.points)
        penalty.append(row.penalty)
        ratings.append(rating)
    if old is not None and len(ratings) * 2 < len(old):
        raise _fail(
            path,
            f"contest {cid}: only {len(ratings)} of {len(old)} rated handles in {change_path} are in the standings",
            "save the complete standings of the same contest (no count limit)",
        )
    if not ratings:
        raise _fail(
            path, f"contest {cid}: no rated contestants", "use the official standings of a rated round"
        )
    pts = np.round(np.asarray(points, dtype=np.float64), 6)  # equal scores must compare equal
    pen = np.asarray(penalty, dtype=np.int64)
    order = np.lexsort((np.arange(len(pts)), pen, -pts))  # best first, file order among ties
    contest = data.get("contest")
    icpc = isinstance(contest, dict) and contest.get("type") == "ICPC"
    sources = (path,) if change_path is None else (path, change_path)
    return ContestField(
        contest_id=cid,
        points=pts[order],
        penalty=pen[order],
        ratings=np.asarray(ratings, dtype=np.int64)[order],
        uses_penalty=bool(icpc or (pen != 0).any()),
        sources=sources,
    )


def load_fields(
    directory: Path, contest_ids: Sequence[int], results_path: Path | None = None
) -> dict[int, ContestField]:
    """The rated fields of the given contests from a standings folder (module docstring)."""
    if not directory.is_dir():
        raise _fail(directory, "not a folder", "give --standings a folder of Codeforces API answers (JSON)")
    wanted = set(contest_ids)
    found = _scan(directory, wanted)
    fields: dict[int, ContestField] = {}
    for cid in sorted(wanted):
        if cid not in found.standings:
            raise _missing(cid, directory, found, results_path)
        fields[cid] = _contest_field(cid, found)
    return fields


def _missing(cid: int, directory: Path, found: _Found, results_path: Path | None) -> IoiAgentError:
    have = ", ".join(str(i) for i in sorted(found.standings)) or "none"
    where = f"contest {cid} in {results_path}" if results_path else f"contest {cid}"
    extra = " (its ratingChanges alone cannot place the model: no points)" if cid in found.changes else ""
    return IoiAgentError(
        f"{where} has no contest.standings in {directory}{extra}; standings found for: {have} "
        f"(fix: save the API answers contest.standings?contestId={cid} and "
        f"contest.ratingChanges?contestId={cid} as JSON files in {directory}, or drop the contest from RESULTS)"
    )


# --- Methods -----------------------------------------------------------------------------------------


def shown_ranks(points: np.ndarray, penalty: np.ndarray) -> np.ndarray:
    """API-style ranks (ties share the first place) of (points, penalty), any order; more points win."""
    order = np.lexsort((penalty, -points))
    p, q = points[order], penalty[order]
    starts = np.ones(len(p), dtype=bool)
    starts[1:] = (p[1:] != p[:-1]) | (q[1:] != q[:-1])
    first = np.maximum.accumulate(np.where(starts, np.arange(len(p)), 0))
    ranks = np.empty(len(p), dtype=np.int64)
    ranks[order] = first + 1
    return ranks


@dataclass(frozen=True)
class _Placed:
    shown: np.ndarray  # API ranks of humans then the model (last)
    places: np.ndarray  # places the official update uses
    order: np.ndarray  # position in the standings, ties in input order (the model last of its group)

    @property
    def rank(self) -> int:
        return int(self.shown[-1])

    @property
    def place(self) -> int:
        return int(self.places[-1])


def place_model(field: ContestField, points: float, penalty: int) -> _Placed:
    pts = np.append(field.points, round(points, 6))
    pen = np.append(field.penalty, penalty) if field.uses_penalty else np.zeros(len(pts), dtype=np.int64)
    shown = shown_ranks(pts, pen)
    order = np.empty_like(shown)
    order[np.argsort(shown, kind="stable")] = np.arange(len(shown))
    return _Placed(shown=shown, places=used_places(shown), order=order)


def codeelo_rating(ratings: np.ndarray, rank: int) -> tuple[float, bool]:
    """(r, capped): r solving 1 + sum_i 1/(1+10^((r - r_i)/400)) = rank, within [RATING_LOW, RATING_HIGH]."""
    others = np.asarray(ratings, dtype=np.float64)

    def expected(r: float) -> float:
        return 1.0 + float(np.sum(1.0 / (1.0 + np.power(10.0, (r - others) / 400.0))))

    if expected(RATING_HIGH) >= rank:
        return float(RATING_HIGH), True
    if expected(RATING_LOW) <= rank:
        return float(RATING_LOW), True
    lo, hi = float(RATING_LOW), float(RATING_HIGH)
    while hi - lo > 1e-7:  # the expected rank falls as r grows
        mid = (lo + hi) / 2
        if expected(mid) > rank:
            lo = mid
        else:
            hi = mid
    return round((lo + hi) / 2, 6), False  # digits past the tolerance are noise


def performance_rating(field: ContestField, placed: _Placed) -> tuple[int, bool]:
    """(performance, capped): smallest integer x with the model's full official change at x <= 0."""
    if placed.place == 1:
        return RATING_HIGH, True  # a sole winner gains at any rating (codeforces.py: unbounded)
    base = _build_field(field.ratings)
    grid = np.arange(base.low, base.low + len(base.seed), dtype=np.int64)
    ranks = placed.places.astype(np.float64)

    def loses_or_stays(x: int) -> bool:
        # The model at rating x shifts every human's seed, hence their changes and both corrections.
        ratings = np.append(field.ratings, x)
        probe = replace(base, seed=base.seed + base.p_beats(x, grid))
        deltas = _own_deltas(probe, ratings, ranks, ratings)
        return int(deltas[-1]) + _correction(deltas, ratings, placed.order) <= 0

    lo, hi = RATING_LOW, RATING_HIGH
    while lo < hi:
        mid = (lo + hi) // 2
        if loses_or_stays(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo, lo == RATING_HIGH


def official_change(field: ContestField, placed: _Placed, rating: int) -> int:
    """The model's official rating change when it takes part at `rating`."""
    ratings = np.append(field.ratings, rating)
    deltas = _own_deltas(_build_field(ratings), ratings, placed.places.astype(np.float64), ratings)
    return int(deltas[-1]) + _correction(deltas, ratings, placed.order)


def rating_percentile(ratings: np.ndarray, value: float) -> float:
    """100 * (share of ratings below value + half the share equal to it)."""
    ratings = np.asarray(ratings)
    below = int(np.sum(ratings < value))
    equal = int(np.sum(ratings == value))
    return 100.0 * (below + 0.5 * equal) / len(ratings)


def bootstrap_interval(
    values: Sequence[float], resamples: int, seed: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean: resample the values with replacement, seeded."""
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    data = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    chunk = max(1, 1_000_000 // len(data))  # bounded memory for many contests
    for start in range(0, resamples, chunk):
        stop = min(start + chunk, resamples)
        means[start:stop] = data[rng.integers(0, len(data), size=(stop - start, len(data)))].mean(axis=1)
    tail = (1.0 - confidence) / 2
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


# --- Report ------------------------------------------------------------------------------------------


class ContestEstimate(BaseModel):
    model_config = ConfigDict(frozen=True)

    contest_id: int
    points: float
    penalty: int
    rank: int = Field(description="humans strictly ahead + 1")
    place: int = Field(description="place in the official update: last of the model's tie group")
    participants: int = Field(description="rated humans")
    rating: float = Field(description="the method's contest rating (sequential: the performance)")
    percentile: float = Field(description="of `rating` among the humans' old ratings, 0..100")
    capped: bool = Field(default=False, description="the rating hit the search range's bound")
    rating_before: int | None = Field(default=None, description="sequential: rating entering the contest")
    delta: int | None = Field(default=None, description="sequential: official change")
    rating_after: int | None = None


class EstimateReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    method: Method
    description: str
    model: str
    scoring: ScoringMode | None = None
    contests: list[ContestEstimate]
    mean: float
    ci_low: float
    ci_high: float
    confidence: float = CONFIDENCE
    bootstrap: int
    seed: int
    final_rating: int | None = Field(
        default=None, description="sequential: the rating after the last contest"
    )


def estimate(
    results: ModelResults,
    fields: Mapping[int, ContestField],
    method: Method = DEFAULT_METHOD,
    *,
    seed: int = 0,
    bootstrap: int = DEFAULT_BOOTSTRAP,
) -> EstimateReport:
    """Per-contest ratings by `method`, in contest-id order, and their mean with a bootstrap interval."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    missing = sorted(c.contest_id for c in results.contests if c.contest_id not in fields)
    if missing:
        raise IoiAgentError(f"no standings for contests {missing} (fix: load them with load_fields)")
    current = NEW_ACCOUNT_RATING
    rows: list[ContestEstimate] = []
    for contest in sorted(results.contests, key=lambda c: c.contest_id):
        field = fields[contest.contest_id]
        placed = place_model(field, contest.points, contest.penalty)
        if method == "codeelo":
            rating, capped = codeelo_rating(field.ratings, placed.rank)
        else:
            perf, capped = performance_rating(field, placed)
            rating = float(perf)
        extra: dict[str, int] = {}
        if method == "sequential":
            delta = official_change(field, placed, current)
            extra = {"rating_before": current, "delta": delta, "rating_after": current + delta}
            current += delta
        rows.append(
            ContestEstimate(
                contest_id=contest.contest_id,
                points=contest.points,
                penalty=contest.penalty,
                rank=placed.rank,
                place=placed.place,
                participants=field.size,
                rating=rating,
                percentile=rating_percentile(field.ratings, rating),
                capped=capped,
                **extra,
            )
        )
    values = [r.rating for r in rows]
    low, high = bootstrap_interval(values, bootstrap, seed)
    return EstimateReport(
        method=method,
        description=DESCRIPTIONS[method],
        model=results.model,
        scoring=results.scoring,
        contests=rows,
        mean=float(np.mean(values)),
        ci_low=low,
        ci_high=high,
        bootstrap=bootstrap,
        seed=seed,
        final_rating=current if method == "sequential" else None,
    )


def estimate_files(
    results_path: Path,
    standings: Path,
    method: Method = DEFAULT_METHOD,
    *,
    seed: int = 0,
    bootstrap: int = DEFAULT_BOOTSTRAP,
) -> EstimateReport:
    """`estimate` over a RESULTS file and a standings folder."""
    results = load_results(results_path)
    fields = load_fields(standings, [c.contest_id for c in results.contests], results_path)
    return estimate(results, fields, method, seed=seed, bootstrap=bootstrap)
