"""Every language of judge/languages.py compiled and judged for real, on bwrap and docker; Polygon
dialects (source types) and Kattis suffixes taken from the package; a language the judge lacks reported
as not judged. Rules: problemtools' languages.yaml (Kattis), Polygon's source types, CMS's languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ioi_agent.cli import main
from ioi_agent.judge import languages
from ioi_agent.judge.languages import Language
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from tests.conftest import run_verdict, write_kattis_problem
from tests.packages import source_fixtures as fx

AB_TESTS = {"t1": ("1 2\n", "3\n"), "t2": ("40 2\n", "42\n")}
SOURCES = {
    "ab.c": '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);'
    'int *p = malloc(8); /* C: no cast from void* */ (void)p; printf("%lld\\n",a+b);return 0;}\n',
    "ab.cpp": '#include <bits/stdc++.h>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<"\\n";}\n',
    "ab.java": "import java.util.*;\npublic class Sum { public static void main(String[] x) {"
    " Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n",
    "ab.kt": 'fun main() { val (a, b) = readLine()!!.trim().split(" ").map { it.toLong() }; println(a + b) }\n',
    "ab.rs": "use std::io::Read;\nfn main(){let mut s=String::new();std::io::stdin().read_to_string(&mut s)"
    ".unwrap();let v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();"
    'println!("{}",v[0]+v[1]);}\n',
    "ab.py": "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n",
}
C_WITH_STDLIB = "#include <stdlib.h>\n"


def _generous(root: Path) -> Path:
    """A JVM's start costs CPU time (JIT threads): 10 s, so the machine's load cannot make a TLE."""
    yaml = root / "problem.yaml"
    yaml.write_text(yaml.read_text().replace("time_limit: 1.0", "time_limit: 10.0"))
    return root


def _kattis(root: Path, sources: dict[str, str]) -> Path:
    _generous(write_kattis_problem(root, AB_TESTS))
    folder = root / "submissions" / "accepted"
    folder.mkdir(parents=True)
    for name, code in sources.items():
        (folder / name).write_text(C_WITH_STDLIB + code if name.endswith(".c") else code)
    return root


def test_every_language_is_judged_accepted(tmp_path: Path, sandbox_name: str) -> None:
    """One program per language, Kattis names (problemtools: .c is C, .py is PyPy 3), judged AC."""
    problem = load_problem(_kattis(tmp_path / "ab", SOURCES))
    assert {s.path.name: s.language for s in problem.submissions} == {
        "ab.c": "c", "ab.cpp": "cpp", "ab.java": "java", "ab.kt": "kotlin", "ab.rs": "rust", "ab.py": "python3",
    }  # fmt: skip
    with Judge(problem, sandbox=sandbox_name, jobs=2) as judge:
        dialects = {s.path.name: judge.language_of(s.path) for s in problem.submissions}
        assert {n: lang.key for n, lang in dialects.items() if isinstance(lang, Language)} == {
            "ab.c": "c17", "ab.cpp": "cpp23", "ab.java": "java", "ab.kt": "kotlin", "ab.rs": "rust", "ab.py": "pypy3",
        }  # fmt: skip
        results = judge.judge_sources([s.path for s in problem.submissions])
    for r in results:
        assert (Path(r.source).name, r.verdict, r.compile.message if not r.compile.ok else "") == (
            Path(r.source).name,
            Verdict.AC,
            "",
        )


JAVA_ALLOC = """public class Main { public static void main(String[] a) throws Exception {
  int mb = Integer.parseInt(new java.util.Scanner(System.in).next());
  byte[][] keep = new byte[mb][]; for (int i = 0; i < mb; i++) { keep[i] = new byte[1 << 20]; keep[i][7] = 1; }
  System.out.println(keep.length); } }
