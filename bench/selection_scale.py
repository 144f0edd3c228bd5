"""Selection at o1-ioi scale: time per stage and peak RSS, real judging for a small pool, synthetic matrices
for the post-judging stages at 1,000 to 100,000 candidates × 256 inputs.

Run: python bench/selection_scale.py [--real 150] [--real-inputs 8] [--scales 1000,10000,60000,100000]

1. Real: `--real` mutants of problems/demo/lanterns (generation/mutants.py) plus the demo pool's generators
   and validators, judged for real (--jobs 1): dedup, compile + matrix, clusters, features, scoring, policy;
   sandbox runs executed (distinct programs) vs exhaustive (every compiling candidate on every test).
2. Synthetic: for each scale, a matrix whose rows mimic the measured one (the share of candidates in each
   behaviour cluster, failure kinds per input) over 256 inputs, built as arrays directly (as build_matrix
   does), then clusters, features, scoring and the o1-ioi and AlphaCode policies, timed for real, each
   scale in its own process so that its peak RSS (ru_maxrss) is its own. Judging at that scale is NOT run:
   it is projected from the measured seconds per sandbox run, and printed as a projection.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ioi_agent.judge.store import ResultStore  # noqa: E402
from ioi_agent.packages import load_problem  # noqa: E402
from ioi_agent.packages.model import Problem  # noqa: E402
from ioi_agent.selection.arrays import (  # noqa: E402
    KEY_MISSING,
    STATUS_KEY,
    MatrixArrays,
    matrix_arrays,
    matrix_from_arrays,
)
from ioi_agent.selection.candidates import load_pool  # noqa: E402
from ioi_agent.selection.clusters import cluster  # noqa: E402
from ioi_agent.selection.contenders import contender_sets  # noqa: E402
from ioi_agent.selection.context import public_view  # noqa: E402
from ioi_agent.selection.features import compute_features  # noqa: E402
from ioi_agent.selection.model import (  # noqa: E402
    Candidate,
    CandidateExecution,
    CandidatePool,
    GeneratedInputs,
    PublicResult,
    Rules,
    RunStatus,
    SelectionContext,
)
from ioi_agent.selection.policies import make_policy  # noqa: E402
from ioi_agent.selection.scorer import default_scorer  # noqa: E402

PROBLEM = ROOT / "problems" / "demo" / "lanterns"
INPUTS = 256


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(stages: dict[str, float], name: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn()
    stages[name] = time.perf_counter() - start
    return out


def post_judging(problem: Problem, pool: CandidatePool, inputs, matrix, stages: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
    names = [st.name for st in problem.subtasks]
    sets = contender_sets(problem, matrix.executions, inputs)
    clusters = timed(stages, "clusters", lambda: {s: cluster(matrix, inputs, s, sets.get(s)) for s in names})
    features = timed(
        stages, "features", lambda: compute_features(problem, pool, inputs, matrix, clusters, sets)
    )
    scorer = default_scorer()
    timed(stages, "scoring", lambda: [scorer.predict(list(features[s].values())) for s in names])
    context = SelectionContext.model_construct(
        problem=problem.name,
        subtasks=names,
        points={st.name: st.points for st in problem.subtasks},
        contains={names[-1]: names[:-1]},
        pool=pool,
        inputs=inputs,
        matrix=matrix,
        clusters=clusters,
        features=features,
        contenders=sets,
    )

    def policies() -> None:
        for name in ("o1-ioi", "alphacode"):
            make_policy(name, context, Rules.ioi(50), seed=0, scorer=scorer).next([])

    timed(stages, "policy", policies)


def real(n: int, per_subtask: int) -> dict[str, object]:
    from ioi_agent.generation.mutants import run_mutants
    from ioi_agent.selection.matrix import build_matrix, normalised_source
    from ioi_agent.selection.testgen import generate_inputs

    problem = public_view(load_problem(PROBLEM))
    work = Path(tempfile.mkdtemp(prefix="selection-scale-"))
    stages: dict[str, float] = {}
    timed(stages, "generate", lambda: run_mutants([load_problem(PROBLEM)], n, work / "mutants.jsonl"))
    demo = load_pool(ROOT / "problems" / "demo" / "pool.jsonl", problem)
    mutants = load_pool(work / "mutants.jsonl", problem)
    pool = CandidatePool(
        problem=problem.name,
        candidates=mutants.candidates,
        generators=demo.generators,
        validators=demo.validators,
    )
    distinct = timed(
        stages, "dedup", lambda: len({normalised_source(c.code) for c in pool.candidates if c.ok})
    )
    inputs = timed(
        stages,
        "inputs",
        lambda: generate_inputs(problem, pool, sandbox="auto", jobs=1, per_subtask=per_subtask, work=work),
    )
    # A fresh result store: runs cached by an earlier bench would make the per-run cost look free.
    store = ResultStore(work / "results.sqlite")
    matrix = timed(stages, "compile+matrix", lambda: build_matrix(problem, pool, inputs, jobs=1, store=store))
    arrays = matrix_arrays(matrix, list(dict.fromkeys(s for v in inputs.per_subtask.values() for s in v)))
    tests = len(problem.samples) + arrays.keys.shape[1]
    compiling = sum(e.compiled for e in matrix.executions.values())
    post_judging(problem, pool, inputs, matrix, stages)
    whole = inputs.per_subtask[problem.subtasks[-1].name]
    clusters = cluster(matrix, inputs, problem.subtasks[-1].name)
    keys = arrays.keys[:, arrays.columns(whole)]
    executed = sum(1 for k in keys if (k != KEY_MISSING).any())  # rows run (distinct programs get a row each)
    return {
        "candidates": len(pool.candidates),
        "distinct_sources": distinct,
        "compiling": compiling,
        "tests": tests,
        "runs_exhaustive": compiling * tests,  # every compiling candidate, duplicates included
        "runs_distinct_exhaustive": matrix._runs.exhaustive,  # every distinct program on every test
        "runs_executed": matrix._runs.executed,  # round-based (contenders.py)
        "stages": stages,
        "cluster_shares": sorted((len(c.members) / max(1, compiling) for c in clusters), reverse=True),
        "kind_rates": {
            kind: float(np.mean(keys == STATUS_KEY[status]))
            for kind, status in (("TLE", RunStatus.TLE), ("RE", RunStatus.RE))
        },
        "executed_rows": executed,
        "peak_rss_mib": peak_rss_mib(),
    }


def synthetic_arrays(
    n: int, shares: list[float], kind_rates: dict[str, float], rng: np.random.Generator
) -> MatrixArrays:
    """n rows over INPUTS columns: behaviours sized like the measured clusters (their shares, the rest in
    small clusters and singletons), each a per-column output or failure drawn at the measured rates."""
    big = [s for s in shares if s >= 0.02] or [0.3]
    sizes = [max(1, int(s * n)) for s in big]
    rest = max(0, n - sum(sizes))
    while rest > 0:  # the tail: clusters of 1-8 members
        sizes.append(min(rest, int(rng.integers(1, 9))))
        rest -= sizes[-1]
    n_behaviours = len(sizes)
    behaviour = np.empty((n_behaviours, INPUTS), dtype=np.int32)
    tle, re_ = kind_rates.get("TLE", 0.02), kind_rates.get("RE", 0.02)
    for b in range(n_behaviours):
        wrong = 0.0 if b == 0 else float(rng.uniform(0.02, 0.5))
        u = rng.random(INPUTS)
        row = np.where(u < wrong, rng.integers(1, 50, INPUTS), 0).astype(np.int32)
        row[(u >= wrong) & (u < wrong + tle * (b > 0))] = STATUS_KEY[RunStatus.TLE]
        row[(u >= wrong + tle) & (u < wrong + tle + re_ * (b > 0))] = STATUS_KEY[RunStatus.RE]
        behaviour[b] = row
    assign = rng.permutation(np.repeat(np.arange(n_behaviours), sizes))[:n]
    keys = behaviour[assign]
    times = rng.uniform(0.001, 0.5, size=keys.shape)
    outputs = [[f"{j:032x}{k:032x}" for k in range(50)] for j in range(INPUTS)]
    return MatrixArrays(
        [f"m{i}" for i in range(n)], [f"{j:064x}" for j in range(INPUTS)], keys, times, outputs
    )


def synthetic(n: int, measured: dict[str, object]) -> dict[str, object]:
    rng = np.random.default_rng(n)
    problem = public_view(load_problem(PROBLEM))
    stages: dict[str, float] = {}
    arrays = timed(
        stages,
        "matrix(arrays)",
        lambda: synthetic_arrays(n, measured["cluster_shares"], measured["kind_rates"], rng),  # type: ignore[arg-type]
    )
    names = [st.name for st in problem.subtasks]
    # 256 inputs in all; the subtasks take nested slices (the whole problem, the last, takes all 256).
    per_subtask = {s: arrays.input_ids[: INPUTS * (k + 1) // len(names)] for k, s in enumerate(names)}
    inputs = GeneratedInputs(folder="/nonexistent", per_subtask=per_subtask)
    candidates = [
        Candidate(id=cid, problem=problem.name, code=f"// {cid}\nint main(){{}}\n")
        for cid in arrays.candidates
    ]
    passed = PublicResult(verdict="AC", score=1.0, time_s=0.01, output="p")  # type: ignore[arg-type]
    heads = [
        CandidateExecution(candidate=cid, compiled=True, public={s: passed for s in problem.samples})
        for cid in arrays.candidates
    ]
    matrix = matrix_from_arrays(problem.name, 1.0, heads, arrays)
    post_judging(problem, CandidatePool(problem=problem.name, candidates=candidates), inputs, matrix, stages)
    return {
        "candidates": n,
        "stages": stages,
        "arrays_mib": arrays.nbytes() / 2**20,
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", type=int, default=150, help="mutants judged for real")
    parser.add_argument(
        "--real-inputs", type=int, default=8, help="generated inputs per subtask when judging"
    )
    parser.add_argument("--scales", default="1000,10000,60000,100000")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # "N:measured.json": one synthetic scale
    args = parser.parse_args()
    if args.child:
        n, path = args.child.split(":", 1)
        print(json.dumps(synthetic(int(n), json.loads(Path(path).read_text()))))
        return 0
    measured = real(args.real, args.real_inputs)
    stages = measured["stages"]
    runs = measured["runs_executed"]  # round-based: what selection reads (contenders.py)
    per_run = stages["compile+matrix"] / max(1, runs)  # type: ignore[index,operator]
    print(
        f"REAL (measured, --jobs 1): {measured['candidates']} mutants of lanterns, {measured['distinct_sources']} "
        f"distinct sources, {measured['compiling']} compiling, {measured['tests']} tests each"
    )
    print(
        f"  sandbox runs executed {runs} vs {measured['runs_distinct_exhaustive']} exhaustive over the distinct "
        f"programs and {measured['runs_exhaustive']} over every candidate; "
        f"{per_run * 1000:.1f} ms per run (compile included); peak RSS {measured['peak_rss_mib']:.0f} MiB"
    )
    print("  " + ", ".join(f"{k} {v:.2f}s" for k, v in stages.items()))  # type: ignore[union-attr]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(measured, f)
    header = f"{'candidates':>10} {'matrix':>8} {'clusters':>9} {'features':>9} {'scoring':>8} {'policy':>7} {'peak RSS':>9} {'judging (projected, 1 core)':>28}"
    print(
        f"\nSYNTHETIC × {INPUTS} inputs (post-judging stages measured; judging projected from {per_run * 1000:.1f} ms/run, "
        f"at the measured dedup ratio {measured['distinct_sources']}/{measured['candidates']})"
    )
    print(header)
    for n in (int(x) for x in args.scales.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", f"{n}:{f.name}"], capture_output=True, text=True
        )
        if out.returncode != 0:
            print(f"{n:>10} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        s = r["stages"]
        distinct = n * measured["distinct_sources"] / measured["candidates"]  # type: ignore[operator]
        judging_h = distinct * (len(problem_samples()) + INPUTS) * per_run / 3600
        print(
            f"{n:>10} {s['matrix(arrays)']:>7.2f}s {s['clusters']:>8.2f}s {s['features']:>8.2f}s {s['scoring']:>7.2f}s "
            f"{s['policy']:>6.2f}s {r['peak_rss_mib']:>6.0f} MiB {judging_h:>22.1f} h"
        )
    return 0


def problem_samples() -> list[str]:
    return list(load_problem(PROBLEM).samples)


if __name__ == "__main__":
    raise SystemExit(main())
