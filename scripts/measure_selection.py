"""The selection measurement (issues 4 and 11): every policy on the demo problems and the real Kattis packages
with their labelled pools, at several budgets under IOI rules, written as a Markdown table.

Honest figures only: for each problem, the learned scorer AND the o1-ioi weights are fitted on the OTHER
problems (leave one problem out; crossval.py), the weights by simulating the submission process
(tuning.py) with, for each training problem, a scorer that never saw it either (nested). Policies with
seeded tie-breaks (public-filter, alphacode, codet, learned, o1-ioi) are replayed with --tie-seeds seeds and
averaged; random is its exact expectation. Then ablations: each feature group left out of the scorer, and
each policy term turned off, both with the held-out weights (what each contributes out of sample).

Judging happens once: the prepared problems are cached under --cache (sims.json), as are the trained
scorers' score tables and the held-out weights, so a rerun costs seconds (--rebuild judges again).

Usage (from the repository root):
    python scripts/measure_selection.py --out ../notes/selection_table.md [--budgets 1,2,5,10,50] [--jobs 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ioi_agent.sandbox import cache_root
from ioi_agent.selection import crossval
from ioi_agent.selection.evaluation import (
    EvaluationReport,
    PolicyResult,
    PreparedProblem,
    ProblemResult,
    find_packages,
    prepare_problem,
    selection_gain,
    totals,
)
from ioi_agent.selection.policies import POLICIES, ScoresFeatures
from ioi_agent.selection.tuning import (
    START_POINTS,
    SimProblem,
    budget_results,
    load_problems,
    references,
    save_problems,
    sim_problem,
)
from ioi_agent.selection.weights import HAND_SET, PolicyWeights

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "problems" / "demo"
SOLUTIONS = REPO / "tests" / "data" / "shared_solutions"
KATTIS = REPO.parent / "shared" / "data" / "kattis"
BASELINES = [n for n in POLICIES if n != "o1-ioi"]
HAND = "o1-ioi hand-set"  # o1-ioi with the weights it had before tuning (held-out scorer): for comparison
# Feature groups for the ablation: each left out of the held-out scorers in turn.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "public examples": ("public_pass_rate", "public_all_passed", "public_count"),
    "crashes, timeouts": ("crash_rate", "timeout_rate", "failure_rate"),
    "cluster size": ("cluster_size", "cluster_share", "cluster_rank", "cluster_size_log"),
    "agreement (CodeT, MBR, majority)": ("codet_score", "mbr_agreement", "majority_agreement"),
    "log-probability": ("mean_logprob", "has_logprob"),
    "runtime headroom": ("runtime_headroom",),
    "prompt target": ("written_for_subtask", "written_for_whole"),
    "compiled, tests count": ("compiled", "tests_log"),
}
# Policy terms for the ablation: each turned off in the held-out weights.
TERMS: dict[str, dict[str, object]] = {
    "learned score": {"learned": 0.0},
    "cluster size": {"cluster_size": 0.0},
    "CodeT agreement": {"agreement": 0.0},
    "public penalty": {"public": 0.0},
    "crash, timeout penalties": {"crash": 0.0, "timeout": 0.0},
    "per-submission penalty": {"submission": 0.0},
    "feedback penalty": {"feedback": 0.0},
    "containment rule": {"containment": False},
    "order: hardest first": {"order": "hardest"},
}


def labelled_demo_pool() -> Path:
    """The demo pool without its mutants (scripts/make_demo_pool.py --mutants 0): the shipped submissions
    plus the model-style generators and validators. Mutants' labels are unknown until judged, and these
    figures are on labelled pools."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    from make_demo_pool import demo_records, write_pool

    out = cache_root() / "selection" / "demo-labelled-pool.jsonl"
    write_pool(demo_records(DEMO, mutants=0), out)
    return out


