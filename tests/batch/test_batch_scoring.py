"""Batch scoring with real judging (bubblewrap): the demo problems' labelled submissions, a pool file over a
folder of packages (matching, no-code samples, the public filter, broken and empty problems), the progress
log, and a run killed in the middle and started again that re-judges nothing it had finished."""

from __future__ import annotations

import io
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

from ioi_agent.batch.scoring import BatchProgress, BatchScoreResult, find_packages, score_batch
from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import CodeStatus, PoolRecord, RecordKind, job_id, sha256_text
from ioi_agent.judge.compile import host_pch
from ioi_agent.judge.labels import ACCEPTED, KATTIS_LABEL_VERDICTS, PARTIAL
from ioi_agent.judge.verdict import Verdict
from ioi_agent.sandbox import cache_root
from ioi_agent.scoring.passk import n_at_k_bootstrap, pass_at_k
from tests.conftest import REPO, backend_unavailable, write_kattis_problem

DEMO = REPO / "problems" / "demo"
SUM = "#include <bits/stdc++.h>\nint main() {{ long long a, b; std::cin >> a >> b; std::cout << ({expr}) << std::endl; }}\n"
# ~0.1 s of CPU per test, so a run lasts long enough to be killed in the middle.
BUSY_ECHO = (
    "#include <bits/stdc++.h>\nint main() { long long x; std::cin >> x;"
    " while (clock() < 0.1 * CLOCKS_PER_SEC) {} std::cout << x << std::endl; }\n"
)
needs_bwrap = pytest.mark.skipif(
    backend_unavailable("bwrap") is not None,
    reason=f"bubblewrap cannot run here: {backend_unavailable('bwrap')}",
)


# --- finding packages ---------------------------------------------------------------------------------


def test_find_packages_recursively_and_through_links(tmp_path: Path) -> None:
    a = write_kattis_problem(tmp_path / "set" / "round1" / "a", {"t": ("1\n", "1\n")})
    b = write_kattis_problem(tmp_path / "elsewhere" / "b", {"t": ("1\n", "1\n")})
    (tmp_path / "set" / "round2").mkdir()
    (tmp_path / "set" / "round2" / "b").symlink_to(b)
    (tmp_path / "set" / "loop").symlink_to(tmp_path / "set")  # must not recurse for ever
    (tmp_path / "set" / ".hidden" / "c").mkdir(parents=True)
    (tmp_path / "set" / ".hidden" / "c" / "problem.yaml").write_text("name: C\n")
    found = find_packages(tmp_path / "set")
    assert [p.name for p in found] == ["a", "b"]
    assert found[0] == a
    assert find_packages(a) == [a]  # a package itself is a set of one
    with pytest.raises(IoiAgentError, match="no Kattis .*, CMS .* or Polygon .* package"):
        find_packages(tmp_path / "set" / "round1" / "a" / "data")
    with pytest.raises(IoiAgentError, match="no such folder"):
        find_packages(tmp_path / "missing")


def test_progress_logs_done_total_and_eta() -> None:
    stream = io.StringIO()
    bar = BatchProgress(40, stream=stream, log_every_s=0.0)
    bar.set_problem("lanterns")
    bar.advance(10)
    time.sleep(0.01)
    bar.advance(10)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("scoring: 10/40 tests (25%), lanterns, elapsed ")
    assert "ETA 0:00:0" in lines[1] and lines[1].startswith("scoring: 20/40 tests (50%)")
    assert lines[-1].startswith("scoring: 20/40 tests")
    quiet = io.StringIO()
    off = BatchProgress(40, enabled=False, stream=quiet, log_every_s=0.0)
    off.advance(40)
    off.close()
    assert quiet.getvalue() == ""


# --- the demo problems' labelled submissions -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchScoreResult, BatchScoreResult, float]:
    if backend_unavailable("bwrap"):
        pytest.skip(f"bubblewrap cannot run here: {backend_unavailable('bwrap')}")
    base = tmp_path_factory.mktemp("demo")
    folder = base / "problems"
    folder.mkdir()
    for name in ("lanterns", "solar"):
        (folder / name).symlink_to(DEMO / name)
    store = base / "store.sqlite"
    started = time.monotonic()
    cold = score_batch(folder, "submissions", sandbox="bwrap", jobs=2, store_path=store, progress=False)
    cold_s = time.monotonic() - started
    warm = score_batch(folder, "submissions", sandbox="bwrap", jobs=2, store_path=store, progress=False)
    return cold, warm, cold_s


