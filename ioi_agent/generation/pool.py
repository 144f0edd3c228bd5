"""Candidate pools: JSONL files, one record per line, written by the generation stage and read by selection.

Format (version 1). Every line is one JSON object, a `PoolRecord`:

- `kind`: "candidate" (a solution), "generator" (a C++ random-input generator taking a seed) or
  "validator" (a C++ input validator: exit 0 on a valid input);
- `problem`, `subtask` (null: the whole problem), `language` ("cpp" or "python");
- `status`: "ok", "no_code" (the completion had no program; kept so nothing is lost silently) or
  "truncated" (the program's fence was never closed); `code`: the extracted program ("" when no_code);
- `completion` (the raw model text, null when only its hash is kept) and `completion_sha256`;
- `job`: a hash naming what was asked (kind, problem, subtask, language, prompt, model, sampling settings);
  `sample_index`: the sample's index within its job; `(job, sample_index)` identifies a record, so a
  resumed run adds only what is missing;
- `seed`: the sample's own seed (job seed + sample_index), `sampling` (temperature, top_p, max_tokens and
  the run seed), `model`, `backend`, `prompt_sha256`, `prompt_tokens`, `completion_tokens`,
  `cumulative_logprob` and `mean_logprob` (the model's raw token log-probabilities), `finish_reason`
  ("stop", "length", ...), `time` (UTC, when the sample finished), `run_id`;
- replayed records add `label` (the submissions/ folder the program came from) and `source`;
- mutant records (`generate --mutants`, backend "mutants") have `source` "mutant:<base path>#<ops>", a
  `mutation` line saying what changed, and a `label` only when they are an exact or cosmetic copy of a
  labelled program.

Writing: each record is one `write()` of a whole line on a file opened with O_APPEND, under an exclusive
lock, so records never interleave and each is either in the file or not; a last line cut short (a process
killed in the middle of a large write, a crash of the machine) is dropped with a warning when the pool is
next opened for writing, and its sample is generated again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ioi_agent.errors import IoiAgentError
from ioi_agent.files import try_lock

POOL_FORMAT_VERSION = 1


class PoolError(IoiAgentError):
    """A pool file that cannot be read or written."""


class PoolRecoveryWarning(UserWarning):
    """A pool's last line was cut short (a crash while writing) and was dropped."""


class RecordKind(StrEnum):
    CANDIDATE = "candidate"
    GENERATOR = "generator"
    VALIDATOR = "validator"


class CodeStatus(StrEnum):
    OK = "ok"
    NO_CODE = "no_code"
    TRUNCATED = "truncated"


class SamplingSettings(BaseModel):
    """What the model was asked to sample with; part of the job identity."""

    model_config = ConfigDict(frozen=True)

    temperature: float = Field(default=1.0, ge=0)
    top_p: float = Field(default=1.0, gt=0, le=1)
    max_tokens: int = Field(default=16384, gt=0)
    seed: int = 0  # the run seed; each sample's own seed is derived from it and its job


class PoolRecord(BaseModel):
    # Unknown keys from a newer writer are kept, so replaying a pool never loses data.
    model_config = ConfigDict(extra="allow")

    v: int = POOL_FORMAT_VERSION
    kind: RecordKind = RecordKind.CANDIDATE
    problem: str
    subtask: str | None = None
    language: str = "cpp"
    status: CodeStatus
    code: str = ""
    completion: str | None = None
    completion_sha256: str
    job: str
    sample_index: int = Field(ge=0)
    seed: int | None = None
    model: str
    backend: str
    sampling: SamplingSettings | None = None
    prompt_sha256: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cumulative_logprob: float | None = None
    mean_logprob: float | None = None
    finish_reason: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    run_id: str | None = None
    label: str | None = None
    source: str | None = None
    mutation: str | None = None  # mutant records only: what was changed, and where (see mutants.py)

    @property
    def key(self) -> tuple[str, int]:
        return (self.job, self.sample_index)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def job_id(**parts: Any) -> str:
    """A short stable hash of what a job asks for (canonical JSON of its parts)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def iter_records(path: Path | str) -> Iterator[PoolRecord]:
    """Records in file order. A cut-short last line is skipped with a warning; a bad line elsewhere is an
    error naming the line."""
    for _number, obj in _iter_json(Path(path)):
        yield _to_record(obj, Path(path), _number)


def read_pool(path: Path | str) -> list[PoolRecord]:
    return list(iter_records(path))


def read_keys(path: Path | str) -> set[tuple[str, int]]:
    """The `(job, sample_index)` keys in a pool, without building every record (pools get large)."""
    keys: set[tuple[str, int]] = set()
    for number, obj in _iter_json(Path(path)):
        try:
            keys.add((str(obj["job"]), int(obj["sample_index"])))
        except (KeyError, TypeError, ValueError):
            raise PoolError(
                f"{path}:{number}: record without job and sample_index (fix: remove that line)"
            ) from None
    return keys


def _iter_json(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.exists():
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise PoolError(f"{path}: cannot read the pool: {exc.strerror}") from None
    with handle:
        number = 0
        pending: tuple[int, bytes] | None = None
        for raw in handle:
            number += 1
            if pending is not None:
                _raise_bad_line(path, *pending)
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                pending = (number, raw)  # an error unless it is the last line
                continue
            if not raw.endswith(b"\n"):
                pending = (number, raw)  # whole JSON but no newline: the write was still cut short
                continue
            if not isinstance(obj, dict):
                _raise_bad_line(path, number, raw)
            yield number, obj
        if pending is not None:
            warnings.warn(
                f"{path}:{pending[0]}: last line is cut short (an interrupted write); it is ignored and "
                "its sample will be generated again",
                PoolRecoveryWarning,
                stacklevel=3,
            )


class PoolFollower:
    """Reads a pool while another thread or process appends to it: each `read_new()` returns the records
    whose lines were completed since the last call. A line still being written (no newline yet) waits for
    the next call; a complete line that is not a record is an error naming it, as in `iter_records`."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._offset = 0
        self._line = 0

    def read_new(self) -> list[PoolRecord]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return []  # the writer has not created it yet
        except OSError as exc:
            raise PoolError(f"{self.path}: cannot read the pool: {exc.strerror}") from None
        end = data.rfind(b"\n") + 1  # only whole lines; the rest is read again next time
        records = []
        for raw in data[:end].splitlines(keepends=True):
            self._line += 1
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                _raise_bad_line(self.path, self._line, raw)
            records.append(_to_record(obj, self.path, self._line))
        self._offset += end
        return records


