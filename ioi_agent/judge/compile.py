"""Compiling submissions inside a box, once per distinct (source, grader files, flags, toolchain).

C++ is built at `-O2 -std=gnu++17` with a precompiled `bits/stdc++.h` when one is available; Python is
byte-compiled to catch syntax errors and then run as is. Results, failures included, are cached on disk
under the binaries folder every box mounts read-only.

A compilation has limits of its own (COMPILE_LIMITS: 10 s of CPU time, 1 GiB of memory, 64 MiB per
file written): a source that makes the compiler pass one (a constexpr or template bomb, `#include
</dev/zero>`, a huge initialised array) is a compile error like any other, cached as such. Time is the
compiler's CPU time, summed over its passes, so the verdict does not depend on the machine's load; only a
wall-clock stop with CPU to spare (an overloaded machine) is the box's failure, never cached. The
compiler's output is read with a cap (its head and tail), never whole.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ioi_agent.errors import IoiAgentError
from ioi_agent.files import unique_sibling
from ioi_agent.judge.boxfiles import open_below
from ioi_agent.sandbox import SandboxPool
from ioi_agent.sandbox.base import BOX_BIN, BOX_WORK, ProcResult, ProcSpec

CPP_FLAGS = ["-O2", "-std=gnu++17", "-pipe"]
# CPU time and memory over the compiler's passes together (the run's cgroup; without one, per process:
# RLIMIT_AS and the waited-for passes' CPU), and RLIMIT_FSIZE on every file written (the binary, the
# object files in /tmp, the diagnostics). The wall clock is only a backstop against a stalled box.
COMPILE_LIMITS = {"cpu_s": 10.0, "wall_s": 120.0, "mem_mb": 1024, "out_mb": 64, "nproc": 32}
# Compilers that are a JVM (several threads' CPU, a large heap) get more; the language table fills this.
COMPILE_LIMITS_BY_LANGUAGE: dict[str, dict[str, float]] = {
    "java": {"cpu_s": 60.0, "mem_mb": 4096},
    "kotlin": {"cpu_s": 120.0, "wall_s": 240.0, "mem_mb": 4096},
}
MESSAGE_HEAD = 16 * 1024  # bytes of the compiler's output kept from its start (the first errors) ...
MESSAGE_TAIL = 48 * 1024  # ... and from its end (what stopped it): at most 64 KiB in all
LANGUAGES = {".cpp": "cpp", ".cc": "cpp", ".cxx": "cpp", ".c": "cpp", ".py": "python"}
DOCKER_PCH = "/opt/pch"


class CompiledProgram(BaseModel):
    key: str
    language: str
    ok: bool
    message: str = ""
    argv: list[str] = []  # box argv prefix that runs it
    # The box, not the compiler, ended the compilation (its limits, a failed start): a judge error,
    # never cached, never charged to the source as a compile error.
    box_failure: bool = False


def language_of(path: Path) -> str:
    lang = LANGUAGES.get(path.suffix.lower())
    if not lang:
        raise IoiAgentError(f"{path}: unknown language (use .cpp for C++17 or .py for Python 3)")
    return lang


class Compiler:
    def __init__(self, pool: SandboxPool, use_pch: bool = True):
        self.pool = pool
        self.use_pch = use_pch
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._pch: str | None = None
        if use_pch:
            self._pch = DOCKER_PCH if pool.backend.name == "docker" else host_pch(pool.mounts.binaries)

    def key(self, source: bytes, name: str, grader_files: list[Path], language: str) -> str:
        tag = "compile-v2" if language == "cpp" else "compile-v3"  # v3: python3 runs with site
        h = hashlib.sha256(f"{tag}|{self.pool.backend.name}|{language}|{CPP_FLAGS}|{self._pch}".encode())
        h.update(repr(compile_limits(language)).encode())  # a result under other limits is another fact
        h.update(name.encode() + b"\0" + source)
        for g in grader_files:
            for rel, path in _tree(g):
                h.update(b"\0" + rel.encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:32]

    def compile(
        self, source: Path, grader_files: list[Path] | None = None, name: str | None = None
    ) -> CompiledProgram:
        language = language_of(source)
        grader_files = grader_files or []
        text = source.read_bytes()
        main_name = name or ("main.py" if language == "python" else "main.cpp")
        if language == "python" and name is None and python_main(grader_files):
            # An included main file runs the submission: keep the submission's own name beside it.
            main_name = source.name if source.name != python_main(grader_files) else "submission.py"
        key = self.key(text, main_name, grader_files, language)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            target = self.pool.mounts.binaries / key
            meta = target / "result.json"
            if meta.is_file():
                return CompiledProgram.model_validate_json(meta.read_text())
            result = self._build(key, language, main_name, text, grader_files)
            if result.box_failure:
                return result  # not a fact about the source: the next call compiles again
            tmp = unique_sibling(target)
            tmp.mkdir(parents=True)
            if result.ok:
                self._install(tmp, key, language, main_name, text, grader_files)
            (tmp / "result.json").write_text(result.model_dump_json())
            os.chmod(tmp, 0o755)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(tmp, target)
            return result

    def _build(
        self, key: str, language: str, main_name: str, text: bytes, graders: list[Path]
    ) -> CompiledProgram:
        with self.pool.box() as box:
            src = box.work / "tmp" / "compile"
            shutil.rmtree(src, ignore_errors=True)
            src.mkdir(parents=True)
            (src / main_name).write_bytes(text)
            _copy_graders(graders, src)
            if os.geteuid() == 0:
                for p in [src, *src.rglob("*")]:
                    os.chown(p, box.uid, box.uid)
            box_src = f"{BOX_WORK}/tmp/compile"
            if language == "python":
                argv = [
                    "/usr/bin/python3",
                    "-c",
                    "import sys,py_compile; py_compile.compile(sys.argv[1], doraise=True, cfile='/tmp/x.pyc')",
                    f"{box_src}/{main_name}",
                ]
            else:
                units = [
                    f"{box_src}/{p.name}" for p in src.iterdir() if p.suffix in (".cpp", ".cc", ".cxx", ".c")
                ]
                pch = ["-I", self._pch] if self._pch else []
                argv = ["/usr/bin/g++", *CPP_FLAGS, *pch, "-I", box_src, "-o", f"{box_src}/prog", *units]
            limits = compile_limits(language)
            spec = ProcSpec(
                argv=argv,
                cwd=box_src,
                stderr=f"{box_src}/compile.err",
                stdout=f"{box_src}/compile.out",
                env={
                    "PATH": "/usr/local/bin:/usr/bin:/bin",
                    "LANG": "C.UTF-8",
                    "HOME": "/tmp",
                    "TMPDIR": "/tmp",
                },
                **limits,
            )
            res = box.run([spec])[0]
            ending = compile_ending(res, read_log(box.work, "tmp/compile/compile.err"), limits)
            box_failure, message = ending.box_failure, ending.message
            ok = ending.ok and (language == "python" or (src / "prog").is_file())
            if ok and language == "cpp":
                shutil.copyfile(src / "prog", self._built(key))
        argv = (
            [f"{BOX_BIN}/{key}/prog"]
            if language == "cpp"
            # As Kattis runs it: `python3 main`, with site (its exit() and quit() builtins) on.
            else ["/usr/bin/python3", f"{BOX_BIN}/{key}/{python_main(graders) or main_name}"]
        )
        return CompiledProgram(
            key=key, language=language, ok=ok, message=message.strip(), argv=argv, box_failure=box_failure
        )

    def _built(self, key: str) -> Path:
        """Where this thread puts a binary between the box and the cache: two judges (processes) may
        share one cache and build one key at once."""
        return self.pool.mounts.binaries / f".{key}.prog.{os.getpid()}.{threading.get_ident()}.part"

    def _install(
        self, folder: Path, key: str, language: str, main_name: str, text: bytes, graders: list[Path]
    ) -> None:
        if language == "cpp":
            os.replace(self._built(key), folder / "prog")
            os.chmod(folder / "prog", 0o755)
            return
        (folder / main_name).write_bytes(text)
        _copy_graders(graders, folder)
        for p in folder.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)


def _tree(path: Path) -> list[tuple[str, Path]]:
    """(relative name, file) of a grader file, or of every file in a grader folder (Kattis include/<lang>/
    may hold folders: they are copied whole, as Kattis copies the include tree beside the submission)."""
    if not path.is_dir():
        return [(path.name, path)]
    return [
        (f"{path.name}/{p.relative_to(path).as_posix()}", p) for p in sorted(path.rglob("*")) if p.is_file()
    ]


def _copy_graders(graders: list[Path], folder: Path) -> None:
    for g in graders:
        if g.is_dir():
            shutil.copytree(g, folder / g.name, dirs_exist_ok=True)
        else:
            shutil.copyfile(g, folder / g.name)


def python_main(graders: list[Path]) -> str | None:
    """The included file that is the program's entry point, as Kattis picks it: the first (in name order)
    included Python file named main.*; None when the submission's own file is the entry point."""
    for g in graders:
        for rel, _path in _tree(g):
            name = rel.rsplit("/", 1)[-1]
            if name.lower().startswith("main.") and name.endswith(".py"):
                return rel
    return None


