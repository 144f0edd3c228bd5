"""Compile bombs and compile-error floods, on each sandbox: a source that makes the compiler pass its CPU
time, memory or file size limit is a compile error saying which limit, cached as such (a later compile
reads it from the cache), and the compiler's output is kept as its head and tail, never read whole. An
honest program compiled after them in the same box compiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ioi_agent.judge.compile import COMPILE_LIMITS, MESSAGE_HEAD, MESSAGE_TAIL, Compiler
from ioi_agent.sandbox import SandboxPool, cache_root, choose_backend

# Each constexpr evaluation has its own operation budget (gcc 12: 2^25 operations, about 8 s): twenty of
# them are far past 10 s of CPU time on any machine, and nothing here waits on anything but the CPU.
CPU_BOMB = """
constexpr unsigned long spin(unsigned long k) {
  unsigned long s = k;
  for (unsigned long i = 0; i < 200000; i++)
    for (unsigned long j = 0; j < 200000; j++) s += i ^ (j + (s >> 3));
  return s;
}
template <int K> constexpr unsigned long value = spin(K);
template <int... K> constexpr unsigned long sum(int (*)[sizeof...(K)] = nullptr) { return (value<K> + ...); }
int main() { return (int)(sum<0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19>() & 1); }
"""
# 2^26 distinct instantiations: the compiler's memory grows by about 150 MiB per CPU second.
TEMPLATE_BOMB = """
template <int N, long M> struct Tree {
  static constexpr long value = Tree<N - 1, 2 * M>::value + Tree<N - 1, 2 * M + 1>::value;
};
template <long M> struct Tree<0, M> { static constexpr long value = M % 7; };
int main() { return (int)Tree<26, 1>::value; }
"""
# The preprocessor reads an endless file into memory.
ZERO_INCLUDE = "#include </dev/zero>\nint main() {}\n"
# 256 MiB of initialised data: the assembler's object file passes the file size limit.
HUGE_ARRAY = "char blob[256 << 20] = {1};\nint main() { return blob[12345]; }\n"
HONEST = "#include <bits/stdc++.h>\nint main() { std::vector<int> v{4, 2}; std::cout << v[0] + v[1]; }\n"


def flood(errors: int) -> str:
    """A source whose every one of `errors` errors prints a few KB of macro context: the flood's size
    grows with `errors`, its time stays about a second per 50 MB."""
    pad = "/*" + "a" * 3000 + "*/"
    tens = errors // 100
    return (
        f"#define A x; x; x; x; x; x; x; x; x; x; {pad}\n"
        f"#define B A A A A A A A A A A {pad}\n"
        f"int first_line_marker = ;\n" + f"B {pad}\n" * tens + "int last_line_marker = ;\n"
    )


@pytest.fixture
def compiler(sandbox_name: str) -> Compiler:
    backend, _ = choose_backend(sandbox_name)
    with SandboxPool(backend, 1, cache=cache_root()) as pool:
        yield Compiler(pool)


def cached_result(compiler: Compiler, key: str) -> dict:
    return json.loads(
        (compiler.pool.mounts.binaries / compiler.pool.program_name(key) / "result.json").read_text()
    )


@pytest.mark.parametrize(
    ("name", "source", "limit"),
    [
        ("cpu.cpp", CPU_BOMB, f"compilation exceeded {COMPILE_LIMITS['cpu_s']:g} s of CPU time"),
        ("zero.cpp", ZERO_INCLUDE, "compilation exceeded 1 GiB of memory"),
        ("array.cpp", HUGE_ARRAY, f"compilation exceeded {COMPILE_LIMITS['out_mb']:g} MiB in one file"),
    ],
)
def test_a_compile_past_a_limit_is_a_cached_compile_error(
    compiler: Compiler, tmp_path: Path, name: str, source: str, limit: str
) -> None:
    src = tmp_path / name
    src.write_text(source)
    result = compiler.compile(src)
    assert not result.ok and not result.box_failure, result.message[:500]
    assert result.message.startswith(limit), result.message[:500]
    assert cached_result(compiler, result.key)["message"].startswith(limit)  # stored: not compiled again
    honest = tmp_path / "honest.cpp"
    honest.write_text(HONEST)
    assert compiler.compile(honest).ok  # the same box compiles the next source


def test_a_template_bomb_stops_at_a_limit(compiler: Compiler, tmp_path: Path) -> None:
    """Memory or CPU time, whichever it passes first (both grow with the instantiations): a CE either way,
    the same on every run, cached."""
    src = tmp_path / "tree.cpp"
    src.write_text(TEMPLATE_BOMB)
    result = compiler.compile(src)
    assert not result.ok and not result.box_failure, result.message[:500]
    assert result.message.startswith("compilation exceeded"), result.message[:500]
    assert cached_result(compiler, result.key)["ok"] is False


def test_an_error_flood_keeps_head_and_tail(compiler: Compiler, tmp_path: Path) -> None:
    """Two MB of errors: the message is their first and last 64 KiB in all, with the first error and the
    last one in it, and it says how much was left out."""
    src = tmp_path / "flood.cpp"
    src.write_text(flood(1000))
    result = compiler.compile(src)
    assert not result.ok and not result.box_failure
    assert len(result.message.encode()) <= MESSAGE_HEAD + MESSAGE_TAIL + 100
    assert len(result.message.encode()) >= MESSAGE_HEAD + MESSAGE_TAIL - 2000
    assert "first_line_marker" in result.message[:MESSAGE_HEAD]
    assert "last_line_marker" in result.message[-MESSAGE_TAIL:]
    assert "bytes of compiler output left out" in result.message


def test_a_flood_past_the_file_limit_is_a_compile_error(compiler: Compiler, tmp_path: Path) -> None:
    """More than the file size limit of errors: the compiler is stopped there, the judge reads only the
    head and tail of the file, and the CE says which limit."""
    src = tmp_path / "bigflood.cpp"
    src.write_text(flood(12000))
    result = compiler.compile(src)
    assert not result.ok and not result.box_failure
    assert result.message.startswith(f"compilation exceeded {COMPILE_LIMITS['out_mb']:g} MiB in one file")
    assert len(result.message.encode()) <= MESSAGE_HEAD + MESSAGE_TAIL + 200
    assert "first_line_marker" in result.message[:MESSAGE_HEAD]
