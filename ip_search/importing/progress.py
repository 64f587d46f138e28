"""A progress bar on stderr for long imports (redrawn at most five times a second)."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

BAR_WIDTH = 30
REDRAW_SECONDS = 0.2


class Progress(Protocol):
    def advance(self, accepted: int, rejected: int) -> None: ...

    def close(self) -> None: ...


class SilentProgress:
    """For jobs and the demo seed: nobody watches a terminal."""

    def advance(self, accepted: int, rejected: int) -> None:
        return None

    def close(self) -> None:
        return None


class BarProgress:
    """``label [######......] 12,000/25,000 (11 rejected) 3,400/s``."""

    def __init__(self, label: str, total: int | None, stream: TextIO = sys.stderr) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.accepted = 0
        self.rejected = 0
        self._started = time.monotonic()
        self._drawn = 0.0

    def advance(self, accepted: int, rejected: int) -> None:
        self.accepted += accepted
        self.rejected += rejected
        now = time.monotonic()
        if now - self._drawn >= REDRAW_SECONDS:
            self._draw(now)

    def close(self) -> None:
        self._draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, now: float) -> None:
        self._drawn = now
        done = self.accepted + self.rejected
        rate = done / max(now - self._started, 1e-6)
        if self.total:
            filled = BAR_WIDTH * min(done, self.total) // self.total
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{self.total:,}"
        else:
            bar = f"{done:,}"
        self.stream.write(
            f"\r{self.label} {bar} ({self.rejected:,} rejected) {rate:,.0f} records/s"
        )
        self.stream.flush()
