"""The hostile-program suites again, with the judge itself run as a non-root user (uid 65534, `nobody`),
on bubblewrap and Docker.

A non-root judge is another judge: boxes share the judge's uid (no uid of their own per box), no tmpfs
can be mounted for the disk quota (the executor counts after the run), there are no cgroups (memory is
RLIMIT_AS), and the box owns the top of its work folder. The suites below are run by a nested pytest under
that user, so every hostile program of them is judged by a non-root judge and must end the same way.

The user reaches the interpreter and this checkout even where they sit under a private folder (`/root` is
mode 0700 on the CI machine): the nested run starts in a mount namespace of its own where each such folder
is a 0755 tmpfs holding bind mounts of only what the run needs, so nothing on the host changes. The Docker
socket is reached through the `docker` group, given to the process only (setpriv), not written anywhere.
"""

from __future__ import annotations

import grp
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
# Each hostile class once more, with the parts that hold without root (the root-only ones skip there).
SUITES = [
    "tests/sandbox/test_hostile.py",
    "tests/sandbox/test_hostile_paths.py",
    "tests/sandbox/test_hostile_state.py::test_work_folders_shaped_against_the_sweep",
    "tests/sandbox/test_hostile_state.py::test_something_else_where_the_output_was",
    "tests/sandbox/test_hostile_state.py::test_state_that_is_not_a_file_does_not_survive",
    "tests/sandbox/test_hostile_state.py::test_a_work_folder_top_the_box_owns_is_swept",
    "tests/sandbox/test_hostile_kernel.py::test_kernel_surfaces_are_closed",
    "tests/sandbox/test_hostile_kernel.py::test_box_environment_is_fixed",
    "tests/sandbox/test_hostile_kernel.py::test_program_store_shows_no_other_program",
    "tests/sandbox/test_hostile_kernel.py::test_disk_and_inode_quota",
]
RUN_TIMEOUT_S = 1800
MIN_PASSED = 20  # both sandboxes of every suite above: far more when all ran


def _closed_ancestor(path: Path) -> Path | None:
    """The highest folder above `path` that others cannot enter (no o+x), if any."""
    for folder in reversed(path.parents):
        if folder != Path("/") and not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _reach_script(paths: list[Path], stash: Path) -> str:
    """Shell lines (run as root in a private mount namespace) making each of `paths` reachable by
    others: its closed ancestor becomes a 0755 tmpfs into which the path alone is bound back."""
    lines = ["set -e"]
    for i, path in enumerate(paths):
        top = _closed_ancestor(path)
        if top is None:
            continue
        keep = stash / str(i)
        lines += [f"mkdir -p {keep}", f"mount --bind {shlex.quote(str(path))} {keep}"]
        lines += [f"mountpoint -q {shlex.quote(str(top))} || mount -t tmpfs -o mode=0755 tmpfs {top}"]
        lines += [f"mkdir -p {shlex.quote(str(path))}", f"mount --bind {keep} {shlex.quote(str(path))}"]
    return "\n".join(lines)


@pytest.mark.skipif(os.geteuid() != 0, reason="the judge already runs as a non-root user here")
def test_hostile_suites_hold_with_a_non_root_judge() -> None:
    for tool in ("unshare", "setpriv", "mount"):
        assert shutil.which(tool), f"{tool} (util-linux) is needed to run the judge as another user"
    home = Path(tempfile.mkdtemp(prefix="ioi-agent-nobody-"))
    os.chown(home, NOBODY, NOBODY)
    os.chmod(home, 0o700)
    stash = Path(tempfile.mkdtemp(prefix="ioi-agent-reach-"))
    try:
        prefix = Path(sys.base_prefix).resolve()
        script = _reach_script([prefix, Path(sys.prefix).resolve(), REPO], stash)
        groups = []
        try:
            groups.append(str(grp.getgrnam("docker").gr_gid))
        except KeyError:
            pass  # no docker group: the nested run's Docker tests say why they cannot run
        user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--inh-caps=-all"]
        user += [f"--groups={','.join(groups)}"] if groups else ["--clear-groups"]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "TMPDIR": str(home),
            "LANG": "C.UTF-8",
            "CI": os.environ.get("CI", ""),
            "PYTHONPATH": str(REPO),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        pytest_argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", *SUITES]
        command = (
            f"{script}\nexec {shlex.join(user)} env -i {shlex.join(f'{k}={v}' for k, v in env.items())} "
        )
        command += shlex.join(pytest_argv)
        done = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", command],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(stash, ignore_errors=True)
    tail = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, tail
    summary = re.search(r"(\d+) passed", done.stdout)
    assert summary and int(summary.group(1)) >= MIN_PASSED, tail
