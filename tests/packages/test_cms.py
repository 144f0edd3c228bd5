"""The CMS / IOI package loader on real files: three small fixture packages (tests/data/cms_fixtures), broken
copies of them, the example packages in tests/data/cms/, and `ioi-agent problem show` in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ioi_agent.errors import PackageError
from ioi_agent.packages import CheckerKind, TaskType, load_problem
from ioi_agent.packages.cms import CmsProblem, load_cms, memory_mib

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "data" / "cms_fixtures"
EXAMPLES = REPO / "tests" / "data" / "cms"
KATTIS = Path("/work/shared/data/kattis/swedish-olympiad-2024/brandpost")


def copy_pkg(name: str, tmp_path: Path) -> Path:
    dst = tmp_path / name
    shutil.copytree(FIXTURES / name, dst, symlinks=True)
    return dst


def edit_json(path: Path, drop: tuple[str, ...] = (), **changes: Any) -> None:
    data = json.loads(path.read_text())
    for key in drop:
        data.pop(key, None)
    data.update(changes)
    path.write_text(json.dumps(data))


def load_error(root: Path) -> str:
    with pytest.raises(PackageError) as info:
        load_cms(root)
    return str(info.value)


# --- the three fixture packages ----------------------------------------------------------------------------


def test_batch_with_grader() -> None:
    p = load_problem(FIXTURES / "batch_grader")
    assert isinstance(p, CmsProblem)
    assert (p.name, p.title, p.format) == ("addsum", "Add Them Up", "cms")
    assert p.task_type == TaskType.BATCH
    assert p.limits.time_s == 1.5 and p.limits.time_source == "problem.json time_limit"
    assert p.limits.memory_mb == 256  # 268435456 bytes
    assert list(p.tests) == ["0-01", "1-01", "1-02", "2-01", "2-02"]
    assert p.tests["2-01"].answer == FIXTURES / "batch_grader" / "tests" / "2-01.out"
    assert [(s.name, s.points, len(s.tests)) for s in p.subtasks] == [
        ("00-samples", 0, 1),
        ("01-small", 40, 3),
        ("02-full", 60, 4),
    ]
    assert all(s.stop_on_failure for s in p.subtasks)
    assert p.max_score == 100
    # Subtask 0 worth 0 points holds the samples.
    assert p.samples == ["0-01"] and p.tests["0-01"].is_sample and not p.tests["1-01"].is_sample
    assert [f.name for f in p.grader_files["cpp"]] == ["grader.cpp", "addsum.h"]
    assert p.manager_sources == []
    assert p.checker.kind == CheckerKind.CMS and [f.name for f in p.checker.sources] == ["checker.cpp"]
    assert p.statement is not None and p.statement.name == "en.md"
    assert sorted((s.label, s.path.name) for s in p.submissions) == [
        ("accepted", "model.cpp"),
        ("time_limit_exceeded", "slow.cpp"),
        ("wrong_answer", "overflow.cpp"),
    ]
    assert p.score_precision == 2


def test_test_listed_by_several_subtasks_is_one_test() -> None:
    p = load_cms(FIXTURES / "batch_grader")
    shared = [n for n in p.tests if sum(n in s.tests for s in p.subtasks) > 1]
    assert shared == ["0-01", "1-01", "1-02"]
    assert len(p.tests) == len({t for s in p.subtasks for t in s.tests})


def test_communication_with_two_processes() -> None:
    p = load_cms(FIXTURES / "relay")
    assert p.task_type == TaskType.COMMUNICATION and p.num_processes == 2
    assert (p.name, p.title) == ("relay", "Relay")
    assert [f.name for f in p.manager_sources] == ["manager.cpp", "relay.h"]
    assert [f.name for f in p.grader_files["cpp"]] == ["stub.cpp", "relay.h"]
    assert p.user_io == "fifo_io" and p.scored_by_manager and p.checker.kind == CheckerKind.DIFF
    # No .out files: the manager judges.
    assert all(t.answer is None for t in p.tests.values())
    # A regex entry and an absent "testcases" (tests named <N>-...).
    assert [(s.name, s.tests) for s in p.subtasks] == [
        ("01-small", ["1-01", "1-02"]),
        ("02-large", ["2-01", "2-02"]),
    ]
    labels = {s.path.name: s.label for s in p.submissions}
    assert labels == {
        "model_solution.cpp": "accepted",
        "relay-wa.cpp": "wrong_answer",
        "helper.cpp": "unlabelled",
    }


def test_output_only_with_testlib_checker() -> None:
    p = load_cms(FIXTURES / "squares")
    assert p.task_type == TaskType.OUTPUT_ONLY
    assert p.limits.time_s is None and p.limits.time_source == ""
    assert p.checker.kind == CheckerKind.TESTLIB
    assert [s.points for s in p.subtasks] == [50, 50] and p.samples == []
    assert {s.path.name: s.label for s in p.submissions} == {
        "square.py": "accepted",
        "double.py": "wrong_answer",
    }


def test_output_only_answers_optional_with_checker(tmp_path: Path) -> None:
    root = copy_pkg("squares", tmp_path)
    (root / "tests" / "03.out").unlink()
    p = load_cms(root)
    assert p.tests["03"].answer is None and p.tests["02"].answer is not None
    shutil.rmtree(root / "checker")
    edit_json(root / "problem.json", task_type_params=[])
    assert "03.in" in load_error(root) and "add tests/03.out" in load_error(root)


# --- variants ------------------------------------------------------------------------------------------------


def test_memory_limit_units() -> None:
    assert memory_mib(256) == 256
    assert memory_mib(1024) == 1024
    assert memory_mib(268435456) == 256
    assert memory_mib(2 * 1024**3) == 2048
    assert memory_mib(1.5 * 1024**2 + 1) == 2  # bytes round up to whole MiB


def test_memory_in_mib_and_missing_time_limit(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    edit_json(root / "problem.json", drop=("time_limit",), memory_limit=512)
    p = load_cms(root)
    assert p.limits.memory_mb == 512 and p.limits.time_s is None and p.limits.time_source == ""


def test_positional_task_type_params(tmp_path: Path) -> None:
    root = copy_pkg("relay", tmp_path)
    edit_json(root / "problem.json", task_type_params=[3, "stub", "std_io"])
    p = load_cms(root)
    assert (p.num_processes, p.user_io) == (3, "std_io")
    root = copy_pkg("batch_grader", tmp_path / "b")
    edit_json(root / "problem.json", task_type_params=["alone", ["", ""], "comparator"])
    p = load_cms(root)
    assert p.grader_files == {} and p.checker.kind == CheckerKind.CMS


def test_batch_grader_is_default_when_grader_exists(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    edit_json(root / "problem.json", drop=("task_type_params",), task_type="batch")
    assert [f.name for f in load_cms(root).grader_files["cpp"]] == ["grader.cpp", "addsum.h"]
    (root / "graders" / "grader.cpp").unlink()
    assert load_cms(root).grader_files == {}


def test_communication_defaults_and_grader_renamed_to_stub(tmp_path: Path) -> None:
    root = copy_pkg("relay", tmp_path)
    edit_json(root / "problem.json", drop=("task_type_params",))
    (root / "graders" / "stub.cpp").rename(root / "graders" / "grader.cpp")
    p = load_cms(root)
    # CMS's default user_io is std_io, stub or not (the IOI 2024 stubs read stdin).
    assert p.num_processes == 1 and p.user_io == "std_io"
    assert [f.name for f in p.grader_files["cpp"]] == ["grader.cpp", "relay.h"]


def test_communication_alone_uses_stdio(tmp_path: Path) -> None:
    root = copy_pkg("relay", tmp_path)
    (root / "graders" / "stub.cpp").unlink()
    edit_json(root / "problem.json", task_type_params={"task_type_parameters_Communication_num_processes": 2})
    p = load_cms(root)
    assert p.grader_files == {} and p.user_io == "std_io" and p.num_processes == 2


def test_ioi_testlib_variant_is_cms(tmp_path: Path) -> None:
    root = copy_pkg("squares", tmp_path)
    src = root / "checker" / "checker.cpp"
    src.write_text(
        src.read_text().replace("registerTestlibCmd(argc, argv)", 'registerChecker("squares", argc, argv)')
    )
    (root / "checker" / "testlib.h").write_text("// CMS-adapted testlib stand-in\n")
    p = load_cms(root)
    assert p.checker.kind == CheckerKind.CMS
    assert [f.name for f in p.checker.sources] == ["checker.cpp", "testlib.h"]


def test_samples_by_name_and_sum_fallback(tmp_path: Path) -> None:
    root = copy_pkg("squares", tmp_path)
    shutil.rmtree(root / "subtasks")
    (root / "tests" / "01.in").rename(root / "tests" / "sample-01.in")
    (root / "tests" / "01.out").rename(root / "tests" / "sample-01.out")
    edit_json(root / "problem.json", drop=("score_type",))
    p = load_cms(root)
    assert p.samples == ["sample-01"] and p.tests["sample-01"].is_sample
    # No subtasks: TPS's fallback, every test an equal share of 100 (CMS Sum: one subtask over all tests).
    assert [(s.name, s.tests, s.score_type, s.stop_on_failure) for s in p.subtasks] == [
        ("all", ["02", "03", "sample-01"], "Sum", False),
    ]
    assert p.max_score == pytest.approx(100)


def test_score_type_parameters_without_subtask_folder(tmp_path: Path) -> None:
    root = copy_pkg("squares", tmp_path)
    shutil.rmtree(root / "subtasks")
    edit_json(root / "problem.json", score_type_parameters=[[30, "01"], [70, "0[23]"]])
    assert [(s.points, s.tests) for s in load_cms(root).subtasks] == [(30, ["01"]), (70, ["02", "03"])]
    edit_json(root / "problem.json", score_type_parameters=[[30, 1], [70, 2]])
    assert [(s.points, s.tests) for s in load_cms(root).subtasks] == [(30, ["01"]), (70, ["02", "03"])]
    edit_json(root / "problem.json", score_type="Sum", score_type_parameters=10)
    assert [(s.points, s.tests) for s in load_cms(root).subtasks] == [(30, ["01", "02", "03"])]


def test_subtask_with_regex_string(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "subtasks" / "02-full.json").write_text('{"score": 60, "testcases": "[12]-"}')
    assert load_cms(root).subtask("02-full").tests == ["1-01", "1-02", "2-01", "2-02"]


# --- broken packages: one error naming the file, the field and the fix --------------------------------------


def test_invalid_json_names_line(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "problem.json").write_text(
        '{\n  "code": "addsum",\n  "task_type": "Batch"\n  "memory_limit": 256\n}\n'
    )
    msg = load_error(root)
    assert "problem.json" in msg and "invalid JSON at line 4" in msg and "fix:" in msg


def test_invalid_subtask_json(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "subtasks" / "01-small.json").write_text('{"score": 40, "testcases": ["1-01",]}')
    msg = load_error(root)
    assert "01-small.json" in msg and "invalid JSON at line 1" in msg


@pytest.mark.parametrize(
    ("drop", "changes", "field", "words"),
    [
        (("task_type",), {}, "task_type", "missing key"),
        (("memory_limit",), {}, "memory_limit", "missing key"),
        ((), {"task_type": "Interactive"}, "task_type", "unknown task type"),
        ((), {"time_limit": -1}, "time_limit", "greater than 0"),
        ((), {"score_type": "GroupMax"}, "score_type", "not supported"),
        ((), {"task_type_params": "{not json"}, "task_type_params", "not a valid JSON string"),
        (
            (),
            {"task_type_params": {"task_type_parameters_Batch_io_0_inputfile": "a/in.txt"}},
            "task_type_params",
            "not a plain file name",
        ),
    ],
)
def test_broken_problem_json(
    tmp_path: Path, drop: tuple[str, ...], changes: dict[str, Any], field: str, words: str
) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    edit_json(root / "problem.json", drop=drop, **changes)
    msg = load_error(root)
    assert f"problem.json [{field}]" in msg and words in msg and "(fix: " in msg


def test_problem_json_not_an_object(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "problem.json").write_text("[1, 2]")
    assert "problem.json: expected a JSON object" in load_error(root)


def test_bad_num_processes(tmp_path: Path) -> None:
    root = copy_pkg("relay", tmp_path)
    edit_json(root / "problem.json", task_type_params={"task_type_parameters_Communication_num_processes": 0})
    assert "problem.json [task_type_params]: num_processes must be a positive integer" in load_error(root)


def test_subtask_names_unknown_test(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "subtasks" / "02-full.json").write_text('{"score": 60, "testcases": ["1-01", "9-99"]}')
    msg = load_error(root)
    assert "02-full.json [testcases.1]: unknown test '9-99'" in msg and "add tests/9-99.in" in msg


def test_subtask_without_score(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "subtasks" / "01-small.json").write_text('{"testcases": ["1-01"]}')
    msg = load_error(root)
    assert "01-small.json [score]: missing key" in msg and '"score": 10' in msg


@pytest.mark.parametrize(
    ("spec", "words"),
    [('"("', "invalid regex"), ('["7-.*"]', "matches no test"), ("null", "no test named 2-*")],
)
def test_subtask_bad_targets(tmp_path: Path, spec: str, words: str) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "subtasks" / "02-full.json").write_text(f'{{"score": 60, "testcases": {spec}}}')
    for t in ("2-01", "2-02"):  # so that an absent list finds no test named 2-*
        (root / "tests" / f"{t}.in").rename(root / "tests" / f"9{t}.in")
        (root / "tests" / f"{t}.out").rename(root / "tests" / f"9{t}.out")
    msg = load_error(root)
    assert "02-full.json [testcases" in msg and words in msg


def test_input_without_output(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "tests" / "1-02.out").unlink()
    msg = load_error(root)
    assert "tests/1-02.in: test input has no output file" in msg and "add tests/1-02.out" in msg


def test_output_without_input(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "tests" / "1-02.in").unlink()
    assert "tests/1-02.out: test output has no input file" in load_error(root)


def test_broken_symlinked_test(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "tests" / "1-02.in").unlink()
    (root / "tests" / "1-02.in").symlink_to("gone.in")
    assert "tests/1-02.in: test file is a broken symbolic link" in load_error(root)


def test_no_tests(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    shutil.rmtree(root / "tests")
    assert "tests: missing test folder" in load_error(root)


def test_grader_compilation_without_grader(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "graders" / "grader.cpp").unlink()
    msg = load_error(root)
    assert "graders: compilation is 'grader' but there is no grader" in msg and "graders/grader.cpp" in msg


def test_communication_without_manager(tmp_path: Path) -> None:
    root = copy_pkg("relay", tmp_path)
    (root / "graders" / "manager.cpp").unlink()
    assert "graders: Communication task without a manager" in load_error(root)


def test_comparator_without_checker(tmp_path: Path) -> None:
    root = copy_pkg("squares", tmp_path)
    shutil.rmtree(root / "checker")
    assert "checker: task_type_params ask for a checker" in load_error(root)


def test_checker_folder_without_source(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    (root / "checker" / "checker.cpp").unlink()
    (root / "checker" / "checker").write_bytes(b"\x7fELF")
    assert "checker: checker folder has no source file" in load_error(root)


def test_expected_json_scores(tmp_path: Path) -> None:
    root = copy_pkg("squares", tmp_path)
    (root / "solutions" / "expected.json").write_text(
        json.dumps(
            {
                "square.py": {
                    "verdict": "correct",
                    "score": 100,
                    "subtask_scores": {"01-first": 50, "02-rest": 50},
                }
            }
        )
    )
    sub = {s.path.name: s for s in load_cms(root).submissions}
    assert (sub["square.py"].label, sub["square.py"].verdict) == ("accepted", "correct")
    assert sub["square.py"].expected_score == 100
    assert sub["square.py"].expected_subtask_scores == {"01-first": 50, "02-rest": 50}
    # No entry: labelled from its file name ("double" is no verdict word).
    assert (sub["double.py"].label, sub["double.py"].expected_score) == ("unlabelled", None)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ({"square.py": 3}, "[square.py]: expected a verdict string or an object"),
        ({"square.py": {"score": "lots"}}, "[square.py.score]: Input should be a valid number"),
        ({"cube.py": "accepted"}, "[cube.py]: names a missing solution 'cube.py'"),
        (
            {"square.py": {"verdict": "correct", "subtask_scores": {"03-none": 5}}},
            "[square.py.subtask_scores]: unknown subtask '03-none'",
        ),
    ],
)
def test_bad_expected_json(tmp_path: Path, content: dict[str, Any], words: str) -> None:
    root = copy_pkg("squares", tmp_path)
    (root / "solutions" / "expected.json").write_text(json.dumps(content))
    msg = load_error(root)
    assert "solutions/expected.json " in msg and words in msg


# --- the example packages written for the judge --------------------------------------------------------------


def example_packages() -> list[Path]:
    return sorted(p.parent for p in EXAMPLES.glob("*/problem.json"))


def test_example_packages_load() -> None:
    packages = example_packages()
    assert {p.name for p in packages} >= {"bestrun", "courier"}
    labels = {"accepted", "partially_accepted", "wrong_answer", "time_limit_exceeded"}
    for root in packages:
        p = load_problem(root)
        assert p.format == "cms" and p.tests and p.subtasks, root
        for s in p.subtasks:
            assert s.tests and set(s.tests) <= set(p.tests), (root, s.name)
        assert p.max_score == pytest.approx(100), root
        assert p.samples and p.subtasks[0].points == 0, root
        assert {s.label for s in p.submissions} >= labels, root
        for sub in p.submissions:
            assert sub.path.is_file() and sub.expected_score is not None, sub.path
            assert sum(sub.expected_subtask_scores.values()) == pytest.approx(sub.expected_score), sub.path
    courier = load_cms(EXAMPLES / "courier")
    assert courier.task_type == TaskType.COMMUNICATION and courier.num_processes == 2
    assert courier.manager_sources[0].name == "manager.cpp" and courier.scored_by_manager
    bestrun = load_cms(EXAMPLES / "bestrun")
    assert bestrun.grader_files["cpp"][0].name == "grader.cpp" and bestrun.checker.kind == CheckerKind.CMS


# --- `ioi-agent problem show` --------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ioi_agent", "problem", "show", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "PYTHONPATH": str(REPO)},
    )


def test_show_cms_package() -> None:
    out = run_cli(str(FIXTURES / "batch_grader"))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for words in (
        "addsum",
        "Add Them Up",
        "cms",
        "batch",
        "grader.cpp",
        "1.5 s CPU (from problem.json time_limit)",
        "256 MiB",
        "64 MiB",
        "5 (1 sample)",
        "01-small",
        "02-full",
        "time_limit_exceeded",
    ):
        assert words in text, words
    row = next(line for line in text.splitlines() if "02-full" in line)
    assert "60" in row and "4" in row


def test_show_communication_package() -> None:
    out = run_cli(str(FIXTURES / "relay"))
    assert out.returncode == 0, out.stderr
    assert "communication (2 contestant processes)" in out.stdout and "manager.cpp" in out.stdout
    assert "the manager scores each test" in out.stdout


def test_show_kattis_package() -> None:
    if not KATTIS.is_dir():
        pytest.skip(f"{KATTIS} (shared real data) is not on this machine")
    out = run_cli(str(KATTIS))
    assert out.returncode == 0, out.stderr
    for words in (
        "brandpost",
        "kattis",
        "not set: give --time-limit",
        "1024 MiB",
        "273 (2 samples)",
        "group5",
    ):
        assert words in out.stdout, words
    row = next(line for line in out.stdout.splitlines() if "group5" in line)
    assert "31" in row and "90" in row


def test_show_json_matches_model() -> None:
    out = run_cli(str(FIXTURES / "relay"), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    expected = json.loads(load_problem(FIXTURES / "relay").model_dump_json())
    assert data == expected
    assert data["task_type"] == "communication" and data["num_processes"] == 2
    assert [s["points"] for s in data["subtasks"]] == [30, 70]


def test_show_broken_package_is_one_line_error(tmp_path: Path) -> None:
    root = copy_pkg("batch_grader", tmp_path)
    edit_json(root / "problem.json", task_type="TwoSteps")
    out = run_cli(str(root))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "graders" in lines[0] and "TwoSteps task without a manager" in lines[0]