"""


@pytest.mark.parametrize("cgroup", ["auto", "off"])
def test_a_jvm_is_charged_its_heap_only(
    tmp_path: Path, sandbox_name: str, cgroup: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-Xmx is the memory limit (Kattis's run command): 150 MB of a 256 MB heap is AC although the JVM
    reserves GBs of address space; 400 MB is MLE (the heap ran out), not a crash. Both where memory is a
    cgroup's limit and where it is RLIMIT_AS ($IOI_AGENT_CGROUP=off)."""
    if cgroup == "off":
        monkeypatch.setenv("IOI_AGENT_CGROUP", "off")
    root = _generous(write_kattis_problem(tmp_path / "mem", {"small": ("150\n", "150\n")}))
    big = _generous(write_kattis_problem(tmp_path / "mem-big", {"big": ("400\n", "400\n")}))
    for folder in (root, big):
        (folder / "submissions" / "accepted").mkdir(parents=True)
        (folder / "submissions" / "accepted" / "Main.java").write_text(JAVA_ALLOC)
    for folder, verdict in ((root, Verdict.AC), (big, Verdict.MLE)):
        problem = load_problem(folder)
        store = ResultStore(tmp_path / f"{folder.name}.sqlite")  # no result stored by the other mode
        with Judge(problem, sandbox=sandbox_name, jobs=1, store=store) as judge:
            [result] = judge.judge_sources([problem.submissions[0].path])
        # The test's verdict: the Kattis submission's own is problemtools' RTE for a run over memory.
        assert run_verdict(result) == verdict.value, result


PYPY_ALLOC = "n = int(input())\nkeep = [bytearray(1 << 20) for _ in range(n)]\nprint(len(keep))\n"


