"""What a program leaves behind, judged for real in each sandbox (issue 20, items 1, 2 and 5).

- Work folders shaped against their sweep (links to a host folder, folders closed to their owner, trees
  deeper than a path, more entries than a sweep takes, a locked top): the host follows none of it (the
  host folder's owner, mode and files stay as they were), a box that cannot be swept is replaced by a
  fresh one with a new work folder (the old one removed), and the call goes on.
- A folder, FIFO or socket where an output file was: a verdict for that run (WA), not an exception.
- State that is not a file (SysV shared memory, semaphores, message queues, POSIX message queues, files
  at the top of /box/work, in /tmp or /dev/shm): gone before the next run, which a probe checks; leaked
  shared memory no longer counts against the next run's memory.
After each, an honest program is judged right.
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages import load_problem
from ioi_agent.sandbox import cgroups
from tests.conftest import write_kattis_problem

PRELUDE = (
    "#include <bits/stdc++.h>\n#include <unistd.h>\n#include <fcntl.h>\n#include <sys/stat.h>\n"
    "#include <sys/ipc.h>\n#include <sys/shm.h>\n#include <sys/sem.h>\n#include <sys/msg.h>\n"
    "#include <mqueue.h>\n#include <sys/socket.h>\n#include <sys/un.h>\n"
)
SUM = "long long a,b; std::cin>>a>>b; std::cout<<a+b<<std::endl;"
HONEST = PRELUDE + "int main(){" + SUM + "}\n"
MY_OUT = 'std::string me = [](int fd){ char b[4096]; ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), b, sizeof b - 1); return std::string(b, n > 0 ? n : 0); }'


def program(body: str, helpers: str = "") -> str:
    return PRELUDE + helpers + "int main(){\n" + body + "\n}\n"


def work_attacks(bait: Path) -> dict[str, str]:
    """Programs that shape their work folder against the sweep; each prints the right answer."""
    plant = (
        "static void plant(const std::string& dir){"
        f' symlink("{bait}", (dir + "/link").c_str());'
        f' symlink("{bait}/file", (dir + "/file_link").c_str());'
        ' std::string closed = dir + "/closed"; mkdir(closed.c_str(), 0755);'
        f' symlink("{bait}", (closed + "/inner_link").c_str());'
        ' FILE* f = fopen((closed + "/f").c_str(), "w"); if (f) fclose(f);'
        " chmod(closed.c_str(), 0); }\n"
    )
    return {
        # Links to the host folder and closed folders in every box folder, then the folders and the top
        # locked; a file at the top of /box/work (which must not be writable, or must be swept).
        "locked_links.cpp": program(
            'for (auto d : {"/box/work/out", "/box/work/tmp", "/box/work/run", "/tmp", "/dev/shm"}) plant(d);'
            'FILE* f = fopen("/box/work/leak", "w"); if (f) fclose(f);'
            f'symlink("{bait}", "/box/work/top_link");'
            'for (auto d : {"/box/work/out", "/box/work/tmp", "/box/work/run", "/box/work"}) chmod(d, 0555);'
            + SUM,
            plant,
        ),
        # More entries than a sweep takes (SWEEP_BUDGET 10 000, fewer than the work folder's inode quota
        # of 16 384; the work folder is a tmpfs as root: quick to make), links and a closed folder in
        # its work folder: the box is replaced, its old folder removed.
        "many_entries.cpp": program(
            'plant("/box/work/tmp"); mkdir("/box/work/tmp/many", 0755);'
            'for (int i = 0; i < 12000; i++) close(open(("/box/work/tmp/many/" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0600));'
            'chmod("/box/work/tmp/many", 0555); chmod("/box/work/tmp", 0555);' + SUM,
            plant,
        ),
        # A chain of folders far deeper than a recursion or a path allows, each closed to its owner on
        # the way back, a link to the host folder at the bottom.
        "deep_tree.cpp": program(
            'int fd = open("/box/work/run", O_RDONLY | O_DIRECTORY); std::vector<int> fds;'
            'for (int i = 0; i < 1500 && fd >= 0; i++) { mkdirat(fd, "dddddddddddddddd", 0755);'
            ' int next = openat(fd, "dddddddddddddddd", O_RDONLY | O_DIRECTORY); fds.push_back(fd); fd = next; }'
            f'if (fd >= 0) symlinkat("{bait}", fd, "link");'
            "for (int i = (int)fds.size() - 1; i >= 0; i--) { fchmod(fds[i], i % 2 ? 0 : 0500); close(fds[i]); }"
            + SUM
        ),
        # A sticky, closed folder in /tmp holding a FIFO, a socket and a link: nothing to block the sweep.
        "sticky_tmp.cpp": program(
            'mkdir("/tmp/s", 0755); mkfifo("/tmp/s/fifo", 0600); plant("/tmp/s");'
            "int s = socket(AF_UNIX, SOCK_STREAM, 0); sockaddr_un addr{}; addr.sun_family = AF_UNIX;"
            'strcpy(addr.sun_path, "/tmp/s/sock"); bind(s, (sockaddr*)&addr, sizeof addr);'
            'chmod("/tmp/s", 01000); chmod("/tmp", 01555);' + SUM,
            plant,
        ),
    }


def output_attacks(bait: Path) -> dict[str, tuple[str, str]]:
    """Programs that put something else where their stdout (or stderr) file was: name -> (source,
    verdict)."""
    return {
        "stdout_dir.cpp": (program(MY_OUT + "(1); unlink(me.c_str()); mkdir(me.c_str(), 0755);"), "WA"),
        "stdout_full_dir.cpp": (
            program(
                MY_OUT + "(1); unlink(me.c_str()); mkdir(me.c_str(), 0755);"
                'mkdir((me + "/sub").c_str(), 0755);'
                f'symlink("{bait}", (me + "/sub/link").c_str()); chmod((me + "/sub").c_str(), 0);'
                "chmod(me.c_str(), 0500);"
            ),
            "WA",
        ),
        "stdout_fifo.cpp": (program(MY_OUT + "(1); unlink(me.c_str()); mkfifo(me.c_str(), 0666);"), "WA"),
        "stdout_socket.cpp": (
            program(
                MY_OUT + "(1); unlink(me.c_str()); int s = socket(AF_UNIX, SOCK_STREAM, 0);"
                "sockaddr_un addr{}; addr.sun_family = AF_UNIX; strncpy(addr.sun_path, me.c_str(), sizeof addr.sun_path - 1);"
                "bind(s, (sockaddr*)&addr, sizeof addr);"
            ),
            "WA",
        ),
        "stderr_dir.cpp": (
            program(
                MY_OUT
                + '(2); unlink(me.c_str()); mkdir(me.c_str(), 0755); mkdir((me + "/x").c_str(), 0);'
                + SUM
            ),
            "AC",
        ),
    }


SHM_KEY, SEM_KEY, MSG_KEY = 0x10AD1, 0x10AD2, 0x10AD3
LEAKERS = {
    "sysv.cpp": program(
        f"int id = shmget({SHM_KEY}, 1 << 20, IPC_CREAT | 0600); if (id >= 0) {{ char* p = (char*)shmat(id, 0, 0);"
        " if (p != (char*)-1) memset(p, 7, 1 << 20); }"
        f"semget({SEM_KEY}, 4, IPC_CREAT | 0);"
        f'int q = msgget({MSG_KEY}, IPC_CREAT | 0600); struct {{ long t; char m[64]; }} msg{{1, "left for the next run"}};'
        "msgsnd(q, &msg, sizeof msg.m, IPC_NOWAIT);"
        "shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0);" + SUM
    ),
    "posix.cpp": program(
        'mq_open("/leakq", O_CREAT | O_RDWR, 0600, nullptr);'
        'for (auto p : {"/dev/shm/leak", "/tmp/leak", "/box/work/leak", "/box/work/out/leak", "/box/work/tmp/leak", "/box/work/run/leak"})'
        ' { FILE* f = fopen(p, "w"); if (f) { fputs("x", f); fclose(f); } }' + SUM
    ),
    "sysv.py": (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"libc.shmget({SHM_KEY}, 1 << 16, 0o1600)\n"
        f"libc.msgget({MSG_KEY}, 0o1600)\n"
        f"libc.semget({SEM_KEY}, 1, 0o1600)\n"
        "libc.mq_open(b'/leakq', os.O_CREAT | os.O_RDWR, 0o600, None)\n"
        "open('/dev/shm/leak', 'w').write('x')\n"
        "a, b = map(int, input().split())\n"
        "print(a + b)\n"
    ),
}
# Prints the right answer only when nothing of an earlier run is in view.
PROBE = program(
    "std::vector<std::string> seen;"
    f'if (shmget({SHM_KEY}, 0, 0) >= 0) seen.push_back("shm");'
    f'if (semget({SEM_KEY}, 0, 0) >= 0) seen.push_back("sem");'
    f'if (msgget({MSG_KEY}, 0) >= 0) seen.push_back("msg");'
    'if (mq_open("/leakq", O_RDONLY) >= 0) seen.push_back("mqueue");'
    'for (auto k : {"shm", "sem", "msg"}) { std::ifstream f(std::string("/proc/sysvipc/") + k); std::string l;'
    ' int n = 0; while (std::getline(f, l)) n++; if (n > 1) seen.push_back(std::string("sysvipc/") + k); }'
    'for (auto p : {"/dev/shm/leak", "/tmp/leak", "/box/work/leak", "/box/work/out/leak", "/box/work/tmp/leak", "/box/work/run/leak", "/box/work/top_link"})'
    " if (access(p, F_OK) == 0) seen.push_back(p);"
    'if (!seen.empty()) { for (auto& s : seen) std::cout << "LEFT " << s << "\\n"; return 0; }' + SUM
)


@pytest.fixture
def problem(tmp_path: Path):
    return load_problem(
        write_kattis_problem(tmp_path / "sum", {"1": ("1 2\n", "3\n"), "2": ("5 5\n", "10\n")})
    )


@pytest.fixture
def bait(tmp_path: Path) -> Path:
    """A host folder no box may touch: programs plant links to it."""
    folder = tmp_path / "bait"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)
    (folder / "file").write_text("host data\n")
    os.chmod(folder / "file", 0o640)
    return folder


def snapshot(folder: Path) -> list[tuple[str, int, int, int, bytes]]:
    out = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        st = os.lstat(path)
        data = path.read_bytes() if stat.S_ISREG(st.st_mode) else b""
        out.append((str(path), st.st_uid, st.st_gid, st.st_mode, data))
    return out


def write(folder: Path, name: str, text: str) -> Path:
    """The source under its name; each call a program of its own (a unique comment), so no result of
    an earlier judgement is taken from the store: every judgement here is a real run."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    comment = "#" if name.endswith(".py") else "//"
    path.write_text(f"{text}\n{comment} {uuid.uuid4().hex}\n")
    return path


