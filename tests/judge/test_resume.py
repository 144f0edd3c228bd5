"""`ioi-agent judge` in a subprocess: interrupted (SIGINT, as Ctrl-C sends it to the process group, and
SIGKILL) after a few results are stored, then run again to completion, reusing every stored result; and
the exact `--json` document, with the IOI task score over several sources."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioi_agent.judge.compile import host_pch
from ioi_agent.sandbox import cache_root
from tests.conftest import REPO, backend_unavailable

N_GROUPS, PER_GROUP = 4, 10
N_TESTS = N_GROUPS * PER_GROUP
GROUP = "on_reject: break\naccept_score: {p}\nrange: 0 {p}\ngrader_flags: min\n"
ROOT_TESTDATA = "on_reject: continue\nrange: 0 100\ngrader_flags: ignore_sample\n"
# ~0.1 s of CPU per test, so the run lasts long enough to be interrupted in the middle.
BUSY_ECHO = (
    "#include <bits/stdc++.h>\nint main() { long long x; std::cin >> x;"
    " while (clock() < 0.1 * CLOCKS_PER_SEC) {} std::cout << x << std::endl; }\n"
)
SUM = "#include <bits/stdc++.h>\nint main() {{ long long a, b; std::cin >> a >> b; std::cout << ({expr}) << std::endl; }}\n"

pytestmark = pytest.mark.skipif(
    backend_unavailable("bwrap") is not None,
    reason=f"bubblewrap cannot run here: {backend_unavailable('bwrap')}",
)


def write_package(root: Path, groups: dict[str, tuple[int, dict[str, tuple[str, str]]]]) -> Path:
    root.mkdir(parents=True)
    (root / "problem.yaml").write_text(
        "name: Resume\ntype: scoring\nlimits:\n  time_limit: 1.0\n  memory: 256\n"
    )
    (root / "data" / "sample").mkdir(parents=True)
    (root / "data" / "testdata.yaml").write_text(ROOT_TESTDATA)
    for group, (points, tests) in groups.items():
        folder = root / "data" / "secret" / group
        folder.mkdir(parents=True)
        (folder / "testdata.yaml").write_text(GROUP.format(p=points))
        for name, (inp, ans) in tests.items():
            (folder / f"{name}.in").write_text(inp)
            (folder / f"{name}.ans").write_text(ans)
    return root


def link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@pytest.fixture(scope="module")
def cache() -> Iterator[Path]:
    """A fresh, world-readable cache (boxes run under their own uids and must read it)."""
    folder = Path(tempfile.mkdtemp(prefix="ioi-agent-resume-"))
    os.chmod(folder, 0o755)
    # Seed it with the session's precompiled header, which is not under test here and slow to build.
    session_bin = cache_root() / "bin"
    session_bin.mkdir(parents=True, exist_ok=True)
    host_pch(session_bin)
    (folder / "bin").mkdir(mode=0o755)
    for pch in session_bin.glob("pch-*"):
        shutil.copytree(pch, folder / "bin" / pch.name, copy_function=link_or_copy)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def busy_problem(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("resume")
    groups = {
        f"group{g + 1}": (
            100 // N_GROUPS,
            {
                f"{g * PER_GROUP + i:02d}": (f"{g * PER_GROUP + i}\n", f"{g * PER_GROUP + i}\n")
                for i in range(PER_GROUP)
            },
        )
        for g in range(N_GROUPS)
    }
    root = write_package(base / "busy", groups)
    src = base / "busy_echo.cpp"
    src.write_text(BUSY_ECHO)
    return root, src


def cli(cache: Path, *args: str | Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ioi_agent",
        "judge",
        *map(str, args),
        "--json",
        "--sandbox",
        "bwrap",
        "--jobs",
        "2",
    ]


def env_for(cache: Path) -> dict[str, str]:
    return {**os.environ, "IOI_AGENT_CACHE": str(cache)}


def store_rows(cache: Path) -> dict[str, float]:
    """key -> created time of every stored result; empty while the store does not exist yet."""
    path = cache / "results.sqlite"
    if not path.exists():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return dict(db.execute("SELECT key, created FROM results").fetchall())
        finally:
            db.close()
    except sqlite3.OperationalError:  # created but the table is not there yet
        return {}


def fresh_store(cache: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (cache / f"results.sqlite{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_run_resumes(cache: Path, busy_problem: tuple[Path, Path], sig: signal.Signals) -> None:
    root, src = busy_problem
    fresh_store(cache)
    proc = subprocess.Popen(
        cli(cache, root, src),
        cwd=REPO,
        env=env_for(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, signalled as a terminal would
    )
    try:
        deadline = time.monotonic() + 180
        while len(store_rows(cache)) < 3:
            assert proc.poll() is None, f"the judge ended before it was interrupted: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "no results were stored"
            time.sleep(0.02)
        os.killpg(proc.pid, sig)
        interrupted_at = time.monotonic()
        out, err = proc.communicate(timeout=120)
        stopped_after = time.monotonic() - interrupted_at
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    first = store_rows(cache)
    assert 3 <= len(first) < N_TESTS, "the interrupted run did not stop before the end"
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
        assert out == ""
        # Only the tests already running are finished; the queue is dropped.
        assert stopped_after < 30
    else:
        assert proc.returncode == -signal.SIGKILL

    done = subprocess.run(
        cli(cache, root, src), cwd=REPO, env=env_for(cache), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    final = store_rows(cache)
    assert len(final) == N_TESTS  # one row per distinct test
    # The first run's results were reused, not judged again (their rows are untouched).
    assert {k: final[k] for k in first} == first
    assert len(set(final) - set(first)) == N_TESTS - len(first)
    report = json.loads(done.stdout)
    [sub] = report["submissions"]
    assert (sub["verdict"], sub["score"], report["task_score"], report["max_score"]) == (
        "AC",
        100.0,
        100.0,
        100.0,
    )
    assert [(s["name"], s["score"]) for s in sub["subtasks"]] == [
        (f"group{g + 1}", 25.0) for g in range(N_GROUPS)
    ]
    assert sub["max_time_s"] >= 0.1


TOP = {"problem": str, "max_score": float, "task_score": float, "submissions": list}
SUBMISSION = {
    "source": str,
    "verdict": str,
    "score": float,
    "subtasks": list,
    "compile": dict,
    "max_time_s": float,
    "max_memory_mb": float,
}
SUBTASK = {"name": str, "points": float, "score": float, "verdict": str}
COMPILE = {"ok": bool, "message": str, "not_judged": str}  # not_judged: "" or why (languages.py)
VERDICTS = {"AC", "WA", "TLE", "MLE", "OLE", "RE", "CE", "JE"}


def check_schema(doc: dict, schema: dict[str, type]) -> None:
    assert set(doc) == set(schema), f"keys {sorted(doc)} != {sorted(schema)}"
    for key, kind in schema.items():
        assert type(doc[key]) is kind, f"{key}: {type(doc[key]).__name__} is not {kind.__name__}"


def test_json_document_and_task_score(cache: Path, tmp_path: Path) -> None:
    tests = {"t1": ("1 2\n", "3\n"), "t2": ("3 4\n", "7\n"), "t3": ("5 6\n", "11\n"), "t4": ("7 8\n", "15\n")}
    root = write_package(
        tmp_path / "two",
        {
            "group1": (40, {k: tests[k] for k in ("t1", "t2")}),
            "group2": (60, {k: tests[k] for k in ("t3", "t4")}),
        },
    )
    sources = {
        "small_only.cpp": SUM.format(expr="a < 5 ? a + b : 0"),  # solves group1
        "large_only.cpp": SUM.format(expr="a >= 5 ? a + b : 0"),  # solves group2
        "broken.cpp": "int main() { return }\n",
    }
    paths = []
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
        paths.append(tmp_path / name)
    proc = subprocess.run(
        cli(cache, root, *paths), cwd=REPO, env=env_for(cache), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr  # judging worked, whatever the verdicts
    doc = json.loads(proc.stdout)  # stdout is one JSON document and nothing else
    check_schema(doc, TOP)
    for sub in doc["submissions"]:
        check_schema(sub, SUBMISSION)
        check_schema(sub["compile"], COMPILE)
        assert sub["verdict"] in VERDICTS
        for st in sub["subtasks"]:
            check_schema(st, SUBTASK)
            assert st["verdict"] in VERDICTS
    assert doc["problem"] == "two" and doc["max_score"] == 100.0
    small, large, broken = doc["submissions"]
    assert [s["source"] for s in doc["submissions"]] == [str(p) for p in paths]
    assert (small["verdict"], small["score"]) == ("WA", 40.0)
    assert [(s["name"], s["points"], s["score"], s["verdict"]) for s in small["subtasks"]] == [
        ("group1", 40.0, 40.0, "AC"),
        ("group2", 60.0, 0.0, "WA"),
    ]
    assert (large["verdict"], large["score"]) == ("WA", 60.0)
    assert (broken["verdict"], broken["score"], broken["compile"]["ok"]) == ("CE", 0.0, False)
    assert "error" in broken["compile"]["message"]
    assert small["compile"] == {"ok": True, "message": "", "not_judged": ""}
    # IOI: the best of each subtask over all sources, more than any single source scored.
    assert doc["task_score"] == 100.0
    assert doc["task_score"] > max(s["score"] for s in doc["submissions"])