@needs_bwrap
def test_demo_scores_agree_with_the_labels(
    demo_runs: tuple[BatchScoreResult, BatchScoreResult, float],
) -> None:
    cold, _, _ = demo_runs
    assert [p.problem for p in cold.problems] == ["lanterns", "solar"]
    n_accepted = 0
    for p in cold.problems:
        assert p.error is None and p.max_score == 100.0 and p.time_limit_s == 1.0
        labels = [d.label for d in p.details]
        assert len(p.details) == p.candidates == len(list((DEMO / p.problem / "submissions").rglob("*.*")))
        for d in p.details:
            if d.label in ACCEPTED:
                n_accepted += 1
                assert (d.verdict, d.score, d.solved, d.public_ok) == (Verdict.AC, 100.0, True, True), d
            elif d.label in PARTIAL:
                assert 0 < d.score < 100 and not d.solved, d
            else:
                # Kattis packages: a run over the memory limit is RTE (problemtools).
                assert d.verdict == KATTIS_LABEL_VERDICTS[d.label] and not d.solved, d
            assert d.compiled == (d.label != "compile_error")
        solved = labels.count("accepted")
        assert p.solved == solved
        assert p.compiled == p.candidates - labels.count("compile_error")
        assert p.solved <= p.public_passed <= p.compiled
        assert p.pass_at_k["pass@1"] == pytest.approx(solved / p.candidates)
        assert set(p.pass_at_k) == {"pass@1", "pass@10"} if p.candidates >= 10 else {"pass@1"}
        assert (p.points_pool, p.points_best) == (100.0, 100.0)
        assert p.points_mean == pytest.approx(sum(d.score for d in p.details) / p.candidates)
        assert {key: (e.n, e.k) for key, e in p.n_at_k.items()} == {
            "1@k": (1, p.candidates),
            "10@k": (10, p.candidates),
        }
        assert 0 < p.n_at_k["1@k"].mean <= p.n_at_k["10@k"].mean <= 1
        assert p.judge_errors == 0 and p.tests_run > 0
    t = cold.totals
    assert (t.problems, t.problems_scored, t.problems_solved, t.problems_failed) == (2, 2, 2, 0)
    assert t.candidates == sum(p.candidates for p in cold.problems)
    assert t.solved_candidates == n_accepted == 4
    assert (t.points_pool, t.points_best, t.max_score) == (200.0, 200.0, 200.0)
    assert t.pass_at_k["pass@1"] == pytest.approx(sum(p.pass_at_k["pass@1"] for p in cold.problems) / 2)
    assert t.pass_at_k_problems == {"pass@1": 2, "pass@10": sum(p.candidates >= 10 for p in cold.problems)}


@needs_bwrap
def test_demo_second_run_judges_nothing(demo_runs: tuple[BatchScoreResult, BatchScoreResult, float]) -> None:
    cold, warm, cold_s = demo_runs
    for c, w in zip(cold.problems, warm.problems, strict=True):
        assert w.tests_run == 0, f"{w.problem}: the store's results were judged again"
        assert w.tests_cached == c.tests_run + c.tests_cached
    volatile = {"elapsed_s": True, "tests_run": True, "tests_cached": True}
    assert [p.model_dump(exclude=volatile) for p in warm.problems] == [
        p.model_dump(exclude=volatile) for p in cold.problems
    ]
    assert warm.elapsed_s < cold_s


# --- a pool file over a folder of packages ------------------------------------------------------------------


def record(problem: str, code: str, language: str = "cpp", **extra: object) -> PoolRecord:
    fields: dict = {
        "problem": problem,
        "language": language,
        "status": CodeStatus.OK,
        "code": code,
        "completion_sha256": sha256_text(code),
        "job": job_id(problem=problem, code=code, kind=str(extra.get("kind", "candidate"))),
        "sample_index": 0,
        "model": "test",
        "backend": "test",
    }
    fields.update(extra)
    return PoolRecord(**fields)


