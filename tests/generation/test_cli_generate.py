"""`ioi-agent generate` through the CLI front: sources, argument errors, resumption, folders of packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent import cli
from ioi_agent.cli.generate import parse_engine_args
from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import read_pool
from tests.generation.sample_packages import make_package
from tests.generation.stub_server import MODEL, StubServer
from tests.generation.test_openai_backend import free_port


@pytest.fixture(autouse=True)
def generate_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    # Until the lead lists the module in COMMAND_MODULES; a no-op afterwards.
    if "generate" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, "generate"])


def run(*argv: str) -> int:
    return cli.main(["generate", *argv])


def test_replay_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = make_package(tmp_path, submissions=True)
    pool = tmp_path / "pool.jsonl"
    assert run(str(pkg), "--replay", "submissions", "--out", str(pool)) == 0
    assert "replayed 2 records" in capsys.readouterr().out
    assert run(str(pkg), "--replay", "submissions", "--out", str(pool)) == 0
    assert "replayed 0 records" in capsys.readouterr().out
    assert len(read_pool(pool)) == 2


def test_server_through_the_cli_resumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_package(tmp_path / "set", name="a")
    make_package(tmp_path / "set", name="b")
    pool = tmp_path / "pool.jsonl"
    with StubServer() as server:
        args = [
            str(tmp_path / "set"),
            "--endpoint",
            server.url,
            "--model",
            MODEL,
            "--out",
            str(pool),
            "--quiet",
        ]
        assert run(*args, "--samples", "2", "--per-subtask", "--seed", "5", "--language", "python") == 0
        assert "wrote 8 samples" in capsys.readouterr().out  # 2 problems x 2 subtasks x 2
        assert run(*args, "--samples", "3", "--per-subtask", "--seed", "5", "--language", "python") == 0
        out = capsys.readouterr().out
        assert "wrote 4 samples" in out and "8 of 12 were already there" in out
    records = read_pool(pool)
    assert sorted({r.problem for r in records}) == ["a", "b"] and len(records) == 12
    assert all(r.language == "python" and r.sampling and r.sampling.seed == 5 for r in records)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "no source given"),
        (["--endpoint", "http://127.0.0.1:9/v1"], "--endpoint needs --model"),
        (["--replay", "submissions", "--model", "x"], "--replay takes no --model"),
        (["--model", "x", "--samples", "-1"], "--samples must be 0 or more"),
        (["--model", "x", "--temperature", "-1"], "bad sampling settings: temperature"),
        (["--model", "x", "--engine-arg", "oops"], "expected KEY=VALUE"),
    ],
)
def test_argument_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    pkg = make_package(tmp_path)
    assert run(str(pkg), "--out", str(tmp_path / "p.jsonl"), *argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_unreachable_endpoint_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = make_package(tmp_path)
    url = f"http://127.0.0.1:{free_port()}/v1"
    assert run(str(pkg), "--endpoint", url, "--model", "m", "--out", str(tmp_path / "p.jsonl")) == 2
    err = capsys.readouterr().err
    assert f"cannot reach the OpenAI-compatible server at {url}" in err and err.count("\n") == 1


def test_same_problem_name_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = make_package(tmp_path / "x", name="same")
    b = make_package(tmp_path / "y", name="same")
    assert run(str(a), str(b), "--replay", "submissions", "--out", str(tmp_path / "p.jsonl")) == 2
    assert "two problems are named 'same'" in capsys.readouterr().err


def test_engine_args_are_parsed_as_json_when_they_can_be() -> None:
    assert parse_engine_args(
        ["max_num_seqs=2", "enforce-eager=true", "kv_cache_dtype=fp8", 'x={"a": 1}']
    ) == {
        "max_num_seqs": 2,
        "enforce_eager": True,
        "kv_cache_dtype": "fp8",
        "x": {"a": 1},
    }
    with pytest.raises(IoiAgentError):
        parse_engine_args(["=3"])
