"""Mutant candidates: every operator changes a program and keeps it a candidate, runs are deterministic and
resumable, the mix and the labels are as documented, and mutants of a real package still compile."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from random import Random

import pytest

from ioi_agent import cli
from ioi_agent.generation.mutants import MUTANTS, Mix, MutantFactory, mutant_records, run_mutants
from ioi_agent.generation.mutation_cosmetic import COSMETIC_OPS
from ioi_agent.generation.mutation_ops import SEMANTIC_OPS
from ioi_agent.generation.mutation_tokens import Program, join, tokenize
from ioi_agent.generation.pool import PoolRecord, read_pool
from ioi_agent.packages import load_problem
from ioi_agent.packages.model import Problem
from tests.conftest import REPO, SHARED

LANTERNS = REPO / "problems" / "demo" / "lanterns"
REAL = SHARED / "data" / "kattis" / "egoi-2024" / "makethemmeet"  # accepted C++ and Python programs

CPP = """\
// Sum of the k largest values; nothing when k is 0.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>
typedef long long ll;

int main() {
    int n, k;
    std::scanf("%d %d", &n, &k);
    std::vector<long long> a(n);
    for (int i = 0; i < n; ++i) std::scanf("%lld", &a[i]);
    if (k == 0) {
        std::printf("0\\n");
        return 0;
    }
    std::sort(a.begin(), a.end(), std::greater<long long>());
    long long sum = 0;  /* the answer */
    for (int i = 0; i < k && i < n; i++) {
        if (a[i] < 0) continue;
        sum += a[i] + 1 - 1;
    }
    std::printf("%lld\\n", sum);
    return 0;
}
"""

PY = """\
# Sum of the k largest values; nothing when k is 0.
import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, k = int(data[0]), int(data[1])
    a = sorted(map(int, data[2 : 2 + n]), reverse=True)
    if k == 0:
        print(0)
        return
    total = 0
    for i in range(min(k, n)):
        if a[i] < 0 and i >= 0:
            continue
        total += a[i] // 1 + 1 - 1
    print(f"{total}")


