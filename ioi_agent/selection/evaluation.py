"""The evaluation harness: every policy against the official grader on labelled pools, beside the exact
expected score of random selection and the pool's oracle.

Per problem: the full package is loaded on the grader side; the selection context is built from its public
view and the pool (so policies see what they would see in a contest); every candidate is judged on the hidden
tests once (`OfficialGrader.hidden_scores`, for the oracle and the random baseline only, never shown to a
policy); then each policy runs the submission loop against a fresh grader sharing those judged programs, so
a contest replay costs no judging. One prepared problem serves any number of budgets and rules.

Pools: a pool file (its records of the problem, matched by name), a package's `submissions/` folder (or the
package folder), or a folder named after the problem that holds `<label>/<program>` files laid out like a
`submissions/` folder (written solutions kept outside the package, e.g. tests/data/shared_solutions/...).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import RecordKind, iter_records
from ioi_agent.generation.replay import LANGUAGE_BY_SUFFIX, submission_record
from ioi_agent.judge.store import ResultStore
from ioi_agent.packages import load_problem
from ioi_agent.packages.model import Problem, Submission
from ioi_agent.sandbox import cache_root
from ioi_agent.selection.candidates import load_pool, to_candidate
from ioi_agent.selection.context import build_context
from ioi_agent.selection.expected import (
    oracle_codeforces,
    oracle_ioi,
    random_expected_codeforces,
    random_expected_ioi,
)
from ioi_agent.selection.grader import HiddenScore, OfficialGrader
from ioi_agent.selection.model import Candidate, CandidatePool, Rules, RulesName, SelectionContext
from ioi_agent.selection.policies import ScoresFeatures, make_policy
from ioi_agent.selection.scorer import LabelledExample
from ioi_agent.selection.session import run_submissions
from ioi_agent.selection.weights import PolicyWeights

PROGRAM_SUFFIXES = {".cpp", ".cc", ".cxx", *LANGUAGE_BY_SUFFIX}


# --- the JSON document of `ioi-agent evaluate --json` ---------------------------------------------------


class PolicyResult(BaseModel):
    score: float
    submissions: int


class ProblemResult(BaseModel):
    problem: str
    max_score: float
    oracle: float
    random_expected: float
    policies: dict[str, PolicyResult]


class Totals(BaseModel):
    oracle: float
    random_expected: float
    policies: dict[str, float]


class EvaluationReport(BaseModel):
    rules: str
    budget: int
    problems: list[ProblemResult]
    total: Totals


# --- pools ----------------------------------------------------------------------------------------------


def is_package(path: Path) -> bool:
    return (path / "problem.yaml").is_file() or (path / "problem.json").is_file()


def find_packages(paths: Sequence[Path]) -> list[Path]:
    """Package folders: each path that is one, else the packages below it (two levels deep at most)."""
    out: list[Path] = []
    for path in paths:
        if is_package(path):
            out.append(path)
            continue
        if not path.is_dir():
            raise IoiAgentError(f"{path}: no such package folder (fix: give a problem package folder)")
        found = sorted(p for p in path.glob("*") if is_package(p)) or sorted(
            p for p in path.glob("*/*") if is_package(p)
        )
        if not found:
            raise IoiAgentError(f"{path}: no problem package here or below (fix: give package folders)")
        out.extend(found)
    return out


def _is_labelled_folder(folder: Path) -> bool:
    return folder.is_dir() and any(
        p.suffix in PROGRAM_SUFFIXES for sub in folder.iterdir() if sub.is_dir() for p in sub.iterdir()
    )


def _own_folder(folder: Path, problem: Problem) -> bool:
    root = problem.root.resolve()
    folder = folder.resolve()
    return folder == root or root in folder.parents


def _labelled_candidates(folder: Path, problem: Problem) -> list[Candidate]:
    """Programs under `<folder>/<label>/`, replayed as if the folder were the package's submissions/."""
    subs = [
        Submission(path=p, label=label.name)
        for label in sorted(x for x in folder.iterdir() if x.is_dir())
        for p in sorted(label.iterdir())
        if p.is_file() and p.suffix in PROGRAM_SUFFIXES
    ]
    # The job id hashes the source path relative to the package: here relative to `folder`, so the ids do
    # not depend on where the checkout lives.
    rooted = problem.model_copy(update={"root": folder.resolve()})
    return [to_candidate(submission_record(rooted, s)) for s in subs]


def pool_sources_for(problem: Problem, sources: Sequence[str | Path]) -> list[str | Path]:
    """The sources (of `sources`) that hold candidates of `problem`."""
    out: list[str | Path] = []
    for src in sources:
        path = Path(src)
        if path.is_file():
            if any(r.problem == problem.name for r in iter_records(path)):
                out.append(src)
        elif path.is_dir():
            if _own_folder(path, problem) or (path.name == problem.name and _is_labelled_folder(path)):
                out.append(src)
        else:
            raise IoiAgentError(f"{src}: no such pool file or folder (fix: give a .jsonl pool or a folder)")
    return out