_pch_lock = threading.Lock()


def host_pch(binaries: Path) -> str | None:
    """Build (once) a precompiled bits/stdc++.h with the host's g++, in a folder the boxes can see.

    The folder is an overlay searched before the system headers (`-I`): it holds the .gch and, beside it,
    a copy of the header itself, so that where GCC cannot use the .gch (another header includes
    bits/stdc++.h, as bits/extc++.h does, or other flags) it reads the same header from the same folder,
    as GCC's rule for precompiled headers expects; every other bits/ header resolves in the system
    folders as usual. Nothing in the folder points at a host path."""
    gxx = shutil.which("g++")
    if not gxx:
        return None
    version = subprocess.run([gxx, "-dumpfullversion"], capture_output=True, text=True).stdout.strip()
    tag = hashlib.sha256(f"overlay-v2|{version}|{CPP_FLAGS}".encode()).hexdigest()[:12]
    folder = binaries / f"pch-{tag}"
    gch = folder / "bits" / "stdc++.h.gch"
    with _pch_lock:
        if not gch.exists():
            probe = subprocess.run(
                [gxx, "-std=gnu++17", "-H", "-E", "-x", "c++", "-"],
                input="#include <bits/stdc++.h>\n",
                capture_output=True,
                text=True,
            )
            header = next(
                (ln.split(" ", 1)[1] for ln in probe.stderr.splitlines() if ln.endswith("bits/stdc++.h")),
                None,
            )
            if header is None:
                return None
            gch.parent.mkdir(parents=True, exist_ok=True)
            tmp = gch.with_suffix(".part")
            built = subprocess.run(
                [gxx, *CPP_FLAGS, "-x", "c++-header", header, "-o", str(tmp)], capture_output=True
            )
            if built.returncode != 0:
                return None
            shutil.copyfile(header, gch.parent / "stdc++.h")
            for p in (folder, gch.parent):
                os.chmod(p, 0o755)
            os.chmod(gch.parent / "stdc++.h", 0o644)
            os.chmod(tmp, 0o644)
            os.replace(tmp, gch)
    return f"{BOX_BIN}/{folder.name}"


