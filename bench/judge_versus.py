"""The judge's per-run cost in this checkout against another checkout (before a change), same machine, same run.

    python bench/judge_versus.py --base /path/to/other/checkout [--candidates 10] [--tests 40] [--jobs 2]
                                 [--backends bwrap,docker] [--repeat 5]

Each side is a child `python` started in its own checkout (so each imports its own `ioi_agent`), given the
same problem (N distinct candidates of a small C++ program × M tests) and a fresh cache and result store:
it compiles the candidates (not timed), then times judging them. The sides take turns for `--repeat`
rounds (the machine may be shared; load drifts) and each keeps its median; prints the milliseconds per run
of each and the ratio this / base (issue 20's target: ≤ 1.10, at most 10 % slower).
`git worktree add --detach ../base <commit>` makes a base checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = """#include <bits/stdc++.h>
using namespace std;
int main() {{ long long a, b; cin >> a >> b; cout << a + b + {k} - {k} << "\\n"; }}
"""

# Runs in the child, inside the checkout under test: judging time of the already compiled sources.
CHILD = r"""
import json, os, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages import load_problem

problem_dir, backend, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
sources = [Path(p) for p in sys.argv[4:]]
problem = load_problem(Path(problem_dir))
store = ResultStore(Path(tempfile.mkdtemp()) / "fresh.sqlite")
with Judge(problem, sandbox=backend, jobs=jobs, store=store) as judge:
    with ThreadPoolExecutor(jobs) as pool:
        assert all(p.ok for p in pool.map(judge.compile, sources))
    start = time.perf_counter()
    results = judge.judge_sources(sources)
    elapsed = time.perf_counter() - start
assert all(r.verdict == "AC" for r in results), [r.verdict for r in results]
print(json.dumps({"seconds": elapsed, "runs": len(sources) * len(problem.tests)}))
"""


def write_problem(root: Path, tests: int) -> Path:
    """A legacy Kattis pass-fail package: sum of two numbers, `tests` secret cases."""
    (root / "data" / "secret").mkdir(parents=True)
    (root / "problem.yaml").write_text("name: sum\nlimits:\n  time_limit: 2\n")
    for i in range(tests):
        (root / "data" / "secret" / f"{i:03d}.in").write_text(f"{i} {2 * i}\n")
        (root / "data" / "secret" / f"{i:03d}.ans").write_text(f"{3 * i}\n")
    return root


def one_round(checkout: Path, problem: Path, backend: str, jobs: int, sources: list[Path]) -> float:
    """Milliseconds per run of one judging by `checkout`, with a cache of its own (fresh each round)."""
    cache = Path(tempfile.mkdtemp(prefix="ioi-versus-cache-"))
    os.chmod(cache, 0o755)
    env = {**os.environ, "IOI_AGENT_CACHE": str(cache), "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(problem), backend, str(jobs), *map(str, sources)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    subprocess.run(["rm", "-rf", str(cache)], check=False)
    if done.returncode != 0:
        sys.exit(f"{checkout}: the judging failed:\n{done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return 1000 * figures["seconds"] / figures["runs"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=Path, required=True, help="the other checkout (before the change)")
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--tests", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--backends", default="bwrap,docker")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; each side keeps its median")
    args = parser.parse_args()
    base = args.base.resolve()
    if not (base / "ioi_agent" / "__init__.py").is_file():
        sys.exit(
            f"{base}: not an ioi-agent checkout (no ioi_agent/__init__.py); make one with git worktree add"
        )

    work = Path(tempfile.mkdtemp(prefix="ioi-versus-"))
    problem = write_problem(work / "sum", args.tests)
    sources = []
    for k in range(args.candidates):
        source = work / f"cand{k}.cpp"
        source.write_text(PROGRAM.format(k=k))
        sources.append(source)
    print(f"{args.candidates} candidates × {args.tests} tests, {args.jobs} workers, median of {args.repeat}")
    print(f"  this: {ROOT}\n  base: {base}")
    for backend in args.backends.split(","):
        this: list[float] = []
        before: list[float] = []
        for _ in range(args.repeat):
            before.append(one_round(base, problem, backend, args.jobs, sources))
            this.append(one_round(ROOT, problem, backend, args.jobs, sources))
        mine, theirs = statistics.median(this), statistics.median(before)
        print(
            f"  {backend:<6} this {mine:6.2f} ms/run   base {theirs:6.2f} ms/run   ratio {mine / theirs:.2f}"
            f" (target ≤ 1.10)   rounds this {', '.join(f'{t:.2f}' for t in this)}"
            f" / base {', '.join(f'{t:.2f}' for t in before)}"
        )


if __name__ == "__main__":
    main()
