"""Sandboxes: pick a backend, keep one warm box per worker, stage inputs for the boxes."""

from __future__ import annotations

import hashlib
import hmac
import os
import queue
import secrets
import shutil
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ioi_agent.errors import SandboxError
from ioi_agent.files import try_lock
from ioi_agent.sandbox import cgroups, quota
from ioi_agent.sandbox.base import BOX_IN, Backend, Box, Mounts, ProcResult, ProcSpec, executor_dir
from ioi_agent.sandbox.bwrap import BwrapBackend
from ioi_agent.sandbox.docker import DockerBackend, name_prefix
from ioi_agent.sandbox.hostfs import remove_tree
from ioi_agent.sandbox.trusted_box import share_with_trusted, trusted_box_line
from ioi_agent.sandbox.watchdog import Watchdog

__all__ = ["Box", "ProcResult", "ProcSpec", "SandboxPool", "Watch", "cache_root", "choose_backend"]

BACKENDS: dict[str, type[Backend]] = {"docker": DockerBackend, "bwrap": BwrapBackend}


def cache_root() -> Path:
    """Where binaries, staged inputs and the result store live ($IOI_AGENT_CACHE overrides).

    Run as root, boxes run under their own uids and must reach these folders, so the default is outside
    root's private home."""
    default = Path("/var/cache/ioi-agent") if os.geteuid() == 0 else Path.home() / ".cache" / "ioi-agent"
    root = Path(os.environ.get("IOI_AGENT_CACHE") or default)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    return root


def stage_executor(cache: Path) -> Path:
    """The executor and its static spawn server in the cache, readable by every box uid (site-packages
    may not be). The server (launch.c) is built with the host's gcc; static, it runs in any box. Without
    gcc or the C source, the executor starts programs from Python instead (slower, same limits)."""
    source = executor_dir()
    texts = {
        name: (source / name).read_bytes()
        for name in ("executor.py", "boxtree.py", "launch.c")
        if (source / name).is_file()
    }
    folder = cache / "executor" / hashlib.sha256(b"".join(texts.values())).hexdigest()[:16]
    if not (folder / "executor.py").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        gcc = shutil.which("gcc")
        if gcc and "launch.c" in texts:
            part = folder / f"launch.{os.getpid()}"
            built = subprocess.run(
                [gcc, "-O2", "-static", "-o", str(part), str(source / "launch.c")], capture_output=True
            )
            if built.returncode == 0:
                os.chmod(part, 0o755)
                os.replace(part, folder / "launch")
        for name in ("boxtree.py", "executor.py"):  # executor.py last: its presence means staged
            tmp = folder / f"{name}.{os.getpid()}"
            tmp.write_bytes(texts[name])
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / name)
    for p in (folder.parent, folder):
        os.chmod(p, 0o755)
    return folder


def choose_backend(name: str = "auto") -> tuple[Backend, str]:
    """The backend to use and a sentence saying why and how memory is measured (a cgroup per run, or
    rlimits per process where no cgroup can be had); `auto` prefers Docker, then bubblewrap."""
    backend, message = _choose(name)
    return backend, f"{message}; {cgroups.describe()}; {trusted_box_line()}"


def _choose(name: str) -> tuple[Backend, str]:
    if name != "auto":
        if name not in BACKENDS:
            raise SandboxError(f"unknown sandbox {name!r}: use auto, docker or bwrap")
        backend = BACKENDS[name]()
        reason = backend.available()
        if reason:
            raise SandboxError(f"sandbox {name} is not usable: {reason}")
        return backend, f"sandbox: {name}"
    reasons = []
    for candidate in ("docker", "bwrap"):
        backend = BACKENDS[candidate]()
        reason = backend.available()
        if reason is None:
            tail = f" ({'; '.join(reasons)})" if reasons else ""
            return backend, f"sandbox: auto chose {candidate}{tail}"
        reasons.append(f"{candidate}: {reason}")
    raise SandboxError("no sandbox is usable here: " + "; ".join(reasons))


CLOSE_WAIT_S = 5.0  # how long closing waits for a worker to let go of a box it was running (aborted)
STAGING = ("contestant", "grader")  # trust levels with a staging folder of their own
UIDS_PER_POOL = 256  # box uids BASE_UID + k × 256 + i, i < 256, for the pool holding range k
UID_RANGES = 128


