"""The learned scorer: a small torch model over a candidate's features (features.py) that ranks candidates.

Model: the features, standardised with the training set's mean and standard deviation (kept in the
checkpoint), go through a logistic model (hidden=0) or a one-hidden-layer MLP; `predict` returns
sigmoid(output), a score in (0, 1) read as "the fraction of the subtask this candidate would get".
A feature the checkpoint knows but a CandidateFeatures lacks is given the training mean (standardised 0),
so a checkpoint keeps working when features.py adds names; names the checkpoint does not know are ignored.

Training (`train`): examples are grouped (one group = one problem's subtask); the loss is RankNet's pairwise
logistic loss over every pair of one group whose targets differ (each group weighing the same), plus a small
pointwise binary cross-entropy against the target so that scores stay comparable across groups. Train and
validation are split by group. Full-batch Adam with a fixed seed: the same examples and seed give the same
weights. The weights of the epoch with the lowest validation loss are kept.

`default_scorer()` loads the checkpoint shipped as ioi_agent/selection/default_scorer.pt; when that file is
missing it returns FALLBACK_WEIGHTS, a hand-set logistic model on raw (unstandardised) features.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from pydantic import BaseModel, Field
from torch import nn

from ioi_agent.errors import IoiAgentError
from ioi_agent.selection.model import CandidateFeatures

CHECKPOINT_FORMAT = "ioi-agent-scorer"
CHECKPOINT_VERSION = 1
DEFAULT_CHECKPOINT = Path(__file__).with_name("default_scorer.pt")

# Pairs per group at most: a group of n candidates has up to n²/2 pairs; past this a seeded sample is used.
MAX_PAIRS_PER_GROUP = 20_000

# The fallback: logit = bias + Σ weight × raw feature value. Chosen by hand from what the papers report to
# matter: passing the public examples, not crashing or timing out on generated inputs, and agreeing with many
# other candidates (big cluster, CodeT/MBR agreement). Names features.py does not define are left out.
FALLBACK_BIAS = -3.0
FALLBACK_WEIGHTS: dict[str, float] = {
    "compiled": 1.0,
    "public_pass_rate": 2.0,
    "public_all_passed": 1.5,
    "crash_rate": -2.0,
    "timeout_rate": -1.5,
    "failure_rate": -0.5,
    "cluster_share": 2.0,
    "mbr_agreement": 1.0,
    "written_for_subtask": 0.25,
    "written_for_whole": 0.25,
    "runtime_headroom": 0.25,
}


class LabelledExample(BaseModel):
    """One candidate on one subtask with its hidden score fraction, for training."""

    group: str  # e.g. "problem/subtask": pairs are only formed inside a group
    features: CandidateFeatures
    target: float = Field(ge=0.0, le=1.0)


class TrainMetrics(BaseModel):
    seed: int
    epochs: int
    best_epoch: int  # the epoch whose weights were kept (lowest validation loss; the last without validation)
    train_groups: int
    val_groups: int
    train_examples: int
    val_examples: int
    initial_val_loss: float | None  # before the first step: the trained one should be lower
    train_loss: float
    val_loss: float | None
    val_pairwise_accuracy: float | None  # pairs of one group with different targets, ordered right (ties: ½)
    val_top1_hit_rate: float | None  # groups whose top-scored candidate has the group's best target


def _feature_names() -> list[str]:
    """FEATURE_NAMES from features.py, imported lazily: the scorer must not depend on the whole context stage."""
    try:
        from ioi_agent.selection.features import FEATURE_NAMES
    except ImportError:
        return []
    return list(FEATURE_NAMES)


@contextmanager
def _one_thread() -> Iterator[None]:
    """These models are tiny: several threads only contend (40x slower on a busy 2-core machine), and one
    thread also makes the float sums, hence the trained weights, the same on every machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _network(inputs: int, hidden: int) -> nn.Module:
    if hidden <= 0:
        return nn.Linear(inputs, 1)
    return nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Linear(hidden, 1))