def judge_one_by_one(judge: Judge, sources: list[Path]) -> list[tuple[str, str]]:
    """Each source judged alone, in order (one box: each runs right after the one before)."""
    out = []
    for source in sources:
        write(source.parent, source.name, source.read_text())  # a new program: never a stored result
        (result,) = judge.judge_sources([source])
        tests = [t for s in result.subtasks for t in s.tests]
        assert not any(t.cached for t in tests)
        out.append((result.verdict.value, " ".join(t.message for t in tests) or result.compile.message))
    return out


def box_folders(judge: Judge) -> list[str]:
    """The session's work folders (a bubblewrap box's quota scratch mount, `<work>.scratch`, is not one)."""
    return sorted(
        p.name
        for p in judge.pool.session.iterdir()
        if p.name.startswith("box") and not p.name.endswith(".scratch")
    )


def test_work_folders_shaped_against_the_sweep(
    problem, tmp_path: Path, bait: Path, sandbox_name: str
) -> None:
    before = snapshot(bait)
    attacks = work_attacks(bait)
    honest = write(tmp_path / "src", "honest.cpp", HONEST)
    # Time enough to make many files on a loaded machine; each program is judged by its output.
    problem.limits.time_s = 10.0
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        for name, text in attacks.items():
            first_work = judge.pool.boxes[0].work
            source = write(tmp_path / "src", name, text)
            probe = write(tmp_path / "src", "probe.cpp", PROBE)
            got = judge_one_by_one(judge, [source, probe, honest])
            assert [v for v, _ in got] == ["AC", "AC", "AC"], (name, got)
            box = judge.pool.boxes[0]
            assert box.alive()
            if name == "many_entries.cpp":  # not swept: replaced, and its old folder is gone
                assert box.work != first_work and not first_work.exists()
            assert len(box_folders(judge)) == 1, box_folders(judge)
            assert snapshot(bait) == before, f"{name}: the host followed a link into the bait folder"
        session = judge.pool.session
    assert not session.exists()
    assert snapshot(bait) == before


