"""The pure scoring rules import nothing of the sandbox (nor of the judge's running parts)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

CHECK = """
import pkgutil, sys
import ioi_agent.scoring as scoring
for info in pkgutil.iter_modules(scoring.__path__):
    __import__(f"ioi_agent.scoring.{info.name}")
heavy = ("ioi_agent.sandbox", "ioi_agent.judge.runner", "ioi_agent.judge.strategies", "ioi_agent.judge.checkers")
print(sorted(m for m in sys.modules if m.startswith(heavy)))
"""


def test_scoring_imports_no_sandbox() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=REPO, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_verdict_module_is_a_leaf() -> None:
    code = "import sys, ioi_agent.judge.verdict; print(sorted(m for m in sys.modules if m.startswith('ioi_agent.') and m != 'ioi_agent.judge.verdict' and m != 'ioi_agent.judge'))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
