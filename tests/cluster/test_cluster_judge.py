"""The judge on a real loopback Ray cluster of two nodes (one CPU each): the same results as a local
judge, nothing lost when a node goes mid-run, a killed driver resumes from its store, and a head nobody
answers at is one error line. One cluster for the module (it takes seconds to start)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ioi_agent.judge.results import JudgeReport
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages import load_problem
from tests.conftest import REPO, backend_unavailable

try:
    import ray
except ImportError:  # the test extra installs it: in CI a missing Ray is a failure, not a skip
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise
    pytest.skip("ray is not installed (pip install 'ioi-agent[ray]')", allow_module_level=True)

if backend_unavailable("bwrap"):
    pytest.skip(f"bwrap sandbox cannot run here: {backend_unavailable('bwrap')}", allow_module_level=True)

LANTERNS = REPO / "problems" / "demo" / "lanterns"
# AC, WA (one subtask), RE, CE, TLE on the last subtask (the TLE re-run rule), a Python AC.
SOURCES = [
    LANTERNS / "submissions" / p
    for p in (
        "accepted/ref.cpp",
        "wrong_answer/int_overflow.cpp",
        "run_time_error/off_by_one.cpp",
        "compile_error/missing_semicolon.cpp",
        "partially_accepted/small_values.cpp",
        "accepted/stack.py",
    )
]


def outcome(report: JudgeReport) -> list[Any]:
    """What must match: per source its verdict and score, per subtask and per test verdict and score."""
    return [
        (
            Path(s.source).name,
            s.verdict,
            s.score,
            [
                (st.name, st.score, st.verdict, [(t.test, t.verdict, t.score) for t in st.tests])
                for st in s.subtasks
            ],
        )
        for s in report.submissions
    ] + [report.task_score]


def printed(doc: dict[str, Any]) -> list[Any]:
    """What `judge --json` shows of `outcome` (per subtask; tests are not in the document)."""
    return outcome(JudgeReport.model_validate(doc))


@dataclass
class Reference:
    report: JudgeReport
    store: Path


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from ray.cluster_utils import Cluster

    # The nodes inherit this session's IOI_AGENT_CACHE (tests/conftest.py): a fresh cache, so nothing
    # is read from an older store or compile cache.
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    c.add_node(num_cpus=1)
    c.wait_for_nodes(timeout=60)
    yield c
    ray.shutdown()
    c.shutdown()


@pytest.fixture(scope="module")
def local() -> Reference:
    path = Path(tempfile.mkdtemp()) / "local.sqlite"
    with Judge(load_problem(LANTERNS), sandbox="bwrap", jobs=2, store=ResultStore(path), cluster="") as judge:
        return Reference(judge.judge(SOURCES), path)


def driver_env(cache: Path, **extra: str) -> dict[str, str]:
    cache.mkdir(parents=True, exist_ok=True)
    os.chmod(cache, 0o755)  # the driver's store only: the nodes keep their own cache
    env = {**os.environ, "IOI_AGENT_CACHE": str(cache), **extra}
    env.pop("IOI_AGENT_RAY_ADDRESS", None)
    return env


def judge_command(address: str) -> list[str]:
    sources = [str(s) for s in SOURCES]
    return [sys.executable, "-m", "ioi_agent", "judge", str(LANTERNS), *sources, "--sandbox", "bwrap"] + [
        "--cluster",
        address,
        "--json",
    ]


def stored(path: Path) -> dict[str, tuple[str, float, float]]:
    """The store's rows: key -> (verdict, score, time written: a test run again is written again)."""
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute("SELECT key, verdict, score, created FROM results").fetchall()
    except sqlite3.OperationalError:  # created, table not yet there
        return {}
    return {key: (verdict, score, created) for key, verdict, score, created in rows}


def same_runs(a: Path, b: Path) -> None:
    """Both stores give each test they both ran (same program, input, limits, checker: same key) the
    same verdict and score; a series may have run a few tests past a chain's end in one and not the other."""
    left, right = stored(a), stored(b)
    common = set(left) & set(right)
    assert len(common) >= 0.8 * min(len(left), len(right))
    assert {k: left[k][:2] for k in common} == {k: right[k][:2] for k in common}


def test_cluster_gives_the_local_results(cluster: Any, local: Reference, tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cluster.sqlite")
    with Judge(load_problem(LANTERNS), sandbox="bwrap", store=store, cluster=cluster.address) as judge:
        assert judge.jobs == 4  # 2 nodes × 1 CPU, 2 calls in flight each
        assert "2 nodes, 2 workers" in judge.sandbox_message
        assert len(judge.node_startup_s) == 2
        report = judge.judge(SOURCES)
    assert outcome(report) == outcome(local.report)
    # Results came back to the driver's one store, which serves a second judging entirely.
    with Judge(load_problem(LANTERNS), sandbox="bwrap", store=store, cluster=cluster.address) as judge:
        again = judge.judge(SOURCES)
    assert outcome(again) == outcome(local.report)
    tests = [t for s in again.submissions for st in s.subtasks for t in st.tests]
    assert tests and all(t.cached for t in tests)


def test_a_node_removed_mid_run_loses_nothing(cluster: Any, local: Reference, tmp_path: Path) -> None:
    worker_node = next(n for n in cluster.list_all_nodes() if n is not cluster.head_node)
    store = ResultStore(tmp_path / "lost.sqlite")
    result: dict[str, Any] = {}
    with Judge(load_problem(LANTERNS), sandbox="bwrap", store=store, cluster=cluster.address) as judge:

        def run() -> None:
            try:
                result["report"] = judge.judge(SOURCES)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                result["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 60
        while store.count() < 3 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert thread.is_alive(), "judging ended before the node could be removed: nothing was tested"
        cluster.remove_node(worker_node, allow_graceful=False)
        thread.join(timeout=90)
        assert not thread.is_alive(), "judging did not finish after the node was removed"
        assert len(judge.remote.fleet.live()) == 1  # its worker went with it
    try:
        assert "error" not in result, result.get("error")
        assert outcome(result["report"]) == outcome(local.report)
    finally:
        cluster.add_node(num_cpus=1)  # back to two nodes for the next tests
        cluster.wait_for_nodes(timeout=60)


def test_killed_driver_resumes_from_the_store(cluster: Any, local: Reference, tmp_path: Path) -> None:
    env = driver_env(tmp_path / "driver-cache")
    db = tmp_path / "driver-cache" / "results.sqlite"
    first = subprocess.Popen(
        judge_command(cluster.address), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while len(stored(db)) < 5 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert first.poll() is None, "the driver finished before it could be killed: nothing was tested"
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait(timeout=30)
    before = stored(db)
    assert len(before) >= 5
    second = subprocess.run(
        judge_command(cluster.address), env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0, second.stderr[-2000:]
    assert printed(json.loads(second.stdout)) == printed(local.report.model_dump(mode="json"))
    same_runs(db, local.store)
    after = stored(db)
    assert len(after) > len(before)  # the rest was run ...
    assert {k: after[k] for k in before} == before  # ... and nothing stored before was run again
    status = " ".join(second.stderr.split())  # the status line, unwrapped
    assert f"on the Ray cluster {cluster.address} (2 nodes, 2 workers)" in status


def test_unreachable_cluster_is_one_error_line(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nobody answers there
    done = subprocess.run(
        judge_command(f"127.0.0.1:{port}"),
        env=driver_env(tmp_path / "cache"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ioi-agent: error: --cluster 127.0.0.1:"), done.stderr
    assert done.stdout == ""
