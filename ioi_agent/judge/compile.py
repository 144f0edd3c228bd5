"""Compiling submissions inside a box, once per distinct (source, grader files, flags, toolchain).

C++ is built at `-O2 -std=gnu++17` with a precompiled `bits/stdc++.h` when one is available; Python is
byte-compiled to catch syntax errors and then run as is. Results, failures included, are cached on disk
under the binaries folder every box mounts read-only; that folder is not listable and each program's
folder is named by a keyed hash of its cache key (`SandboxPool.program_name`), so a box reaches the
program it was given and no other.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from pydantic import BaseModel

from ioi_agent.errors import IoiAgentError
from ioi_agent.files import unique_sibling
from ioi_agent.sandbox import SandboxPool
from ioi_agent.sandbox.base import BOX_BIN, BOX_WORK, ProcResult, ProcSpec

CPP_FLAGS = ["-O2", "-std=gnu++17", "-pipe"]
COMPILE_LIMITS = {"cpu_s": 60.0, "wall_s": 120.0, "mem_mb": 4096, "out_mb": 256, "nproc": 32}
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
            target = self.pool.mounts.binaries / self.pool.program_name(key)
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
                **COMPILE_LIMITS,
            )
            res = box.run([spec])[0]
            message = (
                (src / "compile.err").read_text(errors="replace")[-4000:]
                if (src / "compile.err").exists()
                else ""
            )
            box_failure = bool(
                res.cpu_exceeded or res.wall_exceeded or res.mem_exceeded or res.spawn_error or res.signal
            )
            if box_failure:
                message = f"the sandbox stopped the compilation ({_box_reason(res)})\n" + message
            elif not res.ok and _DRIVER_STARVED.search(message):
                # The compiler driver could not start its own passes (out of processes or memory in the
                # box): the box's doing, not the source's; a judge error, compiled again next time.
                box_failure = True
                message = (
                    "the sandbox stopped the compilation (the compiler could not start a pass)\n" + message
                )
            ok = res.ok and not box_failure and (language == "python" or (src / "prog").is_file())
            if ok and language == "cpp":
                shutil.copyfile(src / "prog", self._built(key))
            # The work folder is a tmpfs where it has a quota (sandbox/quota.py): what stays there stays
            # charged to the box's memory group, so the build goes now, not at the next run's sweep.
            shutil.rmtree(src, ignore_errors=True)
        folder = f"{BOX_BIN}/{self.pool.program_name(key)}"
        argv = (
            [f"{folder}/prog"]
            if language == "cpp"
            # As Kattis runs it: `python3 main`, with site (its exit() and quit() builtins) on.
            else ["/usr/bin/python3", f"{folder}/{python_main(graders) or main_name}"]
        )
        return CompiledProgram(
            key=key, language=language, ok=ok, message=message.strip(), argv=argv, box_failure=box_failure
        )

    def _built(self, key: str) -> Path:
        """Where this thread puts a binary between the box and the cache: two judges (processes) may
        share one cache and build one key at once."""
        name = self.pool.program_name(key)
        return self.pool.mounts.binaries / f".{name}.prog.{os.getpid()}.{threading.get_ident()}.part"

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


def _box_reason(res: ProcResult) -> str:
    if res.cpu_exceeded or res.wall_exceeded:
        return "time limit"
    if res.mem_exceeded:
        return "memory limit"
    if res.spawn_error:
        return res.spawn_error
    return f"signal {res.signal}"
