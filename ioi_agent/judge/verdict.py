"""Verdicts and their fixed precedence.

Precedence (most severe first): JE > CE > TLE > MLE > OLE > RE > WA > AC.
- One run that shows several failures takes the most severe: a program killed at the CPU limit that had
  also written too much is TLE. JE (a failing checker, interactor or sandbox) is never charged to the
  program: it is reported as such and scores nothing, so it must be looked at.
- A subtask's and a submission's verdict is the most severe verdict among their tests.
- A test that a checker gives partial credit (0 < score < 1) is AC with that score.

A leaf module: it imports nothing of the project, so the pure scoring rules (`ioi_agent.scoring`) can use
it without pulling in the sandbox. How a run's ending maps to a verdict is `judge/outcomes.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Verdict(StrEnum):
    AC = "AC"  # accepted
    WA = "WA"  # wrong answer
    TLE = "TLE"  # CPU time (or the wall-clock cap) exceeded
    MLE = "MLE"  # memory limit exceeded
    OLE = "OLE"  # output limit exceeded
    RE = "RE"  # run-time error: nonzero exit or killed by a signal
    CE = "CE"  # compilation error
    JE = "JE"  # judge error: checker, interactor, manager or sandbox failed


PRECEDENCE: tuple[Verdict, ...] = (
    Verdict.JE,
    Verdict.CE,
    Verdict.TLE,
    Verdict.MLE,
    Verdict.OLE,
    Verdict.RE,
    Verdict.WA,
    Verdict.AC,
)
_RANK = {v: i for i, v in enumerate(PRECEDENCE)}


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe verdict; AC for none."""
    return min(verdicts, key=_RANK.__getitem__, default=Verdict.AC)
