"""Tiny problem sources with the real column layouts, built through `datasets` itself (never the network):
an `open-r1/ioi` + `open-r1/ioi-test-cases` copy, an `open-r1/codeforces` copy, and a Polygon package."""

from __future__ import annotations

import json
from pathlib import Path

GRADER_H = "int add_one(int x);\n"
GRADER_CPP = """#include <cstdio>
#include "addone.h"
int main() {
    int n, x;
    if (scanf("%d", &n) != 1) return 1;
    for (int i = 0; i < n; i++) { scanf("%d", &x); printf("%d\\n", add_one(x)); }
    return 0;
}
"""
ADDONE_OK = '#include "addone.h"\nint add_one(int x) { return x + 1; }\n'
ADDONE_SMALL = '#include "addone.h"\nint add_one(int x) { return x < 10 ? x + 1 : 0; }\n'


def ioi_rows(year: int = 2024, task_type: str = "Batch", graders: bool = True) -> tuple[dict, dict]:
    """Problem rows (one per subtask) and test rows, in open-r1/ioi / ioi-test-cases columns."""
    grader_files = [
        ["graders/addone.h", GRADER_H],
        [
            "graders/grader_config.json",
            json.dumps({"task_type": task_type, "code": "addone", "time_limit": 1.0}),
        ],
    ]
    if graders:
        grader_files.insert(0, ["graders/grader.cpp", GRADER_CPP])
    subtasks = [
        ("00-samples", 0, ["0-01"]),
        ("01-small", 40, ["0-01", "1-01", "1-02"]),
        ("02-full", 60, ["1-01", "1-02", "2-01"]),
    ]
    problems: dict[str, list] = {
        k: []
        for k in (
            "year",
            "name",
            "id",
            "day",
            "subtask",
            "statement",
            "score",
            "time_limit",
            "memory_limit",
            "score_precision",
            "task_type",
            "test_names",
            "starting_code",
            "grader_files",
            "problem",
        )
    }
    for subtask, score, tests in subtasks:
        row = {
            "year": year, "name": "Add One", "id": "addone", "day": "day1", "subtask": subtask,
            "statement": "# Add One\nReturn x + 1.", "score": score, "time_limit": 1.0,
            "memory_limit": 268435456, "score_precision": 2, "task_type": task_type, "test_names": tests,
            "starting_code": "int add_one(int x) {}", "grader_files": grader_files, "problem": "prompt",
        }  # fmt: skip
        for key, value in row.items():
            problems[key].append(value)
    cases = {
        "0-01": ("2\n1 2\n", "2\n3\n"),
        "1-01": ("1\n5\n", "6\n"),
        "1-02": ("1\n9\n", "10\n"),
        "2-01": ("2\n10 99\n", "11\n100\n"),
    }
    tests: dict[str, list] = {
        k: [] for k in ("year", "day", "problem_name", "problem_id", "test_name", "test_input", "test_output")
    }
    for name, (inp, out) in cases.items():
        for key, value in zip(tests, (year, "day1", "Add One", "addone", name, inp, out), strict=True):
            tests[key].append(value)
    return problems, tests


def write_ioi_copy(root: Path, **kwargs: object) -> Path:
    """`root/ioi` (a save_to_disk DatasetDict, like the hub's train/test splits) and
    `root/ioi-test-cases/2024` (parquet, as the hub lays out one config per year)."""
    from datasets import Dataset, DatasetDict

    problems, tests = ioi_rows(**kwargs)  # type: ignore[arg-type]
    DatasetDict({"test": Dataset.from_dict(problems)}).save_to_disk(str(root / "ioi"))
    (root / "ioi-test-cases" / "2024").mkdir(parents=True)
    Dataset.from_dict(tests).to_parquet(
        str(root / "ioi-test-cases" / "2024" / "train-00000-of-00001.parquet")
    )
    return root


CF_CHECKER = """import sys
inp, ans, out = sys.argv[1:4]
want = sorted(open(ans).read().split())
got = sorted(open(out).read().split())
print(1 if want == got else 0)
"""


def codeforces_rows() -> dict[str, list]:
    """Two problems of contest 2000 in open-r1/codeforces columns: A (plain diff), B (generated checker,
    order-free output), and C (interactive, refused)."""
    base = {
        "aliases": None, "contest_id": "2000", "contest_name": "Test Round", "contest_type": "CF",
        "contest_start": 0, "contest_start_year": 2024, "time_limit": 1.0, "memory_limit": 256.0,
        "description": "d", "input_format": "i", "output_format": "o", "interaction_format": None,
        "note": None, "editorial": None, "rating": 800, "tags": ["math"], "testset_size": 3,
        "official_tests_complete": True, "input_mode": "stdio", "generated_checker": None,
        "executable": True, "generated_tests": 0,
    }  # fmt: skip
    a = {**base, "id": "2000/A", "index": "A", "title": "Plus One", "examples": [{"input": "1\n", "output": "2\n"}],
         "official_tests": [{"input": "1\n", "output": "2\n"}, {"input": "5\n", "output": "6\n"}, {"input": "41\n", "output": "42\n"}],
         "generated_tests": 2}  # fmt: skip
    b = {**base, "id": "2000/B", "index": "B", "title": "Any Order", "examples": [{"input": "2\n", "output": "1 2\n"}],
         "official_tests": [{"input": "2\n", "output": "1 2\n"}, {"input": "3\n", "output": "1 2 3\n"}],
         "generated_checker": CF_CHECKER}  # fmt: skip
    c = {**base, "id": "2000/C", "index": "C", "title": "Guess", "examples": [], "official_tests": [],
         "interaction_format": "Ask queries ? x."}  # fmt: skip
    return {k: [r[k] for r in (a, b, c)] for k in a}


