"""The Kattis / ICPC package loader: the real packages in ../shared/data/kattis, small packages written here
for each feature (limits, validator flags, custom/interactive/multi-pass validation, include/, submissions/,
symlinked tests), and broken packages, each of which must give one line naming the file (and field)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ioi_agent.errors import PackageError
from ioi_agent.packages import CheckerKind, TaskType, load_problem
from ioi_agent.sandbox import file_digest
from tests.conftest import REPO, SHARED

KATTIS = SHARED / "data" / "kattis"
SWEDISH = KATTIS / "swedish-olympiad-2024"
KTH = KATTIS / "kth-challenge-2022"
SWEDISH_NAMES = sorted(p.name for p in SWEDISH.iterdir()) if SWEDISH.is_dir() else []
KTH_NAMES = sorted(p.name for p in KTH.iterdir()) if KTH.is_dir() else []
real_data = pytest.mark.skipif(not KATTIS.is_dir(), reason=f"the shared real packages are not at {KATTIS}")

ROOT_TESTDATA = "on_reject: continue\nrange: 0 100\ngrader_flags: ignore_sample\n"


def group_testdata(points: int) -> str:
    return f"on_reject: break\naccept_score: {points}\nrange: 0 {points}\ngrader_flags: min\n"


def write_package(root: Path, files: dict[str, str], links: dict[str, str] | None = None) -> Path:
    """Files {relative path: text}; links {relative path: symlink target (as written)}."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for rel, target in (links or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
    return root


def basic(root: Path, yaml: str = "name: Basic\ntype: scoring\n", **extra: str) -> Path:
    """A scoring package: a sample, two groups of 40 and 60 points."""
    files = {
        "problem.yaml": yaml,
        "data/testdata.yaml": ROOT_TESTDATA,
        "data/sample/1.in": "1 2\n",
        "data/sample/1.ans": "3\n",
        "data/secret/group1/testdata.yaml": group_testdata(40),
        "data/secret/group1/a.in": "2 2\n",
        "data/secret/group1/a.ans": "4\n",
        "data/secret/group2/testdata.yaml": group_testdata(60),
        "data/secret/group2/b.in": "5 5\n",
        "data/secret/group2/b.ans": "10\n",
    }
    files.update(extra)
    return write_package(root, files)


def load_error(root: Path) -> str:
    with pytest.raises(PackageError) as info:
        load_problem(root)
    message = str(info.value)
    assert "\n" not in message, "a package error must be one line"
    return message


# --- the real packages -------------------------------------------------------------------------------


@real_data
@pytest.mark.parametrize("name", SWEDISH_NAMES)
def test_swedish_packages(name: str) -> None:
    root = SWEDISH / name
    p = load_problem(root)
    assert p.format == "kattis" and p.scoring and p.task_type == TaskType.BATCH
    assert p.max_score == pytest.approx(100)
    assert sum(s.points for s in p.subtasks) == pytest.approx(100)
    groups = sorted(d.name for d in (root / "data" / "secret").iterdir() if d.is_dir())
    assert [s.name for s in p.subtasks] == groups
    for sub in p.subtasks:
        assert sub.stop_on_failure
        assert sub.points > 0 and sub.tests
        assert all(t.startswith(f"secret/{sub.name}/") for t in sub.tests)
    # Every .in file is one test, with its answer; samples are not in any subtask (ignore_sample).
    inputs = sorted(str(f.relative_to(root / "data").with_suffix("")) for f in (root / "data").rglob("*.in"))
    assert sorted(p.tests) == inputs
    assert all(t.input.is_file() and t.answer and t.answer.is_file() for t in p.tests.values())
    assert p.samples and all(p.tests[s].is_sample for s in p.samples)
    in_subtasks = {t for s in p.subtasks for t in s.tests}
    assert not in_subtasks & set(p.samples)
    assert in_subtasks | set(p.samples) == set(p.tests)
    assert p.limits.time_s is None and p.limits.time_source == ""
    assert p.checker.kind == CheckerKind.DIFF
    assert p.statement is not None