def prepare_all(jobs: int, inputs_per_subtask: int) -> list[PreparedProblem]:
    prepared = []
    demo_pool = labelled_demo_pool()
    for package in find_packages([DEMO]):
        prepared.append(
            prepare_problem(
                # The demo pool: the shipped submissions plus model-style generators and validators.
                package,
                [demo_pool],
                jobs=jobs,
                inputs_per_subtask=inputs_per_subtask,
            )
        )
    for package in find_packages([KATTIS]):
        written = SOLUTIONS / package.parent.name / package.name
        if not written.is_dir():
            continue  # no written solutions for it (EGOI 2024): no labelled pool
        prepared.append(
            prepare_problem(
                package, [written], jobs=jobs, inputs_per_subtask=inputs_per_subtask, time_limit=1.0
            )
        )
    return prepared


def load_or_prepare(
    cache: Path, jobs: int, inputs_per_subtask: int, rebuild: bool
) -> tuple[list[SimProblem], str]:
    """The prepared problems (judging only when not cached) and a key naming that data."""
    path = cache / f"sims-{inputs_per_subtask}.json"
    if rebuild or not path.is_file():
        prepared = prepare_all(jobs, inputs_per_subtask)
        try:
            save_problems(path, [sim_problem(p) for p in prepared])
        finally:
            for p in prepared:
                p.close()
    problems = load_problems(path)
    # The judge reports a compiler the machine could not start (fork limits under load) as a compile
    # error and caches it: such a label is wrong, so stop rather than tune on it.
    broken = [
        f"{p.name}/{p.context.pool.by_id()[c].label}"
        for p in problems
        for c, e in p.context.matrix.executions.items()
        if not e.compiled and "Resource temporarily unavailable" in e.compile_message
    ]
    if broken:
        raise SystemExit(
            f"compilations failed for lack of processes, not by the source: {', '.join(broken)} (fix: remove "
            f"their entries from the compile cache under {cache_root() / 'bin'}, then run with --rebuild)"
        )
    return problems, hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def held_out_weights(cache: crossval.ScorerCache, path: Path, jobs: int) -> dict[str, crossval.HeldOut]:
    """Per problem, the weights fitted without it (stored at `path`, keyed by data and settings)."""
    # The weights' fields and the search's starting points are part of what made them.
    starts = ",".join(w.model_dump_json() for w in START_POINTS)
    key = f"{cache.key}|{cache.settings}|{','.join(PolicyWeights.model_fields)}|{starts}"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    names = [p.name for p in cache.problems]
    if stored.get("key") != key or set(stored.get("weights", {})) != set(names):
        held = _fit_all(cache, names, jobs)
        stored = {
            "key": key,
            "weights": {n: h.weights.model_dump(mode="json") for n, h in held.items()},
            "objective": {n: h.training_objective for n, h in held.items()},
        }
        path.write_text(json.dumps(stored, indent=1))
    return {
        n: crossval.HeldOut(
            scorer=cache.tables(frozenset({n}))[n],
            weights=PolicyWeights.model_validate(stored["weights"][n]),
            training_objective=stored["objective"][n],
        )
        for n in names
    }


def _fit_all(cache: crossval.ScorerCache, names: list[str], jobs: int) -> dict[str, crossval.HeldOut]:
    # Scorers first (one process: the cache file has one writer), then the searches in parallel.
    for n in names:
        outside = frozenset({n})
        cache.tables(outside)
        for q in names:
            if q != n:
                cache.tables(outside | {q})
    if jobs <= 1:
        return crossval.leave_one_out(cache)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        parts = pool.map(_fit_one, [(cache, n) for n in names])
        return {n: h for part in parts for n, h in part.items()}


def _fit_one(job: tuple[crossval.ScorerCache, str]) -> dict[str, crossval.HeldOut]:
    cache, name = job
    cache.path = None  # every scorer is in memory already; workers must not write the file
    return crossval.leave_one_out(cache, only=[name])


