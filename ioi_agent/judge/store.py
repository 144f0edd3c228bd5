"""The on-disk result store (SQLite): one row per (program, test, limits, checker) outcome.

Judging the same thing twice costs nothing, and an interrupted run keeps every result it finished:
each result is committed as soon as it is known. WAL mode lets several judge processes share one store.
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


class ResultStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)
        self._db.commit()

    def get(self, key: str) -> StoredOutcome | None:
        with self._lock:
            row = self._db.execute(
                "SELECT verdict, score, time_s, memory_mb, message, extra FROM results WHERE key = ?", (key,)
            ).fetchone()
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
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    outcome.verdict.value,
                    outcome.score,
                    outcome.time_s,
                    outcome.memory_mb,
                    outcome.message,
                    json.dumps(outcome.extra),
                    time.time(),
                ),
            )
            self._db.commit()

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
