"""Hostile programs against what a box shares with the kernel and the judge: kernel surfaces (the syscall
filter of launch.c), the environment, the program store, the disk. Judged for real in each sandbox; each
ends in the right verdict, the host is unharmed, and an honest program judged after them gets AC.

Most hostile programs here print the right answer only when every attempt failed the way the sandbox
makes it fail, and "HACKED ..." otherwise: AC means the surface is closed, WA names what was open."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import uuid
from pathlib import Path

import psutil
import pytest

from ioi_agent.judge.runner import Judge
from ioi_agent.packages import load_problem
from ioi_agent.sandbox import Box, quota
from tests.conftest import write_kattis_problem
from tests.sandbox.test_hostile import PRINT_SUM, SUM_OK, box_processes

HEADERS = (
    "#include <bits/stdc++.h>\n#include <unistd.h>\n#include <sched.h>\n#include <signal.h>\n"
    "#include <sys/syscall.h>\n#include <sys/wait.h>\n#include <sys/mount.h>\n#include <sys/ptrace.h>\n"
    "#include <fcntl.h>\n#include <dirent.h>\n#include <thread>\n"
)
# fail(call, errno): the call must return -1 with that errno, else the program reports it and stops.
CHECK = (
    "static void fail(long r, int want, const char* what) {\n"
    '  if (r != -1 || errno != want) { printf("HACKED %s r=%ld errno=%d\\n", what, r, errno); exit(0); }\n'
    "}\n"
)


def cpp(body: str) -> str:
    return HEADERS + CHECK + "int main(){\n" + body + "\n" + PRINT_SUM + "\n}\n"


def py(body: str) -> str:
    return (
        "import ctypes, errno, os, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def fail(r, want, what):\n"
        "    if r != -1 or ctypes.get_errno() != want:\n"
        "        print('HACKED', what, r, ctypes.get_errno()); sys.exit(0)\n"
        + body
        + "\na, b = map(int, input().split())\nprint(a + b)\n"
    )


# Syscall numbers (x86_64, the arch the filter is tested on) for the Python programs.
KERNEL_PROGRAMS: dict[str, str] = {
    # Nested user namespaces: unshare, clone and clone3 (which the filter cannot read: ENOSYS, glibc's
    # cue to fall back to clone), and the other namespace kinds.
    "userns_unshare.cpp": cpp('fail(unshare(CLONE_NEWUSER), EPERM, "unshare(NEWUSER)");'),
    "userns_clone.cpp": cpp(
        "long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);"
        "if (pid == 0) _exit(0);"
        'fail(pid, EPERM, "clone(NEWUSER)");'
    ),
    "userns_clone3.cpp": cpp(
        "struct { unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, size, tls; } ca{};"
        "ca.flags = CLONE_NEWUSER; ca.exit_signal = SIGCHLD;"
        "long pid = syscall(__NR_clone3, &ca, sizeof ca); if (pid == 0) _exit(0);"
        'fail(pid, ENOSYS, "clone3");'
    ),
    "other_namespaces.cpp": cpp(
        'fail(unshare(CLONE_NEWNS), EPERM, "unshare(NEWNS)");'
        'fail(unshare(CLONE_NEWNET | CLONE_NEWPID), EPERM, "unshare(NEWNET)");'
        'fail(unshare(CLONE_NEWUSER | CLONE_NEWNS), EPERM, "unshare(NEWUSER|NEWNS)");'
        'fail(setns(0, 0), EPERM, "setns");'
    ),
    "userns.py": py(
        "fail(libc.unshare(0x10000000), errno.EPERM, 'unshare(NEWUSER)')\n"
        "fail(libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0), errno.EPERM, 'clone(NEWUSER)')\n"
    ),
    # io_uring: as on a kernel without it.
    "io_uring.cpp": cpp(
        "char params[120] = {};"
        'fail(syscall(__NR_io_uring_setup, 8, params), ENOSYS, "io_uring_setup");'
        'fail(syscall(__NR_io_uring_enter, 0, 1, 0, 0, 0, 0), ENOSYS, "io_uring_enter");'
        'fail(syscall(__NR_io_uring_register, 0, 0, 0, 0), ENOSYS, "io_uring_register");'
    ),
    "io_uring.py": py(
        "fail(libc.syscall(425, 8, ctypes.create_string_buffer(120)), errno.ENOSYS, 'setup')\n"
    ),
    # userfaultfd (user-mode-only faults need no privilege), the keyrings, perf events.
    "userfaultfd.cpp": cpp(
        'fail(syscall(SYS_userfaultfd, O_CLOEXEC | 1), EPERM, "userfaultfd(USER_MODE_ONLY)");'
        'fail(syscall(SYS_userfaultfd, O_CLOEXEC), EPERM, "userfaultfd");'
        'fail(open("/dev/userfaultfd", O_RDWR), ENOENT, "/dev/userfaultfd");'
    ),
    "keyrings.cpp": cpp(
        'fail(syscall(SYS_keyctl, 0, -3, 0), EPERM, "keyctl(GET_KEYRING_ID)");'
        'fail(syscall(SYS_add_key, "user", "k", "v", 1, -3), EPERM, "add_key");'
        'fail(syscall(SYS_request_key, "user", "k", 0, 0), EPERM, "request_key");'
    ),
    "keyrings.py": py(
        "fail(libc.syscall(250, 0, -3, 0), errno.EPERM, 'keyctl')\n"
        "fail(libc.syscall(248, b'user', b'k', b'v', 1, -3), errno.EPERM, 'add_key')\n"
    ),
    "perf_event.cpp": cpp(
        "unsigned attr[32] = {}; attr[0] = 1; attr[1] = 112; attr[2] = 0;"  # software, cpu-clock
        "((unsigned long long*)attr)[5] = 1ull << 5 | 1ull << 6;"  # exclude_kernel, exclude_hv
        'fail(syscall(SYS_perf_event_open, attr, 0, -1, -1, 0), EPERM, "perf_event_open");'
    ),
    # Kept closed: ptrace (of itself and of a child), bpf, mount, kexec, module loading.
    "ptrace.cpp": cpp(
        'fail(ptrace(PTRACE_TRACEME, 0, 0, 0), EPERM, "PTRACE_TRACEME");'
        "pid_t c = fork(); if (c == 0) { pause(); _exit(0); }"
        "long r = ptrace(PTRACE_ATTACH, c, 0, 0); kill(c, SIGKILL); waitpid(c, 0, 0);"
        'fail(r, EPERM, "PTRACE_ATTACH child");'
        'fail(syscall(SYS_process_vm_readv, 1, 0, 0, 0, 0, 0), EPERM, "process_vm_readv");'
    ),
    "bpf_mount.cpp": cpp(
        "char attr[128] = {};"
        'fail(syscall(SYS_bpf, 0, attr, sizeof attr), EPERM, "bpf");'
        'fail(mount("none", "/tmp", "tmpfs", 0, 0), EPERM, "mount");'
        'fail(umount2("/box/in", MNT_DETACH), EPERM, "umount2");'
        'fail(syscall(SYS_fsopen, "tmpfs", 0), EPERM, "fsopen");'
        'fail(chroot("/tmp"), EPERM, "chroot");'
    ),
    "kexec_modules.cpp": cpp(
        'fail(syscall(SYS_kexec_load, 0, 0, 0, 0), EPERM, "kexec_load");'
        'fail(syscall(SYS_kexec_file_load, -1, -1, 0, "", 0), EPERM, "kexec_file_load");'
        'fail(syscall(SYS_init_module, "", 0, ""), EPERM, "init_module");'
        'fail(syscall(SYS_finit_module, 0, "", 0), EPERM, "finit_module");'
        'fail(syscall(SYS_delete_module, "ext4", 0), EPERM, "delete_module");'
    ),
    # Honest runtimes still work under the filter: threads (pthread_create tries clone3, then clone),
    # fork, Python's threads and subprocesses.
    "threads.cpp": (
        HEADERS + "int main(){ long long a,b; std::cin>>a>>b; std::atomic<long long> s{0};"
        "std::vector<std::thread> t; for (int i = 0; i < 4; i++) t.emplace_back([&]{ s += 1; });"
        "for (auto& x : t) x.join(); pid_t c = fork(); if (c == 0) _exit(7); int st; waitpid(c, &st, 0);"
        "if (s != 4 || WEXITSTATUS(st) != 7) return 1; std::cout << a + b << std::endl; }\n"
    ),
    "threads.py": (
        "import subprocess, threading\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "with ThreadPoolExecutor(4) as pool:\n    assert sum(pool.map(lambda x: x, range(100))) == 4950\n"
        "assert subprocess.run(['/bin/true']).returncode == 0\n"
        "a, b = map(int, input().split())\nprint(a + b)\n"
    ),
}


@pytest.fixture
def sum_problem(tmp_path: Path):
    root = write_kattis_problem(tmp_path / "sum", {"1": ("2 3\n", "5\n"), "2": ("10 20\n", "30\n")})
    return load_problem(root)


def judge_all(judge: Judge, folder: Path, programs: dict[str, str]) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    for name, text in programs.items():
        (folder / name).write_text(text)
    results = judge.judge_sources([folder / n for n in programs])
    return {n: r.verdict.value for n, r in zip(programs, results, strict=True)}


def test_kernel_surfaces_are_closed(sandbox_name: str, sum_problem, tmp_path: Path) -> None:
    if os.uname().machine != "x86_64":
        pytest.skip("the syscall numbers of these programs are x86_64's")
    with Judge(sum_problem, sandbox=sandbox_name, jobs=2) as judge:
        got = judge_all(judge, tmp_path / "src", {"ok.cpp": SUM_OK, **KERNEL_PROGRAMS})
        assert got == {name: "AC" for name in got}
        assert judge.judge_sources([tmp_path / "src" / "ok.cpp"])[0].verdict == "AC"
        assert all(box.alive() for box in judge.pool.boxes)
        uids = {box.uid for box in judge.pool.boxes}
    assert box_processes(uids) == []


def test_box_environment_is_fixed(
    sandbox_name: str, sum_problem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = uuid.uuid4().hex
    monkeypatch.setenv("IOI_AGENT_TEST_SECRET", secret)
    # PWD: bubblewrap sets it (/box/work); PYPY_GC_MAX: the run command of PyPy (languages.py) sets it.
    allowed = "PATH HOME LANG TMPDIR PWD PYPY_GC_MAX"
    # Every environment a program can read: its own, PID 1's (the executor's), every process's.
    scan_cpp = cpp(
        'std::set<std::string> ok; std::istringstream w("'
        + allowed
        + '"); for (std::string s; w >> s;) ok.insert(s);'
        'for (char** e = environ; *e; e++) { std::string v(*e); if (!ok.count(v.substr(0, v.find("=")))) '
        '{ printf("HACKED own %s\\n", *e); return 0; } }'
        'DIR* d = opendir("/proc"); while (dirent* p = readdir(d)) {'
        ' std::ifstream f(std::string("/proc/") + p->d_name + "/environ"); std::stringstream ss; ss << f.rdbuf();'
        " std::string t = ss.str(); for (auto& c : t) if (!c) c = '\\n'; std::istringstream lines(t);"
        ' for (std::string v; std::getline(lines, v);) if (!v.empty() && !ok.count(v.substr(0, v.find("="))))'
        ' { printf("HACKED %s %s\\n", p->d_name, v.c_str()); return 0; } }'
    )
    scan_py = (
        "import os\nok = set('" + allowed + "'.split())\nbad = set(os.environ) - ok\n"
        "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    try:\n        data = open(f'/proc/{pid}/environ', 'rb').read()\n    except OSError:\n        continue\n"
        "    bad |= {v.split(b'=')[0].decode() for v in data.split(b'\\0') if v} - ok\n"
        f"if bad or '{secret}' in open('/proc/1/cmdline').read():\n    print('HACKED', sorted(bad))\n"
        "else:\n    a, b = map(int, input().split())\n    print(a + b)\n"
    )
    with Judge(sum_problem, sandbox=sandbox_name, jobs=1) as judge:
        got = judge_all(judge, tmp_path / "src", {"scan_env.cpp": scan_cpp, "scan_env.py": scan_py})
        assert got == {"scan_env.cpp": "AC", "scan_env.py": "AC"}
        if os.geteuid() == 0:  # the executor's own environment, seen from the host (it is not dumpable)
            environ = Path(f"/proc/{_box_init(judge.pool.boxes[0])}/environ").read_bytes()
            names = {v.split(b"=")[0].decode() for v in environ.split(b"\0") if v}
            assert names <= set(allowed.split()) and secret.encode() not in environ


def _box_init(box: Box) -> int:
    """The box's PID 1 (the executor), as a host pid."""
    if box.backend == "docker":
        pid = subprocess.run(
            ["docker", "inspect", "-f", "{{.State.Pid}}", box.name],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(pid.stdout)
    assert box.proc is not None
    for child in psutil.Process(box.proc.pid).children(recursive=True):
        if any("executor.py" in part for part in child.cmdline()):
            return child.pid
    raise AssertionError("no executor under bwrap")


def test_program_store_shows_no_other_program(sandbox_name: str, sum_problem, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "victim.cpp").write_text(SUM_OK + "// victim\n")
    (src / "victim.py").write_text("a, b = map(int, input().split())\nprint(a + b)  # victim\n")
    with Judge(sum_problem, sandbox=sandbox_name, jobs=1) as judge:
        victims = [judge.compile(src / "victim.cpp"), judge.compile(src / "victim.py")]
        store = judge.pool.mounts.binaries
        assert stat.S_IMODE(store.stat().st_mode) == 0o311
        # What a thief could know of a victim: its cache key (a hash of a source it might guess).
        guesses = [f"/box/bin/{v.key}/{name}" for v in victims for name in ("prog", "victim.py", "main.py")]
        thief_cpp = cpp(
            'if (DIR* d = opendir("/box/bin")) { int n = 0; while (readdir(d)) n++; printf("HACKED list %d\\n", n); return 0; }'
            + "".join(f'if (access("{g}", F_OK) == 0) {{ puts("HACKED {g}"); return 0; }}' for g in guesses)
        )
        thief_py = (
            "import glob, os, sys\n"
            "try:\n    print('HACKED', os.listdir('/box/bin')); sys.exit(0)\nexcept PermissionError:\n    pass\n"
            f"if glob.glob('/box/bin/*') or any(os.path.exists(g) for g in {guesses!r}):\n"
            "    print('HACKED guess'); sys.exit(0)\n"
            "a, b = map(int, input().split())\nprint(a + b)\n"
        )
        got = judge_all(judge, src, {"thief.cpp": thief_cpp, "thief.py": thief_py, "victim.cpp": SUM_OK})
        assert got == {"thief.cpp": "AC", "thief.py": "AC", "victim.cpp": "AC"}
        # Each program lives under its keyed name, which its own run is given.
        for v in victims:
            name = judge.pool.program_name(v.key)
            assert name != v.key and re.fullmatch(r"[0-9a-f]{40}", name)
            assert any(f"/box/bin/{name}/" in a for a in v.argv)


DISK_PROGRAMS = {
    # 1 GiB in 1 MiB files, under the per-file limit (RLIMIT_FSIZE: the problem's 8 MiB output limit):
    # in the work folder, in /tmp (the run's working folder is there), in /dev/shm.
    "fill_work.cpp": cpp(
        "std::vector<char> buf(1 << 20, 'x'); for (int i = 0; i < 1024; i++) {"
        ' FILE* f = fopen(("/box/work/tmp/f" + std::to_string(i)).c_str(), "a"); if (!f) break;'
        " size_t n = fwrite(buf.data(), 1, buf.size(), f); fclose(f); if (n != buf.size()) break; }"
    ),
    "fill_tmp.cpp": cpp(
        "std::vector<char> buf(1 << 20, 'x'); for (int i = 0; i < 1024; i++) {"
        ' FILE* f = fopen(("/tmp/f" + std::to_string(i)).c_str(), "a"); if (!f) break;'
        " size_t n = fwrite(buf.data(), 1, buf.size(), f); if (fclose(f) != 0 || n != buf.size()) break; }"
    ),
    "fill_shm.py": (
        "import os\nblock = b'x' * (1 << 20)\n"
        "try:\n    for i in range(1024):\n        with open(f'/dev/shm/f{i}', 'ab') as f:\n"
        "            f.write(block)\nexcept OSError:\n    pass\n"
        "a, b = map(int, input().split())\nprint(a + b)\n"
    ),
    # Inodes: a million empty files in the work folder, a million folders in /tmp.
    "inode_bomb.cpp": cpp(
        'for (int i = 0; i < 1000000; i++) { int fd = open(("/box/work/out/n" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0644);'
        " if (fd < 0) break; close(fd); }"
    ),
    "folder_bomb.py": (
        "import os\ntry:\n    for i in range(1000000):\n        os.mkdir(f'/tmp/d{i}')\nexcept OSError:\n    pass\n"
        "a, b = map(int, input().split())\nprint(a + b)\n"
    ),
}


@pytest.mark.parametrize("mounts", ["mounted", "not-root-fallback"])
def test_disk_and_inode_quota(
    sandbox_name: str, mounts: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mounts != "mounted":  # as a judge that may not mount: the executor's check after each run
        monkeypatch.setattr(quota, "can_mount", lambda: False)
    # A memory limit above the quota: files in a tmpfs are memory, and the quota must be what stops them.
    root = write_kattis_problem(tmp_path / "sum", {"1": ("2 3\n", "5\n")})
    (root / "problem.yaml").write_text(
        "name: Tiny\ntype: scoring\nlimits:\n  time_limit: 4.0\n  memory: 1536\n"
    )
    problem = load_problem(root)
    with Judge(problem, sandbox=sandbox_name, jobs=2) as judge:
        got = judge_all(judge, tmp_path / "src", {**DISK_PROGRAMS, "ok.cpp": SUM_OK})
        assert got == {**{name: "OLE" for name in DISK_PROGRAMS}, "ok.cpp": "AC"}
        assert judge.judge_sources([tmp_path / "src" / "ok.cpp"])[0].verdict == "AC"
        assert all(box.alive() for box in judge.pool.boxes)
        if quota.can_mount():  # the work folders are capped file systems of their own
            for box in judge.pool.boxes:
                assert os.path.ismount(box.work)
                st = os.statvfs(box.work)
                assert st.f_blocks * st.f_frsize == quota.WORK_MB << 20
                assert st.f_files == quota.WORK_INODES
        works = [box.work for box in judge.pool.boxes]
    assert not any(os.path.ismount(w) for w in works), "a quota mount outlived its box"


def test_quota_constants_agree_with_the_executor() -> None:
    text = (Path(__file__).resolve().parents[2] / "sandbox" / "executor.py").read_text()
    assert f"WORK_MB, WORK_INODES = {quota.WORK_MB}, {quota.WORK_INODES}\n" in text
    assert f"SCRATCH_MB, SCRATCH_INODES = {quota.SCRATCH_MB}, {quota.SCRATCH_INODES}\n" in text


@pytest.mark.skipif(not quota.can_mount(), reason="only root mounts the quota file systems")
def test_mounts_left_by_a_killed_judge_can_be_detached(tmp_path: Path) -> None:
    session = tmp_path / "ioi-agent-boxes-x"
    works = [session / "box0", session / "box0.scratch", session / "box 1"]
    for work in works:
        assert quota.mount_tmpfs(work, 1, 64, os.getuid())
        (work / "left").write_text("x")
    outside = tmp_path / "other"
    assert quota.mount_tmpfs(outside, 1, 64, os.getuid())
    quota.unmount_all_under(session)
    assert not any(os.path.ismount(w) for w in works) and os.path.ismount(outside)
    quota.unmount(outside)
    assert not os.path.ismount(outside)
