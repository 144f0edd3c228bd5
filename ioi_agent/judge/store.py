"""The on-disk result store (SQLite): one row per (program, test, limits, checker) outcome.

Judging the same thing twice costs nothing, and an interrupted run keeps every result it finished:
results are committed together at most `COMMIT_AFTER_S` after they are known (a commit per result was
a tenth of the judge's own time per test on fast tests), and at once when the judge finishes, is
interrupted or closes; only a process killed outright loses that last fraction of a second. WAL mode
lets several judge processes share one store; each commit is one short write transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from pydantic import BaseModel

from ioi_agent.judge.verdict import Verdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    verdict TEXT NOT NULL,
    score REAL NOT NULL,
    time_s REAL NOT NULL,
    memory_mb REAL NOT NULL,
    message TEXT NOT NULL,
    extra TEXT NOT NULL,
    created REAL NOT NULL
)
"""


class StoredOutcome(BaseModel):
    verdict: Verdict
    score: float
    time_s: float
    memory_mb: float
    message: str = ""
    extra: dict = {}


COMMIT_AFTER_S = 0.2
Row = tuple[str, str, float, float, float, str, str, float]


class ResultStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._pending: dict[str, Row] = {}  # put, not yet committed: get() sees them first
        self._last_commit = time.monotonic()
        self._timer: threading.Timer | None = None
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)
        self._db.commit()

    def get(self, key: str) -> StoredOutcome | None:
        with self._lock:
            pending = self._pending.get(key)
            row = (
                pending[1:7]
                if pending is not None
                else self._db.execute(
                    "SELECT verdict, score, time_s, memory_mb, message, extra FROM results WHERE key = ?",
                    (key,),
                ).fetchone()
            )
        if row is None:
            return None
        return StoredOutcome(
            verdict=Verdict(row[0]),
            score=row[1],
            time_s=row[2],
            memory_mb=row[3],
            message=row[4],
            extra=json.loads(row[5]),
        )

    def put(self, key: str, outcome: StoredOutcome) -> None:
        row = (
            key,
            outcome.verdict.value,
            outcome.score,
            outcome.time_s,
            outcome.memory_mb,
            outcome.message,
            json.dumps(outcome.extra),
            time.time(),
        )
        with self._lock:
            self._pending[key] = row
            if time.monotonic() - self._last_commit >= COMMIT_AFTER_S:
                self._commit()
            elif self._timer is None:  # nothing may wait for a later put that never comes
                self._timer = threading.Timer(COMMIT_AFTER_S, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Commit every result put so far."""
        with self._lock:
            self._commit()

    def _commit(self) -> None:
        if self._pending:
            self._db.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(self._pending.values())
            )
            self._db.commit()
            self._pending.clear()
        self._last_commit = time.monotonic()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def count(self) -> int:
        with self._lock:
            self._commit()
            return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._commit()
            self._db.close()
