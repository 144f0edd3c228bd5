"""Candidate pools: records round-trip, appends are whole lines, a killed writer loses nothing it wrote,
a cut-short last line is recovered with a warning, and two writers never share a pool."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

from ioi_agent.generation.pool import (
    CodeStatus,
    PoolError,
    PoolRecord,
    PoolRecoveryWarning,
    PoolWriter,
    RecordKind,
    SamplingSettings,
    read_keys,
    read_pool,
    sha256_text,
)


def record(index: int, job: str = "job-a", code: str = "int main() {}\n", **extra: object) -> PoolRecord:
    fields: dict[str, object] = dict(
        problem="pairsum",
        subtask="group1",
        status=CodeStatus.OK,
        code=code,
        completion=f"```cpp\n{code}```",
        completion_sha256=sha256_text(code),
        job=job,
        sample_index=index,
        seed=100 + index,
        model="tiny",
        backend="vllm",
        sampling=SamplingSettings(temperature=0.7, top_p=0.9, max_tokens=64, seed=3),
        completion_tokens=12,
        cumulative_logprob=-6.0,
        mean_logprob=-0.5,
        finish_reason="stop",
    )
    fields.update(extra)
    return PoolRecord.model_validate(fields)


def test_records_round_trip_with_every_field(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    written = [
        record(0),
        record(1, kind=RecordKind.GENERATOR, code="gen\n"),
        record(0, job="job-b", status=CodeStatus.NO_CODE, code="", completion=None),
    ]
    with PoolWriter(pool) as writer:
        assert all(writer.append(r) for r in written)
    back = read_pool(pool)
    assert [r.model_dump() for r in back] == [r.model_dump() for r in written]
    assert back[1].kind == RecordKind.GENERATOR and back[2].status == CodeStatus.NO_CODE
    assert back[0].sampling == SamplingSettings(temperature=0.7, top_p=0.9, max_tokens=64, seed=3)
    # One JSON object per line, newline-terminated.
    lines = pool.read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(json.loads(line)["v"] == 1 for line in lines[:-1])


def test_unknown_fields_from_a_newer_writer_are_kept(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    data = record(0).model_dump(mode="json") | {"judge_hint": {"x": 1}}
    pool.write_text(json.dumps(data) + "\n")
    (back,) = read_pool(pool)
    assert back.model_dump()["judge_hint"] == {"x": 1}


def test_a_key_already_in_the_pool_is_not_written_twice(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    with PoolWriter(pool) as writer:
        assert writer.append(record(0))
        assert not writer.append(record(0, code="other\n"))
    with PoolWriter(pool) as writer:  # a later run sees what the earlier one wrote
        assert ("job-a", 0) in writer
        assert not writer.append(record(0))
        assert writer.append(record(1))
    assert read_keys(pool) == {("job-a", 0), ("job-a", 1)}
    assert len(pool.read_text().splitlines()) == 2


def test_cut_short_last_line_is_dropped_with_a_warning_and_the_pool_continues(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    with PoolWriter(pool) as writer:
        writer.append(record(0))
        writer.append(record(1))
    whole = pool.read_bytes()
    line = record(2).model_dump_json().encode()
    pool.write_bytes(whole + line[: len(line) // 2])  # a crash in the middle of a write
    with pytest.warns(PoolRecoveryWarning, match="cut short"):
        assert read_keys(pool) == {("job-a", 0), ("job-a", 1)}
    with pytest.warns(PoolRecoveryWarning, match="cut short"):
        writer = PoolWriter(pool)
        writer.open()
    assert pool.read_bytes() == whole  # repaired on disk
    assert writer.append(record(2))
    writer.close()
    assert [r.sample_index for r in read_pool(pool)] == [0, 1, 2]


def test_whole_json_without_its_newline_counts_as_cut_short(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text(record(0).model_dump_json() + "\n" + record(1).model_dump_json())
    with pytest.warns(PoolRecoveryWarning):
        with PoolWriter(pool) as writer:
            assert writer.keys == {("job-a", 0)}
            writer.append(record(1))
    assert [r.sample_index for r in read_pool(pool)] == [0, 1]


def test_bad_line_in_the_middle_is_an_error_naming_the_line(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text(record(0).model_dump_json() + "\nnot json\n" + record(1).model_dump_json() + "\n")
    with pytest.raises(PoolError, match=r"pool.jsonl:2: not a pool record"):
        read_pool(pool)
    pool.write_text(json.dumps({"job": "x"}) + "\n" + record(1).model_dump_json() + "\n")
    with pytest.raises(PoolError, match=r"pool.jsonl:1: field"):
        read_pool(pool)


def test_a_second_writer_is_refused_while_the_first_holds_the_pool(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    with PoolWriter(pool):
        with pytest.raises(PoolError, match="another run is writing this pool"):
            PoolWriter(pool).open()
    with PoolWriter(pool) as writer:  # released on close
        writer.append(record(0))


WRITER_SCRIPT = textwrap.dedent(
    """
    import sys
    from ioi_agent.generation.pool import PoolWriter, PoolRecord
    base = PoolRecord.model_validate_json(sys.argv[2])
    with PoolWriter(sys.argv[1], sync_every_s=0) as writer:
        for i in range(1_000_000):
            # Records of ~200 KB: a kill lands in the middle of writing one often.
            writer.append(base.model_copy(update={"sample_index": i, "code": str(i) * 50_000}))
            print(i, flush=True)
    """
)


def test_killed_writer_leaves_only_whole_records_and_reported_ones_are_all_there(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(pool), record(0).model_dump_json()],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    reported = []
    for line in proc.stdout:
        reported.append(int(line))
        if len(reported) >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Linux may cut a large write() short when SIGKILL arrives in it: then the last line is partial,
    # and opening the pool for writing repairs it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoolRecoveryWarning)
        with PoolWriter(pool) as writer:
            writer.append(record(10**6 + 1))
    records = read_pool(pool)
    indices = [r.sample_index for r in records][:-1]
    assert indices == list(range(len(indices)))
    assert set(reported) <= set(indices)  # everything reported as written is there
    assert all(r.code == str(r.sample_index) * 50_000 for r in records[:-1])


def test_writer_syncs_and_reading_a_missing_pool_gives_nothing(tmp_path: Path) -> None:
    assert read_pool(tmp_path / "none.jsonl") == []
    pool = tmp_path / "sub" / "pool.jsonl"
    writer = PoolWriter(pool, sync_every_s=3600)
    writer.open()
    writer.append(record(0))
    start = time.monotonic()
    writer.close()
    assert time.monotonic() - start < 5
    assert len(read_pool(pool)) == 1


def test_a_pool_that_cannot_be_read_is_not_left_locked(tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("garbage\n" + record(0).model_dump_json() + "\n")
    for _ in range(2):  # the second attempt meets the same error, not a held lock
        with pytest.raises(PoolError, match=":1: not a pool record"):
            PoolWriter(pool).open()