def tiny_set(root: Path) -> Path:
    tests = {
        "s1": ("1 3\n", "4\n"),
        "s2": ("2 2\n", "4\n"),
        "b1": ("10 20\n", "30\n"),
        "b2": ("7 8\n", "15\n"),
    }
    groups = {"group1": (40, ["s1", "s2"]), "group2": (60, ["b1", "b2"])}
    for name in ("tiny", "other"):
        pkg = write_kattis_problem(root / name, tests, groups=groups)
        (pkg / "data" / "sample" / "1.in").write_text("1 2\n")
        (pkg / "data" / "sample" / "1.ans").write_text("3\n")
    (root / "broken").mkdir()
    (root / "broken" / "problem.yaml").write_text("limits: [\n")
    return root


@needs_bwrap
def test_pool_file_over_a_folder(tmp_path: Path) -> None:
    folder = tiny_set(tmp_path / "set")
    correct = record("tiny", SUM.format(expr="a + b"))
    records = [
        correct,
        record("tiny", SUM.format(expr="a < 5 ? a + b : 0")),  # group1 only, passes the example
        record(
            "tiny", SUM.format(expr="a == 1 && b == 2 ? 0 : a + b")
        ),  # fails the example, solves the hidden tests
        record("tiny", "a, b = map(int, input().split())\nprint(a + b)\n", language="python"),
        record("tiny", "", status=CodeStatus.NO_CODE, sample_index=1),
        record("tiny", "int main() {}\n", kind=RecordKind.GENERATOR),  # not a candidate
        record("zzz", SUM.format(expr="a + b")),  # a problem not in the folder
    ]
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(r.model_dump_json() + "\n" for r in [*records, correct]))  # one line twice
    result = score_batch(
        folder, str(pool), sandbox="bwrap", jobs=2, store_path=tmp_path / "s.sqlite", progress=False
    )
    by_name = {p.problem: p for p in result.problems}
    assert sorted(by_name) == ["broken", "other", "tiny"]
    assert result.ignored_pool_problems == ["zzz"]
    assert "invalid YAML" in (by_name["broken"].error or "")
    assert by_name["other"].candidates == 0 and by_name["other"].note == "no candidates in the pool"
    tiny = by_name["tiny"]
    assert [(d.compiled, d.public_ok, d.score, d.solved) for d in tiny.details] == [
        (True, True, 100.0, True),
        (True, True, 40.0, False),
        (True, False, 100.0, True),
        (True, True, 100.0, True),
        (False, False, 0.0, False),
    ]
    assert tiny.details[4].verdict is None and "no program" in tiny.details[4].note
    assert (tiny.candidates, tiny.compiled, tiny.public_passed, tiny.solved) == (5, 4, 3, 3)
    assert tiny.pass_at_k == {"pass@1": pytest.approx(pass_at_k(5, 3, 1))}
    passes = [d.solved for d in tiny.details]
    filters = [d.public_ok for d in tiny.details]
    for n in (1, 10):
        mean, err = n_at_k_bootstrap(passes, filters, None, n, 5, resamples=1000, seed=0)
        assert (tiny.n_at_k[f"{n}@k"].mean, tiny.n_at_k[f"{n}@k"].stderr) == (mean, err)
    assert (tiny.points_pool, tiny.points_best, tiny.points_mean) == (100.0, 100.0, 68.0)
    t = result.totals
    assert (t.problems, t.problems_scored, t.problems_failed, t.problems_solved) == (3, 1, 1, 1)
    assert (t.max_score, t.points_pool, t.candidates) == (200.0, 100.0, 5)


def test_pool_without_records_for_these_problems(tmp_path: Path) -> None:
    folder = tiny_set(tmp_path / "set")
    pool = tmp_path / "pool.jsonl"
    pool.write_text(record("zzz", "int main() {}\n").model_dump_json() + "\n")
    with pytest.raises(IoiAgentError) as info:
        score_batch(folder, str(pool), sandbox="bwrap", progress=False)
    text = str(info.value)
    assert str(pool) in text and "zzz" in text and "folder name" in text and "fix:" in text
    with pytest.raises(IoiAgentError, match="no package under it ships programs"):
        score_batch(folder, "submissions", sandbox="bwrap", progress=False)
    with pytest.raises(IoiAgentError, match="no such pool file"):
        score_batch(folder, str(tmp_path / "nope.jsonl"), sandbox="bwrap", progress=False)


