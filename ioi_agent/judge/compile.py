"""Compiling submissions inside a box, once per distinct (source, grader files, language, toolchain).

How each language is built and run is the table in languages.py. C++17 gets a precompiled
`bits/stdc++.h` when one is available; Python is byte-compiled to catch syntax errors and then run as is;
Java and Kotlin leave class files. Results, failures included, are cached on disk under the binaries
folder every box mounts read-only; that folder is not listable and each program's folder is named by a
keyed hash of its cache key (`SandboxPool.program_name`), so a box reaches the program it was given and no
other. A language whose tools the box lacks is "not judged", never a CE.

A compilation has limits of its own (COMPILE_LIMITS: 10 s of CPU time, 1 GiB of memory, 64 MiB per
file written; more for the JVM compilers): a source that makes the compiler pass one (a constexpr or
template bomb, `#include </dev/zero>`, a huge initialised array) is a compile error like any other,
cached as such. Time is the compiler's CPU time, summed over its passes, so the verdict does not depend
on the machine's load; only a wall-clock stop with CPU to spare (an overloaded machine) is the box's
failure, never cached. The compiler's output is read with a cap (its head and tail), never whole.
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

from ioi_agent.files import unique_sibling
from ioi_agent.judge import languages
from ioi_agent.judge.boxfiles import open_below
from ioi_agent.judge.languages import Language
from ioi_agent.sandbox import SandboxPool
from ioi_agent.sandbox.base import BOX_BIN, BOX_WORK, ProcResult, ProcSpec

CPP_FLAGS = ["-O2", "-std=gnu++17", "-pipe"]  # the precompiled header's flags (languages.py: _gcc)
# CPU time and memory over the compiler's passes together (the run's cgroup; without one, per process:
# RLIMIT_AS and the waited-for passes' CPU), and RLIMIT_FSIZE on every file written (the binary, the
# object files in /tmp, the diagnostics). The wall clock is only a backstop against a stalled box.
COMPILE_LIMITS = {"cpu_s": 10.0, "wall_s": 120.0, "mem_mb": 1024, "out_mb": 64, "nproc": 32}
# Compilers that are a JVM (several threads' CPU, a large heap) get more, by language family.
COMPILE_LIMITS_BY_LANGUAGE: dict[str, dict[str, float]] = {
    "java": {"cpu_s": 60.0, "mem_mb": 4096},
    "kotlin": {"cpu_s": 120.0, "wall_s": 240.0, "mem_mb": 4096},
    "rust": {"cpu_s": 30.0, "mem_mb": 2048},
}
MESSAGE_HEAD = 16 * 1024  # bytes of the compiler's output kept from its start (the first errors) ...
MESSAGE_TAIL = 48 * 1024  # ... and from its end (what stopped it): at most 64 KiB in all
DOCKER_PCH = "/opt/pch"
# The C++ dialects with a precompiled header: CMS's (and the judge's default) and Kattis's. The image has
# one folder per dialect (Dockerfile.sandbox); on the host each is built on first use.
PCH_STD = {"cpp17": "gnu++17", "cpp23": "gnu++23"}
DOCKER_PCHS = {"gnu++17": DOCKER_PCH, "gnu++23": "/opt/pch-gnu++23"}
# suffix -> language family, the judge's defaults (selection checks a candidate's suffix against it)
LANGUAGES = {suffix: languages.LANGUAGES[key].family for suffix, key in languages.DEFAULT_BY_SUFFIX.items()}
# A compiler that runs on a JVM: a bounded heap (under RLIMIT_AS the default heap, a quarter of the
# machine's memory, could not even be reserved) and one GC thread; no perf data file in the box's /tmp.
JVM_COMPILER_OPTS = "-Xmx1536m -Xss64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"


class CompiledProgram(BaseModel):
    key: str
    language: str  # the family: cpp, c, java, kotlin, rust, python (what grader files are for)
    ok: bool
    message: str = ""
    argv: list[str] = []  # box argv prefix that runs it (languages.MEMLIM stands for the memory limit)
    # The box, not the compiler, ended the compilation (its limits, a failed start): a judge error,
    # never cached, never charged to the source as a compile error.
    box_failure: bool = False
    dialect: str = ""  # the languages.py key it was built as (cpp17, pypy3, java, ...)
    # Not judged (its language is not installed or not supported here): the reason, shown as is.
    not_judged: str = ""
    memory_allowance_mb: int = 0  # added to the memory limit of the box for its runs (a JVM's own)
    address_space_mb: int = 0  # added to RLIMIT_AS only (languages.Language.address_space_mb)
    min_nproc: int = 0


class Compiler:
    def __init__(self, pool: SandboxPool, use_pch: bool = True):
        self.pool = pool
        self.use_pch = use_pch
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._pchs: dict[str, str | None] = {}
        self._pch = self._pch_of("cpp17")

    def _pch_of(self, key: str) -> str | None:
        """The box folder of the dialect's precompiled-header overlay; None without one."""
        std = PCH_STD.get(key)
        if not self.use_pch or std is None:
            return None
        with self._guard:
            if std not in self._pchs:
                docker = self.pool.backend.name == "docker"
                self._pchs[std] = DOCKER_PCHS[std] if docker else host_pch(self.pool.mounts.binaries, std)
            return self._pchs[std]

    def key(self, source: bytes, name: str, grader_files: list[Path], lang: Language) -> str:
        pch = self._pch_of(lang.key)
        h = hashlib.sha256(
            f"compile-v6|{self.pool.backend.name}|{lang.key}|{lang.compile}|{lang.run}|{pch}".encode()
        )
        h.update(repr(compile_limits(lang)).encode())  # a result under other limits is another fact
        h.update(name.encode() + b"\0" + source)
        for g in grader_files:
            for rel, path in _tree(g):
                h.update(b"\0" + rel.encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:32]

    def compile(
        self,
        source: Path,
        grader_files: list[Path] | None = None,
        name: str | None = None,
        language: str | None = None,
    ) -> CompiledProgram:
        """`language`: a languages.py key (None: by the suffix, the judge's defaults)."""
        lang = languages.get(language) if language else languages.by_suffix(source)
        grader_files = grader_files or []
        text = source.read_bytes()
        main_name = name or _main_name(lang, source, text, grader_files)
        key = self.key(text, main_name, grader_files, lang)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            target = self.pool.mounts.binaries / self.pool.program_name(key)
            meta = target / "result.json"
            if meta.is_file():
                return CompiledProgram.model_validate_json(meta.read_text())
            result = self._build(key, lang, main_name, text, grader_files)
            if result.box_failure or result.not_judged:
                return result  # not a fact about the source: the next call compiles again
            tmp = unique_sibling(target)
            tmp.mkdir(parents=True)
            if result.ok:
                self._install(tmp, key, lang)
            (tmp / "result.json").write_text(result.model_dump_json())
            os.chmod(tmp, 0o755)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(tmp, target)
            return result

    def _argv(self, lang: Language, box_src: str, src: Path, main_name: str) -> list[str]:
        units = sorted(p.name for p in src.iterdir() if p.is_file() and p.suffix in lang.suffixes)
        fill = {"{out}": f"{box_src}/prog", "{main}": f"{box_src}/{main_name}"}
        argv: list[str] = []
        for arg in lang.compile:
            if arg == "{files}":
                argv += [f"{box_src}/{u}" for u in units]
            else:
                argv.append(fill.get(arg, arg))
        if lang.family == "cpp":  # graders' headers beside the source; the PCH overlay first
            overlay = self._pch_of(lang.key)
            pch = ["-I", overlay] if overlay else []
            argv[1:1] = [*pch, "-I", box_src]
        if lang.family == "java":
            argv[1:1] = [f"-J{o}" for o in JVM_COMPILER_OPTS.split()]
        return argv

    def _build(
        self, key: str, lang: Language, main_name: str, text: bytes, graders: list[Path]
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
            limits = compile_limits(lang)
            spec = ProcSpec(
                argv=self._argv(lang, box_src, src, main_name),
                cwd=box_src,
                stderr=f"{box_src}/compile.err",
                stdout=f"{box_src}/compile.out",
                env={
                    "PATH": "/usr/local/bin:/usr/bin:/bin",
                    "LANG": "C.UTF-8",
                    "HOME": "/tmp",
                    "TMPDIR": "/tmp",
                    "JAVA_OPTS": JVM_COMPILER_OPTS,  # kotlinc's launcher script passes these to its JVM
                },
                **limits,
            )
            res = box.run([spec])[0]
            if res.spawn_error and "No such file" in res.spawn_error:
                # The compiler (or interpreter) is not in the box: not the source's fault, not judged.
                return CompiledProgram(
                    key=key,
                    language=lang.family,
                    dialect=lang.key,
                    ok=False,
                    message=languages.not_installed_message(lang),
                    not_judged=languages.not_installed_message(lang),
                )
            log = read_log(box.work, "tmp/compile/compile.err") + read_log(
                box.work, "tmp/compile/compile.out"
            )
            ending = compile_ending(res, log, limits)
            box_failure, message = ending.box_failure, ending.message
            ok = ending.ok and (not lang.binary or (src / "prog").is_file())
            if ok:
                _stage(src, self._built(key), lang)
            # The work folder is a tmpfs where it has a quota (sandbox/quota.py): what stays there stays
            # charged to the box's memory group, so the build goes now, not at the next run's sweep.
            shutil.rmtree(src, ignore_errors=True)
        return CompiledProgram(
            key=key,
            language=lang.family,
            dialect=lang.key,
            ok=ok,
            message=message.strip(),
            argv=_run_argv(
                lang, f"{BOX_BIN}/{self.pool.program_name(key)}", python_main(graders) or main_name, src
            ),
            box_failure=box_failure,
            memory_allowance_mb=lang.memory_allowance_mb,
            address_space_mb=lang.address_space_mb,
            min_nproc=lang.min_nproc,
        )

    def _built(self, key: str) -> Path:
        """Where this thread puts a build between the box and the cache: two judges (processes) may
        share one cache and build one key at once."""
        name = self.pool.program_name(key)
        return self.pool.mounts.binaries / f".{name}.prog.{os.getpid()}.{threading.get_ident()}.part"

    def _install(self, folder: Path, key: str, lang: Language) -> None:
        built = self._built(key)
        if lang.binary:
            os.replace(built, folder / "prog")
            os.chmod(folder / "prog", 0o755)
            return
        for p in built.iterdir():
            os.replace(p, folder / p.name)
        shutil.rmtree(built, ignore_errors=True)
        for p in folder.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)


