"""Running a Kattis package's custom grader (`graders/`, for groups with `grading: custom`).

The grader is the problem setter's trusted program: it reads the group's children's results on stdin, one
`VERDICT SCORE` line each, gets the group's `grader_flags` as arguments and prints the group's
`VERDICT SCORE` (problemtools' judge/grade.py). Exit code other than 0, a timeout or output of another
shape is a judge error. Results are remembered per (grader, flags, input) for the life of the process: a
grader is a pure function of them, and each submission asks for each group once.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from pathlib import Path

from ioi_agent.errors import PackageError
from ioi_agent.judge.checkers import host_program
from ioi_agent.judge.trusted import run_trusted

GRADER_OUTPUT = re.compile(r"^(AC|WA|TLE|RTE|MLE|OLE|JE)\s+(-?[0-9.]+)\s*$")

_memo: dict[str, tuple[str, float, str]] = {}
_memo_lock = threading.Lock()


def grader_input(lines: list[tuple[str, float]]) -> str:
    """The grader's stdin, formatted as problemtools writes it (Python's str of the score)."""
    return "".join(f"{verdict} {score}\n" for verdict, score in lines)


def run_grader(
    sources: list[Path], flags: list[str], lines: list[tuple[str, float]], cache: Path
) -> tuple[str, float, str]:
    """(verdict code, score, message): message is empty unless the grader failed (verdict JE)."""
    if not lines:
        return "AC", 0.0, ""  # problemtools grades an empty group without running the grader
    text = grader_input(lines)
    h = hashlib.sha256()
    for src in sources:
        h.update(src.read_bytes() + b"\0")
    h.update("\0".join(flags).encode() + b"\0" + text.encode())
    key = h.hexdigest()
    with _memo_lock:
        if key in _memo:
            return _memo[key]
    result = _run(sources, flags, text, cache)
    if result[0] != "JE":
        with _memo_lock:
            _memo[key] = result
    return result


def _run(sources: list[Path], flags: list[str], text: str, cache: Path) -> tuple[str, float, str]:
    try:
        argv = host_program(sources, cache)
    except PackageError as exc:
        return "JE", 0.0, f"the grader does not build: {exc}"
    with tempfile.NamedTemporaryFile("w", prefix="grader-in-", suffix=".txt") as stdin:
        stdin.write(text)
        stdin.flush()
        run = run_trusted([*argv, *flags], stdin=Path(stdin.name), cwd=sources[0].parent)
    if run.timed_out or run.returncode != 0:
        return "JE", 0.0, run.failure("the custom grader")
    match = GRADER_OUTPUT.match(run.stdout)
    if not match:
        return "JE", 0.0, f"the custom grader printed {run.stdout.strip()[:100]!r}, not 'VERDICT SCORE'"
    try:
        score = float(match.group(2))
    except ValueError:
        return "JE", 0.0, f"the custom grader printed an unreadable score {match.group(2)!r}"
    return match.group(1), score, ""