main()
"""


@pytest.fixture(scope="module")
def lanterns() -> Problem:
    return load_problem(LANTERNS)


def syntax_ok(paths: list[Path], includes: list[Path] = ()) -> list[bool]:  # type: ignore[assignment]
    def one(path: Path) -> bool:
        flags = [f"-I{d}" for d in includes]
        cmd = ["g++", "-std=gnu++17", "-fsyntax-only", *flags, str(path)]
        return subprocess.run(cmd, capture_output=True).returncode == 0

    with ThreadPoolExecutor(2) as pool:  # the machine has two cores
        return list(pool.map(one, paths))


def test_the_tokenizer_is_lossless() -> None:
    for code, lang in ((CPP, "cpp"), (PY, "python")):
        toks = tokenize(code, lang)
        assert join(toks) == code
        assert not any(t.kind == "ident" and t.text == "answer" for t in toks)  # inside a comment
    assert [t.kind for t in tokenize("#include <vector>\nint x = 1;", "cpp")][0] == "preproc"


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_every_operator_changes_the_program_and_it_still_compiles(tmp_path: Path) -> None:
    cpp_files: list[Path] = []
    for lang, code in (("cpp", CPP), ("python", PY)):
        for name, op in {**SEMANTIC_OPS, **COSMETIC_OPS}.items():
            edit = op(Program.parse(code, lang), Random(0))
            assert edit is not None, f"{name} does not apply to the {lang} program"
            new, what = edit
            assert new != code and what, name
            # Still a candidate record, through JSON and back.
            record = PoolRecord(
                problem="p", status="ok", code=new, completion_sha256="x", job=name, sample_index=0,
                model=MUTANTS, backend=MUTANTS, language=lang, source=f"mutant:a#{name}", mutation=what,
            )  # fmt: skip
            assert PoolRecord.model_validate_json(record.model_dump_json()).code == new
            if lang == "python":
                compile(new, name, "exec")
            else:
                cpp_files.append(tmp_path / f"{name}.cpp")
                cpp_files[-1].write_text(new)
    results = syntax_ok(cpp_files)
    assert all(results), [p.name for p, ok in zip(cpp_files, results, strict=True) if not ok]


def test_operators_edit_what_they_say() -> None:
    def run(op: str, code: str, lang: str, seed: int = 0) -> str:
        edit = {**SEMANTIC_OPS, **COSMETIC_OPS}[op](Program.parse(code, lang), Random(seed))
        assert edit is not None
        return edit[0]

    for code, lang, guard in ((CPP, "cpp", "if (k == 0)"), (PY, "python", "if k == 0")):
        dropped = {run("drop_guard", code, lang, seed) for seed in range(10)}
        assert any(guard not in c and "continue" in c for c in dropped)  # the k == 0 edge case
        assert any(guard in c and "continue" not in c for c in dropped)  # the guard that skips negatives
    narrowed = {run("narrow_type", CPP, "cpp", seed) for seed in range(20)}
    assert any("long long" not in c and "%lld" not in c and "typedef int ll;" in c for c in narrowed)
    assert "/ 1" in run("narrow_type", PY, "python")
    assert "std::greater<long long>" in run("boundary", CPP, "cpp")  # template brackets are not comparisons
    assert "volatile" in run("slow", CPP, "cpp") and "for _k in range(min(k, n))" in run("slow", PY, "python")
    for code, lang in ((CPP, "cpp"), (PY, "python")):

        def tokens(text: str, lang: str = lang) -> list[str]:
            return [t.text for t in tokenize(text, lang) if t.kind not in ("ws", "nl", "comment")]

        variants = {run("reformat", code, lang, seed) for seed in range(10)}
        assert all(tokens(v) == tokens(code) for v in variants)  # only layout and comments change
        assert any("Sum of" not in v for v in variants) and len(variants) > 3
    renamed = run("rename", PY, "python")
    assert 'f"{total}"' in renamed and "total" in renamed  # a name an f-string uses is never renamed


def test_deterministic_per_seed(lanterns: Problem) -> None:
    first = [m.code for m in MutantFactory(lanterns, seed=3).mutants(40)]
    assert first == [m.code for m in MutantFactory(lanterns, seed=3).mutants(40)]
    assert first != [m.code for m in MutantFactory(lanterns, seed=4).mutants(40)]
    # A larger N keeps the first ones: mutant i depends on the seed and i only.
    assert [m.code for m in MutantFactory(lanterns, seed=3).mutants(60)][:40] == first


def test_mix_and_labels(lanterns: Problem) -> None:
    records = list(mutant_records([lanterns], 600, seed=1))
    categories = Counter((r.mutation or "").split(":")[0] for r in records)
    assert abs(categories["duplicate"] / 600 - 0.15) < 0.05
    assert abs(categories["cosmetic"] / 600 - 0.15) < 0.05
    assert abs(categories["semantic"] / 600 - 0.70) < 0.06
    codes = Counter(r.code for r in records)
    assert sum(n - 1 for n in codes.values()) >= categories["duplicate"]  # exact copies really are copies
    labels = {s.path.relative_to(LANTERNS).as_posix(): s.label for s in lanterns.submissions}
    semantic_ops = set(SEMANTIC_OPS) | {"brute"}
    for r in records:
        assert r.model == r.backend == MUTANTS and r.source and r.source.startswith("mutant:submissions/")
        base, ops = r.source.removeprefix("mutant:").split("#")
        if r.mutation and r.mutation.startswith("semantic"):
            assert r.label is None  # a mutation may break the program or not: unknown
        if set(ops.split("+")) & semantic_ops:
            assert r.label is None
        else:  # an exact or cosmetic copy of a base program keeps its label
            assert r.label == labels[base]
        assert r.code.strip()
    assert {"accepted", "partially_accepted", None} <= {r.label for r in records}


def test_rerun_adds_nothing_and_old_pools_load(lanterns: Problem, tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    assert run_mutants([lanterns], 20, pool, seed=5)[0].written == 20
    again, _ = run_mutants([lanterns], 20, pool, seed=5)
    assert (again.written, again.already_done) == (0, 20)
    assert run_mutants([lanterns], 30, pool, seed=5)[0].written == 10  # only the new indices
    assert run_mutants([lanterns], 5, pool, seed=6)[0].written == 5  # another seed, other mutants
    records = read_pool(pool)
    assert len(records) == 35 and len({r.key for r in records}) == 35
    old = records[0].model_dump(mode="json")
    del old["mutation"]
    assert PoolRecord.model_validate(old).mutation is None  # pools written before the field still load


@pytest.fixture
def generate_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    if "generate" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, "generate"])


@pytest.mark.usefixtures("generate_registered")
def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pool = str(tmp_path / "pool.jsonl")
    assert cli.main(["generate", str(LANTERNS), "--mutants", "8", "--seed", "2", "--out", pool]) == 0
    assert "wrote 8 mutants" in capsys.readouterr().out
    assert cli.main(["generate", str(LANTERNS), "--mutants", "8", "--seed", "2", "--out", pool]) == 0
    assert "wrote 0 mutants" in capsys.readouterr().out
    assert (
        cli.main(["generate", str(LANTERNS), "--mutants", "3", "--replay", "submissions", "--out", pool]) == 2
    )
    assert "choose one source" in capsys.readouterr().err


def test_mix_must_add_up() -> None:
    with pytest.raises(Exception, match="add up to 1"):
        Mix(duplicate=0.5, cosmetic=0.5, semantic=0.5)


@pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not on this machine")
@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_mutants_of_a_real_package_compile(tmp_path: Path) -> None:
    problem = load_problem(REAL)  # read in place
    mutants = list(MutantFactory(problem, seed=0).mutants(120))
    python = [m for m in mutants if m.base.language == "python"]
    cpp = [m for m in mutants if m.base.language == "cpp" and m.category != "duplicate"]
    compiled = 0
    for m in python:
        try:
            compile(m.code, m.source, "exec")
            compiled += 1
        except SyntaxError:
            pass
    assert python and compiled / len(python) >= 0.9
    files = []
    for m in cpp[:4]:  # a handful: each g++ run reads <bits/stdc++.h>
        files.append(tmp_path / f"m{m.index}.cpp")
        files[-1].write_text(m.code)
    assert len(files) == 4 and sum(syntax_ok(files)) >= 3
