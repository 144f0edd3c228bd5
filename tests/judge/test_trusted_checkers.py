"""Checkers run as trusted programs: CMS's white diff when a CMS task has none, and a checker that hangs,
spins or crashes is a judge error within its limits, never a wrong answer and never a hang; a checker
whose compilation does not end is a package error within the compile limits."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from ioi_agent.errors import PackageError
from ioi_agent.judge import checkers
from ioi_agent.judge.checkers import host_program, run_checker
from ioi_agent.judge.trusted import TrustedLimits
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Checker, CheckerKind

WHITE = Checker(kind=CheckerKind.WHITE_DIFF, case_sensitive=True)


def judge(tmp_path: Path, checker: Checker, output: bytes, answer: bytes = b"1 2\n") -> checkers.CheckResult:
    (tmp_path / "in").write_bytes(b"1\n")
    (tmp_path / "ans").write_bytes(answer)
    (tmp_path / "out").write_bytes(output)
    return run_checker(checker, tmp_path / "cache", tmp_path / "in", tmp_path / "ans", tmp_path / "out")


@pytest.mark.parametrize(
    ("output", "answer", "verdict"),
    [
        (b"1 2\n", b"1  2 \n\n", Verdict.AC),
        (b"a\n", b"A\n", Verdict.WA),  # the token comparison would accept this (case-insensitive)
        (b"1 2", b"1\n2", Verdict.WA),  # ... and this (same tokens)
        (b"1.0\n", b"1\n", Verdict.WA),
    ],
)
def test_white_diff_checker(tmp_path: Path, output: bytes, answer: bytes, verdict: Verdict) -> None:
    result = judge(tmp_path, WHITE, output, answer)
    assert (result.verdict, result.score) == (verdict, 1.0 if verdict == Verdict.AC else 0.0)


def test_kattis_default_keeps_token_rules(tmp_path: Path) -> None:
    assert judge(tmp_path, Checker(), b"1\n2", b"1 2\n").verdict == Verdict.AC


def python_checker(tmp_path: Path, body: str) -> Checker:
    src = tmp_path / "checker.py"
    src.write_text("import os, signal, sys, time\n" + body + "\nprint(1.0)\n")
    return Checker(kind=CheckerKind.CMS, sources=[src])


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("time.sleep(60)", "wall-clock limit"),
        ("while True: pass", "ran past"),  # CPU limit or wall clock, whichever comes first
        ("os.kill(os.getpid(), signal.SIGSEGV)", "signal"),
        ("sys.exit(3)", "exited with 3"),
    ],
)
def test_broken_checker_is_judge_error(tmp_path: Path, monkeypatch, body: str, words: str) -> None:
    monkeypatch.setattr(checkers, "CHECKER_LIMITS", TrustedLimits(cpu_s=1.0, wall_s=2.0))
    start = time.monotonic()
    result = judge(tmp_path, python_checker(tmp_path, body), b"1 2\n")
    assert time.monotonic() - start < 15
    assert result.verdict == Verdict.JE and result.score == 0.0
    assert words in result.message, result.message


def test_checker_compilation_has_a_deadline(tmp_path: Path, monkeypatch) -> None:
    slow = tmp_path / "slow-g++"
    slow.write_text("#!/bin/sh\nsleep 60\n")
    slow.chmod(0o755)
    # Only the checker module's view of shutil: the guard is built with the real gcc.
    monkeypatch.setattr(checkers, "shutil", SimpleNamespace(which=lambda name: str(slow)))
    monkeypatch.setattr(checkers, "HOST_COMPILE", TrustedLimits(cpu_s=1.0, wall_s=1.0))
    (tmp_path / "checker.cpp").write_text("int main() {}\n")
    start = time.monotonic()
    with pytest.raises(PackageError, match="compilation ran past"):
        host_program([tmp_path / "checker.cpp"], tmp_path / "cache")
    assert time.monotonic() - start < 15