# --- killed and started again ---------------------------------------------------------------------------

RUN = (
    "import sys\nfrom ioi_agent import cli\n"
    "cli.COMMAND_MODULES.append('score') if 'score' not in cli.COMMAND_MODULES else None\n"
    "sys.exit(cli.main(sys.argv[1:]))\n"
)
N_GROUPS, PER_GROUP = 4, 8
PER_PROBLEM = N_GROUPS * PER_GROUP + 1  # and one public example


def busy_set(root: Path) -> Path:
    for p, name in enumerate(("busy1", "busy2")):
        # Distinct inputs per problem: equal tests would share their stored outcomes.
        tests = {
            f"{g}{i}": (f"{p + 1}{g}{i}\n", f"{p + 1}{g}{i}\n")
            for g in range(1, N_GROUPS + 1)
            for i in range(PER_GROUP)
        }
        groups = {
            f"group{g}": (100 // N_GROUPS, [f"{g}{i}" for i in range(PER_GROUP)])
            for g in range(1, N_GROUPS + 1)
        }
        pkg = write_kattis_problem(root / name, tests, groups=groups)
        (pkg / "data" / "sample" / "1.in").write_text(f"{p + 1}7\n")
        (pkg / "data" / "sample" / "1.ans").write_text(f"{p + 1}7\n")
        (pkg / "submissions" / "accepted").mkdir(parents=True)
        (pkg / "submissions" / "accepted" / "busy.cpp").write_text(BUSY_ECHO)
    return root


@pytest.fixture()
def private_cache() -> Iterator[Path]:
    """A fresh, world-readable cache, seeded with the session's precompiled header (slow to build)."""
    folder = Path(tempfile.mkdtemp(prefix="ioi-agent-score-resume-"))
    os.chmod(folder, 0o755)
    session_bin = cache_root() / "bin"
    session_bin.mkdir(parents=True, exist_ok=True)
    host_pch(session_bin)
    (folder / "bin").mkdir(mode=0o755)
    for pch in session_bin.glob("pch-*"):
        shutil.copytree(pch, folder / "bin" / pch.name)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def store_rows(cache: Path) -> dict[str, float]:
    path = cache / "results.sqlite"
    if not path.exists():
        return {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return dict(db.execute("SELECT key, created FROM results").fetchall())
        finally:
            db.close()
    except sqlite3.OperationalError:  # created, the table not yet
        return {}


@needs_bwrap
def test_killed_run_resumes_without_judging_again(tmp_path: Path, private_cache: Path) -> None:
    folder = busy_set(tmp_path / "set")
    argv = [sys.executable, "-c", RUN, "score", str(folder), "--pool", "submissions"]
    argv += ["--sandbox", "bwrap", "--jobs", "2", "--json"]
    env = {**os.environ, "IOI_AGENT_CACHE": str(private_cache)}
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while len(store_rows(private_cache)) < PER_PROBLEM + 4:  # inside the second problem
            assert proc.poll() is None, f"the run ended before it was killed: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "no results were stored"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    first = store_rows(private_cache)
    assert PER_PROBLEM < len(first) < 2 * PER_PROBLEM, "the run was not killed in the middle"

    started = time.monotonic()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    resumed_s = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    final = store_rows(private_cache)
    assert len(final) == 2 * PER_PROBLEM
    assert {k: final[k] for k in first} == first  # finished results were reused, not written again
    doc = json.loads(done.stdout)
    runs = {p["problem"]: (p["tests_run"], p["tests_cached"]) for p in doc["problems"]}
    assert runs["busy1"] == (0, PER_PROBLEM)  # finished before the kill: nothing judged again
    assert runs["busy2"][0] == len(final) - len(first)  # only what the killed run had not finished
    assert [(p["solved"], p["points_pool"]) for p in doc["problems"]] == [(1, 100.0), (1, 100.0)]
    assert doc["totals"]["problems_solved"] == 2
    # 0.1 s of CPU per test: the resumed run did less than the whole again.
    assert resumed_s < 60
