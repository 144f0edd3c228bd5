"""Inputs of the rating update: Codeforces API files and carrot's test data, read into `Contestant`s.

Accepted files (JSON):
- `contest.ratingChanges`: the full response `{"status": "OK", "result": [...]}` or the bare list; rank is
  the API's (first place of a tie group), the old rating is the row's, the published change is kept.
- `contest.standings`: the full response or the bare `{"rows": [...]}`; ties and order come from
  points and penalty; old ratings come from a row's `oldRating` or from a separate ratings file.
- carrot's round data: rows `[handle, points, penalty, oldRating, trueDelta]`.
A ratings file is a JSON object `{handle: rating}` or a `contest.ratingChanges` file (its oldRating).
A rating of 0 or null means a new account (Codeforces shows new accounts' old rating as 0).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ioi_agent.errors import IoiAgentError

# Real ratings stay within a few thousand; the bound keeps the seed table (linear in the range) small.
RATING_BOUND = 10000


class Contestant(BaseModel):
    """One rated contestant as the input shows them."""

    model_config = ConfigDict(frozen=True)

    handle: str
    rank: int = Field(ge=1, description="place as the API shows it: the first place of a tie group")
    old_rating: int | None = Field(
        default=None, ge=-RATING_BOUND, le=RATING_BOUND, description="None for a new account (rated as 1400)"
    )
    official_delta: int | None = Field(default=None, description="the published change, when known")


class RatingChange(BaseModel):
    """One contestant's computed change."""

    model_config = ConfigDict(frozen=True)

    handle: str
    rank: int = Field(description="place used by the formula: the last place of the tie group")
    shown_rank: int
    old_rating: int = Field(description="rating the formula used (1400 for a new account)")
    new_account: bool
    delta: int
    new_rating: int
    performance: int | None = Field(description="rating at which the change would be zero; None: unbounded")
    official_delta: int | None = None


def _fail(path: Path, problem: str, fix: str) -> IoiAgentError:
    return IoiAgentError(f"{path}: {problem} (fix: {fix})")


class _ChangeRow(BaseModel):
    handle: str
    rank: int = Field(ge=1)
    oldRating: int | None = None
    newRating: int | None = None


class _Member(BaseModel):
    handle: str


class _Party(BaseModel):
    members: list[_Member] = Field(min_length=1)
    participantType: str = "CONTESTANT"
    ghost: bool = False


class _StandingsRow(BaseModel):
    party: _Party
    rank: int = Field(ge=0)
    points: float
    penalty: int = 0
    oldRating: int | None = None


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(
            path, f"cannot read the file ({exc.strerror})", "give an existing readable JSON file"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            path, f"not valid JSON (line {exc.lineno}: {exc.msg})", "save the API answer as is"
        ) from None


def _unwrap(path: Path, data: Any) -> Any:
    """The `result` of a full API response, or the data itself when it is already bare."""
    if isinstance(data, dict) and "status" in data:
        if data["status"] != "OK":
            comment = str(data.get("comment", "")).strip() or "no comment"
            raise _fail(path, f"API response status {data['status']!r} ({comment})", "fetch the data again")
        if "result" not in data:
            raise _fail(path, "API response without `result`", "save the full API answer")
        return data["result"]
    return data


def read_api_result(path: Path) -> Any:
    """The JSON in `path`, unwrapped from a full API response to its `result`; one-line errors."""
    return _unwrap(path, _read_json(path))


def _new_if_zero(rating: int | None, path: Path, handle: str) -> int | None:
    if rating is not None and abs(rating) > RATING_BOUND:
        raise _fail(
            path, f"rating {rating} of {handle!r} is out of range", f"use a rating within +-{RATING_BOUND}"
        )
    return None if rating in (None, 0) else rating


