"""Removing a tree a program built, through directory fds only: shared by the in-box executor (its sweep
after each request) and the host (a replaced box's old work folder). Standard library only.

A program owns what it creates and may have shaped it to defeat its removal: links to places outside
(never followed: every folder is opened O_NOFOLLOW | O_DIRECTORY relative to its parent's fd, every
entry is removed with unlinkat/rmdir relative to its parent's fd), folders without write, read or search
permission (the walker gives itself access through the fd it opened, or for an unreadable folder through
an O_PATH fd: never through a path a program could swap), trees deeper than any recursion or path length
allows (a folder more than MAX_DEPTH levels down is renamed up into the folder being cleared, so the
walker holds at most MAX_DEPTH fds), and more entries than a sweep should take (`budget`: the walk stops
and says so; the caller then replaces the box instead of sweeping on).
"""

from __future__ import annotations

import errno
import os
import stat

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
PATH_FLAGS = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
MAX_DEPTH = 16
OWNER_ALL = 0o700


class Budget:
    """How many more entries one walk may remove (None: no limit)."""

    def __init__(self, entries: int | None) -> None:
        self.left = entries

    def take(self) -> bool:
        if self.left is None:
            return True
        self.left -= 1
        return self.left >= 0


def open_dir(parent_fd: int, name: str) -> int | None:
    """An fd of the folder `name` in `parent_fd`, opened without following a link; one it may not read
    is first given owner access through an O_PATH fd of that very folder. None when it is not a folder
    (or is gone, or stays closed to us)."""
    try:
        return os.open(name, DIR_FLAGS, dir_fd=parent_fd)
    except PermissionError:
        pass
    except OSError:
        return None
    try:
        path_fd = os.open(name, PATH_FLAGS, dir_fd=parent_fd)
    except OSError:
        return None
    try:
        # /proc/self/fd/N names the folder the O_PATH fd holds, not a path: a program cannot swap it.
        os.chmod(f"/proc/self/fd/{path_fd}", OWNER_ALL)
        return os.open(f"/proc/self/fd/{path_fd}", DIR_FLAGS & ~os.O_NOFOLLOW)
    except OSError:
        return None
    finally:
        os.close(path_fd)


def _writable(fd: int) -> None:
    """Give ourselves write and search on a folder we hold open (a no-op for root, cheap otherwise)."""
    if os.geteuid() == 0:
        return
    try:
        mode = os.fstat(fd).st_mode
        if mode & OWNER_ALL != OWNER_ALL:
            os.fchmod(fd, stat.S_IMODE(mode) | OWNER_ALL)
    except OSError:
        pass


def _unlink(fd: int, name: str) -> bool | None:
    """Remove a non-folder entry; True when gone, False when it stays, None when it is a folder."""
    for attempt in range(2):  # a folder closed to its owner is opened up once, then tried again
        try:
            os.unlink(name, dir_fd=fd)
            return True
        except FileNotFoundError:
            return True
        except IsADirectoryError:
            return None
        except PermissionError:
            if attempt:
                return False
        except OSError as exc:
            return None if exc.errno == errno.EISDIR else False
        _writable(fd)
    return False


def _rmdir(fd: int, name: str) -> bool:
    try:
        os.rmdir(name, dir_fd=fd)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def clear(top_fd: int, budget: Budget | None = None) -> bool:
    """Remove every entry of the folder open as `top_fd`; True when it is empty. Never raises for what
    a program made; stops (False) when `budget` runs out."""
    budget = budget or Budget(None)
    _writable(top_fd)
    try:
        names = os.listdir(top_fd)
    except OSError:
        return False
    # Each level: [fd, names left to remove, its name in the level above].
    stack: list[tuple[int, list[str], str]] = [(top_fd, names, "")]
    clean = True
    serial = 0
    try:
        while stack:
            fd, left, own_name = stack[-1]
            if not left:
                stack.pop()
                if stack:
                    os.close(fd)
                    clean = _rmdir(stack[-1][0], own_name) and clean
                continue
            name = left.pop()
            if not budget.take():
                return False
            gone = _unlink(fd, name)
            if gone is not None:
                clean = gone and clean
                continue
            if _rmdir(fd, name):  # most folders a run leaves are empty
                continue
            child = open_dir(fd, name)
            if child is None:
                clean = False
                continue
            _writable(child)
            if len(stack) >= MAX_DEPTH:
                # Too deep to hold another fd: move the folder up into the top one and remove it there.
                serial += 1
                moved = f".swept-{os.getpid()}-{serial}"
                os.close(child)
                try:
                    os.rename(name, moved, src_dir_fd=fd, dst_dir_fd=top_fd)
                    stack[0][1].append(moved)
                except OSError:
                    clean = False
                continue
            try:
                names = os.listdir(child)
            except OSError:
                os.close(child)
                clean = False
                continue
            stack.append((child, names, name))
    finally:
        for fd, _, _ in stack[1:]:
            os.close(fd)
    return clean


def remove(parent_fd: int, name: str, budget: Budget | None = None) -> bool:
    """Remove the entry `name` of the folder open as `parent_fd`, whatever it is; True when gone."""
    gone = _unlink(parent_fd, name)
    if gone is not None:
        return gone
    if _rmdir(parent_fd, name):
        return True
    child = open_dir(parent_fd, name)
    if child is None:
        return False
    try:
        emptied = clear(child, budget)
    finally:
        os.close(child)
    return emptied and _rmdir(parent_fd, name)


def remove_path(path: str, budget: Budget | None = None) -> bool:
    """`remove` for an absolute path whose parent folders are trusted (not the program's)."""
    parent, name = os.path.split(os.path.normpath(path))
    try:
        fd = os.open(parent or "/", DIR_FLAGS & ~os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        return remove(fd, name, budget)
    finally:
        os.close(fd)