@real_data
def test_swedish_group_points_and_flags() -> None:
    p = load_problem(SWEDISH / "brandpost")
    assert [(s.name, s.points) for s in p.subtasks] == [
        ("group1", 10),
        ("group2", 15),
        ("group3", 17),
        ("group4", 27),
        ("group5", 31),
    ]
    assert p.groups is not None and p.groups.ignore_sample
    secret = next(c for c in p.groups.children if c.name == "secret")
    assert secret.first_error and secret.accept_if_any_accepted and secret.on_reject == "continue"
    g1 = secret.children[0]
    assert (g1.name, g1.aggregation, g1.accept_score, g1.range_max, g1.on_reject) == (
        "secret/group1",
        "min",
        10,
        10,
        "break",
    )


@real_data
def test_real_time_multipliers() -> None:
    assert load_problem(SWEDISH / "laviner").limits.time_multiplier == 2  # limits.time_multiplier: 2
    assert load_problem(SWEDISH / "brandpost").limits.time_multiplier == 1  # limits.time_multipliers: 1
    assert load_problem(SWEDISH / "treirad").limits.time_multiplier == 5  # the default


@real_data
def test_real_tests_shared_by_groups_have_one_content() -> None:
    # Later groups repeat earlier groups' tests; the judge keys results by content, so they run once.
    p = load_problem(SWEDISH / "brandpost")
    g2 = p.tests["secret/group2/001-g1-01"]
    for group in ("group3", "group4", "group5"):
        other = p.tests[f"secret/{group}/001-g1-01"]
        assert file_digest(other.input) == file_digest(g2.input)
        assert file_digest(other.answer) == file_digest(g2.answer)


@real_data
@pytest.mark.parametrize("name", KTH_NAMES)
def test_kth_pass_fail_packages(name: str) -> None:
    root = KTH / name
    p = load_problem(root)
    assert not p.scoring and p.max_score == 100
    assert len(p.subtasks) == 1
    sub = p.subtasks[0]
    assert (sub.name, sub.points, sub.stop_on_failure) == ("all", 100, True)
    # Samples first, then the secret tests, in package order.
    assert sub.tests == p.samples + [t for t in p.tests if t.startswith("secret/")]
    assert p.samples and all(s.startswith("sample/") for s in p.samples)
    assert set(sub.tests) == set(p.tests)
    assert len(p.tests) == len(list((root / "data").rglob("*.in")))


# --- features ----------------------------------------------------------------------------------------


def test_symlinked_tests_resolve(tmp_path: Path) -> None:
    root = basic(tmp_path / "p")
    write_package(
        root,
        {
            "data/secret/group3/testdata.yaml": group_testdata(0),
            "data/secret/group3/c.in": "7 7\n",
            "data/secret/group3/c.ans": "14\n",
        },
        links={
            "data/secret/group2/a.in": "../group1/a.in",
            "data/secret/group2/a.ans": "../group1/a.ans",
            "data/secret/group3/a.in": str(root / "data/secret/group1/a.in"),  # absolute works too
            "data/secret/group3/a.ans": str(root / "data/secret/group1/a.ans"),
        },
    )
    p = load_problem(root)
    names = ["secret/group1/a", "secret/group2/a", "secret/group3/a"]
    assert all(list(p.tests).count(n) == 1 for n in names)
    real = (root / "data/secret/group1/a.in").resolve()
    assert {p.tests[n].input for n in names} == {real}
    assert {p.tests[n].answer for n in names} == {real.with_suffix(".ans")}
    assert not any(p.tests[n].input.is_symlink() for n in names)
    assert p.subtask("group2").tests == ["secret/group2/a", "secret/group2/b"]
    assert p.subtask("group3").tests == ["secret/group3/a", "secret/group3/c"]


def test_limits_time_limit(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "type: scoring\nlimits:\n  time_limit: 2.5\n  memory: 512\n  output: 16\n")
    limits = load_problem(root).limits
    assert (limits.time_s, limits.memory_mb, limits.output_mb) == (2.5, 512, 16)
    assert "limits.time_limit" in limits.time_source


