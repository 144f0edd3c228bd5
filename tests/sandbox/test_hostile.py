"""Hostile programs, judged for real in each sandbox: each must end in the right verdict, with the host,
the judge and the other runs (judged at the same time, in the other box) unharmed."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import psutil
import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem
from ioi_agent.sandbox.base import BASE_UID
from tests.conftest import run_verdict, write_kattis_problem

SUM_OK = "#include <bits/stdc++.h>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<std::endl;}\n"
PRINT_SUM = "long long a,b; std::cin>>a>>b; std::cout<<a+b<<std::endl;"


def cpp(body: str, headers: str = "") -> str:
    return (
        "#include <bits/stdc++.h>\n#include <unistd.h>\n#include <signal.h>\n#include <sys/socket.h>\n"
        "#include <netinet/in.h>\n#include <arpa/inet.h>\n" + headers + "int main(){\n" + body + "\n}\n"
    )


def hostile_programs(marker: Path, answer: Path, port: int) -> dict[str, tuple[str, str]]:
    """name -> (source, expected verdict)."""
    return {
        "ok.cpp": (SUM_OK, "AC"),
        "fork_bomb.cpp": (cpp("while (true) fork();"), "TLE"),
        "memory_bomb.cpp": (
            cpp(
                "std::vector<char*> v; while (true) { char* p = new char[1 << 20]; memset(p, 1, 1 << 20); v.push_back(p); }"
            ),
            "MLE",
        ),
        "memory_bomb.py": ("x = []\nwhile True:\n    x.append(bytearray(1 << 24))\n", "MLE"),
        "endless_output.cpp": (
            cpp("std::string s(4096, 'x'); while (true) fwrite(s.data(), 1, s.size(), stdout);"),
            "OLE",
        ),
        "busy_loop.cpp": (cpp("volatile unsigned long long x = 0; while (true) x++;"), "TLE"),
        "sleep_forever.cpp": (cpp("while (true) sleep(1000);"), "TLE"),
        "sleep_forever.py": ("import time\nwhile True:\n    time.sleep(1000)\n", "TLE"),
        # Correct output only when the host's listening socket cannot be reached.
        "network.cpp": (
            cpp(
                f"int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in addr{{}}; addr.sin_family = AF_INET; addr.sin_port = htons({port});"
                'inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);'
                'if (s >= 0 && connect(s, (sockaddr*)&addr, sizeof addr) == 0) { puts("HACKED"); return 0; }'
                + PRINT_SUM
            ),
            "AC",
        ),
        "write_outside.cpp": (
            cpp(
                f'const char* paths[] = {{"{marker}", "/etc/pwned", "/usr/pwned", "/box/in/pwned", "/box/bin/pwned"}};'
                'for (auto p : paths) { FILE* f = fopen(p, "w"); if (f) { fputs("pwned", f); fclose(f); } }'
                + PRINT_SUM
            ),
            "AC",
        ),
        "read_answer.cpp": (
            cpp(f'if (FILE* f = fopen("{answer}", "r")) {{ puts("LEAKED"); return 0; }}' + PRINT_SUM),
            "AC",
        ),
        "kill_all.cpp": (cpp("kill(-1, SIGKILL);" + PRINT_SUM), "AC"),
        "kill_parent.cpp": (cpp("kill(getppid(), SIGKILL); kill(1, SIGKILL);" + PRINT_SUM), "AC"),
        "kill_all.py": (
            "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\na, b = map(int, input().split())\nprint(a + b)\n",
            "AC",
        ),
        "deep_recursion.cpp": (
            "#include <bits/stdc++.h>\nint f(int n){ volatile char pad[64]; pad[0]=n; return n ? f(n-1)+pad[0]%2 : 0; }\n"
            "int main(){ long long a,b; std::cin>>a>>b; int r=f(1000000); std::cout<<a+b+(r<0)<<std::endl; }\n",
            "AC",
        ),
        "many_threads.cpp": (
            cpp(
                "std::vector<std::thread> t; for (int i = 0; i < 2000; i++) t.emplace_back([]{ sleep(5); });"
                "for (auto& x : t) x.join();" + PRINT_SUM
            ),
            "RE",
        ),
    }


@pytest.fixture
def listener():
    """A host socket on loopback that records any connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                seen.append(server.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def box_processes(box_uids: set[int]) -> list[psutil.Process]:
    """Processes of this judge's boxes' uids (each judge holds uids of its own: other judges running on
    the host do not count). A non-root judge's boxes run as its own uid: this test process, its
    ancestors and the pool's watchdog (the judge's, ending after the pool) are not box processes."""
    judge_side = {os.getpid(), *(p.pid for p in psutil.Process().parents())}
    out = []
    for p in psutil.process_iter(["uids", "cmdline"]):
        uids = p.info["uids"]
        cmdline = p.info["cmdline"] or []
        if p.pid in judge_side or any("watchdog.py" in c for c in cmdline):
            continue
        if uids and uids.real in box_uids and not any("executor.py" in c for c in cmdline):
            out.append(p)
    return out


def test_hostile_programs(sandbox_name: str, tmp_path: Path, listener) -> None:
    port, connections = listener
    marker_dir = Path(os.environ["IOI_AGENT_CACHE"]).parent / f"ioi-hostile-marker-{os.getpid()}"
    marker_dir.mkdir(exist_ok=True)
    os.chmod(marker_dir, 0o777)  # writable by anyone on the host: only the sandbox may stop the write
    marker = marker_dir / "pwned"
    root = write_kattis_problem(tmp_path / "sum", {"1": ("2 3\n", "5\n"), "2": ("10 20\n", "30\n")})
    problem = load_problem(root)
    answer = problem.tests["secret/group1/1"].answer
    programs = hostile_programs(marker, answer, port)
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    for name, (text, _) in programs.items():
        (src_dir / name).write_text(text)
    names = list(programs)
    with Judge(problem, sandbox=sandbox_name, jobs=2) as judge:
        results = judge.judge_sources([src_dir / n for n in names])
        got = {n: run_verdict(r) for n, r in zip(names, results, strict=True)}
        expected = {n: v for n, (_, v) in programs.items()}
        assert got == expected
        # The judge still works afterwards, in every box.
        again = judge.judge_sources([src_dir / "ok.cpp"])
        assert again[0].verdict == "AC"
        assert all(box.alive() for box in judge.pool.boxes)
        box_uids = {box.uid for box in judge.pool.boxes}
        assert all(uid >= BASE_UID for uid in box_uids) or os.geteuid() != 0
    assert not marker.exists(), "a program wrote outside its box"
    assert not connections, "a program reached a host socket"
    assert box_processes(box_uids) == [], "processes survived their run"
    assert psutil.virtual_memory().available > 2 * 1024**3
