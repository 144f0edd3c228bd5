"""Codeforces problems of `open-r1/codeforces`, written out as Kattis pass/fail packages.

Columns, as the dataset card's `dataset_info` (configs `default` and `verifiable`, splits train and test)
gives them and huggingface/open-r1 `src/open_r1/utils/competitive_programming/cf_scoring.py` reads them:
`id` (`CONTEST/INDEX`, e.g. `2053/A`), `aliases`, `contest_id`, `contest_name`, `contest_type`,
`contest_start`, `contest_start_year`, `index`, `time_limit` (s), `memory_limit` (MB, a float), `title`,
`description`, `input_format`, `output_format`, `interaction_format` (set for interactive problems),
`note`, `examples` (list of `{input, output}`), `editorial`, `rating`, `tags`, `testset_size`,
`official_tests` (list of `{input, output}`), `official_tests_complete`, `input_mode` (`stdio`, or `file`:
`input.txt` / `output.txt`), `generated_checker` (a Python checker, or null), `executable`,
`generated_tests` (how many generated tests the problem has).

Generated tests live apart, in `generated_tests/test_cases_{contest_id:04d}.parquet` of the same repository
(`get_generated_contest_tests`), columns `problem_id` (= `id`), `input`, `output`; the harness appends
them to the official tests. Here they follow the official tests as `2-generated-NNNN` (the official ones
are `1-official-NNNN`): the Codeforces rules' pretests (samples, then the first quarter of the hidden
tests in order) come from the official tests, the generated ones are system tests only.

Judging as the harness's piston `codeforces` package does (`run`): with `generated_checker`, `python3
checker.py input correct_output solution_output` and the test passes when it prints `1` or `100`; without
one, tokens compared case-insensitively (the harness upper-cases yes/no and squeezes whitespace). The
checker is wrapped into a Kattis output validator (`output_validators/checker/checker.py`, exit 42/43).
Interactive problems carry no interactor in the dataset and `input_mode: file` has no Kattis equivalent:
both are refused with one line.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from ioi_agent.errors import PackageError
from ioi_agent.packages import hf_datasets as hf
from ioi_agent.packages.model import Problem

NAME = "open-r1/codeforces"
COLUMNS = {"id", "contest_id", "index", "time_limit", "memory_limit", "official_tests"}
GENERATED = "generated_tests"

# Runs the dataset's checker the way the piston `run` script does and answers as a Kattis validator.
WRAPPER = '''"""Kattis output validator around an open-r1/codeforces generated_checker (written by ioi-agent)."""
import contextlib, io, os, sys, tempfile

CHECKER = {source!r}


def _clean(data):  # the harness strips \\r and drops empty lines of both outputs before checking
    return "\\n".join(line for line in data.replace("\\r", "").split("\\n") if line != "") + "\\n"


def main():
    inp, ans, feedback = sys.argv[1], sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp()
    paths = {{}}
    for key, data in (("input", open(inp, errors="replace").read().replace("\\r", "")),
                      ("answer", _clean(open(ans, errors="replace").read())),
                      ("output", _clean(sys.stdin.buffer.read().decode(errors="replace")))):
        paths[key] = os.path.join(tmp, key)
        with open(paths[key], "w") as f:
            f.write(data)
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["checker.py", paths["input"], paths["answer"], paths["output"]]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            exec(compile(CHECKER, "checker.py", "exec"), {{"__name__": "__main__"}})
        except SystemExit:
            pass
        except Exception as exc:  # the harness reads a crashed checker as "not 1": wrong answer
            err.write(f"checker raised {{type(exc).__name__}}: {{exc}}")
    verdict = "".join(out.getvalue().split())
    with open(os.path.join(feedback, "judgemessage.txt"), "w") as f:
        f.write(f"checker printed {{verdict[:80]!r}}; {{err.getvalue()[-400:]}}")
    sys.exit(42 if verdict in ("1", "100") else 43)


main()
'''


def is_codeforces(cols: set[str]) -> bool:
    return COLUMNS <= cols


def open_problems(ref: hf.DatasetRef) -> Any:
    if not ref.local:
        return hf.open_hub(ref.dataset, ref.text)
    data = hf.open_local(Path(ref.dataset), ref.text, exclude=(GENERATED,))
    if not is_codeforces(hf.columns(data)):
        raise PackageError(
            ref.dataset, f"not an {NAME} copy", fix=f"give a copy of {NAME} (parquet or save_to_disk)"
        )
    return data


def selection(ref: hf.DatasetRef) -> tuple[str | None, str | None]:
    if len(ref.selector) > 2:
        raise PackageError(
            ref.text, "expected :CONTEST or :CONTEST/INDEX", fix="e.g. hf:open-r1/codeforces:2053/A"
        )
    return (ref.selector[0] if ref.selector else None, ref.selector[1] if len(ref.selector) > 1 else None)


def select_rows(data: Any, contest: str | None, index: str | None) -> list[dict[str, Any]]:
    rows = data if contest is None else hf.rows_where(data, "contest_id", lambda c: str(c) == contest)
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        if index is None or str(row["index"]) == index:
            seen.setdefault(str(row["id"]), row)  # a problem in both splits is one problem
    return sorted(seen.values(), key=lambda r: (_contest_key(r["contest_id"]), str(r["index"])))


def _contest_key(value: Any) -> tuple[int, str]:
    text = str(value)
    return (int(text), "") if text.isdigit() else (1 << 60, text)


def problem_name(row: dict[str, Any]) -> str:
    return f"{row['contest_id']}{row['index']}"


def list_codeforces(ref: hf.DatasetRef) -> list[tuple[str, str, str, str]]:
    data = open_problems(ref)
    out = []
    for row in select_rows(data, *selection(ref)):
        kind = "interactive" if hf.text(row.get("interaction_format")).strip() else "batch"
        what = f"{kind}, {len(row.get('official_tests') or [])} official tests"
        if row.get("generated_tests"):
            what += f", {row['generated_tests']} generated"
        out.append(
            (
                ref.with_selector(str(row["contest_id"]), str(row["index"])),
                problem_name(row),
                hf.text(row.get("title")),
                what,
            )
        )
    return out


def load_codeforces(ref: hf.DatasetRef) -> list[Problem]:
    from ioi_agent.packages.kattis import load_kattis

    data = open_problems(ref)
    rows = select_rows(data, *selection(ref))
    if not rows:
        raise PackageError(
            ref.text,
            "no such problem in the dataset",
            fix=f"list them: ioi-agent problem list {ref.with_selector()}",
        )
    generated: dict[str, dict[str, list[tuple[str, str]]]] = {}
    problems = []
    for row in rows:
        contest = str(row["contest_id"])
        if row.get("generated_tests") and contest not in generated:
            generated[contest] = _generated_tests(ref, contest)
        extra = generated.get(contest, {}).get(str(row["id"]), [])
        problems.append(load_kattis(_write_problem(ref, row, extra)))
    return problems


def _generated_tests(ref: hf.DatasetRef, contest: str) -> dict[str, list[tuple[str, str]]]:
    """The contest's generated tests by problem id, or none when no copy of them can be had."""
    if not contest.isdigit():
        return {}
    file = f"{GENERATED}/test_cases_{int(contest):04d}.parquet"
    path = Path(ref.dataset) / file if ref.local else hf.local_mirror(ref.dataset) / file
    if not path.is_file() and not ref.local and hf.hub_reachable():
        try:
            from huggingface_hub import hf_hub_download

            path = Path(hf_hub_download(ref.dataset, file, repo_type="dataset"))
        except Exception:  # absent upstream too: the problem keeps its official tests
            return {}
    if not path.is_file():
        return {}
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    names = set(table.column_names)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    order = "test_case_i" if "test_case_i" in names else None
    records = table.to_pylist()
    if order:
        records.sort(key=lambda r: (str(r["problem_id"]), r[order]))
    for r in records:
        out[str(r["problem_id"])].append((hf.text(r["input"]), hf.text(r["output"])))
    return dict(out)