def _read_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.is_file() else ""


def _stage(src: Path, built: Path, lang: Language) -> None:
    """Copy what the build left out of the box's folder: the binary, or the whole folder (sources,
    graders, class files) less the compiler's own output."""
    if lang.binary:
        shutil.copyfile(src / "prog", built)
        return
    shutil.rmtree(built, ignore_errors=True)
    shutil.copytree(src, built, ignore=shutil.ignore_patterns("compile.err", "compile.out"), symlinks=False)


_PUBLIC_CLASS = re.compile(rb"^\s*public\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)", re.M)


def _main_name(lang: Language, source: Path, text: bytes, graders: list[Path]) -> str:
    """The entry file's name in the build folder."""
    if lang.family == "python":
        included = python_main(graders)
        if included:  # an included main file runs the submission: keep the submission's own name beside it
            return source.name if source.name != included else "submission.py"
        return "main.py"
    if lang.family == "java":  # javac wants a public class in a file of its name
        found = _PUBLIC_CLASS.search(text)
        return f"{found.group(1).decode()}.java" if found else "Main.java"
    if lang.family == "kotlin":
        return "Main.kt"  # its top-level main is then class MainKt (Kattis: {Mainclass}Kt)
    return {"cpp": "main.cpp", "c": "main.c", "rust": "main.rs"}[lang.family]


