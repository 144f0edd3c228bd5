"""The judge end to end, in each sandbox: every verdict, early stop, reuse of shared and repeated tests,
the compile cache, function-style, Python, interactive, multi-pass and custom-score tasks, and how the
time limit is resolved.

Problems are small Kattis packages written here; one `Judge` per (problem, sandbox) is shared by the
tests of this module (`judges`), so each sandbox starts its boxes once per problem.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.judge.results import SubmissionResult
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from ioi_agent.packages.model import Problem
from tests.conftest import backend_unavailable, run_verdict

GROUP = "on_reject: break\naccept_score: {p}\nrange: 0 {p}\ngrader_flags: min\n"
ROOT_TESTDATA = "on_reject: continue\nrange: 0 100\ngrader_flags: ignore_sample\n"
LIMITS = "limits:\n  time_limit: 0.5\n  memory: 256\n  output: 1\n"

# a b -> a+b; group1 = t1 t2 (40 points), group2 = t3 t4 (60 points).
SUM_TESTS = {"t1": ("1 2\n", "3\n"), "t2": ("3 4\n", "7\n"), "t3": ("5 6\n", "11\n"), "t4": ("7 8\n", "15\n")}
SUM_GROUPS = {"group1": (40, ["t1", "t2"]), "group2": (60, ["t3", "t4"])}

HEAD = "#include <bits/stdc++.h>\nusing namespace std;\n"
READ = "long long a, b; cin >> a >> b;"
SOURCES: dict[str, str] = {
    "ac.cpp": HEAD + f"int main() {{ {READ} cout << a + b << endl; }}\n",
    "wa.cpp": HEAD + f"int main() {{ {READ} cout << a + b + 1 << endl; }}\n",
    # Right on t1, wrong on t2 (a == 3): fails the second test of group1 only.
    "wa_second.cpp": HEAD + f"int main() {{ {READ} cout << (a == 3 ? 0 : a + b) << endl; }}\n",
    "tle.cpp": HEAD + f"int main() {{ {READ} volatile unsigned long long x = 0; while (true) x++; }}\n",
    "mle.cpp": HEAD + "int main() { vector<char*> v; while (true) { char* p = new char[1 << 20];"
    " memset(p, 1, 1 << 20); v.push_back(p); } }\n",
    "ole.cpp": HEAD
    + "int main() { string s(4096, 'x'); while (true) fwrite(s.data(), 1, s.size(), stdout); }\n",
    "re.cpp": HEAD + f"int main() {{ {READ} cout << a + b << endl; volatile int* p = nullptr; *p = 1; }}\n",
    "ce.cpp": HEAD + "int main() { this is not C++ }\n",
    "ac.py": "a, b = map(int, input().split())\nprint(a + b)\n",
    "re.py": "a, b = map(int, input().split())\nraise ValueError(a + b)\n",
    "ce.py": "def main(:\n    pass\n",
}
EXPECTED: dict[str, tuple[Verdict, float]] = {
    "ac.cpp": (Verdict.AC, 100),
    "wa.cpp": (Verdict.WA, 0),
    "wa_second.cpp": (Verdict.WA, 60),
    "tle.cpp": (Verdict.TLE, 0),
    # A Kattis package: problemtools reports a run over the memory limit as RTE (the test keeps MLE).
    "mle.cpp": (Verdict.RE, 0),
    "ole.cpp": (Verdict.OLE, 0),
    "re.cpp": (Verdict.RE, 0),
    "ce.cpp": (Verdict.CE, 0),
    "ac.py": (Verdict.AC, 100),
    "re.py": (Verdict.RE, 0),
    "ce.py": (Verdict.CE, 0),
}

KATTIS_EXIT_1 = "int main() { return 1; }\n"

# Custom score: "half" earns half of a test.
SCORE_VALIDATOR = r"""
#include <cstdio>
#include <cstring>
#include <string>
int main(int argc, char** argv) {
    char ans[64] = {0}, team[64] = {0};
    FILE* a = fopen(argv[2], "r"); if (!a || fscanf(a, "%63s", ans) != 1) return 1;
    if (scanf("%63s", team) != 1) return 43;
    if (!strcmp(team, ans)) return 42;
    if (!strcmp(team, "half")) { FILE* f = fopen((std::string(argv[3]) + "score.txt").c_str(), "w");
        fputs("0.5\n", f); fclose(f); return 42; }
    return 43;
}
"""
HALF_ON_T2 = (
    HEAD + f'int main() {{ {READ} if (a == 3) cout << "half" << endl; else cout << a + b << endl; }}\n'
)

# Interactive: guess a number in 1..1000 with at most 12 questions.
INTERACTOR = r"""
#include <cstdio>
#include <csignal>
int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    FILE* in = fopen(argv[1], "r"); int n; if (!in || fscanf(in, "%d", &n) != 1) return 1;
    char op[8]; int x, queries = 0;
    while (scanf("%7s %d", op, &x) == 2) {
        if (op[0] == '!') return x == n ? 42 : 43;
        if (++queries > 12) return 43;
        printf("%s\n", x < n ? "higher" : x > n ? "lower" : "equal"); fflush(stdout);
    }
    return 43;
}
"""
GUESS_BINARY = HEAD + (
    "int main() { int lo = 1, hi = 1000; while (lo < hi) { int mid = (lo + hi) / 2;"
    ' cout << "? " << mid << endl; string r; cin >> r; if (r == "equal") { lo = hi = mid; break; }'
    ' if (r == "higher") lo = mid + 1; else hi = mid - 1; } cout << "! " << lo << endl; }\n'
)
GUESS_LINEAR = HEAD + (
    'int main() { for (int i = 1; i <= 1000; i++) { cout << "? " << i << endl; string r; cin >> r;'
    ' if (r == "equal") { cout << "! " << i << endl; return 0; } } }\n'
)

# Multi-pass: answer x+1 to the input x; the second pass gets x+1 and must answer x+2.
MULTI_PASS_VALIDATOR = r"""
#include <cstdio>
#include <string>
int main(int argc, char** argv) {
    long long x, got; FILE* in = fopen(argv[1], "r"); if (!in || fscanf(in, "%lld", &x) != 1) return 1;
    std::string fb = argv[3];
    if (scanf("%lld", &got) != 1) return 43;
    if (FILE* st = fopen((fb + "state").c_str(), "r")) { fclose(st); return got == x + 2 ? 42 : 43; }
    if (got != x + 1) return 43;
    FILE* f = fopen((fb + "nextpass.in").c_str(), "w"); fprintf(f, "%lld\n", got); fclose(f);
    f = fopen((fb + "state").c_str(), "w"); fputs("1", f); fclose(f);
    return 42;
}
"""
PLUS_ONE = HEAD + "int main() { long long x; cin >> x; cout << x + 1 << endl; }\n"
PLUS_ONE_IF_ODD = HEAD + "int main() { long long x; cin >> x; cout << (x % 2 ? x + 1 : 0) << endl; }\n"

# Function-style: the grader in include/cpp calls add().
GRADER = (
    '#include <cstdio>\n#include "add.h"\nint main() { long long a, b; if (scanf("%lld %lld", &a, &b) != 2) return 1;'
    ' printf("%lld\\n", add(a, b)); }\n'
)
ADD_H = "long long add(long long a, long long b);\n"
ADD_OK = '#include "add.h"\nlong long add(long long a, long long b) { return a + b; }\n'
ADD_WITH_MAIN = (
    '#include "add.h"\nlong long add(long long a, long long b) { return a + b; }\nint main() { return 0; }\n'
)

BUSY = (
    HEAD
    + "int main() {{ long long a, b; cin >> a >> b; while (clock() < {s} * CLOCKS_PER_SEC) {{}} cout << a + b << endl; }}\n"
)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def package(
    root: Path,
    yaml: str,
    tests: dict[str, tuple[str, str]] = SUM_TESTS,
    groups: dict[str, tuple[int, list[str]]] | None = SUM_GROUPS,
    extra: dict[str, str] | None = None,
) -> Path:
    """A Kattis package: groups {name: (points, tests)} under data/secret, or (groups=None) flat secret tests."""
    files = {"problem.yaml": yaml, **(extra or {})}
    if groups is None:
        for name, (inp, ans) in tests.items():
            files[f"data/secret/{name}.in"], files[f"data/secret/{name}.ans"] = inp, ans
    else:
        files["data/testdata.yaml"] = ROOT_TESTDATA
        for group, (points, names) in groups.items():
            files[f"data/secret/{group}/testdata.yaml"] = GROUP.format(p=points)
            for name in names:
                inp, ans = tests[name]
                files[f"data/secret/{group}/{name}.in"], files[f"data/secret/{group}/{name}.ans"] = inp, ans
    return write(root, files)


@pytest.fixture(scope="module", params=["bwrap", "docker"])
def sandbox_name(request: pytest.FixtureRequest) -> str:
    """Module-scoped over the conftest's fixture, so that the judges below are shared by this module's tests."""
    reason = backend_unavailable(request.param)
    if reason:
        pytest.skip(f"{request.param} sandbox cannot run on this machine: {reason}")
    return request.param


def first_sandbox() -> str:
    """For tests of sandbox-independent logic: one backend is enough."""
    for name in ("bwrap", "docker"):
        if backend_unavailable(name) is None:
            return name
    pytest.skip("no sandbox can run on this machine")


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("problems")
    yaml = "name: Tiny\ntype: scoring\n" + LIMITS
    out = {
        "sum": package(base / "sum", yaml),
        "judge_error": package(
            base / "judge_error",
            "type: scoring\nvalidation: custom\n" + LIMITS,
            extra={"output_validators/broken/broken.cpp": KATTIS_EXIT_1},
        ),
        "score": package(
            base / "score",
            "type: scoring\nvalidation: custom score\n" + LIMITS,
            groups={"group1": (40, ["t1", "t2"]), "group2": (60, ["t3"])},
            extra={"output_validators/half/half.cpp": SCORE_VALIDATOR},
        ),
        "function": package(
            base / "function",
            yaml,
            extra={"include/cpp/grader.cpp": GRADER, "include/cpp/add.h": ADD_H},
        ),
        "interactive": package(
            base / "interactive",
            "name: Guess\nvalidation: custom interactive\n" + LIMITS,
            tests={
                "d": ("7\n", "7\n"),
                "a": ("1\n", "1\n"),
                "b": ("500\n", "500\n"),
                "c": ("1000\n", "1000\n"),
            },
            groups=None,
            extra={"output_validators/guess/guess.cpp": INTERACTOR},
        ),
        "multi_pass": package(
            base / "multi_pass",
            "name: Twice\nvalidation: custom multi-pass\n" + LIMITS,
            tests={"a": ("5\n", "7\n"), "b": ("11\n", "13\n")},
            groups=None,
            extra={"output_validators/mp/mp.cpp": MULTI_PASS_VALIDATOR},
        ),
    }
    # group2 and group3 reuse group1's test `s` through symbolic links, as real packages do.
    shared = package(
        base / "shared",
        yaml,
        tests={"s": ("20 22\n", "42\n"), "u": ("1 1\n", "2\n"), "v": ("2 2\n", "4\n")},
        groups={"group1": (30, ["s", "u"]), "group2": (30, ["v"]), "group3": (40, [])},
    )
    for group in ("group2", "group3"):
        for ext in ("in", "ans"):
            (shared / f"data/secret/{group}/s.{ext}").symlink_to(f"../group1/s.{ext}")
    out["shared"] = shared
    return out


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    named = {
        **SOURCES,
        "half_on_t2.cpp": HALF_ON_T2,
        "guess_binary.cpp": GUESS_BINARY,
        "guess_linear.cpp": GUESS_LINEAR,
        "plus_one.cpp": PLUS_ONE,
        "plus_one_if_odd.cpp": PLUS_ONE_IF_ODD,
        "add_ok.cpp": ADD_OK,
        "add_with_main.cpp": ADD_WITH_MAIN,
    }
    return write(folder, named)


JudgeFactory = Callable[..., Judge]


@pytest.fixture(scope="module")
def judges(sandbox_name: str, problems: dict[str, Path]) -> Iterator[JudgeFactory]:
    """judges(problem_key) -> a Judge shared by this module's tests in this sandbox."""
    made: dict[str, Judge] = {}

    def get(key: str) -> Judge:
        if key not in made:
            made[key] = Judge(load_problem(problems[key]), sandbox=sandbox_name, jobs=2)
        return made[key]

    yield get
    for judge in made.values():
        judge.close()