def test_timelimit_file(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", **{".timelimit": "3\n"})
    limits = load_problem(root).limits
    assert limits.time_s == 3.0 and limits.time_source == ".timelimit"


def test_problem_yaml_limit_wins_over_timelimit_file(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "type: scoring\nlimits:\n  time_limit: 1.5\n", **{".timelimit": "3\n"})
    assert load_problem(root).limits.time_s == 1.5


def test_no_time_limit_and_defaults(tmp_path: Path) -> None:
    limits = load_problem(basic(tmp_path / "p")).limits
    assert limits.time_s is None and limits.time_source == ""
    assert limits.time_multiplier == 5
    assert (limits.memory_mb, limits.output_mb) == (1024, 8)


@pytest.mark.parametrize(
    ("limits", "multiplier"),
    [
        ("  time_multiplier: 3\n", 3.0),
        ("  time_multipliers: 4\n", 4.0),
        ("  time_multipliers:\n    ac_to_time_limit: 1.5\n    time_limit_to_tle: 1.2\n", 1.5),
    ],
)
def test_time_multiplier(tmp_path: Path, limits: str, multiplier: float) -> None:
    root = basic(tmp_path / "p", "type: scoring\nlimits:\n" + limits)
    assert load_problem(root).limits.time_multiplier == multiplier


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("float_tolerance 1e-6", {"float_abs_tol": 1e-6, "float_rel_tol": 1e-6}),
        ("float_absolute_tolerance 0.01", {"float_abs_tol": 0.01, "float_rel_tol": None}),
        ("float_relative_tolerance 0.001", {"float_abs_tol": None, "float_rel_tol": 0.001}),
        (
            "float_absolute_tolerance 1e-9 float_relative_tolerance 1e-4",
            {"float_abs_tol": 1e-9, "float_rel_tol": 1e-4},
        ),
        ("case_sensitive", {"case_sensitive": True, "space_change_sensitive": False}),
        ("case_sensitive space_change_sensitive", {"case_sensitive": True, "space_change_sensitive": True}),
        ("", {"case_sensitive": False, "float_abs_tol": None, "float_rel_tol": None}),
    ],
)
def test_validator_flags(tmp_path: Path, flags: str, expected: dict) -> None:
    root = basic(tmp_path / "p", f"type: scoring\nvalidator_flags: {flags}\n" if flags else "type: scoring\n")
    checker = load_problem(root).checker
    assert checker.kind == CheckerKind.DIFF
    for field, value in expected.items():
        assert getattr(checker, field) == value, field
    assert checker.flags == flags.split()


@pytest.mark.parametrize(
    "flags", ["float_tolerance abc", "float_tolerance", "case_sensitive float_relative_tolerance"]
)
def test_bad_validator_flags(tmp_path: Path, flags: str) -> None:
    root = basic(tmp_path / "p", f"type: scoring\nvalidator_flags: {flags}\n")
    message = load_error(root)
    assert "problem.yaml" in message and "[validator_flags]" in message and "needs a number" in message


VALIDATOR = "int main() { return 42; }\n"


def test_custom_validation(tmp_path: Path) -> None:
    root = basic(
        tmp_path / "p",
        "type: scoring\nvalidation: custom\nvalidator_flags: strict 3\n",
        **{"output_validators/check/check.cpp": VALIDATOR, "output_validators/check/util.h": "// helper\n"},
    )
    p = load_problem(root)
    assert p.task_type == TaskType.BATCH
    assert p.checker.kind == CheckerKind.KATTIS
    assert p.checker.sources == [root / "output_validators/check/check.cpp"]
    assert p.checker.flags == ["strict", "3"]
    assert p.manager_sources == []


def test_custom_score_validation(tmp_path: Path) -> None:
    root = basic(
        tmp_path / "p", "type: scoring\nvalidation: custom score\n", **{"output_validators/v.py": "print()\n"}
    )
    p = load_problem(root)
    assert p.scoring and p.task_type == TaskType.BATCH
    assert p.checker.kind == CheckerKind.KATTIS and p.checker.sources == [root / "output_validators/v.py"]


@pytest.mark.parametrize(
    "yaml",
    ["validation: custom interactive\n", "type: [pass-fail, interactive]\nvalidation: custom\n"],
)
def test_interactive(tmp_path: Path, yaml: str) -> None:
    root = basic(tmp_path / "p", yaml, **{"output_validators/guess/guess.cpp": VALIDATOR})
    p = load_problem(root)
    assert p.task_type == TaskType.INTERACTIVE and not p.scoring
    assert p.manager_sources == [root / "output_validators/guess/guess.cpp"]
    assert p.validation_passes == 1


def test_interactive_implies_custom(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "type: [pass-fail, interactive]\n", **{"output_validators/g.cpp": VALIDATOR})
    p = load_problem(root)
    assert p.task_type == TaskType.INTERACTIVE and p.checker.kind == CheckerKind.KATTIS


