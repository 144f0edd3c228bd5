"""How a sandboxed run's ending maps to a verdict (the judge side of `verdict.py`, which stays a leaf)."""

from __future__ import annotations

from ioi_agent.judge.verdict import Verdict, worst
from ioi_agent.sandbox.base import ProcResult

JVM_OUT_OF_MEMORY = "java.lang.OutOfMemoryError"


def runtime_verdict(result: ProcResult) -> Verdict | None:
    """The verdict a run earns by how it ended, or None when it ended normally (its output decides)."""
    if result.spawn_error:
        # exec failed inside the box: a broken binary is the program's fault; failing to fork is the box's.
        return Verdict.JE if result.spawn_error.startswith("fork failed") else Verdict.RE
    failures = []
    if result.cpu_exceeded or result.wall_exceeded:
        failures.append(Verdict.TLE)
    # A JVM whose heap (-Xmx, the memory limit) ran out: it says so on stderr and exits.
    if result.mem_exceeded or JVM_OUT_OF_MEMORY in result.stderr_tail:
        failures.append(Verdict.MLE)
    if result.output_exceeded:
        failures.append(Verdict.OLE)
    if result.signal is not None or result.exit_code != 0:
        failures.append(Verdict.RE)
    return worst(failures) if failures else None
