"""Programs that swap the files the judge reads after them for links or pipes, judged in each sandbox.

Each pins a behaviour the old judge had wrong:
- stdout swapped for a symbolic link to a host file: the host-side checker read that host file and put
  its contents in the verdict message (now: the output is copied out with O_NOFOLLOW, component by
  component, so the program's output is empty);
- the output folder swapped for a link to a folder holding such a link: the same, one level up;
- stderr swapped for a FIFO: the executor blocked forever opening it for the stderr tail (now: opened
  without blocking, regular files only);
and after each, the box still judges the next program right."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem
from tests.conftest import write_kattis_problem

PRELUDE = "#include <bits/stdc++.h>\n#include <unistd.h>\n#include <sys/stat.h>\nint main(){\n"
SUM = "long long a,b; std::cin>>a>>b; std::cout<<a+b<<std::endl;"
MY_STDOUT = (
    'char me[4096]; ssize_t n = readlink("/proc/self/fd/1", me, sizeof me - 1); me[n > 0 ? n : 0] = 0;'
)
MY_STDERR = (
    'char me[4096]; ssize_t n = readlink("/proc/self/fd/2", me, sizeof me - 1); me[n > 0 ? n : 0] = 0;'
)

ATTACKS = {
    "stdout_link.cpp": MY_STDOUT + 'unlink(me); symlink("/etc/passwd", me); return 0;',
    "out_folder_link.cpp": MY_STDOUT
    + "std::string path(me); std::string dir = path.substr(0, path.rfind('/'));"
    + "std::string name = path.substr(path.rfind('/') + 1);"
    + 'std::string evil = dir + ".evil"; mkdir(evil.c_str(), 0755);'
    + 'symlink("/etc/passwd", (evil + "/" + name).c_str());'
    + 'rename(dir.c_str(), (dir + ".old").c_str()); symlink(evil.c_str(), dir.c_str()); return 0;',
    "stderr_fifo.cpp": MY_STDERR + "unlink(me); mkfifo(me, 0666);" + SUM,
}


@pytest.fixture
def problem(tmp_path: Path):
    return load_problem(
        write_kattis_problem(tmp_path / "sum", {"1": ("1 2\n", "3\n"), "2": ("5 5\n", "10\n")})
    )


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
def test_swapped_output_files(problem, tmp_path: Path, sandbox_name: str, attack: str) -> None:
    hostile = tmp_path / attack
    hostile.write_text(PRELUDE + ATTACKS[attack] + "\n}\n")
    ok = tmp_path / "ok.cpp"
    ok.write_text(PRELUDE + SUM + "\n}\n")
    start = time.monotonic()
    with Judge(problem, sandbox=sandbox_name, jobs=1) as judge:
        (result,) = judge.judge_sources([hostile])
        (after,) = judge.judge_sources([ok])
    assert time.monotonic() - start < 60, "the judge waited on something the program planted"
    messages = " ".join(t.message for s in result.subtasks for t in s.tests)
    assert "root" not in messages and "/bin/" not in messages, messages
    if attack == "stderr_fifo.cpp":
        assert result.verdict == "AC"
    else:
        assert result.verdict == "WA"
    assert (after.verdict, after.score) == ("AC", 100)