def simulate_all(
    problems: Sequence[SimProblem],
    budgets: Sequence[int],
    policies: Sequence[str],
    seeds: Sequence[int],
    scorer_for: Callable[[SimProblem], ScoresFeatures | None],
    weights_for: Callable[[SimProblem], PolicyWeights | None],
    extra: dict[str, tuple[str, Callable[[SimProblem], PolicyWeights]]] | None = None,
) -> dict[int, EvaluationReport]:
    """Evaluation reports per budget from contest replays (tuning.budget_scores, the same submissions as
    evaluation.run_policy); a seeded policy's score is its mean over `seeds`, random's is exact.
    `extra`: more columns, name -> (policy, its weights per problem)."""
    columns = {n: (n, weights_for) for n in policies} | (extra or {})
    rows: dict[int, list[ProblemResult]] = {k: [] for k in budgets}
    for problem in problems:
        refs = references(problem, budgets)
        scorer = scorer_for(problem)
        results: dict[str, dict[int, PolicyResult]] = {}
        for column, (policy, weights) in columns.items():
            if policy == "random":
                results[column] = {k: PolicyResult(score=refs.random[k], submissions=k) for k in budgets}
                continue
            runs = [
                budget_results(problem, policy, budgets, seed=s, scorer=scorer, weights=weights(problem))
                for s in seeds
            ]
            results[column] = {
                k: PolicyResult(
                    score=round(float(np.mean([r[k][0] for r in runs])), 6),
                    submissions=round(float(np.mean([r[k][1] for r in runs]))),
                )
                for k in budgets
            }
        for k in budgets:
            rows[k].append(
                ProblemResult(
                    problem=problem.name,
                    max_score=problem.max_score,
                    oracle=round(refs.oracle[k], 6),
                    random_expected=round(refs.random[k], 6),
                    policies={c: results[c][k] for c in columns},
                )
            )
    return {
        k: EvaluationReport(rules="ioi", budget=k, problems=rows[k], total=totals(rows[k], list(columns)))
        for k in budgets
    }


