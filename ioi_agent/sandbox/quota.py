"""Disk and inode quotas of a box: what a run can write is capped, so the host's disk never fills.

Run by root, the judge mounts a size- and inode-capped tmpfs on the host at each box's work folder before
the box starts (and, for bubblewrap, a second one that becomes the box's /tmp and /dev/shm), and
unmounts it when the box closes: a program that fills it gets ENOSPC, and the executor, which sees the
file system full after the run, reports the run as over its output limit (OLE). Docker's /tmp and
/dev/shm are its own tmpfs mounts with the same caps. A restarted box gets fresh, empty mounts.

Not root (or where mounting is refused, as in an unprivileged container), nothing can be mounted on the
host: each file is capped by RLIMIT_FSIZE, /tmp and /dev/shm are size-capped tmpfs inside the box, and
after each run the executor counts the work folder's bytes and entries: over WORK_MB or WORK_INODES, the
run is OLE (and the sweep removes it all). While it runs, such a program can still write up to
RLIMIT_FSIZE per file onto the host's disk: the cap there holds after the run, not during it.

Files in a tmpfs are memory: what a run writes there is charged to its memory cgroup, as writes to /tmp
always were.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

# Keep in step with sandbox/executor.py (WORK_MB, WORK_INODES), which checks them after each run where
# no mount holds them (the test of this module compares the two).
WORK_MB = 512  # the work folder: compile output (a binary may be large), program outputs, FIFOs
WORK_INODES = 16384
SCRATCH_MB = 64  # /tmp and /dev/shm, each (bubblewrap: one mount holding both; Docker: one each)
SCRATCH_INODES = 4096
MNT_DETACH = 2

_libc = ctypes.CDLL(None, use_errno=True)


def can_mount() -> bool:
    return os.geteuid() == 0


def mount_tmpfs(path: Path, size_mb: int, inodes: int, uid: int) -> bool:
    """Mount a fresh tmpfs of `size_mb` MiB and `inodes` entries at `path` (a folder the host made),
    owned by `uid`; False where this process may not mount (the caller then falls back)."""
    if not can_mount():
        return False
    unmount(path)  # a box restarted: its old mount (and all in it) goes, the new one starts empty
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size_mb}m,nr_inodes={inodes},mode=0755,uid={uid},gid={uid}".encode()
    # MS_NOSUID | MS_NODEV; not MS_NOEXEC: compiles in the box build their programs in the work folder.
    flags = 0x2 | 0x4
    return _libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", flags, options) == 0


def unmount(path: Path) -> None:
    """Detach the tmpfs at `path`, if one is mounted there (its files go with it)."""
    if os.path.ismount(path):
        _libc.umount2(os.fsencode(path), MNT_DETACH)


def unmount_all_under(folder: Path) -> None:
    """Detach every mount at or below `folder` (a session folder whose boxes were not closed: a judge
    killed outright leaves their tmpfs mounted, and a folder holding a mount cannot be removed)."""
    if not can_mount():
        return
    top = os.fsencode(os.path.realpath(folder))
    try:
        with open("/proc/self/mountinfo", "rb") as f:
            points = [line.split()[4].decode("unicode_escape").encode("latin-1") for line in f]
    except OSError:
        return
    for point in sorted(points, key=len, reverse=True):  # the deepest first
        if point == top or point.startswith(top + b"/"):
            _libc.umount2(point, MNT_DETACH)


def scratch_folder(work: Path) -> Path:
    """The host folder of a bubblewrap box's /tmp and /dev/shm (beside its work folder, never inside:
    the executor's sweep of the work folder must not see them)."""
    return work.with_name(work.name + ".scratch")


class QuotaBox:
    """Mixed into a Box: its work folder (and, if `scratch`, its /tmp and /dev/shm) on capped tmpfs."""

    scratch = False
    work: Path
    uid: int
    quota_mounted = False

    def _prepare_work(self, path: Path) -> None:
        # The tmpfs's top is the judge's (as the work folder's is: the box cannot write there); its
        # sub-folders, made next by workdir.fresh, are the box's.
        self.quota_mounted = mount_tmpfs(path, WORK_MB, WORK_INODES, os.geteuid())
        if self.quota_mounted and self.scratch:
            folder = scratch_folder(path)
            if mount_tmpfs(folder, 2 * SCRATCH_MB, SCRATCH_INODES, self.uid):
                for sub in ("tmp", "shm"):
                    (folder / sub).mkdir(exist_ok=True)
                    os.chown(folder / sub, self.uid, self.uid)
            else:
                unmount(path)
                self.quota_mounted = False

    def close(self) -> None:
        super().close()  # type: ignore[misc]
        if self.quota_mounted:
            unmount(self.work)
            unmount(scratch_folder(self.work))
            self.quota_mounted = False
            try:  # the empty mount point: the session keeps only live boxes' folders
                os.rmdir(scratch_folder(self.work))
            except OSError:
                pass
