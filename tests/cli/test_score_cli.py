"""`ioi-agent score`: the JSON document's shape, the tables, the report files, and one-line errors.

The lead registers "score" in ioi_agent.cli.COMMAND_MODULES; until then these tests add it to a copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent import cli
from ioi_agent.generation.pool import CodeStatus, PoolRecord, job_id, sha256_text
from tests.conftest import backend_unavailable, write_kattis_problem

SUM = "#include <bits/stdc++.h>\nint main() {{ long long a, b; std::cin >> a >> b; std::cout << ({expr}) << std::endl; }}\n"
needs_bwrap = pytest.mark.skipif(
    backend_unavailable("bwrap") is not None,
    reason=f"bubblewrap cannot run here: {backend_unavailable('bwrap')}",
)


def run_cli(monkeypatch: pytest.MonkeyPatch, *argv: str | Path) -> int:
    if "score" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, "score"])
    return cli.main([str(a) for a in argv])


def record(problem: str, code: str, index: int = 0) -> PoolRecord:
    return PoolRecord(
        problem=problem,
        status=CodeStatus.OK,
        code=code,
        completion_sha256=sha256_text(code),
        job=job_id(problem=problem, code=code),
        sample_index=index,
        model="test",
        backend="test",
    )


@pytest.fixture()
def problem_set(tmp_path: Path) -> tuple[Path, Path]:
    """Two small packages and a pool with two candidates for `add` and none for `mul`."""
    tests = {"t1": ("1 3\n", "4\n"), "t2": ("20 5\n", "25\n")}
    for name in ("add", "mul"):
        pkg = write_kattis_problem(
            tmp_path / "set" / name, tests, groups={"g1": (30, ["t1"]), "g2": (70, ["t2"])}
        )
        (pkg / "data" / "sample" / "1.in").write_text("1 2\n")
        (pkg / "data" / "sample" / "1.ans").write_text("3\n")
    pool = tmp_path / "pool.jsonl"
    lines = [record("add", SUM.format(expr="a + b")), record("add", SUM.format(expr="a < 10 ? a + b : 0"))]
    pool.write_text("".join(r.model_dump_json() + "\n" for r in lines))
    return tmp_path / "set", pool


TOP = {
    "problems_dir",
    "pool",
    "sandbox",
    "jobs",
    "store",
    "resamples",
    "seed",
    "ignored_pool_problems",
    "problems",
    "totals",
    "elapsed_s",
}
PROBLEM = {
    "problem",
    "root",
    "format",
    "max_score",
    "time_limit_s",
    "candidates",
    "compiled",
    "public_passed",
    "solved",
    "judge_errors",
    "tests_run",
    "tests_cached",
    "pass_at_k",
    "n_at_k",
    "points_pool",
    "points_best",
    "points_mean",
    "subtask_points",
    "subtask_best",
    "elapsed_s",
    "error",
    "note",
    "details",
}
CANDIDATE = {
    "id",
    "label",
    "language",
    "compiled",
    "public_ok",
    "verdict",
    "score",
    "subtask_scores",
    "solved",
    "note",
}


@needs_bwrap
def test_json_document_and_report_files(
    problem_set: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    folder, pool = problem_set
    out = tmp_path / "out"
    argv = ["score", folder, "--pool", pool, "--sandbox", "bwrap", "--jobs", "1", "--json", "--out", out]
    assert run_cli(monkeypatch, *argv) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)  # stdout is one JSON document and nothing else
    assert set(doc) == TOP
    assert [p["problem"] for p in doc["problems"]] == ["add", "mul"]
    add, mul = doc["problems"]
    assert set(add) == PROBLEM and set(add["details"][0]) == CANDIDATE
    assert (add["candidates"], add["compiled"], add["public_passed"], add["solved"]) == (2, 2, 2, 1)
    assert add["pass_at_k"] == {"pass@1": 0.5}
    assert set(add["n_at_k"]) == {"1@k", "10@k"}
    assert set(add["n_at_k"]["1@k"]) == {"n", "k", "mean", "stderr"} and add["n_at_k"]["1@k"]["k"] == 2
    assert [d["score"] for d in add["details"]] == [100.0, 30.0]
    assert [d["subtask_scores"] for d in add["details"]] == [
        {"g1": 30.0, "g2": 70.0},
        {"g1": 30.0, "g2": 0.0},
    ]
    assert (add["points_pool"], add["points_best"], add["points_mean"]) == (100.0, 100.0, 65.0)
    assert add["subtask_points"] == {"g1": 30.0, "g2": 70.0}
    assert (mul["candidates"], mul["note"], mul["error"]) == (0, "no candidates in the pool", None)
    totals = doc["totals"]
    assert (totals["problems"], totals["problems_scored"], totals["problems_solved"]) == (2, 1, 1)
    assert (totals["points_pool"], totals["max_score"]) == (100.0, 200.0)
    # --out: the report's three files; its JSON holds the same document under `data`.
    report = json.loads((out / "report.json").read_text())
    volatile = {"elapsed_s"}
    assert {k: v for k, v in report["data"].items() if k not in volatile} == {
        k: v for k, v in doc.items() if k not in volatile
    }
    html = (out / "report.html").read_text()
    assert "Batch scoring of" in html
    assert html.count("data:image/svg+xml") == 3  # pass@k curve, subtask heatmap, verdicts
    assert "| add | 2 | 2 | 2 | 1 | 50.0 |" in (out / "report.md").read_text()
    assert "report:" in captured.err


@needs_bwrap
def test_tables_on_a_terminal_width(
    problem_set: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    folder, pool = problem_set
    assert run_cli(monkeypatch, "score", folder, "--pool", pool, "--sandbox", "bwrap", "--jobs", "1") == 0
    out = capsys.readouterr().out
    words = " ".join(out.split())  # titles wrap at the terminal's width
    assert "1/2 problems solved by the pool" in words and "IOI points: 100 / 200" in words
    rows = [line.split() for line in out.splitlines()]
    assert ["add", "2", "2", "2", "1", "50.0", "-", "-"] == rows[[r[:1] for r in rows].index(["add"])][:8]
    assert ["total", "100", "100", "65.0", "200"] in rows
    assert all(len(line) <= 80 for line in out.splitlines())


@needs_bwrap
def test_broken_package_is_reported_and_exits_1(
    problem_set: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    folder, pool = problem_set
    (folder / "broken").mkdir()
    (folder / "broken" / "problem.yaml").write_text("limits: [\n")
    assert run_cli(monkeypatch, "score", folder, "--pool", pool, "--sandbox", "bwrap", "--jobs", "1") == 1
    err = capsys.readouterr().err
    assert "broken: not scored:" in err and "invalid YAML" in err


def one_error_line(capsys: pytest.CaptureFixture) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ioi-agent: error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


def test_error_lines(
    problem_set: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    folder, pool = problem_set
    cases: list[tuple[list[str | Path], list[str]]] = [
        (
            ["score", tmp_path / "nowhere", "--pool", pool],
            [str(tmp_path / "nowhere"), "no such folder", "fix:"],
        ),
        (["score", tmp_path, "--pool", tmp_path / "none.jsonl"], ["none.jsonl", "no such pool file", "fix:"]),
        (["score", folder, "--pool", folder], [str(folder), "is a folder", "fix:"]),
        (["score", folder, "--pool", "submissions"], ["no package under it ships programs", "fix:"]),
        (["score", folder, "--pool", pool, "--jobs", "0"], ["--jobs 0", "fix:"]),
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    cases.append((["score", empty, "--pool", pool], [str(empty), "no Kattis", "fix:"]))
    other = tmp_path / "other.jsonl"
    other.write_text(record("zebra", "int main() {}\n").model_dump_json() + "\n")
    cases.append((["score", folder, "--pool", other], [str(other), "zebra", "folder name", "fix:"]))
    for argv, needles in cases:
        assert run_cli(monkeypatch, *argv) == 2, argv
        line = one_error_line(capsys)
        for needle in needles:
            assert needle in line, (argv, line)
