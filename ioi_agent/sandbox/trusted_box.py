"""The box trusted programs run in: checkers, interactors, managers, output validators, graders, and the
host compile of them.

CMS runs its trusted steps in a sandbox of their own with trusted limits; so do we. Each trusted program
gets a one-shot bubblewrap box: new user, pid, ipc, uts, cgroup and network namespaces, the host's /usr
read-only, a private /tmp, and, of the host's files, only the ones the judge names: every absolute path on
its command line and the caller's extra paths read-only, the caller's writable folders and FIFOs
read-write, all at the same paths as on the host (so a checker's messages name the files the judge knows).
A file or folder its uid could not reach (under a private folder, say) is copied in instead, read-only.
Run as root, the box runs as its own uid (`TRUSTED_UID`), never as root on the host, and apart from
every contestant box's uid. A symbolic link a contestant planted where a trusted program writes resolves
inside this box, where it reaches nothing of the host.

Where bubblewrap cannot run (a Docker-only host), trusted programs run unconfined but, as root, under
`TRUSTED_UID`; `trusted_box_line()` says which, for the judge's sandbox line.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ioi_agent.sandbox.base import BASE_UID
from ioi_agent.sandbox.bwrap import system_binds

TRUSTED_UID = BASE_UID - 1  # below every contestant box's uid (BASE_UID + i)
SHARED = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32", "/dev", "/proc")
BOX_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass
class BoxedCommand:
    """What to start: argv, the descriptors it must inherit, and Popen's user settings."""

    argv: list[str]
    pass_fds: list[int] = field(default_factory=list)
    popen: dict = field(default_factory=dict)
    env: dict[str, str] | None = None
    boxed: bool = True  # False: unconfined (no bubblewrap here)

    def close(self) -> None:
        """Close the judge's copies of the descriptors (once the box has started)."""
        for fd in self.pass_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.pass_fds = []


_mode_lock = threading.Lock()
_mode: list[str] = []


def _running_as_root() -> bool:
    return os.geteuid() == 0


def user_kwargs() -> dict:
    """Popen settings that drop a root judge's trusted programs to their own uid."""
    if _running_as_root():
        return {"user": TRUSTED_UID, "group": TRUSTED_UID, "extra_groups": []}
    return {}


def trusted_mode() -> str:
    """'bwrap' (boxed), or 'uid' (unconfined, own uid) / 'none' (unconfined) where no bubblewrap runs."""
    with _mode_lock:
        if not _mode:
            _mode.append(_probe())
        return _mode[0]


def _probe() -> str:
    if os.environ.get("IOI_AGENT_TRUSTED_BOX") == "off":
        return "uid" if _running_as_root() else "none"
    bwrap = shutil.which("bwrap")
    if bwrap:
        try:
            probe = subprocess.run(
                [bwrap, "--unshare-all", *_system_args(), "true"],
                capture_output=True,
                timeout=30,
                **user_kwargs(),
            )
            if probe.returncode == 0:
                return "bwrap"
        except (OSError, subprocess.TimeoutExpired):
            pass
    return "uid" if _running_as_root() else "none"


def trusted_box_line() -> str:
    """How trusted programs are confined here, in a few words (for the judge's sandbox line)."""
    return {
        "bwrap": "trusted programs: own bubblewrap box",
        "uid": f"trusted programs: NOT boxed (no bubblewrap), uid {TRUSTED_UID}",
        "none": "trusted programs: NOT boxed (no bubblewrap)",
    }[trusted_mode()]


def own_for_trusted(path: Path) -> None:
    """Make a folder or FIFO the judge created writable by trusted programs (their uid, as root)."""
    if _running_as_root():
        os.chown(path, TRUSTED_UID, TRUSTED_UID)


def share_with_trusted(path: Path, mode: int) -> None:
    """Let trusted programs open what the judge or a contestant box owns: its group becomes theirs, with
    `mode` (a contestant's FIFO 0660, the judge's private folder 0750); the owner stays, and no contestant
    box's uid is in that group."""
    if _running_as_root():
        os.chown(path, -1, TRUSTED_UID)
    os.chmod(path, mode)


