"""What boxing a trusted program costs: a CMS checker run N times through `run_checker` (its own
bubblewrap box, own uid, limits) against the same binary run bare with `subprocess`, in the same run.

    python bench/trusted_overhead.py [--runs 200]

Prints checks/s of both, the ratio, and the cost per check in milliseconds. A custom checker pays this
once per distinct output of a test (a repeated output is judged once); the built-in comparisons (token
diff, white diff) pay nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHECKER = r"""
#include <cstdio>
int main(int argc, char** argv) {
    FILE* a = fopen(argv[2], "r"); FILE* o = fopen(argv[3], "r");
    long long x = 0, y = 1;
    if (!a || !o || fscanf(a, "%lld", &x) != 1 || fscanf(o, "%lld", &y) != 1) { printf("0\n"); return 0; }
    printf(x == y ? "1\n" : "0\n"); fprintf(stderr, "checked"); return 0;
}
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    from ioi_agent.judge.checkers import host_program, run_checker
    from ioi_agent.packages.model import Checker, CheckerKind
    from ioi_agent.sandbox.trusted_box import trusted_box_line

    work = Path(tempfile.mkdtemp(prefix="ioi-bench-trusted-"))
    os.chmod(work, 0o755)
    (work / "checker.cpp").write_text(CHECKER)
    for name, text in (("in", "1 2\n"), ("ans", "3\n"), ("out", "3\n")):
        (work / name).write_text(text)
    checker = Checker(kind=CheckerKind.CMS, sources=[work / "checker.cpp"])
    cache = work / "cache"
    binary = host_program(checker.sources, cache)
    # Distinct outputs (the judge checks each distinct output once: repeated ones cost nothing).
    outputs = []
    for i in range(args.runs):
        outputs.append(work / f"out{i}")
        outputs[-1].write_text("3\n" + " " * i)

    start = time.perf_counter()
    for out in outputs:
        argv = [*binary, str(work / "in"), str(work / "ans"), str(out)]
        assert subprocess.run(argv, capture_output=True).stdout.strip() == b"1"
    bare = args.runs / (time.perf_counter() - start)

    start = time.perf_counter()
    for out in outputs:
        result = run_checker(checker, cache, work / "in", work / "ans", out)
        assert result.score == 1.0, result
    boxed = args.runs / (time.perf_counter() - start)

    start = time.perf_counter()
    for _ in outputs:
        run_checker(checker, cache, work / "in", work / "ans", outputs[0])
    repeated = args.runs / (time.perf_counter() - start)

    print(f"{args.runs} checks, one at a time [{trusted_box_line()}]")
    print(f"  bare subprocess     {bare:8.1f} checks/s")
    print(f"  run_checker, boxed  {boxed:8.1f} checks/s   ratio {boxed / bare:.2f}")
    print(f"  cost of the box     {1000 / boxed - 1000 / bare:8.2f} ms per check")
    print(f"  a repeated output   {repeated:8.1f} checks/s   ratio {repeated / bare:.2f} (judged once)")


if __name__ == "__main__":
    main()