def _raise_bad_line(path: Path, number: int, raw: bytes) -> None:
    preview = raw[:60].decode("utf-8", "replace").strip()
    raise PoolError(f"{path}:{number}: not a pool record ({preview!r}...) (fix: remove or correct that line)")


def _to_record(obj: dict[str, Any], path: Path, number: int) -> PoolRecord:
    try:
        return PoolRecord.model_validate(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise PoolError(f"{path}:{number}: field {field}: {err['msg']} (fix: correct that line)") from None


class PoolWriter:
    """Appends records to a pool; one writer per pool at a time (an exclusive lock on the file).

    Opening it repairs a cut-short last line. Records are flushed to the OS at once (a killed process
    loses nothing it reported written) and synced to disk at most every `sync_every_s` seconds.
    """

    def __init__(self, path: Path | str, sync_every_s: float = 2.0):
        self.path = Path(path)
        self.sync_every_s = sync_every_s
        self._fd: int | None = None
        self._last_sync = 0.0
        self._dirty = False
        self.keys: set[tuple[str, int]] = set()
        self.written = 0

    def __enter__(self) -> PoolWriter:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PoolError(f"{self.path}: cannot open the pool for writing: {exc.strerror}") from None
        if not try_lock(fd):
            os.close(fd)
            raise PoolError(
                f"{self.path}: another run is writing this pool (fix: wait for it, or write to another --out)"
            ) from None
        self._fd = fd
        try:
            self._repair_tail()
            self.keys = read_keys(self.path)
        except BaseException:
            self.close()  # a pool that cannot be read must not stay locked
            raise

    def _repair_tail(self) -> None:
        """Cut a last line that has no newline (or is not JSON) so the next record starts on its own line."""
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        if size == 0:
            return
        with self.path.open("rb") as handle:
            handle.seek(size - 1)
            ends_with_newline = handle.read(1) == b"\n"
            end = size - 1 if ends_with_newline else size
            start, pos = 0, end
            while pos > 0:  # scan back for the newline that ends the line before the last one
                step = min(1 << 16, pos)
                pos -= step
                handle.seek(pos)
                found = handle.read(step).rfind(b"\n")
                if found >= 0:
                    start = pos + found + 1
                    break
            handle.seek(start)
            last = handle.read(size - start)
        if ends_with_newline:
            try:
                if isinstance(json.loads(last), dict):
                    return
            except ValueError:
                pass
        keep = start
        warnings.warn(
            f"{self.path}: last line is cut short (an interrupted write); dropping {size - keep} bytes, "
            "its sample will be generated again",
            PoolRecoveryWarning,
            stacklevel=3,
        )
        os.ftruncate(self._fd, keep)
        os.fsync(self._fd)

    def __contains__(self, key: tuple[str, int]) -> bool:
        return key in self.keys

    def append(self, record: PoolRecord) -> bool:
        """Write one record unless its key is already in the pool; True when written."""
        if self._fd is None:
            raise PoolError(f"{self.path}: pool is not open")
        if record.key in self.keys:
            return False
        data = (record.model_dump_json() + "\n").encode("utf-8", "surrogatepass")
        # One write() per record on an O_APPEND descriptor: the line lands whole or (on a crash of the
        # machine) cut short at the end, which `_repair_tail` handles.
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        self.keys.add(record.key)
        self.written += 1
        self._dirty = True
        now = time.monotonic()
        if now - self._last_sync >= self.sync_every_s:
            os.fsync(self._fd)
            self._last_sync = now
            self._dirty = False
        return True

    def close(self) -> None:
        if self._fd is None:
            return
        try:
            if self._dirty:
                os.fsync(self._fd)
        finally:
            os.close(self._fd)  # also releases the lock
            self._fd = None
