"""The 2023-07 draft of the Kattis problem package format, loaded beside the legacy one.

Source of every rule: spec/2023-07-draft.md of Kattis/problem-package-format ("Problem metadata": the
`problem_format_version`, `type` and `limits` keys; "Test data" and "Result aggregation": test_group.yaml's
`max_score` and `score_aggregation`; "Output validator": the `output_validator/` folder; "Example
submissions": the default folders and submissions.yaml's `permitted`, `required` and `score`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent.cli import main
from ioi_agent.errors import PackageError
from ioi_agent.packages import CheckerKind, TaskType, load_problem
from ioi_agent.packages.kattis_submissions import in_scope
from tests.conftest import SHARED

ECHO = "print(int(input()))\n"
# Right for n <= 10, wrong above: group small (pass-fail, 40) passes, group big (sum, 60) gets half.
PARTIAL = "n = int(input())\nprint(n if n <= 10 or n % 2 else 0)\n"
SLOW = "n = int(input())\nwhile n > 10:\n    pass\nprint(n)\n"
PROBLEM_YAML = """problem_format_version: 2023-07-draft
type: scoring
name: Echo
uuid: 3c3a1ed4-4bfc-4b5b-9a0d-1e6f0f3ad9a1
limits:
  time_limit: 1.0
  memory: 256
  time_multipliers:
    ac_to_time_limit: 3
"""


def write_2023(root: Path, problem_yaml: str = PROBLEM_YAML, submissions_yaml: str = "") -> Path:
    files = {
        "problem.yaml": problem_yaml,
        "statement/problem.en.md": "Print n.\n",
        "data/sample/1.in": "1\n",
        "data/sample/1.ans": "1\n",
        "data/secret/small/test_group.yaml": "max_score: 40\n",
        "data/secret/big/test_group.yaml": "max_score: 60\nscore_aggregation: sum\n",
        "submissions/accepted/echo.py": ECHO,
        "submissions/rejected/partial.py": PARTIAL,
        "submissions/time_limit_exceeded/slow.py": SLOW,
    }
    for n in (2, 5):
        files[f"data/secret/small/{n:02d}.in"] = files[f"data/secret/small/{n:02d}.ans"] = f"{n}\n"
    for n in (11, 12):  # partial.py is right on 11 (odd), wrong on 12
        files[f"data/secret/big/{n:02d}.in"] = files[f"data/secret/big/{n:02d}.ans"] = f"{n}\n"
    if submissions_yaml:
        files["submissions/submissions.yaml"] = submissions_yaml
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_a_2023_package_loads(tmp_path: Path) -> None:
    problem = load_problem(write_2023(tmp_path / "echo"))
    assert (problem.format, problem.scoring, problem.task_type) == ("kattis", True, TaskType.BATCH)
    assert problem.limits.time_s == 1.0 and problem.limits.memory_mb == 256
    assert problem.limits.time_multiplier == 3.0 and problem.limits.time_safety_margin == 1.5
    assert problem.statement is not None and problem.statement.name == "problem.en.md"
    # Lexicographic order: big before small; max_score is each group's points, secret's 100 in all.
    assert [(s.name, s.points, s.tests, s.stop_on_failure) for s in problem.subtasks] == [
        ("big", 60.0, ["secret/big/11", "secret/big/12"], False),
        ("small", 40.0, ["secret/small/02", "secret/small/05"], True),
    ]
    assert problem.checker.kind == CheckerKind.DIFF
    labels = {s.path.name: (s.label, [r.model_dump() for r in s.expectations]) for s in problem.submissions}  # type: ignore[attr-defined]
    assert labels["echo.py"] == (
        "accepted",
        [{"scope": "", "permitted": ["AC"], "required": None, "score": None}],
    )
    assert labels["partial.py"][1] == [
        {"scope": "", "permitted": None, "required": ["RTE", "TLE", "WA"], "score": None}
    ]


def test_the_version_and_type_are_checked(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="problem_format_version '2031-01' is not supported"):
        load_problem(write_2023(tmp_path / "v", PROBLEM_YAML.replace("2023-07-draft", "2031-01")))
    with pytest.raises(PackageError, match="type has both pass-fail and scoring"):
        load_problem(
            write_2023(tmp_path / "t", PROBLEM_YAML.replace("type: scoring", "type: [pass-fail, scoring]"))
        )
    # problemtools reads "2023-07" as the same version.
    assert load_problem(
        write_2023(tmp_path / "alias", PROBLEM_YAML.replace("2023-07-draft", "2023-07"))
    ).scoring


def test_a_bounded_secret_needs_each_groups_max_score(tmp_path: Path) -> None:
    root = write_2023(tmp_path / "nomax")
    (root / "data/secret/big/test_group.yaml").write_text("score_aggregation: sum\n")
    with pytest.raises(PackageError, match="needs its own max_score"):
        load_problem(root)


def test_the_output_validator_folder_and_interactive_type(tmp_path: Path) -> None:
    root = write_2023(
        tmp_path / "inter", PROBLEM_YAML.replace("type: scoring", "type: [scoring, interactive]")
    )
    with pytest.raises(PackageError, match="no output validator"):
        load_problem(root)
    (root / "output_validator").mkdir()
    (root / "output_validator" / "validator.py").write_text("raise SystemExit(42)\n")
    (root / "data/secret/big/test_group.yaml").write_text(
        "max_score: 60\nscore_aggregation: sum\noutput_validator_args: [big]\n"
    )
    problem = load_problem(root)
    assert problem.task_type == TaskType.INTERACTIVE and problem.checker.kind == CheckerKind.KATTIS
    assert [p.name for p in problem.manager_sources] == ["validator.py"]
    assert (
        problem.tests["secret/big/11"].validator_flags == ["big"]
        and problem.tests["secret/small/02"].validator_flags == []
    )


def test_pass_fail_needs_every_sample_and_secret_test(tmp_path: Path) -> None:
    problem = load_problem(write_2023(tmp_path / "pf", PROBLEM_YAML.replace("type: scoring\n", "")))
    assert not problem.scoring
    assert [(s.name, s.points) for s in problem.subtasks] == [("all", 100.0)]
    assert problem.subtasks[0].tests[0] == "sample/1" and len(problem.subtasks[0].tests) == 5


def test_globs_of_submissions_yaml() -> None:
    assert in_scope("secret/big/11", "secret/big") and in_scope("secret/big/11", "secret/*")
    assert not in_scope("secret/big/11", "secret/b") and not in_scope("secret/big/11", "*/11")
    assert in_scope("accepted/a.py", "accepted") and in_scope("accepted/b.cpp", "accepted/{a.py,b.cpp}")


def test_legacy_packages_still_load() -> None:
    swedish = SHARED / "data" / "kattis" / "swedish-olympiad-2024" / "brandpost"
    problem = load_problem(swedish)
    assert problem.scoring and problem.max_score == 100 and len(problem.subtasks) >= 2


SUBMISSIONS_YAML = """rejected/partial.py:
  secret/small:
    permitted: [AC]
  secret/big:
    required: [WA]
    score: 30
  score: [60, 80]
