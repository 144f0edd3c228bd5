"""User-facing errors: one line naming what is wrong and how to fix it, never a traceback."""

from __future__ import annotations

from pathlib import Path


class IoiAgentError(Exception):
    """An error the CLI reports as one line and a nonzero exit code."""


class PackageError(IoiAgentError):
    """A broken problem package: names the file, the field and the fix."""

    def __init__(self, path: Path | str, message: str, field: str | None = None, fix: str | None = None):
        self.path = Path(path)
        self.field = field
        where = f"{self.path}" + (f" [{field}]" if field else "")
        text = f"{where}: {message}"
        if fix:
            text += f" (fix: {fix})"
        super().__init__(text)


class SandboxError(IoiAgentError):
    """The sandbox could not be started or failed; a judge error, never charged to a program."""