# What gcc's driver prints when it cannot fork or exec one of its passes (cc1plus, as, ld).
_DRIVER_STARVED = re.compile(
    r"(cannot execute|vfork|fork|posix_spawn).*(Resource temporarily unavailable|Cannot allocate memory)"
)
# What it prints when RLIMIT_FSIZE stopped a pass (`as` writing a huge object file, say), or a pass
# writing a file got EFBIG: the driver itself then exits 1 or 4, not by SIGXFSZ.
_FILE_TOO_LARGE = re.compile(r"File size limit exceeded|File too large")
# ... and when RLIMIT_CPU (the backstop, a second past the limit) stopped a pass before the poll did.
_CPU_KILLED = re.compile(r"CPU time limit exceeded")


def compile_limits(language: str) -> dict[str, float]:
    """The ProcSpec limits of one compilation in `language`."""
    return {**COMPILE_LIMITS, **COMPILE_LIMITS_BY_LANGUAGE.get(language, {})}


def read_log(work: Path, relative: str) -> str:
    """The compiler's output file in the box: all of it up to MESSAGE_HEAD + MESSAGE_TAIL bytes, else its
    head and its tail around a line saying how much was left out. Never more than that is read (a flood
    of errors can be the file size limit long), and no link a box planted is followed."""
    fd = open_below(work, relative)
    if fd is None:
        return ""
    try:
        size = os.fstat(fd).st_size
        if size <= MESSAGE_HEAD + MESSAGE_TAIL:
            data = os.pread(fd, size, 0)
        else:
            head = os.pread(fd, MESSAGE_HEAD, 0)
            tail = os.pread(fd, MESSAGE_TAIL, size - MESSAGE_TAIL)
            skipped = size - len(head) - MESSAGE_TAIL
            data = head + f"\n[... {skipped} bytes of compiler output left out ...]\n".encode() + tail
    finally:
        os.close(fd)
    return data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class CompileEnding:
    ok: bool  # the compiler ran to its end and succeeded
    box_failure: bool  # the box, not the source, ended it: a judge error, never cached
    message: str


def compile_ending(res: ProcResult, log: str, limits: dict[str, float]) -> CompileEnding:
    """What a compilation's run says about the source. A limit the compiler passed is a compile error
    (the same on every machine: CPU time, memory and file sizes do not depend on the load); the box
    failing to start a pass, or stopping a compiler that had CPU time to spare, is the box's doing."""

    def box(why: str) -> CompileEnding:
        return CompileEnding(False, True, f"the sandbox stopped the compilation ({why})\n{log}")

    def exceeded(what: str) -> CompileEnding:
        return CompileEnding(False, False, f"compilation exceeded {what}\n{log}")

    if res.spawn_error:
        return box(res.spawn_error)
    if not res.ok and _DRIVER_STARVED.search(log):
        # The compiler driver could not start its own passes (out of processes in the box).
        return box("the compiler could not start a pass")
    if res.cpu_exceeded or (not res.ok and _CPU_KILLED.search(log)):
        return exceeded(f"{limits['cpu_s']:g} s of CPU time")
    if res.mem_exceeded:
        return exceeded(f"{_size(limits['mem_mb'])} of memory")
    if res.output_exceeded or (not res.ok and _FILE_TOO_LARGE.search(log)):
        return exceeded(f"{_size(limits['out_mb'])} in one file")
    if res.wall_exceeded:
        return box(f"wall-clock cap with {res.cpu_s:.1f} s of CPU time: an overloaded machine")
    if res.signal:
        return box(f"signal {res.signal}")
    return CompileEnding(res.ok, False, log)


def _size(mb: float) -> str:
    return f"{mb / 1024:g} GiB" if mb >= 1024 else f"{mb:g} MiB"