@pytest.mark.parametrize("cgroup", ["auto", "off"])
def test_pypy_runs_under_an_address_space_limit(
    tmp_path: Path, sandbox_name: str, cgroup: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kattis runs Python 3 as PyPy, whose GC reserves address space up front: under RLIMIT_AS alone
    (no cgroup: a non-root judge, $IOI_AGENT_CGROUP=off) a 256 MiB limit made every PyPy run abort at
    start (signal 6, "cannot allocate nursery"). The reserve is not the program's: 64 MiB of data is AC,
    400 MiB is MLE (the test's verdict; the Kattis submission's is problemtools' RTE), with a cgroup and
    without."""
    if cgroup == "off":
        monkeypatch.setenv("IOI_AGENT_CGROUP", "off")
    for used, verdict in ((64, "AC"), (400, "MLE")):
        root = _generous(write_kattis_problem(tmp_path / f"py{used}", {"t": (f"{used}\n", f"{used}\n")}))
        (root / "submissions" / "accepted").mkdir(parents=True)
        (root / "submissions" / "accepted" / "alloc.py").write_text(PYPY_ALLOC)
        problem = load_problem(root)
        store = ResultStore(tmp_path / f"py{used}.sqlite")
        with Judge(problem, sandbox=sandbox_name, jobs=1, store=store) as judge:
            assert judge.language_of(problem.submissions[0].path).key == "pypy3"
            [result] = judge.judge_sources([problem.submissions[0].path])
        assert run_verdict(result) == verdict, result


GETS = '#include <stdio.h>\nint main(){char s[64]; gets(s); int a,b; sscanf(s,"%d %d",&a,&b); printf("%d\\n",a+b);}\n'
C_ONLY = "#include <stdio.h>\n#include <stdlib.h>\nint main(void){int *new = malloc(2*sizeof *new);"
C_ONLY += ' scanf("%d %d", &new[0], &new[1]); printf("%d\\n", new[0]+new[1]); return 0;}\n'


def _polygon(root: Path, solutions: list[tuple[str, str, str, str]]) -> Path:
    """The A+B Polygon fixture with these (tag, file, source type, code) solutions instead of its own."""
    fx.write_polygon_package(root)
    entries = []
    for tag, name, kind, code in solutions:
        (root / "solutions" / name).write_text(code)
        entries.append(f'<solution tag="{tag}"><source path="solutions/{name}" type="{kind}"/></solution>')
    xml = root / "problem.xml"
    xml.write_text(
        re.sub(
            r"<solutions>.*</solutions>",
            f"<solutions>{''.join(entries)}</solutions>",
            xml.read_text(),
            flags=re.S,
        )
    )
    return root


def test_polygon_source_types_pick_the_dialect(tmp_path: Path, sandbox_name: str) -> None:
    """Polygon: cpp.g++ is C++03 (gets compiles), cpp.g++17 is C++17 (gets is gone: CE), c.gcc is C
    (`new` is a name, void* converts); python.2 has no language here: not judged, said so."""
    root = _polygon(
        tmp_path / "dialects",
        [
            ("main", "old.cpp", "cpp.g++", GETS),
            ("accepted", "c.c", "c.gcc", C_ONLY),
            ("accepted", "new23.cpp", "cpp.gcc14-64-msys2-g++23", SOURCES["ab.cpp"]),
            ("wrong-answer", "new.cpp", "cpp.g++17", GETS),
            ("accepted", "py2.py", "python.2", "print 3\n"),
        ],
    )
    problem = load_problem(root)
    with Judge(problem, sandbox=sandbox_name, jobs=2) as judge:
        results = {Path(r.source).name: r for r in judge.judge_sources([s.path for s in problem.submissions])}
    assert results["old.cpp"].verdict == Verdict.AC, results["old.cpp"].compile.message
    assert results["c.c"].verdict == Verdict.AC, results["c.c"].compile.message
    assert results["new23.cpp"].verdict == Verdict.AC
    assert results["new.cpp"].verdict == Verdict.CE and "gets" in results["new.cpp"].compile.message
    assert (
        results["py2.py"].compile.not_judged == "not judged: language python.2 is not supported by this judge"
    )


def test_polygon_type_table() -> None:
    """Polygon source types to our languages (the newest g++ 12 dialect for g++23)."""
    table = {
        "cpp.g++": "cpp98", "cpp.g++11": "cpp11", "cpp.g++14": "cpp14", "cpp.g++17": "cpp17",
        "cpp.gcc14-64-msys2-g++23": "cpp23", "cpp.gcc11-64-winlibs-g++20": "cpp20", "cpp.ms2017": "cpp17",
        "c.gcc": "c11", "java8": "java", "java11": "java", "java21": "java", "kotlin": "kotlin",
        "kotlin19": "kotlin", "python.3": "python3", "python.pypy3": "pypy3", "python.pypy3-64": "pypy3",
        "rust": "rust", "python.2": "", "pas.fpc": "",
    }  # fmt: skip
    assert {t: languages.polygon_language(t) for t in table} == table


def test_a_language_the_box_lacks_is_not_judged(
    tmp_path: Path, sandbox_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language whose compiler is not in the box (here: one pointing at a missing path, as java is
    where scripts/install_languages.sh did not run) loads, and is reported as not judged, not CE."""
    missing = Language(
        key="java", name="Java (OpenJDK 17)", family="java", compile=("/usr/bin/no-such-javac", "{files}"),
        run=("/usr/bin/java", "{mainclass}"), tools=("/usr/bin/no-such-javac",), package="openjdk-17-jdk-headless",
    )  # fmt: skip
    monkeypatch.setitem(languages.LANGUAGES, "java", missing)
    problem = load_problem(_kattis(tmp_path / "nojava", {"ab.java": SOURCES["ab.java"]}))
    with Judge(problem, sandbox=sandbox_name, jobs=1) as judge:
        [result] = judge.judge_sources([problem.submissions[0].path])
    assert result.compile.not_judged == (
        "not judged: language Java (OpenJDK 17) not installed (install with scripts/install_languages.sh; "
        "Debian package openjdk-17-jdk-headless)"
    )
    assert result.verdict == Verdict.JE


def test_problem_show_lists_the_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`problem show`: each submission's language as judged here, and Kattis's `languages` key."""
    root = _kattis(tmp_path / "show", {n: SOURCES[n] for n in ("ab.cpp", "ab.java", "ab.py")})
    yaml = root / "problem.yaml"
    yaml.write_text(yaml.read_text() + "languages: cpp java python3\n")
    (root / "submissions" / "accepted" / "two.py").write_text("#!/usr/bin/env python2\nprint 3\n")
    problem = load_problem(root)
    assert problem.languages == ["cpp", "java", "python3"]
    assert {s.path.name: s.language for s in problem.submissions}["two.py"] == "python2"
    assert main(["problem", "show", str(root)]) == 0
    out = capsys.readouterr().out
    assert "languages allowed: cpp java python3" in out
    for name in (
        "C++23 (g++ -std=gnu++23)",
        "Java (OpenJDK 17)",
        "Python 3 (PyPy 3)",
        "python2 (not supported)",
    ):
        assert name in out


def test_verify_names_what_it_did_not_judge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """verify: a labelled submission in a language the judge has not is printed as not judged, and does
    not count as agreeing or disagreeing with its label."""
    root = _kattis(tmp_path / "v", {"ab.cpp": SOURCES["ab.cpp"]})
    (root / "submissions" / "accepted" / "two.py").write_text("#!/usr/bin/env python2\nprint 3\n")
    assert main(["verify", str(root), "--sandbox", "bwrap"]) == 0
    err = "".join(capsys.readouterr().err.split())  # however the console wraps it
    assert "two.py:notjudged:languagepython2isnotsupportedbythisjudge" in err