class Scorer:
    """Features → a score in (0, 1). Build with `train`, `Scorer.load` or `default_scorer`."""

    def __init__(
        self,
        feature_names: Sequence[str],
        mean: Sequence[float],
        std: Sequence[float],
        hidden: int,
        network: nn.Module | None = None,
        note: str = "",
    ):
        self.feature_names = list(feature_names)
        self.mean = torch.tensor(list(mean), dtype=torch.float32)
        self.std = torch.tensor(list(std), dtype=torch.float32)
        self.hidden = hidden
        self.network = network if network is not None else _network(len(self.feature_names), hidden)
        self.network.eval()
        self.note = note  # where it came from: a checkpoint path or "fallback"

    def _matrix(self, rows: Sequence[Mapping[str, float]]) -> torch.Tensor:
        raw = torch.tensor(
            [[float(r.get(name, math.nan)) for name in self.feature_names] for r in rows],
            dtype=torch.float32,
        ).reshape(len(rows), len(self.feature_names))
        raw = torch.where(torch.isnan(raw), self.mean.expand_as(raw), raw)
        return (raw - self.mean) / self.std

    def logits(self, rows: Sequence[Mapping[str, float]]) -> torch.Tensor:
        return self.network(self._matrix(rows)).squeeze(-1)

    def predict(self, features: Sequence[CandidateFeatures]) -> list[float]:
        if not features:
            return []
        with torch.no_grad(), _one_thread():
            return torch.sigmoid(self.logits([f.values for f in features])).tolist()

    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {
                "format": CHECKPOINT_FORMAT,
                "version": CHECKPOINT_VERSION,
                "feature_names": self.feature_names,
                "mean": self.mean.tolist(),
                "std": self.std.tolist(),
                "architecture": {"hidden": self.hidden},
                "state_dict": self.network.state_dict(),
            },
            path,
        )

    @classmethod
    def load(cls, path: Path | str) -> Scorer:
        path = Path(path)
        fix = "retrain it with `ioi-agent train-scorer POOL... --out FILE`"
        if not path.is_file():
            raise IoiAgentError(f"{path}: no scorer checkpoint there (fix: give an existing file or {fix})")
        try:
            data = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many kinds for a truncated or foreign file
            raise IoiAgentError(
                f"{path}: not a readable scorer checkpoint ({type(exc).__name__}) (fix: {fix})"
            ) from exc
        if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
            raise IoiAgentError(f"{path}: not an ioi-agent scorer checkpoint (fix: {fix})")
        if data.get("version") != CHECKPOINT_VERSION:
            raise IoiAgentError(
                f"{path}: scorer checkpoint version {data.get('version')!r}, this ioi-agent reads "
                f"{CHECKPOINT_VERSION} (fix: {fix})"
            )
        try:
            names = [str(n) for n in data["feature_names"]]
            hidden = int(data["architecture"]["hidden"])
            scorer = cls(names, data["mean"], data["std"], hidden, note=str(path))
            if len(scorer.mean) != len(names) or len(scorer.std) != len(names):
                raise ValueError("mean/std length differs from the feature names")
            scorer.network.load_state_dict(data["state_dict"])
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise IoiAgentError(f"{path}: inconsistent scorer checkpoint: {exc} (fix: {fix})") from exc
        scorer.network.eval()
        return scorer


def fallback_scorer(feature_names: Sequence[str] | None = None) -> Scorer:
    """The hand-set logistic model (FALLBACK_WEIGHTS on raw features) used while no checkpoint ships."""
    names = list(feature_names) if feature_names else _feature_names()
    names = [n for n in names if n in FALLBACK_WEIGHTS] or list(FALLBACK_WEIGHTS)
    network = nn.Linear(len(names), 1)
    with torch.no_grad():
        network.weight.copy_(torch.tensor([[FALLBACK_WEIGHTS[n] for n in names]]))
        network.bias.fill_(FALLBACK_BIAS)
    # A missing feature gets its mean, here 0: the fallback then treats it as absent (no contribution).
    return Scorer(names, [0.0] * len(names), [1.0] * len(names), hidden=0, network=network, note="fallback")