@pytest.fixture
def private_judge(sandbox_name: str, problems: dict[str, Path], tmp_path: Path) -> Iterator[JudgeFactory]:
    """A Judge with its own result store, for tests that count what was run."""
    made: list[Judge] = []

    def get(key: str, store_name: str = "results.sqlite") -> Judge:
        judge = Judge(
            load_problem(problems[key]),
            sandbox=sandbox_name,
            jobs=2,
            store=ResultStore(tmp_path / store_name),
        )
        made.append(judge)
        return judge

    yield get
    for judge in made:
        judge.close()
        judge.store.close()


@pytest.fixture(scope="module")
def verdicts(judges: JudgeFactory, sources: Path) -> dict[str, SubmissionResult]:
    names = list(SOURCES)
    results = judges("sum").judge_sources([sources / n for n in names])
    return dict(zip(names, results, strict=True))


def ran(result: SubmissionResult) -> dict[str, list[str]]:
    return {s.name: [t.test.split("/")[-1] for t in s.tests] for s in result.subtasks}


# --- verdicts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SOURCES))
def test_every_verdict(verdicts: dict[str, SubmissionResult], name: str) -> None:
    result = verdicts[name]
    assert (result.verdict, result.score) == EXPECTED[name], result.model_dump()
    assert result.compile.ok == (result.verdict != Verdict.CE)
    if name == "mle.cpp":
        assert run_verdict(result) == "MLE"  # what the sandbox saw


