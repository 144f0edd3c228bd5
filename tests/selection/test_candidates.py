"""Reading pools for selection: pool files (kinds, status, other problems) and shipped submissions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import CodeStatus, PoolRecord, PoolWriter, RecordKind, sha256_text
from ioi_agent.packages import load_problem
from ioi_agent.selection.candidates import load_pool
from tests.conftest import REPO
from tests.selection.kit import CORRECT, GEN_CYCLE, VAL_ALL, make_problem

LANTERNS = REPO / "problems" / "demo" / "lanterns"


def record(
    problem: str, job: str, index: int, kind: RecordKind = RecordKind.CANDIDATE, **extra: object
) -> PoolRecord:
    code = str(extra.pop("code", CORRECT))
    fields: dict[str, object] = dict(
        kind=kind,
        problem=problem,
        status=CodeStatus.OK,
        code=code,
        completion_sha256=sha256_text(code),
        job=job,
        sample_index=index,
        model="tiny",
        backend="vllm",
        mean_logprob=-0.25,
        completion_tokens=40,
    )
    fields.update(extra)
    return PoolRecord.model_validate(fields)


def test_pool_file_kinds_status_and_other_problems(tmp_path: Path) -> None:
    problem = make_problem(tmp_path / "tiny")
    path = tmp_path / "pool.jsonl"
    with PoolWriter(path) as writer:
        writer.append(record("tiny", "a" * 24, 0, subtask="group1"))
        writer.append(record("tiny", "a" * 24, 1, status=CodeStatus.NO_CODE, code=""))
        writer.append(record("tiny", "b" * 24, 0, status=CodeStatus.TRUNCATED, code="int main() {"))
        writer.append(record("other", "c" * 24, 0))
        writer.append(record("tiny", "d" * 24, 0, RecordKind.GENERATOR, code=GEN_CYCLE))
        writer.append(record("tiny", "e" * 24, 0, RecordKind.VALIDATOR, code=VAL_ALL, subtask="group2"))
    pool = load_pool(path, problem)
    assert pool.problem == "tiny"
    assert [(c.id, c.ok, c.subtask) for c in pool.candidates] == [
        ("aaaaaaaaaaaa-0", True, "group1"),
        ("aaaaaaaaaaaa-1", False, None),
        ("bbbbbbbbbbbb-0", False, None),
    ]
    first = pool.candidates[0]
    assert first.code == CORRECT and first.mean_logprob == -0.25 and first.completion_tokens == 40
    assert [g.id for g in pool.generators] == ["dddddddddddd-0"]
    assert [(v.id, v.subtask) for v in pool.validators] == [("eeeeeeeeeeee-0", "group2")]

    only_other = tmp_path / "other.jsonl"
    with PoolWriter(only_other) as writer:
        writer.append(record("other", "c" * 24, 0))
    with pytest.raises(
        IoiAgentError, match=r"other\.jsonl: no candidates of problem tiny \(it has records of: other\)"
    ):
        load_pool(only_other, problem)


def test_submissions_folder_package_folder_and_word(tmp_path: Path) -> None:
    problem = load_problem(LANTERNS)
    by_word = load_pool("submissions", problem)
    labels = sorted(c.label or "" for c in by_word.candidates)
    assert labels.count("accepted") == 2 and "compile_error" in labels and len(labels) == 10
    assert not by_word.generators and not by_word.validators
    assert {c.language for c in by_word.candidates} == {"cpp", "python"}
    assert [c.id for c in load_pool(LANTERNS / "submissions", problem).candidates] == [
        c.id for c in by_word.candidates
    ]
    assert len(load_pool(LANTERNS, problem).candidates) == 10
    accepted = load_pool(LANTERNS / "submissions" / "accepted", problem)
    assert {c.label for c in accepted.candidates} == {"accepted"}
    with pytest.raises(IoiAgentError, match="no such pool file"):
        load_pool(tmp_path / "missing.jsonl", problem)
    empty = make_problem(tmp_path / "tiny")  # no submissions/ folder at all
    with pytest.raises(IoiAgentError, match="no candidates of problem tiny"):
        load_pool("submissions", empty)