def default_scorer() -> Scorer:
    """The shipped checkpoint, or the hand-set fallback when the package has none."""
    if DEFAULT_CHECKPOINT.is_file():
        return Scorer.load(DEFAULT_CHECKPOINT)
    return fallback_scorer()


# --- training -----------------------------------------------------------------------------------------


def _split_groups(groups: list[str], val_fraction: float, seed: int) -> tuple[set[str], set[str]]:
    distinct = sorted(set(groups))
    if len(distinct) < 2 or val_fraction <= 0:
        return set(distinct), set()
    order = np.random.default_rng(seed).permutation(len(distinct))
    n_val = min(len(distinct) - 1, max(1, round(val_fraction * len(distinct))))
    val = {distinct[i] for i in order[:n_val]}
    return set(distinct) - val, val


def _pairs(
    groups: list[str], targets: list[float], rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(better index, worse index, weight) over the pairs of each group whose targets differ; every group's
    weights sum to 1 so a big group does not drown the others."""
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    better: list[np.ndarray] = []
    worse: list[np.ndarray] = []
    weight: list[np.ndarray] = []
    for g in sorted(members):
        idx = np.array(members[g])
        t = np.array([targets[i] for i in idx])
        a, b = np.nonzero(t[:, None] > t[None, :])
        if len(a) == 0:
            continue
        if len(a) > MAX_PAIRS_PER_GROUP:
            keep = np.sort(rng.choice(len(a), MAX_PAIRS_PER_GROUP, replace=False))
            a, b = a[keep], b[keep]
        better.append(idx[a])
        worse.append(idx[b])
        weight.append(np.full(len(a), 1.0 / len(a)))
    if not better:
        empty = torch.zeros(0, dtype=torch.long)
        return empty, empty, torch.zeros(0)
    n_groups = len(better)
    return (
        torch.from_numpy(np.concatenate(better)),
        torch.from_numpy(np.concatenate(worse)),
        torch.from_numpy(np.concatenate(weight) / n_groups).float(),
    )


class _Split:
    """One side of the split, as tensors."""

    def __init__(self, examples: list[LabelledExample], rng: np.random.Generator):
        self.size = len(examples)
        self.groups = [e.group for e in examples]
        self.rows = [e.features.values for e in examples]
        self.targets = torch.tensor([e.target for e in examples], dtype=torch.float32)
        self.better, self.worse, self.weight = _pairs(self.groups, [e.target for e in examples], rng)

    def loss(self, logits: torch.Tensor, pointwise_weight: float) -> torch.Tensor:
        total = torch.zeros(())
        if len(self.weight):
            margin = logits[self.better] - logits[self.worse]
            total = total + (self.weight * nn.functional.softplus(-margin)).sum()
        if pointwise_weight > 0 and self.size:
            bce = nn.functional.binary_cross_entropy_with_logits(logits, self.targets)
            total = total + pointwise_weight * bce
        return total

    def pairwise_accuracy(self, logits: torch.Tensor) -> float | None:
        if not len(self.weight):
            return None
        diff = logits[self.better] - logits[self.worse]
        right = (diff > 0).float() + 0.5 * (diff == 0).float()
        return float(right.mean())

    def top1_hit_rate(self, logits: torch.Tensor) -> float | None:
        members: dict[str, list[int]] = {}
        for i, g in enumerate(self.groups):
            members.setdefault(g, []).append(i)
        hits, counted = 0, 0
        for idx in members.values():
            t = self.targets[idx]
            if float(t.max()) == float(t.min()):
                continue  # every choice is as good: says nothing about the ranking
            counted += 1
            top = idx[int(torch.argmax(logits[idx]))]
            hits += float(self.targets[top]) == float(t.max())
        return hits / counted if counted else None


def train(
    examples: Sequence[LabelledExample],
    *,
    seed: int = 0,
    epochs: int = 200,
    hidden: int = 16,
    lr: float = 0.01,
    weight_decay: float = 1e-4,
    val_fraction: float = 0.25,
    pointwise_weight: float = 0.1,
    feature_names: Sequence[str] | None = None,
) -> tuple[Scorer, TrainMetrics]:
    """Train a scorer on labelled candidates (see the module docstring); reproducible for a given seed."""
    with _one_thread():
        return _train(
            examples, seed, epochs, hidden, lr, weight_decay, val_fraction, pointwise_weight, feature_names
        )


def _train(
    examples: Sequence[LabelledExample],
    seed: int,
    epochs: int,
    hidden: int,
    lr: float,
    weight_decay: float,
    val_fraction: float,
    pointwise_weight: float,
    feature_names: Sequence[str] | None,
) -> tuple[Scorer, TrainMetrics]:
    if not examples:
        raise IoiAgentError("no labelled examples to train the scorer on (fix: give pools with labels)")
    names = _choose_names(examples, feature_names)
    train_groups, val_groups = _split_groups([e.group for e in examples], val_fraction, seed)
    rng = np.random.default_rng(seed)
    train_set = _Split([e for e in examples if e.group in train_groups], rng)
    val_set = _Split([e for e in examples if e.group in val_groups], rng)

    raw = torch.tensor(
        [[float(r.get(n, math.nan)) for n in names] for r in train_set.rows], dtype=torch.float32
    ).reshape(train_set.size, len(names))
    mean = torch.nan_to_num(raw.nanmean(dim=0), nan=0.0)
    raw = torch.where(torch.isnan(raw), mean.expand_as(raw), raw)  # as predict fills a missing feature
    std = raw.std(dim=0, unbiased=False)
    std = torch.where(std < 1e-6, torch.ones_like(std), std)  # a constant feature: leave it unscaled

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        network = _network(len(names), hidden)
    scorer = Scorer(names, mean.tolist(), std.tolist(), hidden, network=network, note="trained")
    x_train = scorer._matrix(train_set.rows)
    x_val = scorer._matrix(val_set.rows) if val_set.size else None
    optimiser = torch.optim.Adam(network.parameters(), lr=lr, weight_decay=weight_decay)

    def val_loss() -> float | None:
        if x_val is None:
            return None
        with torch.no_grad():
            return float(val_set.loss(network(x_val).squeeze(-1), pointwise_weight))

    initial_val = val_loss()
    best_val, best_epoch, best_state = math.inf, 0, _copy_state(network)
    for epoch in range(1, epochs + 1):
        network.train()
        optimiser.zero_grad()
        loss = train_set.loss(network(x_train).squeeze(-1), pointwise_weight)
        loss.backward()
        optimiser.step()
        network.eval()
        current = val_loss()
        if current is None or current < best_val:
            best_val = current if current is not None else best_val
            best_epoch, best_state = epoch, _copy_state(network)
    network.load_state_dict(best_state)
    network.eval()
    with torch.no_grad():
        train_loss = float(train_set.loss(network(x_train).squeeze(-1), pointwise_weight))
        val_logits = network(x_val).squeeze(-1) if x_val is not None else None
    metrics = TrainMetrics(
        seed=seed,
        epochs=epochs,
        best_epoch=best_epoch,
        train_groups=len(train_groups),
        val_groups=len(val_groups),
        train_examples=train_set.size,
        val_examples=val_set.size,
        initial_val_loss=initial_val,
        train_loss=train_loss,
        val_loss=val_loss(),
        val_pairwise_accuracy=val_set.pairwise_accuracy(val_logits) if val_logits is not None else None,
        val_top1_hit_rate=val_set.top1_hit_rate(val_logits) if val_logits is not None else None,
    )
    return scorer, metrics


def _choose_names(examples: Sequence[LabelledExample], given: Sequence[str] | None) -> list[str]:
    """The given names, else FEATURE_NAMES (those the examples carry), else the first example's keys."""
    if given:
        return list(given)
    present = set().union(*(e.features.values.keys() for e in examples))
    names = [n for n in _feature_names() if n in present]
    return names or list(examples[0].features.values)


def _copy_state(network: nn.Module) -> dict[str, Any]:
    return {k: v.detach().clone() for k, v in network.state_dict().items()}
