"""Which outcomes the result store keeps: facts about the program, never about the machine at that moment.

Not stored (shown, and judged again next time):
- a judge error (a failing checker, interactor, manager or sandbox);
- any outcome got while a box of the run failed: it died and was restarted, its sweep after the run
  failed, it stopped answering or refused the request (`SandboxPool.watch`);
- a time limit reached by the wall clock, the run's CPU time below its limit, while the machine had no
  CPU to spare (at least OVERLOADED of its CPU time busy over the run): the program may have waited for
  a CPU, not for itself. On a machine with idle CPUs the same TLE (a program that sleeps, or waits on a
  peer that never answers) is the program's own doing and is stored.
"""

from __future__ import annotations

from ioi_agent.judge.store import StoredOutcome
from ioi_agent.judge.verdict import Verdict

OVERLOADED = 0.9  # busy share of all the machine's CPU time over a run's window


def _cpu_jiffies() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all CPUs since boot (/proc/stat), or None where it cannot be read."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    if len(fields) < 4:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return idle, sum(fields[:8])  # guest time is counted in user time already


class CpuWindow:
    """How busy the machine's CPUs were since this window opened."""

    def __init__(self) -> None:
        self._start = _cpu_jiffies()

    def busy(self) -> float | None:
        """The busy share of all CPU time since the start; None when unknown (no /proc/stat, no tick)."""
        end = _cpu_jiffies()
        if self._start is None or end is None or end[1] <= self._start[1]:
            return None
        idle, total = end[0] - self._start[0], end[1] - self._start[1]
        return 1.0 - idle / total


def storable(outcome: StoredOutcome, time_limit: float, box_failed: bool, busy: float | None) -> bool:
    """Whether `outcome` may go to the result store (see the module's rules). `busy` None (unknown) is
    taken as overloaded: a wall-clock TLE is then judged again rather than stored wrongly."""
    if box_failed or outcome.verdict == Verdict.JE:
        return False
    if outcome.verdict == Verdict.TLE and outcome.time_s < time_limit:
        return busy is not None and busy < OVERLOADED
    return True