def _write_problem(ref: hf.DatasetRef, row: dict[str, Any], generated: list[tuple[str, str]]) -> Path:
    name = problem_name(row)
    where = ref.with_selector(str(row["contest_id"]), str(row["index"]))
    if hf.text(row.get("interaction_format")).strip():
        raise PackageError(
            where,
            f"{name}: interactive problem, and the dataset has no interactor",
            fix="judge it with an interactor of your own (a Kattis package)",
        )
    if hf.text(row.get("input_mode") or "stdio") != "stdio":
        raise PackageError(
            where,
            f"{name}: input_mode {row['input_mode']!r} (input.txt / output.txt) is not supported",
            fix="use problems with input_mode stdio",
        )
    official = [(hf.text(t["input"]), hf.text(t["output"])) for t in row.get("official_tests") or []]
    if not official:
        raise PackageError(
            where,
            f"{name}: no official tests",
            fix="use a problem with official_tests (the `verifiable` config)",
        )
    if row.get("time_limit") is None or row.get("memory_limit") is None:
        raise PackageError(
            where, f"{name}: no time_limit or memory_limit", fix="use a complete copy of the dataset"
        )
    checker = hf.text(row.get("generated_checker")).strip()
    spec: dict[str, Any] = {
        "name": hf.text(row.get("title")) or name,
        "source": f"Codeforces {row['contest_id']} ({hf.text(row.get('contest_name'))})",
        "limits": {
            "time_limit": float(row["time_limit"]),
            "memory": max(1, math.ceil(float(row["memory_limit"]))),
            "output": 64,
        },
        "validation": "custom" if checker else "default",
    }
    files: dict[str, bytes | str] = {"problem.yaml": yaml.safe_dump(spec, sort_keys=False)}
    for i, ex in enumerate(row.get("examples") or [], 1):
        files[f"data/sample/{i:02d}.in"] = hf.text(ex["input"])
        files[f"data/sample/{i:02d}.ans"] = hf.text(ex["output"])
    for label, tests in (("1-official", official), ("2-generated", generated)):
        for i, (inp, out) in enumerate(tests, 1):
            files[f"data/secret/{label}-{i:04d}.in"] = inp
            files[f"data/secret/{label}-{i:04d}.ans"] = out
    if checker:
        files["output_validators/checker/checker.py"] = WRAPPER.format(source=checker)
    statement = "\n\n".join(
        part
        for part in (
            f"# {spec['name']}",
            hf.text(row.get("description")),
            "## Input",
            hf.text(row.get("input_format")),
            "## Output",
            hf.text(row.get("output_format")),
            hf.text(row.get("note")),
        )
        if part
    )
    files["problem_statement/problem.en.md"] = statement
    key = hf.digest(
        [json.dumps({k: v for k, v in row.items() if k not in ("editorial",)}, sort_keys=True, default=str)]
        + [p for t in generated for p in t]
    )
    source = "local-" + hf.digest([ref.dataset])[:8] if ref.local else hf.slug(ref.dataset)
    folder = hf.cache_folder() / source / f"{hf.slug(name)}-{key}"
    meta = {
        "dataset": ref.dataset,
        "id": row["id"],
        "official_tests": len(official),
        "generated_tests": len(generated),
    }
    return hf.materialize(folder, hf.slug(name), files, meta)