def _first_error(exc: ValidationError, whole: str = "row") -> str:
    """The first validation error as `field.path: message` (`whole` names what an error without a path is in)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or whole
    return f"{where}: {err['msg']}"


def _rating_changes(path: Path, rows: list[Any]) -> list[Contestant]:
    out = []
    for i, raw in enumerate(rows):
        try:
            row = _ChangeRow.model_validate(raw)
        except ValidationError as exc:
            raise _fail(
                path,
                f"ratingChanges row {i}: {_first_error(exc)}",
                "each row needs handle, rank >= 1, oldRating",
            ) from None
        if row.oldRating is None:
            raise _fail(
                path, f"ratingChanges row {i} ({row.handle}) has no oldRating", "use 0 for a new account"
            )
        # A new account's published change includes the display bonus of a first contest (rounds since
        # 2020 show new accounts from 0), so it is not comparable with the formula's change.
        official = None if row.newRating is None or row.oldRating == 0 else row.newRating - row.oldRating
        out.append(
            Contestant(
                handle=row.handle,
                rank=row.rank,
                old_rating=_new_if_zero(row.oldRating, path, row.handle),
                official_delta=official,
            )
        )
    return out


def shown_ranks(scores: list[tuple[float, int]]) -> list[int]:
    """API-style ranks from (points, penalty), rows already ordered best first: ties share the first place."""
    ranks: list[int] = []
    for i, score in enumerate(scores):
        ranks.append(ranks[-1] if i and scores[i - 1] == score else i + 1)
    return ranks


def _carrot_rows(path: Path, rows: list[Any]) -> list[Contestant]:
    parsed = []
    for i, row in enumerate(rows):
        ok = (
            isinstance(row, list)
            and len(row) == 5
            and isinstance(row[0], str)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in row[1:3])
            and (row[3] is None or isinstance(row[3], int))
            and (row[4] is None or isinstance(row[4], int))
        )
        if not ok:
            raise _fail(
                path,
                f"carrot row {i} is {str(row)[:60]}",
                "rows must be [handle, points, penalty, oldRating, delta]",
            )
        parsed.append(row)
    # Best first: more points, then less penalty; the sort is stable so equal rows keep file order.
    parsed.sort(key=lambda row: (-row[1], row[2]))
    ranks = shown_ranks([(row[1], row[2]) for row in parsed])
    return [
        Contestant(
            handle=row[0], rank=rank, old_rating=_new_if_zero(row[3], path, row[0]), official_delta=row[4]
        )
        for row, rank in zip(parsed, ranks, strict=True)
    ]


def _standings(path: Path, result: dict[str, Any], ratings: dict[str, int | None] | None) -> list[Contestant]:
    rows = result.get("rows")
    if not isinstance(rows, list):
        raise _fail(path, "standings without a `rows` list", "save the contest.standings answer as is")
    kept: list[tuple[str, float, int, int, int | None]] = []
    for i, raw in enumerate(rows):
        try:
            row = _StandingsRow.model_validate(raw)
        except ValidationError as exc:
            raise _fail(
                path, f"standings row {i}: {_first_error(exc)}", "each row needs party.members, rank, points"
            ) from None
        # Only official single-member contestants are rated; practice, virtual, out of competition are not.
        if row.party.participantType != "CONTESTANT" or row.party.ghost:
            continue
        if len(row.party.members) != 1:
            raise _fail(
                path, f"standings row {i} is a team", "team contests are not rated; give an individual round"
            )
        handle = row.party.members[0].handle
        if row.oldRating is not None:
            old = row.oldRating
        elif ratings is not None and handle in ratings:
            old = ratings[handle]
        elif ratings is None:
            raise _fail(
                path, "standings carry no ratings", "pass --ratings FILE ({handle: rating} or ratingChanges)"
            )
        else:
            raise _fail(
                path,
                f"no old rating for {handle!r} in the ratings file",
                "add it there (0 for a new account)",
            )
        kept.append((handle, row.points, row.penalty, row.rank, _new_if_zero(old, path, handle)))
    if not kept:
        raise _fail(
            path, "no rated contestants in the standings", "use the official standings of a rated round"
        )
    kept.sort(key=lambda k: (-k[1], k[2], k[3]))
    ranks = shown_ranks([(k[1], k[2]) for k in kept])
    return [Contestant(handle=k[0], rank=rank, old_rating=k[4]) for k, rank in zip(kept, ranks, strict=True)]


def load_ratings(path: Path) -> dict[str, int | None]:
    """Old ratings by handle from `{handle: rating}` or a ratingChanges file; None marks a new account."""
    data = _unwrap(path, _read_json(path))
    if isinstance(data, list):
        return {c.handle: c.old_rating for c in _rating_changes(path, data)}
    if isinstance(data, dict) and all(
        isinstance(v, int | None) and not isinstance(v, bool) for v in data.values()
    ):
        return {handle: _new_if_zero(v, path, handle) for handle, v in data.items()}
    raise _fail(path, "not a ratings file", "give {handle: rating} or a contest.ratingChanges answer")


def load_contestants(path: Path, ratings_path: Path | None = None) -> list[Contestant]:
    """Contestants from any accepted file (see the module docstring), best first."""
    data = _unwrap(path, _read_json(path))
    if isinstance(data, dict) and "rows" in data:
        ratings = load_ratings(ratings_path) if ratings_path is not None else None
        return _standings(path, data, ratings)
    if ratings_path is not None:
        raise _fail(
            ratings_path,
            f"ratings are only read for standings, and {path.name} carries its own",
            "drop --ratings",
        )
    if isinstance(data, list) and data:
        if isinstance(data[0], dict):
            return sorted(_rating_changes(path, data), key=lambda c: c.rank)
        if isinstance(data[0], list):
            return _carrot_rows(path, data)
    if isinstance(data, list):
        raise _fail(path, "no contestants", "give a file with at least one row")
    raise _fail(
        path,
        "not a contest.ratingChanges, contest.standings or carrot rows file",
        "save the Codeforces API answer as is",
    )