def test_something_else_where_the_output_was(problem, tmp_path: Path, bait: Path, sandbox_name: str) -> None:
    before = snapshot(bait)
    honest = write(tmp_path / "src", "honest.cpp", HONEST)
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        for name, (text, verdict) in output_attacks(bait).items():
            source = write(tmp_path / "src", name, text)
            got = judge_one_by_one(judge, [source, honest])
            assert [v for v, _ in got] == [verdict, "AC"], (name, got)
            assert "root" not in got[0][1] and "host data" not in got[0][1]
        assert all(box.alive() for box in judge.pool.boxes)
    assert snapshot(bait) == before


@pytest.mark.parametrize("leaker", list(LEAKERS), ids=list(LEAKERS))
def test_state_that_is_not_a_file_does_not_survive(
    problem, tmp_path: Path, sandbox_name: str, leaker: str
) -> None:
    source = write(tmp_path / "src", leaker, LEAKERS[leaker])
    probe = write(tmp_path / "src", "probe.cpp", PROBE)
    honest = write(tmp_path / "src", "honest.cpp", HONEST)
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        got = judge_one_by_one(judge, [source, probe, honest])
    assert got[1] == ("AC", got[1][1]), f"the next run saw what {leaker} left: {got}"
    assert [v for v, _ in got] == ["AC", "AC", "AC"], got