time_limit_exceeded/slow.py:
  sample:
    permitted: [AC]
"""


def verify(root: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict]]:
    code = main(["verify", str(root), "--sandbox", sandbox_name, "--json"])
    out = capsys.readouterr().out
    doc = json.loads(out[out.index("[") :])[0]
    return code, {Path(s["source"]).name: s for s in doc["report"]["submissions"]}


def test_verify_checks_folders_and_submissions_yaml(
    tmp_path: Path, sandbox_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_2023(tmp_path / "ok", submissions_yaml=SUBMISSIONS_YAML)
    code, subs = verify(root, sandbox_name, capsys)
    # small is pass-fail (40 when every test passes); big sums 60 / 2 per accepted test.
    assert (subs["echo.py"]["verdict"], subs["echo.py"]["score"]) == ("AC", 100.0)
    assert (subs["partial.py"]["verdict"], subs["partial.py"]["score"]) == ("WA", 70.0)
    assert subs["slow.py"]["verdict"] == "TLE"
    assert code == 0
    # A score range the program misses, and a required verdict it never gets: both reported.
    root = write_2023(
        tmp_path / "bad",
        submissions_yaml=SUBMISSIONS_YAML.replace("score: [60, 80]", "score: [80, 90]")
        + "accepted/echo.py:\n  required: [TLE]\n",
    )
    code, _ = verify(root, sandbox_name, capsys)
    assert code == 1
