"""The o1-ioi policy's weights (policies.O1IoiPolicy) and the `policy.json` file that holds them.

Candidate score on a subtask (every term documented in O1IoiPolicy):

    learned × scorer score + cluster_size × log(1 + size of its behaviour cluster)
    + agreement × CodeT dual agreement (feature codet_score, in [0, 1])
    − public × (fails a public example) − crash × crash rate − timeout × timeout rate

Cluster value: the mean of its members' scores − submission × submissions already made from it −
feedback × (1 − best fraction of the subtask's points it got). `order` picks the subtasks' turn order;
`containment` turns o1-ioi's rule of agreeing with the accepted programs of contained subtasks on or off.

CODET_LIKE orders by CodeT's dual agreement among the public-passing candidates, staying on a cluster as the
CodeT baseline does (its order among clusters of equal agreement may differ). ALPHACODE_LIKE reproduces the
AlphaCode baseline (public filter, clusters largest first, wrapping around;
a test checks the equality), so a search that starts from it can fall back to it on the problems it is
tuned on rather than end below it.

The shipped `policy.json` (beside default_scorer.pt) comes from scripts/tune_default_policy.py; a missing
file gives HAND_SET, the weights o1-ioi used before tuning existed.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ioi_agent.errors import IoiAgentError

POLICY_FORMAT = "ioi-agent-policy"
POLICY_VERSION = 1
DEFAULT_POLICY_FILE = Path(__file__).with_name("policy.json")


class SubtaskOrder(StrEnum):
    # Round-robin over the unsolved subtasks, containing the most others first, then most points (o1-ioi).
    HARDEST = "hardest"
    # Only the whole-problem subtask until it is solved, then round-robin (AlphaCode targets the problem).
    WHOLE = "whole"
    # Round-robin, containing the fewest others first, then fewest points: bank partial points early.
    EASIEST = "easiest"


class PolicyWeights(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    learned: float = 1.0
    cluster_size: float = 0.0
    agreement: float = 0.0
    public: float = 1.0
    crash: float = 0.5
    timeout: float = 0.5
    submission: float = 0.5
    feedback: float = 1.0
    order: SubtaskOrder = SubtaskOrder.HARDEST
    # For a subtask containing solved ones, keep only candidates agreeing with their accepted programs.
    containment: bool = True


HAND_SET = PolicyWeights()
# AlphaCode: one submission per cluster before any second one (the submission penalty outweighs every
# log cluster size, < 12 for pools under 10^5), and every public-passing cluster before any failing one
# (the public penalty outweighs the submission penalty of any budget under 1000).
ALPHACODE_LIKE = PolicyWeights(
    learned=0.0,
    cluster_size=1.0,
    public=1e6,
    crash=0.0,
    timeout=0.0,
    submission=1e3,
    feedback=0.0,
    order=SubtaskOrder.WHOLE,
    containment=False,
)
CODET_LIKE = ALPHACODE_LIKE.model_copy(update={"cluster_size": 0.0, "agreement": 1.0, "submission": 0.0})


class PolicyFile(BaseModel):
    """policy.json: the weights and where they came from."""

    format: str = POLICY_FORMAT
    version: int = POLICY_VERSION
    weights: PolicyWeights
    note: str = ""  # how it was made (command, objective)
    objective: float | None = None  # the tuning objective on the training problems
    trained_on: list[str] = []  # problem names


def save_policy(path: Path | str, weights: PolicyWeights, **info: Any) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = PolicyFile(weights=weights, **info)
    path.write_text(document.model_dump_json(indent=2) + "\n")


def load_policy(path: Path | str) -> PolicyFile:
    path = Path(path)
    fix = "write one with `ioi-agent tune-policy POOL... --out FILE`"
    if not path.is_file():
        raise IoiAgentError(f"{path}: no policy file there (fix: give an existing file or {fix})")
    try:
        document = PolicyFile.model_validate(json.loads(path.read_text()))
    except (ValueError, ValidationError) as exc:
        raise IoiAgentError(
            f"{path}: not a readable policy file ({exc.__class__.__name__}) (fix: {fix})"
        ) from exc
    if document.format != POLICY_FORMAT or document.version != POLICY_VERSION:
        raise IoiAgentError(f"{path}: not an ioi-agent policy file of version {POLICY_VERSION} (fix: {fix})")
    return document


def default_weights() -> PolicyWeights:
    """The shipped policy.json's weights, or HAND_SET when the package has none."""
    if DEFAULT_POLICY_FILE.is_file():
        return load_policy(DEFAULT_POLICY_FILE).weights
    return HAND_SET