@pytest.mark.parametrize(
    ("yaml", "passes"),
    [
        ("validation: custom multi-pass\n", 2),
        ("validation: custom multi-pass\nlimits:\n  validation_passes: 4\n", 4),
        ("type: [pass-fail, multi-pass]\nvalidation: custom\n", 2),
    ],
)
def test_multi_pass(tmp_path: Path, yaml: str, passes: int) -> None:
    root = basic(tmp_path / "p", yaml, **{"output_validators/mp/mp.cpp": VALIDATOR})
    p = load_problem(root)
    assert p.task_type == TaskType.MULTI_PASS
    assert p.validation_passes == passes
    assert p.manager_sources == [root / "output_validators/mp/mp.cpp"]


def test_include_files(tmp_path: Path) -> None:
    root = basic(
        tmp_path / "p",
        **{
            "include/cpp/grader.cpp": "int main() {}\n",
            "include/cpp/task.h": "int f();\n",
            "include/python/grader.py": "pass\n",
            "include/default/common.txt": "shared\n",
            "include/java/Grader.java": "class Grader {}\n",
        },
    )
    files = load_problem(root).grader_files
    assert [f.name for f in files["cpp"]] == ["grader.cpp", "task.h", "common.txt"]
    assert [f.name for f in files["python"]] == ["grader.py", "common.txt"]
    # Java is judged now (judge/languages.py): its include folder is its own; default/ goes to every one.
    assert [f.name for f in files["java"]] == ["Grader.java", "common.txt"]
    assert set(files) == {"c", "cpp", "java", "kotlin", "python", "rust"}


def test_no_include_folder(tmp_path: Path) -> None:
    assert load_problem(basic(tmp_path / "p")).grader_files == {}


def test_submissions_labels(tmp_path: Path) -> None:
    root = basic(
        tmp_path / "p",
        **{
            "submissions/accepted/sol.cpp": "int main() {}\n",
            "submissions/accepted/sol.py": "pass\n",
            "submissions/accepted/README.txt": "not a program\n",
            "submissions/wrong_answer/wa.cpp": "int main() {}\n",
            "submissions/time_limit_exceeded/slow.py": "while True: pass\n",
            "submissions/partially_accepted/part.cc": "int main() {}\n",
        },
    )
    subs = load_problem(root).submissions
    assert sorted((s.label, s.path.name) for s in subs) == [
        ("accepted", "sol.cpp"),
        ("accepted", "sol.py"),
        ("partially_accepted", "part.cc"),
        ("time_limit_exceeded", "slow.py"),
        ("wrong_answer", "wa.cpp"),
    ]
    assert all(s.path.is_file() for s in subs)


def test_pass_fail_package_and_ignore_sample(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "name: PF\n")
    p = load_problem(root)
    assert not p.scoring and p.title == "PF"
    # data/testdata.yaml says ignore_sample: the one pass/fail subtask leaves the samples out.
    assert p.subtasks[0].tests == ["secret/group1/a", "secret/group2/b"]
    (root / "data/testdata.yaml").unlink()
    assert load_problem(root).subtasks[0].tests == ["sample/1", "secret/group1/a", "secret/group2/b"]