def _uid_lock_dir() -> Path:
    for folder in (Path("/run/ioi-agent/uid-ranges"), Path(tempfile.gettempdir()) / "ioi-agent-uid-ranges"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        except OSError:
            continue
    raise SandboxError("no folder for the box uid locks (fix: make /run or the temporary folder writable)")


def _claim_uid_range(size: int) -> tuple[int, int | None]:
    """The first box index of a uid range no other judge on this host holds, and the lock holding it
    (released with the pool, or with the process however it ends). Not root: every box runs as the
    judge's own uid, and there is nothing to claim."""
    if os.geteuid() != 0:
        return 0, None
    if size > UIDS_PER_POOL:
        raise SandboxError(f"{size} boxes in one pool; at most {UIDS_PER_POOL} (fix: use fewer --jobs)")
    folder = _uid_lock_dir()
    for k in range(UID_RANGES):
        fd = os.open(folder / f"range{k}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        if try_lock(fd):
            return k * UIDS_PER_POOL, fd
        os.close(fd)
    raise SandboxError(
        f"all {UID_RANGES} box uid ranges are held by other judges on this host (fix: wait for one to end)"
    )


class Watch:
    """What `SandboxPool.watch` saw: whether a box this thread borrowed failed while lent."""

    failed = False


class SandboxPool:
    """`size` warm boxes of one backend; a worker borrows one box per run.

    Whatever the pool made (boxes, containers, cgroups, the session folder) goes with `close`, within
    seconds even while boxes run programs (an interrupted judge: `abort` first); should the judge die
    without closing it (SIGKILL), its watchdog (watchdog.py) removes them."""

    def __init__(
        self,
        backend: Backend,
        size: int,
        memory_cap_mb: int = 4096,
        cache: Path | None = None,
        staging: str = "contestant",
    ):
        self.backend = backend
        self.size = size
        cache = cache or cache_root()
        # Inputs: not listable (mode 0311) and named by a keyed hash of their content, so a program can
        # open only the input it was given: it can neither list the others nor test a guess of one. One
        # staging folder per trust level: the official grader's hidden tests never sit where the boxes of
        # a policy-side judge (generated tests, the execution matrix) look.
        if staging not in STAGING:
            raise ValueError(f"staging must be one of {STAGING}")
        inputs = cache / ("inputs-keyed" if staging == "contestant" else f"inputs-keyed-{staging}")
        # Compiled programs: not listable either, each under a keyed name (program_name), so a program
        # can neither list the session's other programs nor test a guess of one (another submission's
        # binary or source would be its answer).
        binaries = cache / "bin"
        for folder, mode in ((inputs, 0o311), (binaries, 0o311)):
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, mode)
        self._input_key = _input_key(cache)
        self.mounts = Mounts(inputs=inputs, binaries=binaries, executor=stage_executor(cache))
        self.session = Path(tempfile.mkdtemp(prefix="ioi-agent-boxes-"))
        self._closed = False
        self._lent: set[int] = set()  # indices of the boxes a worker holds
        self._lent_lock = threading.Lock()
        self._watching = threading.local()  # .current: the Watch of this thread, while one is open
        self._watchdog = Watchdog()
        self._watchdog.tell("dir", self.session)
        if backend.name == "docker":
            self._watchdog.tell("containers", name_prefix())
        os.chmod(self.session, 0o755)
        # The judge's own files (outputs copied out of boxes, trusted programs' folders): no box sees it.
        self.private = self.session / "host"
        self.private.mkdir(mode=0o700)
        share_with_trusted(self.private, 0o750)  # trusted boxes may enter it, no contestant box
        # Box uids of their own: two judges on one host (a contest's grader and its policy side, two
        # sessions) would otherwise share uids, and with them one RLIMIT_NPROC count and each other's
        # processes in the leftover check.
        first, self._uid_lock = _claim_uid_range(size)
        self.boxes = [
            backend.make_box(first + i, self.mounts, self.session / f"box{i}", memory_cap_mb)
            for i in range(size)
        ]
        self.groups: cgroups.PoolGroups | None = None
        hierarchy, why = cgroups.detect()
        self.memory_mode = cgroups.describe()
        if hierarchy is not None:
            try:
                self.groups = cgroups.PoolGroups(hierarchy)
                for folder in {self.groups.memory, self.groups.cpu}:
                    self._watchdog.tell("cgroup", folder)
            except OSError as exc:
                self.memory_mode = f"memory: rlimits (no cgroup: {exc})"
        if self.groups is not None:
            for box in self.boxes:
                box.groups = self.groups.box(box.index)
        self._free: queue.Queue[Box] = queue.Queue()
        self._staged: dict[tuple[str, float, int], str] = {}
        try:
            for box in self.boxes:
                box.start()
                self._free.put(box)
        except BaseException:  # ^C while the boxes start included: none may be left running
            self.close()
            raise

    @contextmanager
    def box(self) -> Iterator[Box]:
        """Lend a box, live and clean: one that must be replaced (its executor exited, or could not
        sweep) is restarted with a new work folder first, before the caller places anything in it."""
        box = self._free.get()
        with self._lent_lock:
            self._lent.add(box.index)
        watch: Watch | None = getattr(self._watching, "current", None)
        failures = box.failures
        try:
            box.ready()
            yield box
        except SandboxError:
            if watch is not None:
                watch.failed = True
            raise
        finally:
            if watch is not None and box.failures != failures:  # its other threads' runs included
                watch.failed = True
            with self._lent_lock:
                self._lent.discard(box.index)
            self._free.put(box)

    def program_name(self, key: str) -> str:
        """The folder name of the compiled program with cache key `key` in the binaries folder: a keyed
        hash, as for inputs, so only the host can tell which name holds which program."""
        return hmac.new(self._input_key, b"program|" + key.encode(), hashlib.sha256).hexdigest()[:40]

    @contextmanager
    def watch(self) -> Iterator[Watch]:
        """Within: `failed` turns true when a box this thread borrows fails while lent (it died and was
        restarted, its sweep failed, it stopped answering, it raised): what was measured across that is
        not to be stored (judge/transient.py)."""
        outer = getattr(self._watching, "current", None)
        self._watching.current = watch = Watch()
        try:
            yield watch
        finally:
            self._watching.current = outer
            if outer is not None and watch.failed:
                outer.failed = True

    def stage_input(self, path: Path) -> str:
        """Copy a test input into the read-only inputs folder, named by a keyed hash of its content;
        returns its box path. A run given that path sees that input and no other."""
        st = path.stat()
        memo_key = (str(path), st.st_mtime, st.st_size)
        hit = self._staged.get(memo_key)
        if hit:
            return hit
        name = hmac.new(self._input_key, file_digest(path).encode(), hashlib.sha256).hexdigest()[:40]
        target = self.mounts.inputs / f"{name}.in"
        if not target.exists():
            tmp = target.with_suffix(f".tmp{uuid.uuid4().hex}")
            shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        box_path = f"{BOX_IN}/{target.name}"
        self._staged[memo_key] = box_path
        return box_path

    def abort(self) -> None:
        """Stop every box a worker is running now (the judge was interrupted: the tests in flight would
        hold it up to their wall clock) and retire them all: no box of this pool starts again, and every
        worker waiting on one gets an error at once. The pool is then only good for `close`."""
        with self._lent_lock:
            lent = set(self._lent)
        for box in self.boxes:
            box.retired = True
            if box.index in lent:
                box.abort()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.abort()
        # All at once: an idle executor exits at the end of its input, a container needs `docker rm`
        # (a fraction of a second each), an aborted box waits for its worker to let go of it.
        try:
            with ThreadPoolExecutor(max(1, len(self.boxes))) as threads:
                list(threads.map(self._close_box, self.boxes))
        except RuntimeError:  # closed at interpreter shutdown (no new threads then): one by one
            for box in self.boxes:
                self._close_box(box)
        if self.groups is not None:
            self.groups.close()
        # Everything under it was made by boxes or for them: removed by fd walks that follow nothing (a
        # quota mount a box's close could not detach first).
        quota.unmount_all_under(self.session)
        remove_tree(self.session)
        if self._uid_lock is not None:  # the boxes are gone: their uids are free for another judge
            os.close(self._uid_lock)
            self._uid_lock = None
        self._watchdog.done()

    @staticmethod
    def _close_box(box: Box) -> None:
        held = box._lock.acquire(timeout=CLOSE_WAIT_S)  # a worker unwinding from `abort` closes it first
        try:
            box.close()
            if box.groups is not None:
                box.groups.close()
        finally:
            if held:
                box._lock.release()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_digests: dict[tuple[str, float, int], str] = {}


def _input_key(cache: Path) -> bytes:
    """The secret that names staged inputs: kept in the cache, readable by the judge's user only."""
    path = cache / "inputs.key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    tmp = path.with_name(f"inputs.key.{uuid.uuid4().hex}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))
    try:
        os.link(tmp, path)  # the first writer wins; every pool then uses its key
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes()


def file_digest(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_mtime, st.st_size)
    if key not in _digests:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _digests[key] = h.hexdigest()[:32]
    return _digests[key]
