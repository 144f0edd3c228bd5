"""A progress bar for sampling: samples done, samples/s and tokens/s (rich on a terminal, log lines otherwise)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class SampleProgress:
    def __init__(
        self, total: int, enabled: bool = True, stream: TextIO | None = None, log_every_s: float = 30.0
    ):
        self.total = total
        self.samples = 0
        self.tokens = 0
        self.started = time.monotonic()
        self._stream = stream or sys.stderr
        self._log_every_s = log_every_s
        self._last_log = self.started
        self._enabled = enabled and total > 0
        self._live = self._enabled and self._stream.isatty()
        self._progress: Progress | None = None
        if self._live:
            self._progress = Progress(
                TextColumn("sampling"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=Console(file=self._stream),
                transient=False,
            )
            self._task = self._progress.add_task("sampling", total=total, rate="")
            self._progress.start()

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    def rates(self) -> tuple[float, float]:
        return self.samples / self.elapsed, self.tokens / self.elapsed

    def rate_text(self) -> str:
        sps, tps = self.rates()
        return f"{sps:.2f} samples/s, {tps:.0f} tokens/s"

    def advance(self, tokens: int | None) -> None:
        self.samples += 1
        self.tokens += tokens or 0
        if self._progress is not None:
            self._progress.update(self._task, advance=1, rate=self.rate_text())
        elif self._enabled and time.monotonic() - self._last_log >= self._log_every_s:
            self._last_log = time.monotonic()
            print(
                f"sampling: {self.samples}/{self.total} ({self.rate_text()})", file=self._stream, flush=True
            )

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
