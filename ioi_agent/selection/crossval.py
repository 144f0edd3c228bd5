"""Leave-one-problem-out fitting of the scorer and the o1-ioi weights, so no figure is in-sample.

For a held-out problem p, everything is fitted on the other problems T only:
- the scorer that scores p is trained on T;
- the weights are tuned (tuning.tune) by replaying every q in T with a scorer trained on T − {q}, so each
  training replay, like the real use, scores a problem its scorer never saw (nested leave-one-out).
`ScorerCache` trains each distinct scorer once ("trained without the set E", predictions kept for the
problems of E only) and keeps the tables on disk. The held-out problem is dropped from the list before
anything is fitted: `fit` and the scorers it trains receive T and nothing else.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ioi_agent.errors import IoiAgentError
from ioi_agent.selection.evaluation import examples_of
from ioi_agent.selection.features import FEATURE_NAMES
from ioi_agent.selection.scorer import train
from ioi_agent.selection.tuning import BUDGETS, Evaluator, ScoreTable, SimProblem, TuneResult, tune
from ioi_agent.selection.weights import PolicyWeights

# Features that describe how a program is written, not how it behaves. In the labelled pools here they
# give the label away (every written Python solution is an accepted one), so they stay out unless
# cross-validation on pools of other origins shows they help (README, ablation table).
STYLE_FEATURES = ("language_python", "code_length_log")
BEHAVIOUR_FEATURES = tuple(n for n in FEATURE_NAMES if n not in STYLE_FEATURES)


@dataclass(frozen=True)
class FitSettings:
    feature_names: tuple[str, ...] = BEHAVIOUR_FEATURES
    scorer_seed: int = 0
    epochs: int = 200  # as the shipped scorer (scripts/train_default_scorer.sh)
    tune_seed: int = 0
    samples: int = 120
    refine_rounds: int = 60
    budgets: tuple[int, ...] = BUDGETS
    seeds: tuple[int, ...] = (0, 1, 2, 3)  # tie-break seeds every setting is replayed with


@dataclass
class ScorerCache:
    """Score tables of scorers trained without a set of problems, optionally stored as JSON at `path`.

    `key` names the data (e.g. a hash of the cached problems file): stored tables made from other data, or
    with other settings, are not reused. Nothing here fingerprints the problems itself, since that would
    read the labels of problems a caller holds out."""

    problems: Sequence[SimProblem]
    settings: FitSettings = FitSettings()
    path: Path | None = None
    key: str = ""
    trained: int = 0  # scorers trained by this object (tests count them)
    _stored: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        s = self.settings
        text = f"{self.key}|{','.join(s.feature_names)}|{s.scorer_seed}|{s.epochs}"
        self._prefix = hashlib.sha256(text.encode()).hexdigest()[:16]
        if self.path is not None and self.path.is_file():
            self._stored = json.loads(self.path.read_text())

    def _key(self, excluded: frozenset[str]) -> str:
        return f"{self._prefix}|{','.join(sorted(excluded))}"

    def tables(self, excluded: frozenset[str]) -> dict[str, ScoreTable]:
        """For each problem of `excluded`: the scores of a scorer trained on every problem not in it."""
        key = self._key(excluded)
        if key not in self._stored:
            rest = [p for p in self.problems if p.name not in excluded]
            examples = [e for p in rest for e in examples_of(p.name, p.context, p.hidden)]
            if not examples:
                raise IoiAgentError("no labelled problem left to train a scorer on (fix: give more problems)")
            scorer, _ = train(
                examples,
                seed=self.settings.scorer_seed,
                epochs=self.settings.epochs,
                feature_names=list(self.settings.feature_names),
            )
            self.trained += 1
            # JSON keys are strings: "subtask<NUL>candidate".
            self._stored[key] = {
                p.name: {f"{s}\0{c}": v for (s, c), v in ScoreTable.of(scorer, p.context).scores.items()}
                for p in self.problems
                if p.name in excluded
            }
            self._save()
        return {name: ScoreTable(dict(_unpack(table))) for name, table in self._stored[key].items()}

    def _save(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".part")
            tmp.write_text(json.dumps(self._stored))
            tmp.replace(self.path)


def _unpack(table: dict[str, float]) -> list[tuple[tuple[str, str], float]]:
    out = []
    for key, value in table.items():
        subtask, candidate = key.split("\0", 1)
        out.append(((subtask, candidate), value))
    return out


def fit(training: Sequence[SimProblem], cache: ScorerCache) -> TuneResult:
    """Weights tuned on `training`, each problem replayed with a scorer trained on the others of
    `training` (the cache's problems outside `training` are excluded too, so never read)."""
    names = {p.name for p in training}
    outside = frozenset(p.name for p in cache.problems if p.name not in names)
    tables = [cache.tables(outside | {p.name})[p.name] for p in training]
    s = cache.settings
    evaluator = Evaluator(list(training), tables, budgets=s.budgets, seeds=s.seeds)
    return tune(evaluator.objective, seed=s.tune_seed, samples=s.samples, refine_rounds=s.refine_rounds)


@dataclass
class HeldOut:
    """What scores one held-out problem: a scorer and weights fitted without it."""

    scorer: ScoreTable
    weights: PolicyWeights
    training_objective: float


def leave_one_out(cache: ScorerCache, only: Sequence[str] | None = None) -> dict[str, HeldOut]:
    """Per problem (or per name in `only`): the scorer and weights fitted on the other problems."""
    out: dict[str, HeldOut] = {}
    for p in cache.problems:
        if only is not None and p.name not in only:
            continue
        training = [q for q in cache.problems if q.name != p.name]
        result = fit(training, cache)
        out[p.name] = HeldOut(
            scorer=cache.tables(frozenset({p.name}))[p.name],
            weights=result.weights,
            training_objective=result.objective,
        )
    return out
