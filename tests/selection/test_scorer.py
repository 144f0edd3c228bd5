"""The learned scorer: training lowers the validation loss, is reproducible, survives save and load."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import torch

from ioi_agent.errors import IoiAgentError
from ioi_agent.selection.model import CandidateFeatures
from ioi_agent.selection.scorer import (
    FALLBACK_WEIGHTS,
    LabelledExample,
    Scorer,
    default_scorer,
    fallback_scorer,
    train,
)

NAMES = ["public_pass_rate", "crash_rate", "cluster_share", "code_length_log"]


def _separable(groups: int = 24, size: int = 8, seed: int = 0) -> list[LabelledExample]:
    """Targets decided by public_pass_rate and crash_rate; the other two features are noise."""
    rng = random.Random(seed)
    out = []
    for g in range(groups):
        for i in range(size):
            values = {n: rng.random() for n in NAMES}
            values["code_length_log"] *= 8
            good = values["public_pass_rate"] - values["crash_rate"] > 0
            out.append(
                LabelledExample(
                    group=f"p{g}/s{g % 3}",
                    features=CandidateFeatures(candidate=f"c{g}-{i}", subtask=f"s{g % 3}", values=values),
                    target=1.0 if good else 0.0,
                )
            )
    return out


@pytest.fixture(scope="module")
def examples() -> list[LabelledExample]:
    return _separable()


@pytest.fixture(scope="module")
def trained(examples):
    return train(examples, seed=3, epochs=150, hidden=8, lr=0.03)


def test_training_lowers_validation_loss_and_ranks_well(trained) -> None:
    scorer, metrics = trained
    assert metrics.val_groups == 6 and metrics.train_groups == 18
    assert metrics.val_examples == 48 and metrics.train_examples == 144
    assert metrics.initial_val_loss is not None and metrics.val_loss is not None
    assert metrics.val_loss < 0.5 * metrics.initial_val_loss
    assert metrics.val_pairwise_accuracy is not None and metrics.val_pairwise_accuracy > 0.9
    assert metrics.val_top1_hit_rate == 1.0
    assert 1 <= metrics.best_epoch <= metrics.epochs == 150


def test_split_is_by_group(examples) -> None:
    _, metrics = train(examples, seed=1, epochs=2, hidden=0)
    # Every group wholly on one side: group counts and example counts agree (8 per group).
    assert metrics.train_examples == 8 * metrics.train_groups
    assert metrics.val_examples == 8 * metrics.val_groups


def test_same_seed_same_weights_other_seed_other_weights(examples, trained) -> None:
    scorer, _ = trained
    again, _ = train(examples, seed=3, epochs=150, hidden=8, lr=0.03)
    rows = [e.features for e in examples]
    assert scorer.predict(rows) == again.predict(rows)
    for key, value in scorer.network.state_dict().items():
        assert torch.equal(value, again.network.state_dict()[key])
    other, _ = train(examples, seed=4, epochs=150, hidden=8, lr=0.03)
    assert other.predict(rows) != scorer.predict(rows)


def test_save_and_load_give_the_same_predictions(tmp_path: Path, examples, trained) -> None:
    scorer, _ = trained
    path = tmp_path / "sub" / "scorer.pt"
    scorer.save(path)
    loaded = Scorer.load(path)
    rows = [e.features for e in examples]
    assert loaded.predict(rows) == scorer.predict(rows)
    assert loaded.feature_names == scorer.feature_names and loaded.hidden == 8


def test_logistic_model_saves_too(tmp_path: Path, examples) -> None:
    scorer, metrics = train(examples, seed=0, epochs=80, hidden=0, lr=0.05)
    assert metrics.val_loss is not None and metrics.initial_val_loss is not None
    assert metrics.val_loss < metrics.initial_val_loss
    scorer.save(tmp_path / "lin.pt")
    rows = [e.features for e in examples[:10]]
    assert Scorer.load(tmp_path / "lin.pt").predict(rows) == scorer.predict(rows)


def test_missing_and_unknown_features(trained) -> None:
    scorer, _ = trained
    full = CandidateFeatures(candidate="x", subtask="s", values=dict.fromkeys(NAMES, 0.5))
    partial = CandidateFeatures(candidate="y", subtask="s", values={"public_pass_rate": 0.5, "new": 3.0})
    a, b = scorer.predict([full, partial])
    assert 0.0 < a < 1.0 and 0.0 < b < 1.0
    assert scorer.predict([]) == []


def _torch_save(path: Path, obj) -> Path:
    torch.save(obj, path)
    return path


def test_load_errors_are_user_errors(tmp_path: Path, trained) -> None:
    scorer, _ = trained
    good = tmp_path / "good.pt"
    scorer.save(good)
    data = torch.load(good, weights_only=True)
    cases = {
        "missing": tmp_path / "nope.pt",
        "garbage": tmp_path / "garbage.pt",
        "truncated": tmp_path / "truncated.pt",
        "foreign": _torch_save(tmp_path / "foreign.pt", {"weights": torch.zeros(3)}),
        "version": _torch_save(tmp_path / "version.pt", {**data, "version": 99}),
        "shape": _torch_save(tmp_path / "shape.pt", {**data, "architecture": {"hidden": 3}}),
        "names": _torch_save(tmp_path / "names.pt", {**data, "feature_names": ["only_one"]}),
    }
    cases["garbage"].write_text("not a checkpoint")
    cases["truncated"].write_bytes(good.read_bytes()[:100])
    for name, path in cases.items():
        with pytest.raises(IoiAgentError, match=str(path.name)):
            Scorer.load(path)
        assert name  # each case raised


def test_default_scorer_ranks_sensibly() -> None:
    scorer = default_scorer()
    names = scorer.feature_names
    assert names
    good = dict.fromkeys(names, 0.0) | {
        "compiled": 1.0,
        "public_pass_rate": 1.0,
        "public_all_passed": 1.0,
        "cluster_share": 0.6,
    }
    bad = dict.fromkeys(names, 0.0) | {"compiled": 1.0, "crash_rate": 0.8, "failure_rate": 0.8}
    p_good, p_bad = scorer.predict(
        [CandidateFeatures(candidate=n, subtask="s", values=v) for n, v in (("g", good), ("b", bad))]
    )
    assert p_good > p_bad


def test_fallback_uses_only_known_weights() -> None:
    scorer = fallback_scorer(["public_pass_rate", "not_a_weighted_feature"])
    assert scorer.feature_names == ["public_pass_rate"]
    full = fallback_scorer(list(FALLBACK_WEIGHTS))
    assert full.feature_names == list(FALLBACK_WEIGHTS)


def test_no_examples_and_bad_targets() -> None:
    with pytest.raises(IoiAgentError):
        train([])
    with pytest.raises(ValueError):
        LabelledExample(
            group="g", features=CandidateFeatures(candidate="c", subtask="s", values={}), target=1.5
        )


def test_single_group_trains_without_validation(examples) -> None:
    one = [e for e in examples if e.group == examples[0].group]
    scorer, metrics = train(one, seed=0, epochs=5, hidden=4)
    assert metrics.val_groups == 0 and metrics.val_loss is None and metrics.val_pairwise_accuracy is None
    assert metrics.best_epoch == 5 and metrics.train_examples == len(one)
    assert len(scorer.predict([e.features for e in one])) == len(one)
