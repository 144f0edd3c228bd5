"""Memory and CPU per run, as IOI measures them: one control group per run slot of a box.

The host (root, or a user with a delegated cgroup) creates the groups and opens their control files; the
open files, not the folders, go into the box (over the executor's Unix socket, SCM_RIGHTS). No box sees
the cgroup file system: a program, which runs as the same uid as the executor, can neither raise its own
limit nor leave its group. The spawn server's child writes "0" to its slot's `cgroup.procs` before exec
(the kernel checks the opener's credentials, so this also works across a container's cgroup namespace);
the executor sets the limit, reads the peak, the CPU time summed over every process of the run (children
not waited for included) and the OOM kills, then resets the slot. isolate does the same with one group per
sandbox (cg.c: memory.max, memory.swap.max 0, memory.peak, memory.events oom_kill, cpu.stat usage_usec).

  v1: memory/<own group>/ioi-agent-<pool>/box<i>.run<j> and the same under cpuacct: memory.limit_in_bytes
      (+ memory.memsw.limit_in_bytes: no swap), memory.max_usage_in_bytes (reset by writing 0),
      memory.oom_control's oom_kill, cpuacct.usage; memory.force_empty drops a finished run's page cache.
  v2: one tree with the memory controller enabled: memory.max, memory.swap.max 0, memory.peak (reset per
      open file since Linux 6.12; before that the host gives the slot a fresh group before each run),
      memory.events oom_kill, cpu.stat usage_usec.
Without any usable group (no permission, no memory controller, $IOI_AGENT_CGROUP=off), runs fall back to
per-process rlimits (RLIMIT_AS, ru_maxrss), and the judge's sandbox line says why.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ioi_agent.sandbox.watchdog import remove_cgroup

ENV = "IOI_AGENT_CGROUP"  # "off": rlimits only; a folder: the cgroup (v2) to create the pools under


@dataclass(frozen=True)
class Hierarchy:
    """Where a pool's groups go: v2 one folder; v1 one folder per controller (memory, cpuacct)."""

    version: int
    memory: Path
    cpu: Path  # v2: the same folder as memory


def _mounts() -> list[tuple[str, Path, set[str]]]:
    out = []
    try:
        with open("/proc/self/mounts") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and parts[2] in ("cgroup", "cgroup2"):
                    out.append((parts[2], Path(parts[1].replace("\\040", " ")), set(parts[3].split(","))))
    except OSError:
        pass
    return out


def _own(controller: str) -> str:
    """This process's group in a v1 hierarchy ("memory") or in v2 ("")."""
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, names, path = line.rstrip("\n").split(":", 2)
                if (controller and controller in names.split(",")) or (not controller and names == ""):
                    return path
    except (OSError, ValueError):
        pass
    return "/"


def _under(mount: Path, group: str) -> Path:
    folder = mount / group.lstrip("/")
    return folder if folder.is_dir() else mount


def _v2_parent(mount: Path) -> tuple[Path | None, str]:
    """A v2 folder whose children may use the memory controller (no processes in it, or the root)."""
    configured = os.environ.get(ENV, "")
    candidates = [Path(configured)] if configured else []
    # The top of the tree first (as Docker's cgroupfs driver does); else beside this process's own group
    # (a group holding processes cannot give its children controllers).
    candidates.append(mount / "ioi-agent")
    own = _under(mount, _own(""))
    if own != mount:
        candidates.append(own.parent / "ioi-agent")
    why = "no folder of the cgroup v2 tree is writable"
    for folder in candidates:
        try:
            folder.mkdir(exist_ok=True)
            if "memory" not in (folder / "cgroup.controllers").read_text().split():
                why = f"the memory controller is not enabled above {folder}"
                continue
            _enable(folder)
            return folder, ""
        except OSError as exc:
            why = f"cannot use {folder}: {exc.strerror or exc}"
    return None, why


def _enable(folder: Path) -> None:
    if "memory" not in (folder / "cgroup.subtree_control").read_text().split():
        (folder / "cgroup.subtree_control").write_text("+memory")


def probe() -> tuple[Hierarchy | None, str]:
    """The hierarchy runs will use, or None and why not."""
    if os.environ.get(ENV, "").lower() in ("off", "0", "no", "none"):
        return None, f"${ENV}=off"
    mounts = _mounts()
    v1_memory = next((m for kind, m, opts in mounts if kind == "cgroup" and "memory" in opts), None)
    v1_cpu = next((m for kind, m, opts in mounts if kind == "cgroup" and "cpuacct" in opts), None)
    v2 = next((m for kind, m, _ in mounts if kind == "cgroup2"), None)
    v2_memory = False
    if v2 is not None:
        try:
            v2_memory = "memory" in (v2 / "cgroup.controllers").read_text().split()
        except OSError:
            pass
    if v2 is not None and v2_memory:
        parent, why = _v2_parent(v2)
        if parent is None:
            return None, why
        return Hierarchy(2, parent, parent), ""
    if v1_memory is not None and v1_cpu is not None:
        memory = _under(v1_memory, _own("memory"))
        cpu = _under(v1_cpu, _own("cpuacct"))
        for folder in (memory, cpu):
            if not os.access(folder, os.W_OK):
                return None, f"{folder} is not writable (run as root)"
        return Hierarchy(1, memory, cpu), ""
    if v1_memory is not None:
        return None, "cgroup v1 without the cpuacct controller"
    return None, "no memory cgroup controller on this machine"


_probed: tuple[Hierarchy | None, str] | None = None


