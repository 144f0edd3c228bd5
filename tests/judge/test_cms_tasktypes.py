"""CMS task types beyond plain Batch, on packages written here: Batch with file I/O, TwoSteps, and a
checker that sleeps (a judge error within the trusted limits, never a hang)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ioi_agent.errors import PackageError
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from ioi_agent.packages.model import TaskType


def cms_package(root: Path, task_type: str, params: object, tests: dict[str, tuple[str, str]]) -> Path:
    for sub in ("subtasks", "tests", "graders"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    meta = {"code": root.name, "name": root.name.title(), "time_limit": 1.0, "memory_limit": 256}
    meta.update(task_type=task_type, task_type_params=params)
    (root / "problem.json").write_text(json.dumps(meta))
    (root / "subtasks" / "01-all.json").write_text(json.dumps({"score": 100, "testcases": sorted(tests)}))
    for name, (inp, out) in tests.items():
        (root / "tests" / f"{name}.in").write_text(inp)
        (root / "tests" / f"{name}.out").write_text(out)
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


FILE_IO = {
    "task_type_parameters_Batch_compilation": "alone",
    "task_type_parameters_Batch_io_0_inputfile": "input.txt",
    "task_type_parameters_Batch_io_1_outputfile": "output.txt",
}
DOUBLES = {"1-01": ("21\n", "42\n"), "1-02": ("5\n", "10\n")}

FILE_IO_GOOD = r"""
#include <cstdio>
int main(){ FILE*i=fopen("input.txt","r"); FILE*o=fopen("output.txt","w"); long x; fscanf(i,"%ld",&x);
fprintf(o,"%ld\n",2*x); return 0; }
"""
FILE_IO_STDOUT = r"""
#include <cstdio>
int main(){ long x; if (scanf("%ld",&x)!=1) x=0; printf("%ld\n",2*x); return 0; }
"""
# Swaps its output file for a link to a host file: the judge must read nothing through it.
FILE_IO_LINK = r"""
#include <cstdio>
#include <unistd.h>
int main(){ unlink("output.txt"); symlink("/etc/passwd","output.txt"); return 0; }
"""


def test_batch_with_file_io(tmp_path: Path, sandbox_name: str) -> None:
    problem = load_problem(cms_package(tmp_path / "doubles", "Batch", FILE_IO, DOUBLES))
    assert (problem.input_file, problem.output_file) == ("input.txt", "output.txt")
    sources = [
        write(tmp_path / "good.cpp", FILE_IO_GOOD),
        write(tmp_path / "stdout.cpp", FILE_IO_STDOUT),
        write(tmp_path / "link.cpp", FILE_IO_LINK),
    ]
    with Judge(problem, sandbox=sandbox_name) as judge:
        good, stdout, link = judge.judge_sources(sources)
    assert (good.verdict, good.score) == (Verdict.AC, 100)
    assert stdout.verdict == Verdict.WA  # it wrote stdout and no output.txt: an empty output
    assert link.verdict == Verdict.WA
    assert "root" not in link.subtasks[0].tests[0].message


def test_file_names_must_be_plain(tmp_path: Path) -> None:
    params = dict(FILE_IO, task_type_parameters_Batch_io_1_outputfile="../out.txt")
    with pytest.raises(PackageError, match="not a plain file name"):
        load_problem(cms_package(tmp_path / "bad", "Batch", params, DOUBLES))


TWO_STEPS_MANAGER = r"""
#include <cstdio>
#include <cstdlib>
#include "codec.h"
int main(int argc, char **argv) {
    if (argc != 3) return 2;
    if (atoi(argv[1]) == 0) {
        long x; if (scanf("%ld", &x) != 1) return 3;
        FILE *f = fopen(argv[2], "w"); fprintf(f, "%ld\n", encode(x)); fclose(f);
    } else {
        FILE *f = fopen(argv[2], "r"); long y; if (fscanf(f, "%ld", &y) != 1) return 4;
        printf("%ld\n", decode(y));
    }
    return 0;
}
"""


def test_two_steps(tmp_path: Path, sandbox_name: str) -> None:
    root = cms_package(tmp_path / "codec", "TwoSteps", ["diff"], {"1-01": ("21\n", "21\n")})
    write(root / "graders" / "manager.cpp", TWO_STEPS_MANAGER)
    write(root / "graders" / "codec.h", "long encode(long x);\nlong decode(long y);\n")
    problem = load_problem(root)
    assert problem.task_type == TaskType.TWO_STEPS
    good, bad, crash = tmp_path / "good", tmp_path / "bad", tmp_path / "crash"
    write(good / "encoder.cpp", '#include "codec.h"\nlong encode(long x){return 3*x+1;}\n')
    write(good / "decoder.cpp", '#include "codec.h"\nlong decode(long y){return (y-1)/3;}\n')
    write(bad / "encoder.cpp", '#include "codec.h"\nlong encode(long x){return 3*x+1;}\n')
    write(bad / "decoder.cpp", '#include "codec.h"\nlong decode(long y){return y;}\n')
    write(crash / "encoder.cpp", '#include <cstdlib>\n#include "codec.h"\nlong encode(long){abort();}\n')
    write(crash / "decoder.cpp", '#include "codec.h"\nlong decode(long y){return y;}\n')
    with Judge(problem, sandbox=sandbox_name) as judge:
        results = judge.judge_sources([good, bad, crash])
    assert [(r.verdict, r.score) for r in results] == [(Verdict.AC, 100), (Verdict.WA, 0), (Verdict.RE, 0)]


def test_sleeping_checker_is_a_judge_error_within_its_limits(tmp_path: Path) -> None:
    root = cms_package(tmp_path / "sleepy", "Batch", {}, {"1-01": ("21\n", "42\n")})
    write(root / "checker" / "checker.cpp", "#include <unistd.h>\nint main(){ for(;;) pause(); }\n")
    problem = load_problem(root)
    start = time.monotonic()
    with Judge(problem, sandbox="bwrap") as judge:
        (result,) = judge.judge_sources([write(tmp_path / "a.cpp", FILE_IO_STDOUT)])
    assert result.verdict == Verdict.JE
    assert time.monotonic() - start < 60  # the trusted wall clock: 2 × 10 + 1 s


@pytest.mark.parametrize(
    "limits",
    [
        # The box's wall clock stops it with CPU time to spare (an overloaded machine): past its CPU time
        # it would be a compile error like any other (tests/judge/test_compile_bombs.py).
        {"wall_s": 0.001},
        # The driver cannot fork cc1plus ("vfork: Resource temporarily unavailable", as when other boxes
        # of the host use up the processes): it exits 1 like a rejected source, and that was cached as CE.
        {"nproc": 1},
    ],
    ids=["time", "processes"],
)
def test_a_compile_stopped_by_the_box_is_a_judge_error_and_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: dict
) -> None:
    from ioi_agent.judge import compile as compile_module

    problem = load_problem(cms_package(tmp_path / "doubles", "Batch", {}, DOUBLES))
    # A source of its own: the test session's compile cache may hold FILE_IO_STDOUT already.
    source = write(tmp_path / "a.cpp", f"// {tmp_path}\n" + FILE_IO_STDOUT)
    tight = dict(compile_module.COMPILE_LIMITS, **limits)
    monkeypatch.setattr(compile_module, "COMPILE_LIMITS", tight)
    with Judge(problem, sandbox="bwrap") as judge:
        (stopped,) = judge.judge_sources([source])
    assert stopped.verdict == Verdict.JE and "sandbox stopped the compilation" in stopped.compile.message
    monkeypatch.undo()
    with Judge(problem, sandbox="bwrap") as judge:  # compiled again, not the stored failure
        (result,) = judge.judge_sources([source])
    assert (result.verdict, result.score) == (Verdict.AC, 100)


def test_file_io_settings_are_part_of_the_result_key(tmp_path: Path) -> None:
    """The same program on the same tests, with and without file I/O, must not share stored results."""
    source = write(tmp_path / "s.cpp", f"// {tmp_path}\n" + FILE_IO_STDOUT)
    with_files = load_problem(cms_package(tmp_path / "files", "Batch", FILE_IO, DOUBLES))
    plain = load_problem(cms_package(tmp_path / "plain", "Batch", {}, DOUBLES))
    with Judge(with_files, sandbox="bwrap") as judge:
        assert judge.judge_sources([source])[0].verdict == Verdict.WA  # no output.txt
    with Judge(plain, sandbox="bwrap") as judge:
        assert judge.judge_sources([source])[0].verdict == Verdict.AC


THREADED = r"""
#include <cstdio>
#include <thread>
int main(){ long x; if (scanf("%ld",&x)!=1) x=0; long y = 0; std::thread t([&]{ y = 2 * x; }); t.join();
printf("%ld\n", y); return 0; }
"""
FORKING = r"""
#include <cstdio>
#include <unistd.h>
#include <sys/wait.h>
int main(){ long x; if (scanf("%ld",&x)!=1) x=0; pid_t p = fork(); if (p < 0) return 3; if (p == 0) _exit(0);
waitpid(p, 0, 0); printf("%ld\n", 2 * x); return 0; }
"""


@pytest.mark.parametrize("sandbox", ["bwrap", "docker"])
def test_cms_runs_are_single_process(tmp_path: Path, sandbox: str) -> None:
    """CMS evaluates with isolate --processes=1 at the IOI (no contest language needs threads): a program
    that starts a thread or forks fails there. Old: 16 processes allowed, both accepted."""
    problem = load_problem(cms_package(tmp_path / "doubles", "Batch", {}, DOUBLES))
    assert problem.limits.processes == 1
    sources = [
        write(tmp_path / f"{n}.cpp", f"// {tmp_path}\n" + t) for n, t in (("t", THREADED), ("f", FORKING))
    ]
    plain = write(tmp_path / "plain.cpp", f"// {tmp_path}\n" + FILE_IO_STDOUT)
    with Judge(problem, sandbox=sandbox) as judge:
        threaded, forking, ok = judge.judge_sources([*sources, plain])
    assert (ok.verdict, ok.score) == (Verdict.AC, 100)
    assert threaded.verdict == Verdict.RE and forking.verdict == Verdict.RE
