"""Interactive judging against two bare processes joined by pipes, measured in the same run.

    python bench/interactive_throughput.py [--rounds 100000] [--repeat 3] [--backends bwrap,docker]

A Kattis interactive package is written to a temporary folder: its output validator sends `rounds` short
messages (a number per line) and expects each number + 1 back, then accepts. The contestant program
answers them. The same two binaries are then run by the judge (one test, a fresh result store) and bare:
two `subprocess` processes whose stdin/stdout are joined by two pipes, no sandbox and no limits. Prints
seconds per test and the ratio bare / judge (1.0 = the judge adds nothing; target ≥ 0.7).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VALIDATOR = r"""
#include <cstdio>
#include <cstdlib>
int main(int argc, char **argv) {
    long rounds = ROUNDS;
    for (long i = 0; i < rounds; i++) {
        printf("%ld\n", i);
        fflush(stdout);
        long y;
        if (scanf("%ld", &y) != 1 || y != i + 1) return 43;
    }
    printf("-1\n");
    fflush(stdout);
    return 42;
}
"""
CONTESTANT = r"""
#include <cstdio>
int main() {
    long x;
    while (scanf("%ld", &x) == 1 && x >= 0) { printf("%ld\n", x + 1); fflush(stdout); }
    return 0;
}
"""


def make_package(root: Path, rounds: int) -> tuple[Path, Path]:
    (root / "data" / "secret").mkdir(parents=True)
    (root / "data" / "sample").mkdir(parents=True)
    (root / "problem.yaml").write_text(
        "name: Echo\nvalidation: custom interactive\nlimits:\n  time_limit: 10\n  memory: 256\n"
    )
    (root / "data" / "secret" / "1.in").write_text("1\n")
    (root / "data" / "secret" / "1.ans").write_text("1\n")
    validator = root / "output_validators" / "echo" / "validator.cpp"
    validator.parent.mkdir(parents=True)
    validator.write_text(VALIDATOR.replace("ROUNDS", str(rounds)))
    contestant = root.parent / "contestant.cpp"
    contestant.write_text(CONTESTANT)
    return root, contestant


def compile_cpp(source: Path, out: Path) -> Path:
    subprocess.run(["g++", "-O2", "-std=gnu++17", "-o", str(out), str(source)], check=True)
    return out


def bare(validator: Path, contestant: Path, inp: Path, ans: Path, feedback: Path) -> float:
    """Two processes joined by pipes: validator stdout → contestant stdin, contestant stdout → validator."""
    start = time.perf_counter()
    to_user_r, to_user_w = os.pipe()
    from_user_r, from_user_w = os.pipe()
    val = subprocess.Popen(
        [str(validator), str(inp), str(ans), f"{feedback}/"], stdin=from_user_r, stdout=to_user_w
    )
    user = subprocess.Popen([str(contestant)], stdin=to_user_r, stdout=from_user_w)
    for fd in (to_user_r, to_user_w, from_user_r, from_user_w):
        os.close(fd)
    user.wait()
    code = val.wait()
    assert code == 42, f"the bare validator rejected ({code})"
    return time.perf_counter() - start


def judged(backend: str, package: Path, contestant: Path) -> tuple[float, str]:
    from ioi_agent.judge.runner import Judge
    from ioi_agent.judge.store import ResultStore
    from ioi_agent.packages import load_problem

    problem = load_problem(package)
    with tempfile.TemporaryDirectory() as store_dir:
        with Judge(
            problem, sandbox=backend, jobs=1, store=ResultStore(Path(store_dir) / "r.sqlite")
        ) as judge:
            judge.compile(contestant)  # compiled (and the validator built) before the clock starts
            judge.judge_sources([contestant])
        with Judge(
            problem, sandbox=backend, jobs=1, store=ResultStore(Path(store_dir) / "s.sqlite")
        ) as judge:
            start = time.perf_counter()
            (result,) = judge.judge_sources([contestant])
            elapsed = time.perf_counter() - start
            assert result.verdict == "AC", f"{backend}: {result.verdict} {result.subtasks}"
            return elapsed, judge.sandbox_message


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs, for each side")
    parser.add_argument("--backends", default="bwrap,docker")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="ioi-agent-bench-cache-"))
    os.chmod(cache, 0o755)
    os.environ.setdefault("IOI_AGENT_CACHE", str(cache))
    work = Path(tempfile.mkdtemp(prefix="ioi-agent-bench-"))
    try:
        package, contestant = make_package(work / "echo", args.rounds)
        validator_bin = compile_cpp(package / "output_validators" / "echo" / "validator.cpp", work / "v")
        contestant_bin = compile_cpp(contestant, work / "c")
        feedback = work / "feedback"
        feedback.mkdir()
        inp, ans = package / "data" / "secret" / "1.in", package / "data" / "secret" / "1.ans"
        base = min(bare(validator_bin, contestant_bin, inp, ans, feedback) for _ in range(args.repeat))
        print(f"interactive, {args.rounds} round trips: bare pipes {base:.3f} s")
        for backend in [b for b in args.backends.split(",") if b]:
            runs = [judged(backend, package, contestant) for _ in range(args.repeat)]
            best = min(t for t, _ in runs)
            print(f"  {backend:6s} judge {best:.3f} s  ratio bare/judge {base / best:.2f}  ({runs[0][1]})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