def _cell(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _gain(policy: float, random: float, oracle: float) -> str:
    gain = selection_gain(policy, random, oracle)
    return "–" if gain is None else f"{gain:+.2f}"


def table(rep: EvaluationReport, policies: list[str]) -> list[str]:
    head = ["problem", "max", "oracle", "random E", *policies, "gain o1-ioi"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rep.problems:
        cells = [row.problem, _cell(row.max_score), _cell(row.oracle), _cell(row.random_expected)]
        cells += [f"{_cell(row.policies[n].score)} ({row.policies[n].submissions})" for n in policies]
        cells.append(_gain(row.policies["o1-ioi"].score, row.random_expected, row.oracle))
        lines.append("| " + " | ".join(cells) + " |")
    t = rep.total
    cells = [
        "**total**",
        _cell(sum(r.max_score for r in rep.problems)),
        _cell(t.oracle),
        _cell(t.random_expected),
    ]
    cells += [f"**{_cell(t.policies[n])}**" for n in policies]
    cells.append(_gain(t.policies["o1-ioi"], t.random_expected, t.oracle))
    lines.append("| " + " | ".join(cells) + " |")
    return lines


def summary(reports: dict[int, EvaluationReport], policies: list[str]) -> list[str]:
    head = ["budget", "oracle", "random E", *policies, "gain o1-ioi", "o1-ioi ≥ every baseline"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k, rep in reports.items():
        t = rep.total
        best_other = max(t.policies[n] for n in BASELINES if n in t.policies)
        ok = t.policies["o1-ioi"] >= max(best_other, t.random_expected) - 1e-9
        cells = [str(k), _cell(t.oracle), _cell(t.random_expected), *(_cell(t.policies[n]) for n in policies)]
        cells += [_gain(t.policies["o1-ioi"], t.random_expected, t.oracle), "yes" if ok else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def shortfalls(reports: dict[int, EvaluationReport], policies: list[str]) -> list[str]:
    """Where o1-ioi's total is below a baseline's: which baseline, and the problems that make the gap."""
    out = []
    for k, rep in reports.items():
        mine = rep.total.policies["o1-ioi"]
        for name in policies:
            if name not in BASELINES or rep.total.policies[name] <= mine + 1e-9:
                continue
            worse = [
                f"{row.problem} ({_cell(row.policies['o1-ioi'].score)} vs {_cell(row.policies[name].score)})"
                for row in rep.problems
                if row.policies[name].score > row.policies["o1-ioi"].score + 1e-9
            ]
            out.append(
                f"- budget {k}: o1-ioi {_cell(mine)} < {name} {_cell(rep.total.policies[name])}; "
                f"problems where {name} scores more: {', '.join(worse)}"
            )
    return out or ["- none: at every budget o1-ioi's total is at least every baseline's."]


def subset(reports: dict[int, EvaluationReport], keep: Callable[[str], bool]) -> dict[int, EvaluationReport]:
    out = {}
    for k, rep in reports.items():
        rows = [r for r in rep.problems if keep(r.problem)]
        out[k] = rep.model_copy(update={"problems": rows, "total": totals(rows, list(rep.total.policies))})
    return out


def ablation(
    title: str,
    full: dict[int, EvaluationReport],
    variants: dict[str, dict[int, EvaluationReport]],
    budgets: Sequence[int],
) -> list[str]:
    """o1-ioi's held-out total per budget with each part removed, and the change from the full model."""
    head = ["removed", *(f"budget {k}" for k in budgets), "mean gain", "Δ mean gain"]
    lines = [f"## Ablation: {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def mean_gain(reports: dict[int, EvaluationReport]) -> float:
        gains = [
            selection_gain(r.total.policies["o1-ioi"], r.total.random_expected, r.total.oracle)
            for r in reports.values()
        ]
        return float(np.mean([g for g in gains if g is not None]))

    base = mean_gain(full)
    for name, reports in {"nothing (full model)": full, **variants}.items():
        cells = [name, *(_cell(reports[k].total.policies["o1-ioi"]) for k in budgets)]
        g = mean_gain(reports)
        cells += [f"{g:.3f}", f"{g - base:+.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--budgets", default="1,2,5,10,50")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--inputs-per-subtask", type=int, default=256)
    parser.add_argument("--tie-seeds", type=int, default=100, help="replays per seeded policy (default 100)")
    parser.add_argument("--cache", type=Path, default=cache_root() / "selection" / "measure")
    parser.add_argument("--rebuild", action="store_true", help="judge again instead of reading --cache")
    parser.add_argument("--no-ablation", action="store_true")
    args = parser.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    seeds = list(range(args.tie_seeds))
    policies = list(POLICIES)
    started = time.monotonic()
    problems, key = load_or_prepare(args.cache, args.jobs, args.inputs_per_subtask, args.rebuild)
    settings = crossval.FitSettings()
    cache = crossval.ScorerCache(problems, settings, path=args.cache / "scorers.json", key=key)
    held = held_out_weights(cache, args.cache / "held-out-weights.json", args.jobs)
    fitted = time.monotonic() - started

    def loo(
        tables: dict[str, ScoresFeatures], weights: dict[str, PolicyWeights], extra: bool = False
    ) -> dict[int, EvaluationReport]:
        return simulate_all(
            problems,
            budgets,
            policies,
            seeds,
            scorer_for=lambda p: tables[p.name],
            weights_for=lambda p: weights[p.name],
            extra={HAND: ("o1-ioi", lambda p: HAND_SET)} if extra else None,
        )

    scorers = {n: h.scorer for n, h in held.items()}
    weights = {n: h.weights for n, h in held.items()}
    reports = loo(scorers, weights, extra=True)
    columns = [*policies, HAND]
    generated = {p.name for p in problems if not p.context.inputs.fallback}
    text = [
        "# Selection measurement (issues 4 and 11): leave one problem out",
        "",
        f"{len(problems)} problems (problems/demo/* with problems/demo/pool.jsonl: their shipped submissions plus "
        "model-style generators and validators, so generated inputs for the batch tasks; the packages in "
        "../shared/data/kattis with written solutions in tests/data/shared_solutions/: public examples only), "
        f"{sum(len(p.context.pool.candidates) for p in problems)} candidates; IOI rules. For each problem the "
        "learned scorer and the o1-ioi weights were fitted on the other problems only (the weights by "
        "simulated contests, each training problem scored by a scorer that never saw it). Cells: final score "
        f"(submissions used), the mean over {len(seeds)} tie-break seeds for seeded policies; random E = exact "
        "expected score of random selection; gain = (o1-ioi − random E) / (oracle − random E). "
        f"`{HAND}`: o1-ioi with its former hand-set weights and the same held-out scorer.",
        "",
        f"Command: `python scripts/measure_selection.py --out {args.out} --budgets {args.budgets} "
        f"--tie-seeds {args.tie_seeds} --inputs-per-subtask {args.inputs_per_subtask}` "
        f"(fitting {fitted:.0f} s; cached under {args.cache})",
        "",
        "## Totals, all problems",
        "",
        *summary(reports, columns),
        "",
        "Where o1-ioi is below a baseline:",
        *shortfalls(reports, columns),
        "",
    ]
    for title, keep in (
        ("with generated inputs", lambda n: n in generated),
        ("public examples only", lambda n: n not in generated),
    ):
        part = subset(reports, keep)
        text += [
            f"## Totals, {title} ({len(part[budgets[0]].problems)} problems)",
            "",
            *summary(part, columns),
            "",
        ]
    text += [
        "## Held-out weights per problem",
        "",
        "| problem | weights | training objective |",
        "|---|---|---|",
    ]
    for n, h in held.items():
        w = h.weights
        text.append(
            f"| {n} | learned {w.learned:.3g}, cluster {w.cluster_size:.3g}, agreement {w.agreement:.3g}, public {w.public:.3g}, crash "
            f"{w.crash:.3g}, timeout {w.timeout:.3g}, submission {w.submission:.3g}, feedback {w.feedback:.3g}, "
            f"{w.order.value}, containment {'on' if w.containment else 'off'} | {h.training_objective:.3f} |"
        )
    text.append("")
    if not args.no_ablation:
        variants = {}
        for group, names in FEATURE_GROUPS.items():
            reduced = crossval.FitSettings(
                feature_names=tuple(n for n in settings.feature_names if n not in names)
            )
            other = crossval.ScorerCache(
                problems, reduced, path=args.cache / "scorers-ablation.json", key=key
            )
            tables = {p.name: other.tables(frozenset({p.name}))[p.name] for p in problems}
            variants[group] = loo(tables, weights)
        style = crossval.FitSettings(feature_names=tuple(crossval.FEATURE_NAMES))
        other = crossval.ScorerCache(problems, style, path=args.cache / "scorers-ablation.json", key=key)
        tables = {p.name: other.tables(frozenset({p.name}))[p.name] for p in problems}
        added = {"(added) authorship: language, code length": loo(tables, weights)}
        text += [
            *ablation(
                "feature groups left out of the held-out scorer (held-out weights)",
                reports,
                variants,
                budgets,
            ),
            *ablation("", reports, added, budgets)[5:],
            "",
        ]
        terms = {
            name: loo(scorers, {n: w.model_copy(update=change) for n, w in weights.items()})
            for name, change in TERMS.items()
        }
        text += [*ablation("policy terms turned off in the held-out weights", reports, terms, budgets), ""]
    for k, rep in reports.items():
        text += [f"## Budget {k}", "", *table(rep, columns), ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(text))
    print("\n".join(text[: 14 + len(budgets)]))
    print(f"({time.monotonic() - started:.0f} s; written {args.out})")


if __name__ == "__main__":
    main()