def pool_for(problem: Problem, sources: Sequence[str | Path]) -> CandidatePool:
    """The candidates of `problem` from every source that has some, merged (a candidate id once)."""
    kinds: dict[RecordKind, dict[str, Candidate]] = {k: {} for k in RecordKind}
    for src in pool_sources_for(problem, sources):
        path = Path(src)
        if path.is_dir() and not _own_folder(path, problem):
            for c in _labelled_candidates(path, problem):
                kinds[RecordKind.CANDIDATE].setdefault(c.id, c)
            continue
        pool = load_pool(src, problem)
        for kind, items in (
            (RecordKind.CANDIDATE, pool.candidates),
            (RecordKind.GENERATOR, pool.generators),
            (RecordKind.VALIDATOR, pool.validators),
        ):
            for c in items:
                kinds[kind].setdefault(c.id, c)
    if not kinds[RecordKind.CANDIDATE]:
        raise IoiAgentError(
            f"{problem.name}: none of the pools has candidates of this problem (fix: give its pool file, its "
            "submissions/ folder, or a folder named after it holding <label>/<program> files)"
        )
    return CandidatePool(
        problem=problem.name,
        candidates=list(kinds[RecordKind.CANDIDATE].values()),
        generators=list(kinds[RecordKind.GENERATOR].values()),
        validators=list(kinds[RecordKind.VALIDATOR].values()),
    )


# --- preparing a problem --------------------------------------------------------------------------------


@dataclass
class PreparedProblem:
    """One problem ready for any number of contest replays."""

    problem: Problem  # the full package (grader side)
    grader: OfficialGrader  # holds the judge and the judged programs
    context: SelectionContext  # built from the public view: what policies see
    hidden: dict[str, HiddenScore]  # candidate id -> hidden result (harness only)

    def close(self) -> None:
        self.grader.close()


def context_work(problem: Problem) -> Path:
    """Where a problem's generated inputs and candidate sources live (per package, in the cache)."""
    tag = hashlib.sha256(str(problem.root.resolve()).encode()).hexdigest()[:10]
    return cache_root() / "selection" / f"{problem.name}-{tag}"


def prepare_problem(
    problem: Problem | Path,
    pool: CandidatePool | Sequence[str | Path],
    *,
    sandbox: str = "auto",
    jobs: int | None = None,
    inputs_per_subtask: int = 256,
    time_limit: float | None = None,
    work: Path | None = None,
    store: ResultStore | None = None,
    exhaustive: bool = False,
) -> PreparedProblem:
    """Load the package, build the context from its public view and judge the pool on the hidden tests.

    `exhaustive`: every program on every generated input (the same context, more runs)."""
    full = problem if isinstance(problem, Problem) else load_problem(problem)
    candidates = pool if isinstance(pool, CandidatePool) else pool_for(full, pool)
    grader = OfficialGrader(full, Rules.ioi(), sandbox=sandbox, jobs=jobs, time_limit=time_limit, store=store)
    try:
        public = grader.public_problem()
        context = build_context(
            public,
            candidates,
            sandbox=sandbox,
            jobs=jobs,
            inputs_per_subtask=inputs_per_subtask,
            work=work or context_work(full),
            store=store,
            contains=grader.containment(),
            exhaustive=exhaustive,
        )
        hidden = grader.hidden_scores(candidates.candidates)
    except BaseException:
        grader.close()
        raise
    return PreparedProblem(problem=full, grader=grader, context=context, hidden=hidden)


# --- evaluating -----------------------------------------------------------------------------------------


def reference_scores(prepared: PreparedProblem, rules: Rules) -> tuple[float, float]:
    """(oracle, exact expected score of random selection) within `rules.max_submissions`."""
    k = rules.max_submissions
    ids = [c.id for c in prepared.context.pool.candidates]
    if rules.name == RulesName.IOI:
        names = [s.name for s in prepared.problem.subtasks]
        vectors = [prepared.hidden[i].subtask_scores for i in ids]
        return oracle_ioi(vectors, names, k), random_expected_ioi(vectors, names, k)
    accepted = [prepared.hidden[i].accepted for i in ids]
    top = prepared.problem.max_score
    return top * oracle_codeforces(accepted, k), top * random_expected_codeforces(accepted, k)


def run_policy(
    prepared: PreparedProblem,
    name: str,
    rules: Rules,
    *,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    weights: PolicyWeights | None = None,
) -> PolicyResult:
    """One contest replay of policy `name` against a fresh grader (`weights`: o1-ioi's; None = shipped)."""
    grader = prepared.grader.fresh(rules)
    policy = make_policy(name, prepared.context, rules, seed=seed, scorer=scorer, weights=weights)
    history = run_submissions(policy, grader, rules)
    return PolicyResult(score=round(grader.final_score(), 6), submissions=len(history))