def test_accepted_details(verdicts: dict[str, SubmissionResult]) -> None:
    for name in ("ac.cpp", "ac.py"):
        result = verdicts[name]
        assert [(s.name, s.points, s.score, s.verdict) for s in result.subtasks] == [
            ("group1", 40, 40, Verdict.AC),
            ("group2", 60, 60, Verdict.AC),
        ]
        assert ran(result) == {"group1": ["t1", "t2"], "group2": ["t3", "t4"]}
        assert 0 < result.max_memory_mb < 256
        assert 0 <= result.max_time_s < 0.5


def test_compile_errors_are_reported(verdicts: dict[str, SubmissionResult]) -> None:
    for name in ("ce.cpp", "ce.py"):
        result = verdicts[name]
        assert not result.compile.ok and "error" in result.compile.message.lower()
        assert all(s.verdict == Verdict.CE and s.score == 0 and not s.tests for s in result.subtasks)
    assert "SyntaxError" in verdicts["ce.py"].compile.message


def test_failure_details(verdicts: dict[str, SubmissionResult]) -> None:
    tle = verdicts["tle.cpp"].subtasks[0].tests[0]
    # Killed at the CPU limit, or, on a loaded machine, at the wall-clock cap (2 × limit + 1 s) first.
    assert "CPU" in tle.message and (tle.time_s >= 0.5 or "wall-clock" in tle.message)
    assert verdicts["re.cpp"].subtasks[0].tests[0].message == "signal 11"
    assert "exit code" in verdicts["re.py"].subtasks[0].tests[0].message
    assert "token 1" in verdicts["wa.cpp"].subtasks[0].tests[0].message


