"""Shared fixtures: a private cache for the judge, and the sandbox backends usable on this machine."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Boxes run under their own uids and must reach the cache: pytest's tmp folders are private (0700).
_CACHE = Path(tempfile.mkdtemp(prefix="ioi-agent-test-cache-"))
os.chmod(_CACHE, 0o755)
os.environ["IOI_AGENT_CACHE"] = str(_CACHE)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


# In CI (`.ci/run` sets CI=true) the machine has every sandbox: a judge test that finds none must fail
# there, not skip (a skip would pass a judge that was never tested).
SANDBOX_WORDS = ("sandbox", "bubblewrap", "bwrap")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
    if any(word in reason.lower() for word in SANDBOX_WORDS):
        report.outcome = "failed"
        report.longrepr = f"in CI a sandbox must be usable, not skipped: {reason}"


def backend_unavailable(name: str) -> str | None:
    from ioi_agent.sandbox import BACKENDS

    return BACKENDS[name]().available()


@pytest.fixture(params=["bwrap", "docker"])
def sandbox_name(request: pytest.FixtureRequest) -> str:
    reason = backend_unavailable(request.param)
    if reason:
        pytest.skip(f"{request.param} sandbox cannot run on this machine: {reason}")
    return request.param


def write_kattis_problem(
    root: Path,
    tests: dict[str, tuple[str, str]],
    yaml_extra: str = "",
    groups: dict[str, tuple[int, list[str]]] | None = None,
) -> Path:
    """A small scoring Kattis package: tests {name: (input, answer)}; groups {group: (points, [test names])}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "problem.yaml").write_text(
        "name: Tiny\ntype: scoring\nlimits:\n  time_limit: 1.0\n  memory: 256\n" + yaml_extra
    )
    groups = groups or {"group1": (100, list(tests))}
    (root / "data" / "sample").mkdir(parents=True, exist_ok=True)
    for group, (points, names) in groups.items():
        folder = root / "data" / "secret" / group
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "testdata.yaml").write_text(
            f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n"
        )
        for name in names:
            (folder / f"{name}.in").write_text(tests[name][0])
            (folder / f"{name}.ans").write_text(tests[name][1])
    (root / "data" / "testdata.yaml").write_text(
        "on_reject: continue\nrange: 0 100\ngrader_flags: ignore_sample\n"
    )
    return root


def run_verdict(result: object) -> str:
    """What the sandbox saw: the verdict of the first test that failed, else the submission's. (A Kattis
    submission's own verdict is problemtools', where a run over the memory limit is RTE.)"""
    for subtask in getattr(result, "subtasks", []):
        for test in subtask.tests:
            if test.verdict != "AC":
                return str(test.verdict.value)
    return str(result.verdict.value)  # type: ignore[attr-defined]