def boxed(
    argv: Sequence[str],
    *,
    read: Iterable[Path | str] = (),
    write: Iterable[Path | str] = (),
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
) -> BoxedCommand:
    """The command starting `argv` in a trusted box (or unconfined where none can be had).

    `read`: files or folders it reads besides the absolute paths on its command line; `write`: folders and
    FIFOs it writes; `cwd`: its working folder (visible read-only unless also in `write`). `env`: the
    variables it gets besides PATH, HOME and LANG (it never inherits the judge's environment)."""
    base_env = {"PATH": BOX_PATH, "HOME": "/tmp", "LANG": "C.UTF-8", **(env or {})}
    if trusted_mode() != "bwrap":
        return BoxedCommand(list(argv), popen={**user_kwargs(), "cwd": cwd}, env=base_env, boxed=False)
    writable = [os.path.abspath(p) for p in write]
    readable = [os.path.abspath(p) for p in read]
    for arg in argv:
        if arg.startswith("/") and os.path.exists(arg):
            # A Python program may import its neighbours: its folder is visible, not only the file.
            readable.append(os.path.dirname(arg) if arg.endswith(".py") else os.path.abspath(arg))
    if cwd is not None:
        readable.append(os.path.abspath(cwd))
    args = [
        shutil.which("bwrap") or "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ]
    for key, value in base_env.items():
        args += ["--setenv", key, value]
    args += _system_args()
    command = BoxedCommand(args, popen=user_kwargs())
    try:
        seen: set[str] = set()
        # Parents before children: a folder bound after a file inside it would hide that file.
        for path, rw in sorted(
            [(p, True) for p in writable] + [(p, False) for p in readable],
            key=lambda item: (item[0].count("/"), not item[1]),
        ):
            # A read path inside one already given is visible through it (a bound or copied folder).
            if path in seen or _shared(path) or (not rw and any(a in seen for a in _ancestors(path))):
                continue
            seen.add(path)
            _bind(command, path, rw)
    except BaseException:
        command.close()
        raise
    command.argv += ["--chdir", os.path.abspath(cwd) if cwd is not None else "/tmp", *argv]
    return command


def _system_args() -> list[str]:
    """The host's system folders read-only (as in a contestant's bubblewrap box), /proc, /dev, a /tmp."""
    return [
        *system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts
    return [os.path.join(*parts[:depth]) for depth in range(1, len(parts))]


def _shared(path: str) -> bool:
    return any(path == top or path.startswith(top + "/") for top in SHARED)


COPY_CAP = 64 << 20  # bytes of a folder its uid cannot search that are copied into the box instead


def _bind(command: BoxedCommand, path: str, writable: bool) -> None:
    if _reachable(path, 0o6 if writable else 0o4):
        command.argv += ["--bind" if writable else "--ro-bind", path, path]
    elif writable:
        raise OSError(f"{path}: a trusted program's writable folder must be reachable by uid {TRUSTED_UID}")
    else:
        # Its uid could not read it through a bind (a file under a private folder, say): copy it in, as
        # read-only files of the box's own.
        _copy_in(command, path)


def _copy_in(command: BoxedCommand, path: str) -> None:
    if not os.path.isdir(path):
        _copy_file(command, path)
        return
    total = 0
    command.argv += ["--perms", "0755", "--dir", path]
    for top, dirs, files in os.walk(path):
        dirs.sort()
        for name in dirs:
            command.argv += ["--perms", "0755", "--dir", os.path.join(top, name)]
        for name in sorted(files):
            full = os.path.join(top, name)
            if os.path.isfile(full) and not os.path.islink(full):
                total += os.path.getsize(full)
                if total > COPY_CAP:
                    raise OSError(f"{path}: too large to copy into a trusted box; make it readable by all")
                _copy_file(command, full)


def _copy_file(command: BoxedCommand, path: str) -> None:
    data = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    command.pass_fds.append(data)
    mode = "0555" if os.fstat(data).st_mode & stat.S_IXUSR else "0444"
    command.argv += ["--perms", mode, "--ro-bind-data", str(data), path]


def _reachable(path: str, need: int) -> bool:
    """Whether the box's uid may reach `path` (search every folder above it) and has `need` on it (bits
    of rwx; a folder also needs x)."""
    if not _running_as_root():
        return True  # the box is the judge's own uid
    if not all(_allowed(os.stat(folder), 0o1) for folder in _ancestors(path)):
        return False
    info = os.stat(path)
    return _allowed(info, need | 0o1 if stat.S_ISDIR(info.st_mode) else need)


def _allowed(info: os.stat_result, need: int) -> bool:
    if info.st_uid == TRUSTED_UID:
        shift = 6
    elif info.st_gid == TRUSTED_UID:
        shift = 3
    else:
        shift = 0
    return (info.st_mode >> shift) & need == need