def evaluate_prepared(
    prepared: PreparedProblem,
    rules: Rules,
    policies: Sequence[str],
    *,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    weights: PolicyWeights | None = None,
) -> ProblemResult:
    oracle, random_expected = reference_scores(prepared, rules)
    return ProblemResult(
        problem=prepared.problem.name,
        max_score=prepared.problem.max_score,
        oracle=round(oracle, 6),
        random_expected=round(random_expected, 6),
        policies={
            name: run_policy(prepared, name, rules, seed=seed, scorer=scorer, weights=weights)
            for name in policies
        },
    )


def totals(problems: Sequence[ProblemResult], policies: Sequence[str]) -> Totals:
    return Totals(
        oracle=round(sum(p.oracle for p in problems), 6),
        random_expected=round(sum(p.random_expected for p in problems), 6),
        policies={name: round(sum(p.policies[name].score for p in problems), 6) for name in policies},
    )


def make_rules(name: RulesName | str, budget: int | None) -> Rules:
    return Rules.ioi(budget) if RulesName(name) == RulesName.IOI else Rules.codeforces(budget)


def report(
    prepared: Sequence[PreparedProblem],
    rules: Rules,
    policies: Sequence[str],
    *,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    scorer_for: Callable[[PreparedProblem], ScoresFeatures | None] | None = None,
    weights: PolicyWeights | None = None,
    weights_for: Callable[[PreparedProblem], PolicyWeights | None] | None = None,
) -> EvaluationReport:
    """The evaluation document for prepared problems; `scorer_for` and `weights_for` pick a scorer and
    o1-ioi weights per problem (e.g. ones made without that problem) and override `scorer` and `weights`."""
    problems = [
        evaluate_prepared(
            p,
            rules,
            policies,
            seed=seed,
            scorer=scorer_for(p) if scorer_for is not None else scorer,
            weights=weights_for(p) if weights_for is not None else weights,
        )
        for p in prepared
    ]
    return EvaluationReport(
        rules=rules.name.value,
        budget=rules.max_submissions,
        problems=problems,
        total=totals(problems, policies),
    )


def evaluate_budgets(
    prepared: Sequence[PreparedProblem],
    budgets: Sequence[int],
    policies: Sequence[str],
    *,
    rules: RulesName | str = RulesName.IOI,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    scorer_for: Callable[[PreparedProblem], ScoresFeatures | None] | None = None,
    weights: PolicyWeights | None = None,
    weights_for: Callable[[PreparedProblem], PolicyWeights | None] | None = None,
) -> dict[int, EvaluationReport]:
    """One report per budget, all from the same prepared problems (contexts and judged programs)."""
    return {
        k: report(
            prepared,
            make_rules(rules, k),
            policies,
            seed=seed,
            scorer=scorer,
            scorer_for=scorer_for,
            weights=weights,
            weights_for=weights_for,
        )
        for k in budgets
    }


def evaluate_problem(
    problem: Problem | Path,
    pool: CandidatePool | Sequence[str | Path],
    rules: Rules,
    policies: Sequence[str],
    *,
    seed: int = 0,
    scorer: ScoresFeatures | None = None,
    sandbox: str = "auto",
    jobs: int | None = None,
    inputs_per_subtask: int = 256,
    time_limit: float | None = None,
) -> ProblemResult:
    """Prepare one problem and evaluate every policy on it under `rules`."""
    prepared = prepare_problem(
        problem,
        pool,
        sandbox=sandbox,
        jobs=jobs,
        inputs_per_subtask=inputs_per_subtask,
        time_limit=time_limit,
    )
    try:
        return evaluate_prepared(prepared, rules, policies, seed=seed, scorer=scorer)
    finally:
        prepared.close()


def selection_gain(policy: float, random_expected: float, oracle: float) -> float | None:
    """(policy − random) / (oracle − random); None when the oracle is no better than random."""
    span = oracle - random_expected
    return None if span <= 1e-9 else (policy - random_expected) / span


# --- training labels ------------------------------------------------------------------------------------


def labelled_examples(prepared: PreparedProblem) -> list[LabelledExample]:
    """Every candidate's features per subtask, labelled with its hidden score fraction on that subtask
    (0 when it did not compile); one group per problem and subtask."""
    return examples_of(prepared.problem.name, prepared.context, prepared.hidden)


def examples_of(
    name: str, context: SelectionContext, hidden: dict[str, HiddenScore]
) -> list[LabelledExample]:
    """`labelled_examples` from the parts (a prepared problem's, or a cached tuning.SimProblem's)."""
    out: list[LabelledExample] = []
    for subtask in context.subtasks:
        points = context.points.get(subtask, 0.0)
        if points <= 0:
            continue  # a subtask worth nothing teaches no ranking
        for cid, features in context.features.get(subtask, {}).items():
            scores = hidden[cid].subtask_scores
            fraction = 0.0 if scores is None else scores.get(subtask, 0.0) / points
            out.append(
                LabelledExample(
                    group=f"{name}/{subtask}",
                    features=features,
                    target=min(1.0, max(0.0, fraction)),
                )
            )
    return out
