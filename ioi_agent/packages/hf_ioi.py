"""The IOI problems of `open-r1/ioi` with their tests from `open-r1/ioi-test-cases`.

Columns, as the dataset cards' `dataset_info` give them and the open harnesses read them
(huggingface/ioi `run_tests/tests_runner.py`, `run_tests/scoring.py`, `run_tests/utils.py`;
huggingface/open-r1 `src/open_r1/utils/competitive_programming/ioi_scoring.py`):

- `open-r1/ioi` (splits train and test; the harness reads `split="train+test"`): one row per SUBTASK.
  `year` (int), `id` (the task's short name, e.g. `nile`), `name` (its title), `day`, `subtask` (e.g.
  `00-samples`, `01-...`), `score` (the subtask's points), `time_limit` (s), `memory_limit` (BYTES: the
  piston `run` script divides it by 1024 for `ulimit -v` in KiB), `score_precision`, `task_type` (`Batch`
  or `Communication`), `test_names` (the subtask's tests), `grader_files` (pairs `[path, content]`, paths
  such as `graders/grader.cpp`, `graders/<id>.h`, `graders/manager.cpp`, `graders/stub.cpp`,
  `checker/checker.cpp`, `graders/grader_config.json`; empty contents are skipped, as `run_submission`
  does), `starting_code`, `statement`, `problem` (the prompt).
- `open-r1/ioi-test-cases` (one config per year, split train; `load_ioi_tests_for_year`): `year`, `day`,
  `problem_name`, `problem_id` (= `id` above), `test_name`, `test_input`, `test_output`.
- `graders/grader_config.json` (the piston `run` script reads it): `task_type`, `code`, `time_limit`,
  `memory_limit`, and CMS's `task_type_parameters_Communication_num_processes` / `..._user_io` /
  `..._manager_args`.

How the harness runs them (piston `cms_ioi` package, `compile` / `run`): the submission is compiled with
`graders/grader.cpp` or `graders/stub.cpp`; Batch output goes to `checker/checker input correct_output
output` (score on stdout), or a whitespace diff without a checker; Communication starts the manager with
the FIFOs `u{i}_to_m m_to_u{i}` and the test on stdin. That is CMS's own behaviour, so each task is
written out as a CMS package (problem.json, subtasks/, tests/, graders/, checker/, statement.md) and read
by the CMS loader: the existing Batch-with-grader and Communication strategies run it unchanged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from ioi_agent.errors import PackageError
from ioi_agent.packages import hf_datasets as hf
from ioi_agent.packages.model import Problem

PROBLEMS = "open-r1/ioi"
TESTS = "open-r1/ioi-test-cases"
PROBLEM_COLUMNS = {"year", "id", "subtask", "score", "test_names", "grader_files", "task_type"}
TEST_COLUMNS = {"problem_id", "test_name", "test_input", "test_output"}
CONFIG = "graders/grader_config.json"


def is_ioi(cols: set[str]) -> bool:
    return PROBLEM_COLUMNS <= cols


def open_problems(ref: hf.DatasetRef) -> tuple[Any, Path | None]:
    """The problem rows, and for a local copy the folder its tests are looked for in."""
    if not ref.local:
        return hf.open_hub(ref.dataset, ref.text), None
    root = Path(ref.dataset)
    folder = root / "ioi" if (root / "ioi").is_dir() else root
    data = hf.open_local(folder, ref.text)
    if not is_ioi(hf.columns(data)):
        missing = sorted(PROBLEM_COLUMNS - hf.columns(data))
        raise PackageError(folder, f"not an open-r1/ioi copy: no column {missing[0]!r}", fix=_copy_fix())
    return data, root


def _copy_fix() -> str:
    return f"give a folder holding ioi/ and ioi-test-cases/ (copies of {PROBLEMS} and {TESTS})"


def group_rows(data: Any, year: str | None, task: str | None) -> dict[tuple[int, str], list[dict[str, Any]]]:
    rows = data if year is None else hf.rows_where(data, "year", lambda y: str(y) == year)
    out: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if task is None or row["id"] == task:
            out[(int(row["year"]), str(row["id"]))].append(row)
    for subtasks in out.values():
        subtasks.sort(key=lambda r: str(r["subtask"]))
    return dict(sorted(out.items()))


def selection(ref: hf.DatasetRef) -> tuple[str | None, str | None]:
    if len(ref.selector) > 2 or (ref.selector and not ref.selector[0].isdigit()):
        raise PackageError(
            ref.text, "expected :YEAR or :YEAR/ID after the dataset", fix="e.g. hf:open-r1/ioi:2024/nile"
        )
    return (ref.selector[0] if ref.selector else None, ref.selector[1] if len(ref.selector) > 1 else None)


def list_ioi(ref: hf.DatasetRef) -> list[tuple[str, str, str, str]]:
    """(reference, name, title, what) per task, without reading any test."""
    data, _ = open_problems(ref)
    year, task = selection(ref)
    out = []
    for (y, tid), rows in group_rows(data, year, task).items():
        first = rows[0]
        what = f"IOI {y} {first.get('day') or ''}, {first['task_type']}, {len(rows)} subtasks"
        out.append((ref.with_selector(str(y), tid), tid, hf.text(first.get("name")) or tid, what))
    return out


def load_ioi(ref: hf.DatasetRef) -> list[Problem]:
    from ioi_agent.packages.cms import load_cms

    data, local_root = open_problems(ref)
    year, task = selection(ref)
    groups = group_rows(data, year, task)
    if not groups:
        raise PackageError(
            ref.text,
            "no such IOI task in the dataset",
            fix=f"list them: ioi-agent problem list {ref.with_selector()}",
        )
    tests_by_year: dict[int, Any] = {}
    problems = []
    for (y, tid), rows in groups.items():
        if y not in tests_by_year:
            tests_by_year[y] = _open_tests(ref, local_root, y)
        tests = {
            str(r["test_name"]): (hf.text(r["test_input"]), hf.text(r["test_output"]))
            for r in hf.rows_where(tests_by_year[y], "problem_id", lambda p, tid=tid: p == tid)
        }
        problems.append(load_cms(_write_task(ref, y, tid, rows, tests)))
    return problems


def _open_tests(ref: hf.DatasetRef, local_root: Path | None, year: int) -> Any:
    if local_root is None:
        data = hf.open_hub(TESTS, ref.text, config=str(year), split="train")
    else:
        candidates = [local_root / "ioi-test-cases", local_root.parent / "ioi-test-cases"]
        folder = next((c for c in candidates if c.is_dir()), None)
        if folder is None:
            raise PackageError(
                local_root, "no tests: ioi-test-cases/ not found here or beside it", fix=_copy_fix()
            )
        data = hf.open_local(folder / str(year) if (folder / str(year)).is_dir() else folder, ref.text)
    missing = TEST_COLUMNS - hf.columns(data)
    if missing:
        raise PackageError(
            ref.text, f"the test dataset has no column {sorted(missing)[0]!r}", fix=_copy_fix()
        )
    if "year" in hf.columns(data):
        # A local copy of every year at once: keep this year's rows only.
        years = data["year"]
        data = data.select([i for i, y in enumerate(years) if int(y) == year])
    return data


def _write_task(
    ref: hf.DatasetRef, year: int, tid: str, rows: list[dict[str, Any]], tests: dict[str, tuple[str, str]]
) -> Path:
    name = f"{tid} (IOI {year})"
    first = rows[0]
    if not tests:
        raise PackageError(
            ref.with_selector(str(year), tid),
            f"{name}: no tests in {TESTS}",
            fix=f"add the {year} config of {TESTS} to the copy (ioi-test-cases/{year}/)",
        )
    wanted = [t for r in rows for t in r["test_names"]]
    absent = [t for t in wanted if t not in tests]
    if absent:
        raise PackageError(
            ref.with_selector(str(year), tid),
            f"{name}: test {absent[0]!r} of a subtask is not in {TESTS}",
            fix="use a complete copy of the test cases",
        )
    graders = {str(p): str(c) for p, c in (first.get("grader_files") or []) if c}
    config = json.loads(graders.get(CONFIG, "{}") or "{}")
    task_type = str(first["task_type"])
    _check_graders(ref, name, task_type, graders, config)
    params = {
        k: v
        for k, v in config.items()
        if k.startswith("task_type_parameters_") and not k.endswith("manager_args")
    }
    problem_json = {
        "code": tid,
        "title": hf.text(first.get("name")) or tid,
        "time_limit": float(first["time_limit"]),
        "memory_limit": int(first["memory_limit"]),  # bytes; the CMS loader reads values >= 2**20 as bytes
        "task_type": task_type,
        "task_type_params": params,
        "score_precision": int(first.get("score_precision") or 2),
    }
    files: dict[str, bytes | str] = {"problem.json": json.dumps(problem_json, indent=1)}
    for row in rows:
        files[f"subtasks/{row['subtask']}.json"] = json.dumps(
            {"score": row["score"], "testcases": list(row["test_names"])}
        )
    for test, (inp, out) in tests.items():
        files[f"tests/{test}.in"] = inp
        files[f"tests/{test}.out"] = out
    files.update(graders)
    if first.get("statement"):
        files["statement.md"] = str(first["statement"])
    key = hf.digest(
        [
            json.dumps(
                [{k: v for k, v in r.items() if k != "problem"} for r in rows], sort_keys=True, default=str
            )
        ]
        + [p for t in sorted(tests) for p in (t, *tests[t])]
    )
    source = "local-" + hf.digest([ref.dataset])[:8] if ref.local else hf.slug(ref.dataset)
    folder = hf.cache_folder() / source / f"{year}-{hf.slug(tid)}-{key}"
    return hf.materialize(
        folder, hf.slug(tid), files, {"dataset": ref.dataset, "year": year, "id": tid, "tests_from": TESTS}
    )


def _check_graders(
    ref: hf.DatasetRef, name: str, task_type: str, graders: dict[str, str], config: dict[str, Any]
) -> None:
    where = ref.text
    if task_type not in ("Batch", "Communication"):
        raise PackageError(
            where,
            f"{name}: task type {task_type!r} is not supported",
            fix="only Batch and Communication tasks load",
        )
    if task_type == "Batch" and "graders/grader.cpp" not in graders:
        raise PackageError(
            where,
            f"{name}: Batch task without graders/grader.cpp in grader_files",
            fix="use a complete copy of open-r1/ioi",
        )
    if task_type == "Communication" and "graders/manager.cpp" not in graders:
        raise PackageError(
            where,
            f"{name}: Communication task without graders/manager.cpp in grader_files",
            fix="use a complete copy of open-r1/ioi",
        )
    if config.get("task_type_parameters_Communication_manager_args"):
        raise PackageError(
            where,
            f"{name}: extra manager arguments (task_type_parameters_Communication_manager_args) are not supported",
            fix="judge this task with the harness that defines them",
        )