def test_early_stop_inside_a_subtask(verdicts: dict[str, SubmissionResult]) -> None:
    # A failure on a subtask's first test runs nothing else in that subtask, but every subtask is tried.
    for name in ("wa.cpp", "tle.cpp", "mle.cpp", "ole.cpp", "re.cpp", "re.py"):
        assert ran(verdicts[name]) == {"group1": ["t1"], "group2": ["t3"]}, name
    result = verdicts["wa_second.cpp"]
    assert ran(result) == {"group1": ["t1", "t2"], "group2": ["t3", "t4"]}
    g1, g2 = result.subtasks
    assert [t.verdict for t in g1.tests] == [Verdict.AC, Verdict.WA]
    assert (g1.score, g1.verdict, g2.score, g2.verdict) == (0, Verdict.WA, 60, Verdict.AC)


def test_subtask_tests_are_not_in_json(verdicts: dict[str, SubmissionResult]) -> None:
    dumped = verdicts["ac.cpp"].model_dump()
    assert "tests" not in dumped["subtasks"][0]
    assert verdicts["ac.cpp"].subtasks[0].tests


def test_task_score_over_submissions(judges: JudgeFactory, sources: Path) -> None:
    report = judges("sum").judge([sources / "wa_second.cpp", sources / "ce.cpp", sources / "wa.cpp"])
    assert report.max_score == 100 and report.task_score == 60
    report = judges("sum").judge([sources / "wa_second.cpp", sources / "ac.py"])
    assert report.task_score == 100


# --- judge errors ------------------------------------------------------------------------------------


def test_judge_error_is_never_stored(private_judge: JudgeFactory, sources: Path) -> None:
    judge = private_judge("judge_error")
    first = judge.judge_sources([sources / "ac.cpp"])[0]
    assert first.verdict == Verdict.JE and first.score == 0
    assert all(s.verdict == Verdict.JE and len(s.tests) == 1 for s in first.subtasks)
    assert "exited with 1" in first.subtasks[0].tests[0].message
    assert judge.store.count() == 0
    # Judged again, the tests run again: a judge error is not a fact about the program.
    again = judge.judge_sources([sources / "ac.cpp"])[0]
    assert again.verdict == Verdict.JE
    assert not any(t.cached for s in again.subtasks for t in s.tests)
    assert judge.store.count() == 0


