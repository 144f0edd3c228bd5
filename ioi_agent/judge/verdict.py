"""Verdicts and their fixed precedence.

Precedence (most severe first): JE > CE > TLE > MLE > OLE > RE > WA > AC.
- One run that shows several failures takes the most severe: a program killed at the CPU limit that had
  also written too much is TLE. JE (a failing checker, interactor or sandbox) is never charged to the
  program: it is reported as such and scores nothing, so it must be looked at.
- A subtask's and a submission's verdict is the most severe verdict among their tests.
- A test that a checker gives partial credit (0 < score < 1) is AC with that score.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from ioi_agent.sandbox.base import ProcResult


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


def runtime_verdict(result: ProcResult) -> Verdict | None:
    """The verdict a run earns by how it ended, or None when it ended normally (its output decides)."""
    if result.spawn_error:
        # exec failed inside the box: a broken binary is the program's fault; failing to fork is the box's.
        return Verdict.JE if result.spawn_error.startswith("fork failed") else Verdict.RE
    failures = []
    if result.cpu_exceeded or result.wall_exceeded:
        failures.append(Verdict.TLE)
    if result.mem_exceeded:
        failures.append(Verdict.MLE)
    if result.output_exceeded:
        failures.append(Verdict.OLE)
    if result.signal is not None or result.exit_code != 0:
        failures.append(Verdict.RE)
    return worst(failures) if failures else None