def _run_argv(lang: Language, folder: str, main_name: str, src: Path) -> list[str]:
    stem = main_name.rsplit(".", 1)[0]
    mainclass = f"{stem[:1].upper()}{stem[1:]}Kt" if lang.family == "kotlin" else stem
    fill = {"{dir}": folder, "{main}": main_name, "{mainclass}": mainclass}
    return [_fill(arg, fill) for arg in lang.run]


def _fill(arg: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        arg = arg.replace(name, value)
    return arg


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


def host_pch(binaries: Path, std: str = "gnu++17") -> str | None:
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
    flags = [f"-std={std}" if f.startswith("-std=") else f for f in CPP_FLAGS]  # a .gch is per dialect
    tag = hashlib.sha256(f"overlay-v2|{version}|{flags}".encode()).hexdigest()[:12]
    folder = binaries / f"pch-{tag}"
    gch = folder / "bits" / "stdc++.h.gch"
    with _pch_lock:
        if not gch.exists():
            probe = subprocess.run(
                [gxx, f"-std={std}", "-H", "-E", "-x", "c++", "-"],
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
                [gxx, *flags, "-x", "c++-header", header, "-o", str(tmp)], capture_output=True
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


def compile_limits(lang: Language) -> dict[str, float]:
    """The ProcSpec limits of one compilation in `lang` (a JVM's threads need more processes too)."""
    limits = {**COMPILE_LIMITS, **COMPILE_LIMITS_BY_LANGUAGE.get(lang.family, {})}
    limits["nproc"] = max(int(limits["nproc"]), lang.min_nproc)
    return limits


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
