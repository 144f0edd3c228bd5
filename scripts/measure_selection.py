"""The selection measurement (issue 4, item 9): every policy on the demo problems and the real Kattis packages
with their labelled pools, at several budgets under IOI rules, written as a Markdown table.

Three scorers are measured for the learned policies (learned, o1-ioi):
- held-out, behaviour features only: for each problem, a scorer trained like the shipped one on every OTHER
  problem (leave one problem out), without the style features (language, code length) that give these
  pools' labels away; the learned policies never saw the problem they are scored on (the honest figure);
- held-out, all features: the same with every feature, to show what the style features leak;
- shipped: the default checkpoint (trained on these same problems: an in-sample figure).

Usage (from the repository root):
    python scripts/measure_selection.py --out ../notes/selection_table.md [--budgets 1,2,5,10,50] [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ioi_agent.selection.evaluation import (
    EvaluationReport,
    PreparedProblem,
    evaluate_budgets,
    find_packages,
    labelled_examples,
    prepare_problem,
    selection_gain,
)
from ioi_agent.selection.features import FEATURE_NAMES
from ioi_agent.selection.policies import POLICIES
from ioi_agent.selection.scorer import Scorer, default_scorer, train

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "problems" / "demo"
SOLUTIONS = REPO / "tests" / "data" / "shared_solutions"
KATTIS = REPO.parent / "shared" / "data" / "kattis"
# The default checkpoint's training settings (scripts/train_default_scorer.sh).
SEED, EPOCHS = 0, 200
# Features that describe how a program is written, not how it behaves. In these labelled pools they give the
# label away (every written Python solution is an accepted one), so a scorer that uses them learns the pool's
# construction; the "behaviour only" variant leaves them out.
STYLE_FEATURES = {"language_python", "code_length_log"}


def prepare_all(jobs: int, inputs_per_subtask: int) -> list[PreparedProblem]:
    prepared = []
    for package in find_packages([DEMO]):
        prepared.append(
            prepare_problem(
                # The demo pool: the shipped submissions plus model-style generators and validators.
                package,
                [DEMO / "pool.jsonl"],
                jobs=jobs,
                inputs_per_subtask=inputs_per_subtask,
            )
        )
    for package in find_packages([KATTIS]):
        written = SOLUTIONS / package.parent.name / package.name
        prepared.append(
            prepare_problem(
                package, [written], jobs=jobs, inputs_per_subtask=inputs_per_subtask, time_limit=1.0
            )
        )
    return prepared


def held_out_scorers(prepared: list[PreparedProblem], exclude: set[str] = frozenset()) -> dict[str, Scorer]:
    """Per problem, a scorer trained on every other problem's labelled candidates (without `exclude`)."""
    examples = {p.problem.name: labelled_examples(p) for p in prepared}
    names = [n for n in FEATURE_NAMES if n not in exclude]
    out = {}
    for name in examples:
        rest = [e for other, found in examples.items() if other != name for e in found]
        out[name], _ = train(rest, seed=SEED, epochs=EPOCHS, feature_names=names)
    return out


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
        best_other = max(v for n, v in t.policies.items() if n != "o1-ioi")
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
            if name == "o1-ioi" or rep.total.policies[name] <= mine + 1e-9:
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--budgets", default="1,2,5,10,50")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--inputs-per-subtask", type=int, default=256)
    args = parser.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    policies = list(POLICIES)
    started = time.monotonic()
    prepared = prepare_all(args.jobs, args.inputs_per_subtask)
    try:
        shipped = evaluate_budgets(prepared, budgets, policies, scorer=default_scorer())
        held = held_out_scorers(prepared, STYLE_FEATURES)
        held_out = evaluate_budgets(prepared, budgets, policies, scorer_for=lambda p: held[p.problem.name])
        held_all = held_out_scorers(prepared)
        held_out_all = evaluate_budgets(
            prepared, budgets, policies, scorer_for=lambda p: held_all[p.problem.name]
        )
    finally:
        for p in prepared:
            p.close()
    pools = sum(len(p.context.pool.candidates) for p in prepared)
    text = [
        "# Selection measurement (issue 4, item 9)",
        "",
        f"{len(prepared)} problems (problems/demo/* with problems/demo/pool.jsonl: their shipped submissions plus "
        "model-style generators and validators for the three batch tasks; the 16 packages in "
        f"../shared/data/kattis with the solutions in tests/data/shared_solutions/), {pools} candidates in all; "
        "IOI rules (full feedback, max-subtask scoring); the real packages' pools have no generators, so their "
        "selection context rests on the public examples only. Cells: final score (submissions used); random E = "
        "exact expected score of random selection; gain = (o1-ioi − random E) / (oracle − random E), "
        "– when the oracle equals random.",
        "",
        "Command: `python scripts/measure_selection.py --out ../notes/selection_table.md "
        f"--budgets {args.budgets} --jobs {args.jobs} --inputs-per-subtask {args.inputs_per_subtask}` "
        f"({time.monotonic() - started:.0f} s)",
        "",
    ]
    for title, reports in (
        ("held-out scorer, behaviour features only (leave one problem out: the honest figure)", held_out),
        ("held-out scorer, all features (style features leak the label in these pools)", held_out_all),
        ("shipped default scorer (trained on these same problems: in-sample)", shipped),
    ):
        text += [
            f"## Totals, {title}",
            "",
            *summary(reports, policies),
            "",
            "Where o1-ioi is below a baseline:",
        ]
        text += [*shortfalls(reports, policies), ""]
    for k, rep in held_out.items():
        text += [f"## Budget {k}, held-out scorer (behaviour features only)", "", *table(rep, policies), ""]
    for k, rep in shipped.items():
        text += [f"## Budget {k}, shipped scorer", "", *table(rep, policies), ""]
    args.out.write_text("\n".join(text))
    print("\n".join(text[: 12 + 2 * (len(budgets) + 4)]))


if __name__ == "__main__":
    main()