# --- reuse ---------------------------------------------------------------------------------------------


def test_test_shared_by_groups_runs_once(private_judge: JudgeFactory, sources: Path) -> None:
    judge = private_judge("shared")
    result = judge.judge_sources([sources / "ac.cpp"])[0]
    assert result.verdict == Verdict.AC and result.score == 100
    runs = {(s.name, t.test.split("/")[-1]): t.cached for s in result.subtasks for t in s.tests}
    assert set(runs) == {("group1", "s"), ("group1", "u"), ("group2", "s"), ("group2", "v"), ("group3", "s")}
    shared = [runs[(g, "s")] for g in ("group1", "group2", "group3")]
    assert shared.count(False) == 1, runs  # one run, two reuses (from the store or the run in flight)
    assert runs[("group1", "u")] is False and runs[("group2", "v")] is False
    assert judge.store.count() == 3  # distinct tests: s, u, v


def test_same_source_again_in_a_new_judge_costs_nothing(private_judge: JudgeFactory, sources: Path) -> None:
    first = private_judge("shared", "store.sqlite")
    first.judge_sources([sources / "ac.cpp"])
    rows = first.store.count()
    binaries = set(os.listdir(first.pool.mounts.binaries))
    second = private_judge("shared", "store.sqlite")
    result = second.judge_sources([sources / "ac.cpp"])[0]
    assert result.verdict == Verdict.AC and result.score == 100
    assert all(t.cached for s in result.subtasks for t in s.tests)
    assert second.store.count() == rows == 3
    assert set(os.listdir(second.pool.mounts.binaries)) == binaries


def test_compile_cache(judges: JudgeFactory, sources: Path, tmp_path: Path) -> None:
    # The key is the source's content (not its file name), the grader files, flags and backend.
    judge = judges("sum")
    text = SOURCES["ac.cpp"] + f"// {uuid.uuid4().hex}\n"
    (tmp_path / "first.cpp").write_text(text)
    (tmp_path / "second_name.cpp").write_text(text)
    (tmp_path / "other.cpp").write_text(text + "// changed\n")
    binaries = judge.pool.mounts.binaries
    before = set(os.listdir(binaries))
    a, b = judge.compile(tmp_path / "first.cpp"), judge.compile(tmp_path / "second_name.cpp")
    assert a.ok and a.key == b.key
    name = judge.pool.program_name  # the store's keyed folder names
    assert set(os.listdir(binaries)) - before == {name(a.key)}
    c = judge.compile(tmp_path / "other.cpp")
    assert c.key != a.key and set(os.listdir(binaries)) - before == {name(a.key), name(c.key)}
    # Same source, other grader files: another program.
    plain, graded = (
        judges("sum").compile(sources / "add_ok.cpp"),
        judges("function").compile(sources / "add_ok.cpp"),
    )
    assert plain.key != graded.key
    assert not plain.ok and graded.ok  # no main() without the grader


def test_compile_error_is_cached(judges: JudgeFactory, sources: Path) -> None:
    judge = judges("sum")
    first = judge.compile(sources / "ce.cpp")
    meta = judge.pool.mounts.binaries / judge.pool.program_name(first.key) / "result.json"
    assert meta.is_file()
    stamp = meta.stat().st_mtime_ns
    again = judge.compile(sources / "ce.cpp")
    assert again == first and meta.stat().st_mtime_ns == stamp


# --- task types ----------------------------------------------------------------------------------------


def test_function_style_task(judges: JudgeFactory, sources: Path) -> None:
    ok, with_main = judges("function").judge_sources([sources / "add_ok.cpp", sources / "add_with_main.cpp"])
    assert (ok.verdict, ok.score) == (Verdict.AC, 100)
    assert (with_main.verdict, with_main.score) == (Verdict.CE, 0)
    assert "main" in with_main.compile.message


def test_interactive_task(judges: JudgeFactory, sources: Path) -> None:
    judge = judges("interactive")
    binary, linear = judge.judge_sources([sources / "guess_binary.cpp", sources / "guess_linear.cpp"])
    assert (binary.verdict, binary.score) == (Verdict.AC, 100)
    assert [t.test for t in binary.subtasks[0].tests] == ["secret/a", "secret/b", "secret/c", "secret/d"]
    # The linear guesser finds 1 in one question but needs too many for 500: stopped there.
    assert (linear.verdict, linear.score) == (Verdict.WA, 0)
    assert [(t.test, t.verdict) for t in linear.subtasks[0].tests] == [
        ("secret/a", Verdict.AC),
        ("secret/b", Verdict.WA),
    ]