SHM_LEAK_MB, HONEST_MB = 200, 150
SHM_LEAKER = program(
    f"size_t n = (size_t){SHM_LEAK_MB} << 20; int id = shmget(IPC_PRIVATE, n, IPC_CREAT | 0600);"
    "if (id >= 0) { char* p = (char*)shmat(id, 0, 0); if (p != (char*)-1) { memset(p, 1, n); shmdt(p); } }"
    + SUM
)
HONEST_MEMORY = program(
    f"size_t n = (size_t){HONEST_MB} << 20; std::vector<char> v(n); for (size_t i = 0; i < n; i += 4096) v[i] = (char)i;"
    "long long a, b; std::cin >> a >> b; std::cout << a + b + (v[4096 * 3] == 7) << std::endl;"
)


@pytest.mark.skipif(cgroups.detect()[0] is None, reason="memory is per process (rlimits) without cgroups")
def test_leaked_shared_memory_is_not_charged_to_the_next_run(
    problem, tmp_path: Path, sandbox_name: str
) -> None:
    """Old: a leaked 200 MiB segment stayed charged to the run slot's memory cgroup, so an honest
    150 MiB program judged next (limit 256 MiB) got MLE. Now it gets AC with the memory it gets on a
    fresh judge."""
    leaker = write(tmp_path / "src", "shm_leak.cpp", SHM_LEAKER)
    honest = write(tmp_path / "src", "honest_memory.cpp", HONEST_MEMORY)
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "fresh.sqlite")) as judge:
        (fresh,) = judge.judge_sources([honest])
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "after.sqlite")) as judge:
        (leaked,) = judge.judge_sources([leaker])
        (after,) = judge.judge_sources([honest])
    assert (fresh.verdict, leaked.verdict, after.verdict) == ("AC", "AC", "AC"), (fresh, leaked, after)
    assert fresh.max_memory_mb >= HONEST_MB
    # The same program, the same peak give or take the noise of a run (page cache, allocator), far
    # below the leaked segment's size.
    assert abs(after.max_memory_mb - fresh.max_memory_mb) < 16, (fresh.max_memory_mb, after.max_memory_mb)


