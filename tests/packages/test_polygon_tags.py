"""Polygon solution tags: each `<solution tag>` of problem.xml is a set of verdicts, and `verify` checks the
verdict is in the tag's set.

Source of the rules: Polygon's solution tags (the "Solutions" page of polygon.codeforces.com; the words in
problem.xml are main, accepted, rejected, wrong-answer, presentation-error, time-limit-exceeded,
memory-limit-exceeded, failed, time-limit-exceeded-or-accepted, time-limit-exceeded-or-memory-limit-exceeded,
and do-not-run): "Incorrect" (rejected) is any verdict but OK, an "or" tag allows either verdict, a single
failing tag allows that failure besides OK on other tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent.cli import main
from ioi_agent.judge.labels import POLYGON_TAG_VERDICTS, label_expectation, polygon_tag_satisfied
from ioi_agent.judge.results import CompileInfo, SubmissionResult, SubtaskResult
from ioi_agent.judge.results import TestResult as RunResult
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from tests.packages import source_fixtures as fx

AC, WA, TLE, MLE, RE, CE = Verdict.AC, Verdict.WA, Verdict.TLE, Verdict.MLE, Verdict.RE, Verdict.CE
POLYGON_TAGS = {
    "main",
    "accepted",
    "rejected",
    "wrong-answer",
    "presentation-error",
    "time-limit-exceeded",
    "memory-limit-exceeded",
    "failed",
    "time-limit-exceeded-or-accepted",
    "time-limit-exceeded-or-memory-limit-exceeded",
}


def result(*verdicts: Verdict, score: float = 0.0) -> SubmissionResult:
    """A result whose tests got these verdicts in order; the submission's verdict is the first failure."""
    tests = [
        RunResult(test=f"{i:02d}", verdict=v, score=1.0, time_s=0.1, memory_mb=1)
        for i, v in enumerate(verdicts)
    ]
    verdict = next((v for v in verdicts if v != AC), AC)
    subtask = SubtaskResult(name="all", points=100, score=score, verdict=verdict, tests=tests)
    return SubmissionResult(
        source="x.cpp", verdict=verdict, score=score, subtasks=[subtask], compile=CompileInfo(ok=True)
    )


def test_every_polygon_tag_has_a_verdict_set() -> None:
    assert set(POLYGON_TAG_VERDICTS) == POLYGON_TAGS
    for tag in POLYGON_TAGS:
        assert label_expectation(tag, "polygon")
    assert label_expectation("do-not-run", "polygon") is None  # Polygon does not run those


@pytest.mark.parametrize(
    ("tag", "verdicts", "kept"),
    [
        ("main", (AC, AC), True),
        ("main", (AC, WA), False),
        ("accepted", (AC, TLE), False),
        # rejected ("Incorrect"): any verdict but OK, a compilation error too.
        ("rejected", (AC, WA), True),
        ("rejected", (TLE,), True),
        ("rejected", (AC, MLE), True),
        ("rejected", (RE,), True),
        ("rejected", (AC, AC), False),
        ("wrong-answer", (AC, WA), True),
        ("wrong-answer", (AC, TLE), False),
        ("wrong-answer", (WA, TLE), False),  # a test failing otherwise breaks the tag
        ("presentation-error", (WA,), True),  # testlib's PE is judged WA
        ("time-limit-exceeded", (AC, TLE), True),
        ("time-limit-exceeded", (AC, AC), False),
        ("memory-limit-exceeded", (MLE,), True),
        ("memory-limit-exceeded", (RE,), False),
        ("failed", (AC, RE), True),
        ("failed", (WA,), False),
        ("time-limit-exceeded-or-accepted", (AC, AC), True),
        ("time-limit-exceeded-or-accepted", (AC, TLE), True),
        ("time-limit-exceeded-or-accepted", (AC, WA), False),
        ("time-limit-exceeded-or-memory-limit-exceeded", (AC, TLE), True),
        ("time-limit-exceeded-or-memory-limit-exceeded", (MLE,), True),
        ("time-limit-exceeded-or-memory-limit-exceeded", (AC, AC), False),
        ("time-limit-exceeded-or-memory-limit-exceeded", (RE,), False),
    ],
)
def test_tag_verdict_sets(tag: str, verdicts: tuple[Verdict, ...], kept: bool) -> None:
    score = 100.0 if all(v == AC for v in verdicts) else 0.0
    assert polygon_tag_satisfied(tag, result(*verdicts, score=score), 100.0) is kept


def test_a_compilation_error_is_rejected_and_nothing_else() -> None:
    ce = SubmissionResult(
        source="x.cpp", verdict=CE, score=0, subtasks=[], compile=CompileInfo(ok=False, message="error")
    )
    assert polygon_tag_satisfied("rejected", ce, 100) is True
    assert not any(polygon_tag_satisfied(t, ce, 100) for t in POLYGON_TAGS - {"rejected"})


TAGGED = {
    # tag: (file, program keeping the tag on the A+B package's tests)
    "rejected": ("rej.py", "a, b = map(int, input().split())\nprint(a + b + 1)\n"),
    "time-limit-exceeded-or-accepted": (
        "slow.py",
        "a, b = map(int, input().split())\nwhile a >= 60:\n    pass\nprint(a + b)\n",
    ),
    "time-limit-exceeded-or-memory-limit-exceeded": (
        "bomb.py",
        "x = []\nwhile True:\n    x.append(bytearray(1 << 24))\n",
    ),
    "failed": (
        "crash.py",
        "a, b = map(int, input().split())\nif a > 50:\n    raise SystemExit(3)\nprint(a + b)\n",
    ),
}


def write_tagged(root: Path, extra: dict[str, tuple[str, str]]) -> Path:
    fx.write_polygon_package(root)
    xml = root / "problem.xml"
    sols = []
    for tag, (name, code) in extra.items():
        (root / "solutions" / name).write_text(code)
        sols.append(f'<solution tag="{tag}"><source path="solutions/{name}" type="python.3"/></solution>')
    xml.write_text(xml.read_text().replace("</solutions>", "".join(sols) + "</solutions>"))
    return root


def test_tags_are_read_from_problem_xml(tmp_path: Path) -> None:
    problem = load_problem(write_tagged(tmp_path / "p", TAGGED))
    tags = {s.path.name: s.tag for s in problem.submissions}  # type: ignore[attr-defined]
    assert {tags[name] for name, _ in TAGGED.values()} == set(TAGGED)


def _verify(root: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["verify", str(root), "--sandbox", sandbox_name, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out[out.index("[") :])[0]


def test_verify_checks_each_tags_verdict_set(
    tmp_path: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = _verify(write_tagged(tmp_path / "ok", TAGGED), sandbox_name, capsys)
    verdicts = {Path(s["source"]).name: s["verdict"] for s in doc["report"]["submissions"]}
    assert verdicts["rej.py"] == "WA" and verdicts["slow.py"] == "TLE" and verdicts["crash.py"] == "RE"
    assert verdicts["bomb.py"] in ("MLE", "TLE")
    assert code == 0, verdicts
    # The same programs under tags whose sets they miss: verify reports each and exits 1.
    wrong = {
        "accepted": TAGGED["rejected"],
        "wrong-answer": TAGGED["time-limit-exceeded-or-accepted"],
        "time-limit-exceeded-or-accepted": TAGGED["failed"],
    }
    code, doc = _verify(write_tagged(tmp_path / "bad", wrong), sandbox_name, capsys)
    assert code == 1
    assert doc["promises"][str((tmp_path / "bad" / "solutions" / "rej.py").resolve())] == "verdict in {AC}"