def detect() -> tuple[Hierarchy | None, str]:
    """probe(), once per process; and the sandbox line's words for it."""
    global _probed
    if _probed is None:
        _probed = probe()
    return _probed


def describe() -> str:
    hierarchy, why = detect()
    if hierarchy is None:
        return f"memory: rlimits (no cgroup: {why})"
    return f"memory: cgroup v{hierarchy.version} per run"


class PoolGroups:
    """The groups of one pool: a folder per controller, one group per run slot of each box."""

    def __init__(self, hierarchy: Hierarchy):
        self.h = hierarchy
        name = f"ioi-agent-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.memory = hierarchy.memory / name
        self.cpu = hierarchy.cpu / name
        self.memory.mkdir()
        if self.cpu != self.memory:
            self.cpu.mkdir()
        if hierarchy.version == 2:
            _enable(self.memory)

    def box(self, index: int) -> BoxGroups:
        return BoxGroups(self, index)

    def close(self) -> None:
        for folder in {self.memory, self.cpu}:
            remove_cgroup(folder)


@dataclass
class Slot:
    memory: Path
    cpu: Path
    fds: dict[str, int] = field(default_factory=dict)
    used: bool = False


class BoxGroups:
    """A box's run slots: slot j holds the processes of the j-th proc of a request."""

    def __init__(self, pool: PoolGroups, index: int):
        self.pool = pool
        self.index = index
        self.slots: list[Slot] = []
        self.fresh_each_run = False  # v2 before Linux 6.12: memory.peak cannot be reset

    @property
    def version(self) -> int:
        return self.pool.h.version

    def ensure(self, count: int) -> bool:
        """At least `count` slots, and fresh ones where a used slot cannot be reset; True if any changed
        (the box must then be sent the new set)."""
        changed = False
        for j, slot in enumerate(self.slots):
            if slot.used and self.fresh_each_run:
                self._drop(slot)
                self.slots[j] = self._create(j)
                changed = True
        while len(self.slots) < count:
            self.slots.append(self._create(len(self.slots)))
            changed = True
        return changed

    def mark_used(self, count: int) -> None:
        for slot in self.slots[:count]:
            slot.used = True

    def _create(self, j: int) -> Slot:
        name = f"box{self.index}.run{j}"
        slot = Slot(self.pool.memory / name, self.pool.cpu / name)
        for folder in {slot.memory, slot.cpu}:
            if folder.exists():
                remove_cgroup(folder)
            folder.mkdir()
        try:
            self._open(slot)
        except OSError:
            self._drop(slot)
            raise
        return slot

    def _open(self, slot: Slot) -> None:
        m, c, fds = slot.memory, slot.cpu, slot.fds

        def add(key: str, path: Path, flags: int, optional: bool = False) -> None:
            try:
                fds[key] = os.open(path, flags | os.O_CLOEXEC)
            except OSError:
                if not optional:
                    raise

        if self.version == 1:
            add("procs", m / "cgroup.procs", os.O_WRONLY)
            add("procs_cpu", c / "cgroup.procs", os.O_WRONLY)
            add("max", m / "memory.limit_in_bytes", os.O_WRONLY)
            add("memsw", m / "memory.memsw.limit_in_bytes", os.O_WRONLY, optional=True)
            add("peak", m / "memory.max_usage_in_bytes", os.O_RDWR)
            add("oom", m / "memory.oom_control", os.O_RDONLY)
            add("failcnt", m / "memory.failcnt", os.O_RDWR)
            add("current", m / "memory.usage_in_bytes", os.O_RDONLY)
            add("empty", m / "memory.force_empty", os.O_WRONLY, optional=True)
            add("cpu", c / "cpuacct.usage", os.O_RDWR)
        else:
            add("procs", m / "cgroup.procs", os.O_WRONLY)
            add("max", m / "memory.max", os.O_WRONLY)
            add("current", m / "memory.current", os.O_RDONLY)
            add("oom", m / "memory.events", os.O_RDONLY)
            add("cpu", m / "cpu.stat", os.O_RDONLY)
            add("reclaim", m / "memory.reclaim", os.O_WRONLY, optional=True)
            try:
                swap = os.open(m / "memory.swap.max", os.O_WRONLY | os.O_CLOEXEC)
                try:
                    os.write(swap, b"0")  # no swap: memory is memory (isolate does the same)
                finally:
                    os.close(swap)
            except OSError:
                pass
            try:  # Linux 6.12+: a write resets the peak seen through this open file
                fds["peak_reset"] = os.open(m / "memory.peak", os.O_RDWR | os.O_CLOEXEC)
                os.write(fds["peak_reset"], b"reset")
            except OSError:
                fds.pop("peak_reset", None)
                add("peak", m / "memory.peak", os.O_RDONLY, optional=True)
                self.fresh_each_run = True

    def message(self) -> tuple[dict, list[int]]:
        """The slot set for the executor: {"cgroups": {"version", "slots": [{key: index into fds}]}}."""
        fds: list[int] = []
        slots = []
        for slot in self.slots:
            entry = {}
            for key, fd in slot.fds.items():
                entry[key] = len(fds)
                fds.append(fd)
            slots.append(entry)
        return {"cgroups": {"version": self.version, "slots": slots}}, fds

    def _drop(self, slot: Slot) -> None:
        for fd in slot.fds.values():
            os.close(fd)
        slot.fds.clear()
        for folder in {slot.memory, slot.cpu}:
            remove_cgroup(folder)

    def close(self) -> None:
        for slot in self.slots:
            self._drop(slot)
        self.slots = []
