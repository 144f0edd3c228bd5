"""Hugging Face dataset sources: open-r1/ioi (+ ioi-test-cases) and open-r1/codeforces copies built with
`datasets` itself, loaded, listed, judged once each; the hub is never contacted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("datasets")

from ioi_agent.cli import main  # noqa: E402
from ioi_agent.errors import PackageError  # noqa: E402
from ioi_agent.packages import CheckerKind, TaskType, load_problem  # noqa: E402
from ioi_agent.packages import hf_datasets as hf  # noqa: E402
from ioi_agent.packages.sources import list_source, load_all  # noqa: E402
from tests.conftest import backend_unavailable  # noqa: E402
from tests.packages import source_fixtures as fx  # noqa: E402


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf")
    return {"ioi": fx.write_ioi_copy(root / "ioi"), "cf": fx.write_codeforces_copy(root / "cf")}


def test_references_parse() -> None:
    ref = hf.parse_reference("hf:open-r1/ioi:2024/nile")
    assert (ref.dataset, ref.selector, ref.local) == ("open-r1/ioi", ("2024", "nile"), False)
    assert hf.parse_reference("hf:open-r1/codeforces").selector == ()
    local = hf.parse_reference("hf:/data/copy:2053/A")
    assert (local.dataset, local.selector, local.local) == ("/data/copy", ("2053", "A"), True)
    with pytest.raises(PackageError, match="not a dataset reference"):
        hf.parse_reference("hf:nonsense")


def test_ioi_subtask_rows_become_one_cms_problem(copies: dict[str, Path]) -> None:
    problem = load_problem(f"hf:{copies['ioi']}:2024/addone")
    assert (problem.name, problem.title, problem.format) == ("addone", "Add One", "cms")
    assert [(s.name, s.points, len(s.tests)) for s in problem.subtasks] == [
        ("00-samples", 0, 1),
        ("01-small", 40, 3),
        ("02-full", 60, 3),
    ]
    assert problem.samples == ["0-01"] and len(problem.tests) == 4
    assert problem.limits.time_s == 1.0 and problem.limits.memory_mb == 256  # memory_limit is bytes
    assert {p.name for p in problem.grader_files["cpp"]} == {"grader.cpp", "addone.h"}
    assert problem.checker.kind == CheckerKind.WHITE_DIFF and problem.statement is not None
    # Written once, atomically, and reused: loading again gives the same folder.
    assert load_problem(f"hf:{copies['ioi']}:2024/addone").root == problem.root
    assert (problem.root.parent / ".source.json").is_file()


def test_ioi_problems_are_listed_without_tests(
    copies: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["problem", "list", f"hf:{copies['ioi']}", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["reference"], e["name"], e["format"]) for e in entries] == [
        (f"hf:{copies['ioi']}:2024/addone", "addone", "hf ioi")
    ]


def test_ioi_communication_task_needs_its_manager(tmp_path: Path) -> None:
    copy = fx.write_ioi_copy(tmp_path / "c", task_type="Communication")
    with pytest.raises(PackageError) as err:
        load_problem(f"hf:{copy}:2024/addone")
    assert "addone (IOI 2024): Communication task without graders/manager.cpp" in str(err.value)
    assert "\n" not in str(err.value)


def test_ioi_batch_without_grader_is_one_line(tmp_path: Path) -> None:
    copy = fx.write_ioi_copy(tmp_path / "g", graders=False)
    with pytest.raises(PackageError, match=r"addone \(IOI 2024\): Batch task without graders/grader.cpp"):
        load_problem(f"hf:{copy}:2024/addone")


def test_ioi_copy_without_tests_is_one_line(tmp_path: Path) -> None:
    copy = fx.write_ioi_copy(tmp_path / "t")
    for f in (copy / "ioi-test-cases" / "2024").iterdir():
        f.unlink()
    (copy / "ioi-test-cases" / "2024").rmdir()
    (copy / "ioi-test-cases").rmdir()
    with pytest.raises(PackageError, match="no tests: ioi-test-cases/ not found"):
        load_problem(f"hf:{copy}:2024/addone")


def test_codeforces_rows_become_pass_fail_problems(copies: dict[str, Path]) -> None:
    entries = list_source(f"hf:{copies['cf']}:2000")
    assert [(e.name, e.what) for e in entries] == [
        ("2000A", "batch, 3 official tests, 2 generated"),
        ("2000B", "batch, 2 official tests"),
        ("2000C", "interactive, 0 official tests"),
    ]
    a = load_problem(f"hf:{copies['cf']}:2000/A")
    assert (a.name, a.scoring, a.task_type) == ("2000A", False, TaskType.BATCH)
    assert list(a.tests) == [
        "sample/01",
        "secret/1-official-0001",
        "secret/1-official-0002",
        "secret/1-official-0003",
        "secret/2-generated-0001",  # generated tests follow the official ones, marked by name
        "secret/2-generated-0002",
    ]
    assert a.checker.kind == CheckerKind.DIFF and not a.checker.case_sensitive
    b = load_problem(f"hf:{copies['cf']}:2000/B")
    assert b.checker.kind == CheckerKind.KATTIS and b.checker.sources[0].name == "checker.py"
    with pytest.raises(PackageError, match="2000C: interactive problem, and the dataset has no interactor"):
        load_problem(f"hf:{copies['cf']}:2000/C")


def test_unreachable_hub_without_copy_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    monkeypatch.setenv("IOI_AGENT_DATASETS", str(tmp_path / "mirror"))
    monkeypatch.setattr(hf, "_hub_state", {})
    with pytest.raises(PackageError) as err:
        load_all("hf:open-r1/ioi:2024")
    text = str(err.value)
    assert "not reachable" in text and "huggingface-cli download open-r1/ioi" in text and "\n" not in text


def test_hub_name_reads_a_local_mirror_when_offline(
    copies: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "open-r1").mkdir(parents=True)
    (mirror / "open-r1" / "codeforces").symlink_to(copies["cf"])
    monkeypatch.setenv("IOI_AGENT_DATASETS", str(mirror))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hf, "_hub_state", {})
    problem = load_problem("hf:open-r1/codeforces:2000/A")
    assert problem.name == "2000A" and len(problem.tests) == 6


def _judge(problem: str, *sources: Path) -> dict:
    from ioi_agent.judge.runner import Judge

    with Judge(load_problem(problem), sandbox="bwrap", jobs=1) as judge:
        return judge.judge(list(sources)).model_dump()


@pytest.mark.skipif(bool(backend_unavailable("bwrap")), reason="bubblewrap sandbox unavailable")
def test_ioi_dataset_task_is_judged_with_its_grader(copies: dict[str, Path], tmp_path: Path) -> None:
    ok, small = tmp_path / "ok.cpp", tmp_path / "small.cpp"
    ok.write_text(fx.ADDONE_OK)
    small.write_text(fx.ADDONE_SMALL)
    report = _judge(f"hf:{copies['ioi']}:2024/addone", ok, small)
    assert [s["score"] for s in report["submissions"]] == [100, 40]


@pytest.mark.skipif(bool(backend_unavailable("bwrap")), reason="bubblewrap sandbox unavailable")
def test_codeforces_generated_checker_judges(copies: dict[str, Path], tmp_path: Path) -> None:
    good, bad = tmp_path / "rev.py", tmp_path / "bad.py"
    good.write_text("n = int(input())\nprint(*range(n, 0, -1))\n")  # any order is right for the checker
    bad.write_text("n = int(input())\nprint(*range(1, n))\n")
    report = _judge(f"hf:{copies['cf']}:2000/B", good, bad)
    assert [(s["verdict"], s["score"]) for s in report["submissions"]] == [("AC", 100), ("WA", 0)]
