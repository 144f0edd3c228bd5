"""The languages the judge compiles and runs, and how each platform names them.

Sources (facts only): problemtools' `problemtools/config/languages.yaml` (Kattis: suffixes, compile and
run commands, Python 3 run as PyPy 3), Polygon's solution source types in `problem.xml`
(`<source path=... type="cpp.g++17"/>`: c.gcc, cpp.g++ ... cpp.gcc14-64-msys2-g++23, java8/11/21, kotlin,
python.3, python.pypy3, rust, ...), CMS's languages (C11 / C++17 with gcc, Java, Python 3, Rust).

A `Language` is one way to build and run a source. Where a platform asks for more than this machine has,
the nearest one installed is used and the table says so: `-std=gnu++23` is g++ 12's newest C++ dialect
(Polygon's gcc 14 C++23 compiles with it); Java 8 / 11 / 21 sources compile with OpenJDK 17 (`--release 17`
is not forced: Java 21 features fail to compile); Kotlin is Debian's kotlinc 1.3.

Memory that is fair to a JVM: the heap is the memory limit (`-Xmx`, as Kattis runs it); the box's limit
for the run is raised by `JVM_ALLOWANCE_MB` so that neither the JVM's reserved address space (about 2 GB
for a 256 MB heap: code cache, class space, thread stacks, malloc arenas, under RLIMIT_AS) nor its own
resident memory (under a cgroup) is charged to the program; a heap that runs out is MLE (the JVM's
`java.lang.OutOfMemoryError` on stderr, see outcomes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ioi_agent.errors import IoiAgentError

INSTALL_HINT = "install with scripts/install_languages.sh"
MEMLIM = "{memlim}"  # in a run argv: the memory limit in MiB, filled in when the run is specified
HALF_MEMLIM = "{memlim_half}"  # ... and half of it
JVM_ALLOWANCE_MB = 2048
PYPY_ADDRESS_SPACE_MB = 1024  # PyPy's GC reserves arenas up front (see Language.address_space_mb)
JVM_NPROC = 64  # a JVM starts ~20 threads (GC, JIT compilers, finalizer, ...): RLIMIT_NPROC counts them
KOTLIN_RUNTIME = "/usr/share/java/kotlin-stdlib.jar"
# Kattis's JVM flags (languages.yaml); no perf-data file in the box's /tmp.
_JVM_FLAGS = (
    "-Dfile.encoding=UTF-8",
    "-XX:+UseSerialGC",
    "-XX:-UsePerfData",
    "-Xss64m",
    f"-Xms{MEMLIM}m",
    f"-Xmx{MEMLIM}m",
)


@dataclass(frozen=True)
class Language:
    """Compile and run argv templates. Compile: `{files}` (every unit, one argument each), `{main}`
    (the entry file), `{out}` (the binary to write), run in the build folder. Run: `{dir}` (the installed
    build folder), `{main}`, `{mainclass}`, `MEMLIM`."""

    key: str  # stable id: cache keys, --json, `problem show`
    name: str
    family: str  # what grader files are for (Problem.grader_files) and how a main file is named
    compile: tuple[str, ...]
    run: tuple[str, ...]
    tools: tuple[str, ...]  # box paths that must exist (the host's /usr under bwrap; the image's)
    package: str  # the Debian package that provides them
    binary: bool = False  # the build leaves one executable `prog`; else the build folder is the program
    memory_allowance_mb: int = 0
    # Reserved, unused address space (RLIMIT_AS only, see ProcSpec.as_extra_mb): PyPy aborts at start
    # ("cannot allocate nursery") under an address-space limit of 256 MiB.
    address_space_mb: int = 0
    min_nproc: int = 0
    suffixes: tuple[str, ...] = field(default=())


def _gcc(key: str, name: str, family: str, driver: str, std: str, suffixes: tuple[str, ...]) -> Language:
    return Language(
        key=key,
        name=name,
        family=family,
        compile=(
            driver,
            "-O2",
            f"-std={std}",
            "-pipe",
            "-o",
            "{out}",
            "{files}",
            *(("-lm",) if family == "c" else ()),
        ),
        run=("{dir}/prog",),
        tools=(driver,),
        package="g++" if family == "cpp" else "gcc",
        binary=True,
        suffixes=suffixes,
    )


CPP_SUFFIXES = (".cpp", ".cc", ".cxx", ".c++", ".C")
_CPP_DIALECTS = {
    "98": "gnu++98",
    "11": "gnu++11",
    "14": "gnu++14",
    "17": "gnu++17",
    "20": "gnu++20",
    "23": "gnu++23",
}
LANGUAGES: dict[str, Language] = {
    **{
        f"cpp{v}": _gcc(
            f"cpp{v}",
            f"C++{'03' if v == '98' else v} (g++ -std={std})",
            "cpp",
            "/usr/bin/g++",
            std,
            CPP_SUFFIXES,
        )
        for v, std in _CPP_DIALECTS.items()
    },
    "c11": _gcc("c11", "C11 (gcc -std=gnu11)", "c", "/usr/bin/gcc", "gnu11", (".c",)),
    "c17": _gcc("c17", "C17 (gcc -std=gnu17)", "c", "/usr/bin/gcc", "gnu17", (".c",)),
    "java": Language(
        key="java",
        name="Java (OpenJDK 17)",
        family="java",
        compile=("/usr/bin/javac", "-encoding", "UTF-8", "-J-Xss64m", "-d", ".", "{files}"),
        run=("/usr/bin/java", *_JVM_FLAGS, "-cp", "{dir}", "{mainclass}"),
        tools=("/usr/bin/javac", "/usr/bin/java"),
        package="openjdk-17-jdk-headless",
        memory_allowance_mb=JVM_ALLOWANCE_MB,
        min_nproc=JVM_NPROC,
        suffixes=(".java",),
    ),
    "kotlin": Language(
        key="kotlin",
        name="Kotlin (kotlinc, run on OpenJDK 17)",
        family="kotlin",
        compile=("/usr/bin/kotlinc", "-d", ".", "{files}"),
        # As `kotlin -cp` runs it: java with the Kotlin runtime on the class path.
        run=("/usr/bin/java", *_JVM_FLAGS, "-cp", f"{{dir}}:{KOTLIN_RUNTIME}", "{mainclass}"),
        tools=("/usr/bin/kotlinc", "/usr/bin/java", KOTLIN_RUNTIME),
        package="kotlin",
        memory_allowance_mb=JVM_ALLOWANCE_MB,
        min_nproc=JVM_NPROC,
        suffixes=(".kt",),
    ),
    "rust": Language(
        key="rust",
        name="Rust (rustc -O --edition 2021)",
        family="rust",
        compile=("/usr/bin/rustc", "-O", "--edition", "2021", "--crate-type", "bin", "-o", "{out}", "{main}"),
        run=("{dir}/prog",),
        tools=("/usr/bin/rustc",),
        package="rustc",
        binary=True,
        suffixes=(".rs",),
    ),
    "python3": Language(
        key="python3",
        name="Python 3 (CPython)",
        family="python",
        compile=(
            "/usr/bin/python3",
            "-c",
            "import sys,py_compile; py_compile.compile(sys.argv[1], doraise=True, cfile='/tmp/x.pyc')",
            "{main}",
        ),
        # As Kattis runs it: `python3 main`, with site (its exit() and quit() builtins) on.
        run=("/usr/bin/python3", "{dir}/{main}"),
        tools=("/usr/bin/python3",),
        package="python3",
        suffixes=(".py", ".py3"),
    ),
    "pypy3": Language(
        key="pypy3",
        name="Python 3 (PyPy 3)",
        family="python",
        compile=(
            "/usr/bin/pypy3",
            "-c",
            "import sys,py_compile; py_compile.compile(sys.argv[1], doraise=True, cfile='/tmp/x.pyc')",
            "{main}",
        ),
        # PYPY_GC_MAX: PyPy's GC collects more often as its heap nears it instead of growing past the
        # memory limit (as -Xmx does for a JVM). Half the limit: PyPy's resident memory runs well above
        # its GC heap (JIT, nursery). Measured on problems/demo/solar's max test: 446 MB without it,
        # 239 MB with 128 MB, against 53 MB for CPython; a 256 MiB problem's accepted program fits.
        run=("/usr/bin/env", f"PYPY_GC_MAX={HALF_MEMLIM}MB", "/usr/bin/pypy3", "{dir}/{main}"),
        tools=("/usr/bin/pypy3",),
        package="pypy3",
        address_space_mb=PYPY_ADDRESS_SPACE_MB,
        suffixes=(".py", ".py3"),
    ),
}

# What a package that does not name a language gets, by suffix (CMS, and the judge's own default).
DEFAULT_BY_SUFFIX: dict[str, str] = {
    **dict.fromkeys((".cpp", ".cc", ".cxx", ".c++"), "cpp17"),
    ".c": "c11",
    ".java": "java",
    ".kt": "kotlin",
    ".rs": "rust",
    ".py": "python3",
    ".py3": "python3",
}
# problemtools' languages.yaml: c gnu17, cpp gnu++23 (also *.C), python3 is PyPy 3.
KATTIS_BY_SUFFIX: dict[str, str] = {
    **DEFAULT_BY_SUFFIX,
    **dict.fromkeys((".cpp", ".cc", ".cxx", ".c++", ".C"), "cpp23"),
    ".c": "c17",
    ".py": "pypy3",
    ".py3": "pypy3",
}
# problemtools language ids (a Kattis submission's language, from its suffix) to ours; python2 is not here.
KATTIS_IDS: dict[str, str] = {
    "c": "c17",
    "cpp": "cpp23",
    "java": "java",
    "kotlin": "kotlin",
    "rust": "rust",
    "python3": "pypy3",
}
SOURCE_SUFFIXES = frozenset(s for lang in LANGUAGES.values() for s in lang.suffixes)


def get(key: str) -> Language:
    try:
        return LANGUAGES[key]
    except KeyError:
        raise IoiAgentError(f"unknown language {key!r} (known: {', '.join(LANGUAGES)})") from None


def by_suffix(path: Path, table: dict[str, str] = DEFAULT_BY_SUFFIX) -> Language:
    key = table.get(path.suffix) or table.get(path.suffix.lower())
    if key is None:
        raise IoiAgentError(f"{path}: unknown language (suffixes: {', '.join(sorted(table))})")
    return LANGUAGES[key]


_POLYGON_CPP = re.compile(r"^cpp\..*?(?:\+\+|c\+\+)(\d\d)?(?:-\d+)?$")


def polygon_language(source_type: str) -> str:
    """Our language key for a Polygon source type, "" when there is none (Python 2, Pascal, ...: the
    solution then loads, and is reported as not judged)."""
    t = source_type.strip().lower()
    if t.startswith("c.gcc") or t in ("c", "c.c11"):
        return "c11"  # Codeforces' "GNU GCC C11"
    if t.startswith("cpp."):
        m = _POLYGON_CPP.match(t)
        if m:  # cpp.g++ is Codeforces' "GNU G++" (C++03); the newest g++ 12 has is gnu++23
            version = m.group(1) or "98"
            return f"cpp{version}" if f"cpp{version}" in LANGUAGES else "cpp23"
        return "cpp17"  # cpp.ms2017, cpp.clang...: a C++17 compiler
    if re.fullmatch(r"java\d*", t):
        return "java"
    if re.fullmatch(r"kotlin\d*", t):
        return "kotlin"
    if t.startswith("rust"):
        return "rust"
    if t.startswith("python.pypy3"):
        return "pypy3"
    if t == "python.3":
        return "python3"
    return ""


def resolve(package_format: str, declared: str, path: Path) -> Language | str:
    """The language a source is judged in: what its package declares (`Submission.language`, in the
    format's words), else the format's default for its suffix; a str, the reason, when this judge has
    no such language."""
    if declared:
        key = polygon_language(declared) if package_format == "polygon" else KATTIS_IDS.get(declared, "")
        if not key:
            return f"not judged: language {declared} is not supported by this judge"
        return LANGUAGES[key]
    return by_suffix(path, KATTIS_BY_SUFFIX if package_format == "kattis" else DEFAULT_BY_SUFFIX)


def describe(package_format: str, declared: str, path: Path) -> str:
    """`problem show`: the language a submission is judged in, and whether this host has it."""
    try:
        lang = resolve(package_format, declared, path)
    except IoiAgentError:
        return f"{path.suffix} (unknown)"
    if isinstance(lang, str):
        return f"{declared} (not supported)"
    return lang.name + ("" if installed_on_host(lang) else f" (not installed: {INSTALL_HINT})")


def not_installed_message(lang: Language) -> str:
    return f"not judged: language {lang.name} not installed ({INSTALL_HINT}; Debian package {lang.package})"


def installed_on_host(lang: Language) -> bool:
    """Whether the host has the language's tools: what the bwrap sandbox (the host's /usr) sees."""
    return all(Path(t).exists() for t in lang.tools)