def hostile_tree(root: Path, bait: Path) -> None:
    """What a program could leave in a work folder, made here directly: links to the bait folder at
    every level, folders closed to their owner, a FIFO and a socket, a chain deeper than PATH_MAX."""
    import socket

    root.mkdir()
    (root / "link").symlink_to(bait)
    (root / "file_link").symlink_to(bait / "file")
    os.mkfifo(root / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock"))
    sock.close()
    closed = root / "closed"
    closed.mkdir()
    (closed / "inner").symlink_to(bait)
    (closed / "f").write_text("x")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    fds = []
    for _ in range(600):  # 600 × 17 bytes: far past PATH_MAX
        os.mkdir("d" * 16, dir_fd=fd)
        fds.append(fd)
        fd = os.open("d" * 16, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.symlink(bait, "link", dir_fd=fd)
    os.close(fd)
    for i, level in enumerate(reversed(fds)):
        os.fchmod(level, 0o500 if i % 2 else 0)
        os.close(level)
    os.chmod(closed, 0)


def test_host_side_removal_and_reads_follow_nothing(tmp_path: Path, bait: Path) -> None:
    """The host's own fd walks (hostfs), on a tree shaped as a program would shape it: nothing outside
    is touched, everything inside goes, and only regular files are ever opened."""
    from ioi_agent.sandbox import hostfs

    before = snapshot(bait)
    work = tmp_path / "work"
    work.mkdir()
    hostile_tree(work / "out", bait)
    (work / "out" / "dir_output").mkdir()
    (work / "out" / "real").write_text("output\n")
    for name in ("link", "file_link", "fifo", "sock", "closed", "dir_output", "d" * 16):
        assert hostfs.open_below(work, f"out/{name}") is None, name
        assert hostfs.open_below(work, f"out/{name}/inner") is None, name
    fd = hostfs.open_below(work, "out/real")
    assert fd is not None and os.read(fd, 100) == b"output\n"
    os.close(fd)
    assert hostfs.remove_below(work, "out/link") and hostfs.remove_below(work, "out/closed")
    assert hostfs.remove_tree(work)
    assert not work.exists()
    assert snapshot(bait) == before


def file_io_attacks(bait: Path) -> dict[str, str]:
    """CMS file I/O: programs that leave something else than a file named output.txt (all WA)."""
    read = 'long x = 0; if (FILE* i = fopen("input.txt", "r")) { if (fscanf(i, "%ld", &x) != 1) x = 0; }'
    return {
        "output_dir.cpp": program(read + 'mkdir("output.txt", 0755); mkdir("output.txt/sub", 0);'),
        "output_fifo.cpp": program(read + 'mkfifo("output.txt", 0666);'),
        "output_link.cpp": program(read + f'symlink("{bait}/file", "output.txt");'),
        # Its working folder swapped for a link to the bait folder, which holds no output.txt.
        "cwd_swapped.cpp": program(
            read + 'FILE* o = fopen("output.txt", "w"); fprintf(o, "%ld\\n", 2 * x); fclose(o);'
            "char cwd[4096]; if (!getcwd(cwd, sizeof cwd)) return 0; std::string me(cwd);"
            f'rename(me.c_str(), (me + ".old").c_str()); symlink("{bait}", me.c_str());'
        ),
    }


def test_file_io_output_that_is_not_a_file(tmp_path: Path, bait: Path, sandbox_name: str) -> None:
    from tests.judge.test_cms_tasktypes import DOUBLES, FILE_IO, FILE_IO_GOOD, cms_package

    (bait / "output.txt").write_text("42\n")  # test 1-01's answer, where a followed link would find it
    before = snapshot(bait)
    problem = load_problem(cms_package(tmp_path / "doubles", "Batch", FILE_IO, DOUBLES))
    honest = write(tmp_path / "src", "good.cpp", FILE_IO_GOOD)
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        for name, text in file_io_attacks(bait).items():
            (result,) = judge.judge_sources([write(tmp_path / "src", name, text)])
            tests = {t.test: t.verdict for s in result.subtasks for t in s.tests}
            assert set(tests.values()) == {"WA"}, (name, tests)  # 1-01 too: nothing read through a link
            assert judge_one_by_one(judge, [honest])[0][0] == "AC", name
        assert all(box.alive() for box in judge.pool.boxes)
    assert snapshot(bait) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="a non-root judge's box owns its top already: the test above")
def test_a_work_folder_top_the_box_owns_is_swept(
    problem, tmp_path: Path, bait: Path, sandbox_name: str
) -> None:
    """As a non-root judge the box runs as the judge's own uid, which owns the top of the work folder:
    a program can write there and lock it (mode 0555). Made so here (as root, by giving the box's uid
    the top): the executor unlocks it and removes what the program put there before the next run."""
    before = snapshot(bait)
    problem.limits.time_s = 10.0
    attack = write(tmp_path / "src", "locked_links.cpp", work_attacks(bait)["locked_links.cpp"])
    with Judge(problem, sandbox=sandbox_name, jobs=1, store=ResultStore(tmp_path / "r.sqlite")) as judge:
        box = judge.pool.boxes[0]
        work = box.work
        os.chown(work, box.uid, box.uid)  # what a non-root judge's work folder is anyway
        (compiled,) = judge.judge_sources([attack])  # compiled and run in this box, this work folder
        assert compiled.verdict == "AC" and box.alive() and box.work == work  # swept, not replaced
        assert not (box.work / "leak").exists() and not (box.work / "top_link").is_symlink()
        assert stat.S_IMODE(os.stat(box.work).st_mode) == 0o755
        probe, honest = write(tmp_path / "src", "probe.cpp", PROBE), write(tmp_path / "src", "h.cpp", HONEST)
        got = judge_one_by_one(judge, [probe, honest])
        assert [v for v, _ in got] == ["AC", "AC"], got
    assert snapshot(bait) == before