def write_codeforces_copy(root: Path) -> Path:
    """`root/data/train-*.parquet` and `root/generated_tests/test_cases_2000.parquet`, the hub's layout."""
    from datasets import Dataset

    (root / "data").mkdir(parents=True)
    Dataset.from_dict(codeforces_rows()).to_parquet(str(root / "data" / "train-00000-of-00001.parquet"))
    (root / "generated_tests").mkdir()
    gen = {
        "problem_id": ["2000/A", "2000/A"],
        "input": ["99\n", "0\n"],
        "output": ["100\n", "1\n"],
        "test_case_i": [0, 1],
    }
    Dataset.from_dict(gen).to_parquet(str(root / "generated_tests" / "test_cases_2000.parquet"))
    return root


TESTLIB_STUB = "// testlib.h is not needed by this checker; Polygon packages ship it as a resource.\n"
POLYGON_CHECKER = """#include <cstdio>
// testlib convention: check input output answer; exit 0 ok, 1 wrong answer.
int main(int argc, char** argv) {
    FILE* out = fopen(argv[2], "r");
    FILE* ans = fopen(argv[3], "r");
    long long a, b;
    if (fscanf(ans, "%lld", &b) != 1) return 3;
    if (fscanf(out, "%lld", &a) != 1) return 2;
    return a == b ? 0 : 1;
}
"""
SOLUTIONS = {
    "main": (
        "sol.cpp",
        '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);}\n',
    ),
    "wrong-answer": (
        "wa.cpp",
        '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b+(a>50));}\n',
    ),
    "time-limit-exceeded": (
        "tle.py",
        "import time\na, b = map(int, input().split())\nwhile True:\n    pass\n",
    ),
}


def write_polygon_package(root: Path, answers: bool = True, generated_missing: bool = False) -> Path:
    """A+B with groups: samples (0 points), g1 (40, complete-group, a <= 50), g2 (60, complete-group,
    depends on g1)."""
    tests = [("1 2\n", "3\n", "samples", True), ("10 20\n", "30\n", "g1", False), ("50 0\n", "50\n", "g1", False),
             ("60 1\n", "61\n", "g2", False), ("99 99\n", "198\n", "g2", False)]  # fmt: skip
    (root / "tests").mkdir(parents=True)
    (root / "files").mkdir()
    (root / "solutions").mkdir()
    lines = []
    for i, (inp, ans, group, sample) in enumerate(tests, 1):
        if not (generated_missing and i == 5):
            (root / "tests" / f"{i:02d}").write_text(inp)
        if answers:
            (root / "tests" / f"{i:02d}.a").write_text(ans)
        method = 'method="generated" cmd="gen 99"' if i == 5 else 'method="manual"'
        extra = ' sample="true"' if sample else ""
        lines.append(f'<test {method} group="{group}"{extra}/>')
    (root / "files" / "check.cpp").write_text(POLYGON_CHECKER)
    (root / "files" / "testlib.h").write_text(TESTLIB_STUB)
    (root / "files" / "val.cpp").write_text("int main() { return 0; }\n")
    sols = []
    for tag, (name, code) in SOLUTIONS.items():
        (root / "solutions" / name).write_text(code)
        kind = "python.3" if name.endswith(".py") else "cpp.g++17"
        sols.append(f'<solution tag="{tag}"><source path="solutions/{name}" type="{kind}"/></solution>')
    newline = "\n"
    (root / "problem.xml").write_text(f"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<problem revision="3" short-name="aplusb" url="https://polygon.codeforces.com/p/x/aplusb">
  <names><name language="english" value="A + B"/></names>
  <judging cpu-name="Intel(R) Core(TM) i3-8100 CPU @ 3.60GHz" cpu-speed="3600" input-file="" output-file="">
    <testset name="tests">
      <time-limit>1000</time-limit>
      <memory-limit>268435456</memory-limit>
      <test-count>{len(tests)}</test-count>
      <input-path-pattern>tests/%02d</input-path-pattern>
      <answer-path-pattern>tests/%02d.a</answer-path-pattern>
      <tests>{newline.join(lines)}</tests>
      <groups>
        <group feedback-policy="complete" name="samples" points="0" points-policy="complete-group"/>
        <group feedback-policy="icpc" name="g1" points="40" points-policy="complete-group"/>
        <group feedback-policy="icpc" name="g2" points="60" points-policy="complete-group">
          <dependencies><dependency group="g1"/></dependencies>
        </group>
      </groups>
    </testset>
  </judging>
  <files><resources><file path="files/testlib.h" type="h.g++"/></resources></files>
  <assets>
    <checker name="check.cpp" type="testlib"><source path="files/check.cpp" type="cpp.g++17"/></checker>
    <validators><validator><source path="files/val.cpp" type="cpp.g++17"/></validator></validators>
    <solutions>{newline.join(sols)}</solutions>
  </assets>
</problem>
""")
    return root