def test_multi_pass_task(judges: JudgeFactory, sources: Path) -> None:
    judge = judges("multi_pass")
    ok, second_pass_wrong = judge.judge_sources([sources / "plus_one.cpp", sources / "plus_one_if_odd.cpp"])
    assert (ok.verdict, ok.score) == (Verdict.AC, 100)
    # Right on the first pass (odd input), wrong on the second (its input is the even x+1).
    assert (second_pass_wrong.verdict, second_pass_wrong.score) == (Verdict.WA, 0)


def test_custom_score_partial_credit(judges: JudgeFactory, sources: Path) -> None:
    result = judges("score").judge_sources([sources / "half_on_t2.cpp"])[0]
    assert result.verdict == Verdict.AC
    # Kattis legacy: score.txt is the test's score itself, not a fraction of accept_score; the groups
    # (grader_flags: min) take the smallest. A test without score.txt counts 1.
    assert [(s.name, s.score) for s in result.subtasks] == [("group1", 0.5), ("group2", 1.0)]
    assert result.score == 1.5
    assert [t.score for t in result.subtasks[0].tests] == [1.0, 0.5]


# --- time limits ---------------------------------------------------------------------------------------


def no_limit_package(root: Path, yaml_extra: str = "", submissions: dict[str, str] | None = None) -> Problem:
    files = {f"submissions/{k}": v for k, v in (submissions or {}).items()}
    tests = {"t1": SUM_TESTS["t1"], "t2": SUM_TESTS["t2"]}
    package(
        root,
        "type: scoring\nlimits:\n  memory: 256\n" + yaml_extra,
        tests=tests,
        groups={"group1": (100, ["t1", "t2"])},
        extra=files,
    )
    return load_problem(root)


def test_time_limit_derived_from_slowest_accepted(tmp_path: Path) -> None:
    problem = no_limit_package(
        tmp_path / "slow",
        "  time_multiplier: 5\n",
        {
            "accepted/slow.cpp": BUSY.format(s=0.25),
            "accepted/fast.py": SOURCES["ac.py"],
            "wrong_answer/busy_wrong.cpp": BUSY.format(s=0.5).replace("a + b", "a - b"),
        },
    )
    with Judge(problem, sandbox=first_sandbox(), jobs=2, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        # ceil(0.25.. s × 5) = 2: between 1.25 and 2 for any CPU time in (0.25, 0.4].
        assert judge.time_limit == 2.0
        assert "slowest accepted" in problem.limits.time_source and "× 5" in problem.limits.time_source


def test_time_limit_derived_has_a_floor_of_one_second(tmp_path: Path) -> None:
    problem = no_limit_package(
        tmp_path / "fast", "  time_multiplier: 2\n", {"accepted/fast.cpp": SOURCES["ac.cpp"]}
    )
    with Judge(problem, sandbox=first_sandbox(), jobs=2, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        assert judge.time_limit == 1.0


def box_children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def test_no_time_limit_at_all(tmp_path: Path) -> None:
    problem = no_limit_package(tmp_path / "none", submissions={"wrong_answer/wa.cpp": SOURCES["wa.cpp"]})
    before = box_children()
    with pytest.raises(IoiAgentError) as info:
        Judge(problem, sandbox=first_sandbox(), jobs=2)
    message = str(info.value)
    assert "--time-limit" in message and str(problem.root) in message and "\n" not in message
    # The boxes it had started are gone again.
    assert box_children() - before == set()


def test_time_limit_override(tmp_path: Path) -> None:
    problem = no_limit_package(tmp_path / "override")
    busy = tmp_path / "busy.cpp"
    busy.write_text(BUSY.format(s=0.6))
    with Judge(
        problem, sandbox=first_sandbox(), jobs=2, time_limit=0.3, store=ResultStore(tmp_path / "r.sqlite")
    ) as judge:
        assert judge.time_limit == 0.3 and problem.limits.time_source == "--time-limit"
        result = judge.judge_sources([busy])[0]
        assert result.verdict == Verdict.TLE
        assert result.max_time_s < 0.6  # stopped before it could finish


def test_explicit_limit_wins_over_override(problems: dict[str, Path]) -> None:
    with Judge(load_problem(problems["sum"]), sandbox=first_sandbox(), jobs=1, time_limit=3.0) as judge:
        assert judge.time_limit == 0.5