def test_other_data_folders_are_not_judged(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", **{"data/invalid_input/bad.in": "x\n", "data/invalid_input/bad.ans": "x\n"})
    assert not any(t.startswith("invalid_input") for t in load_problem(root).tests)


def test_loose_secret_tests_form_a_subtask(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", **{"data/secret/loose.in": "0 0\n", "data/secret/loose.ans": "0\n"})
    p = load_problem(root)
    assert p.subtasks[0].name == "secret" and p.subtasks[0].tests == ["secret/loose"]


# --- broken packages ---------------------------------------------------------------------------------


def test_invalid_yaml(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "name: [unclosed\ntype: scoring\n")
    message = load_error(root)
    assert str(root / "problem.yaml") in message and "invalid YAML" in message


def test_yaml_not_a_mapping(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "- just\n- a list\n")
    assert str(root / "problem.yaml") in load_error(root)


def test_bad_field_type(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "type: scoring\nlimits:\n  time_limit: -1\n")
    message = load_error(root)
    assert str(root / "problem.yaml") in message and "[limits.time_limit]" in message


def test_bad_timelimit_file(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", **{".timelimit": "fast\n"})
    assert str(root / ".timelimit") in load_error(root)


def test_input_without_answer(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", **{"data/secret/group1/lonely.in": "1 1\n"})
    message = load_error(root)
    assert str(root / "data/secret/group1/lonely.in") in message and "lonely.ans" in message


def test_broken_symlink(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", **{"data/secret/group2/gone.ans": "1\n"})
    write_package(root, {}, links={"data/secret/group2/gone.in": "../group1/missing.in"})
    message = load_error(root)
    assert str(root / "data/secret/group2/gone.in") in message and "broken symbolic link" in message


@pytest.mark.parametrize("value", ["0", "0 10 20", "a b", "'low high'"])
def test_bad_range(tmp_path: Path, value: str) -> None:
    root = basic(tmp_path / "p")
    td = root / "data/secret/group1/testdata.yaml"
    td.write_text(f"range: {value}\naccept_score: 40\n")
    message = load_error(root)
    assert str(td) in message and "[range]" in message


def test_bad_on_reject(tmp_path: Path) -> None:
    root = basic(tmp_path / "p")
    td = root / "data/secret/group2/testdata.yaml"
    td.write_text("on_reject: stop\n")
    message = load_error(root)
    assert str(td) in message and "[on_reject]" in message and "break" in message


def test_bad_accept_score(tmp_path: Path) -> None:
    root = basic(tmp_path / "p")
    td = root / "data/secret/group2/testdata.yaml"
    td.write_text("accept_score: many\n")
    message = load_error(root)
    assert str(td) in message and "[accept_score]" in message


@pytest.mark.parametrize("validators", [None, "empty", "readme"])
def test_custom_validation_without_validator(tmp_path: Path, validators: str | None) -> None:
    root = basic(tmp_path / "p", "type: scoring\nvalidation: custom\n")
    if validators == "empty":
        (root / "output_validators").mkdir()
    elif validators == "readme":
        write_package(root, {"output_validators/README.md": "nothing here\n"})
    message = load_error(root)
    assert str(root / "output_validators") in message and "no output validator" in message


def test_validator_folder_without_source(tmp_path: Path) -> None:
    root = basic(tmp_path / "p", "validation: custom\n", **{"output_validators/v/notes.txt": "x\n"})
    message = load_error(root)
    assert str(root / "output_validators/v") in message


def test_missing_secret(tmp_path: Path) -> None:
    root = write_package(
        tmp_path / "p",
        {"problem.yaml": "type: scoring\n", "data/sample/1.in": "1\n", "data/sample/1.ans": "1\n"},
    )
    message = load_error(root)
    assert str(root / "data" / "secret") in message


def test_missing_data(tmp_path: Path) -> None:
    root = write_package(tmp_path / "p", {"problem.yaml": "type: scoring\n"})
    assert str(root / "data") in load_error(root)


def test_no_tests(tmp_path: Path) -> None:
    root = write_package(tmp_path / "p", {"problem.yaml": "type: scoring\n", "data/secret/README": "x\n"})
    assert str(root / "data") in load_error(root)


def test_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    message = load_error(tmp_path / "empty")
    assert str(tmp_path / "empty") in message and "problem.yaml" in message
    assert str(tmp_path / "nowhere") in load_error(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    assert str(tmp_path / "file.txt") in load_error(tmp_path / "file.txt")


# --- the CLI on broken packages ----------------------------------------------------------------------


def broken_yaml(root: Path) -> tuple[Path, str]:
    basic(root, "name: [unclosed\n")
    return root, str(root / "problem.yaml")


def missing_answer(root: Path) -> tuple[Path, str]:
    basic(root, **{"data/secret/group1/x.in": "1\n"})
    return root, str(root / "data/secret/group1/x.in")


def bad_on_reject(root: Path) -> tuple[Path, str]:
    basic(root, **{"data/secret/testdata.yaml": "on_reject: maybe\n"})
    return root, str(root / "data/secret/testdata.yaml")


def not_a_package(root: Path) -> tuple[Path, str]:
    root.mkdir()
    return root, str(root)


@pytest.mark.parametrize("make", [broken_yaml, missing_answer, bad_on_reject, not_a_package])
def test_cli_judge_on_broken_package(tmp_path: Path, make) -> None:
    root, named = make(tmp_path / "pkg")
    src = tmp_path / "src.cpp"
    src.write_text("int main() {}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "ioi_agent", "judge", str(root), str(src)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ},
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert named in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
