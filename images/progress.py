"""A progress bar with speed and time left, on a terminal in place and elsewhere as lines."""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """One phase at a time: `start(label, total)`, `advance(n)`, `done()`."""

    def __init__(self, stream=None, every: float = 0.5):
        self.stream = stream or sys.stderr
        self.every = every
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label, self.total, self.count = "", 0, 0
        self.began = self.shown = 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.count = label, total, 0
        self.began = time.monotonic()
        self._show(force=True)

    def advance(self, n: int) -> None:
        self.count += n
        self._show()

    def done(self) -> None:
        self._show(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.began, 1e-6)
        speed = self.count / elapsed
        pct = 100 * self.count / self.total if self.total else 100.0
        left = (self.total - self.count) / speed if speed > 0 else 0.0
        bar = "#" * int(pct / 5)
        return (f"[{bar:<20}] {pct:5.1f}% {self.label} {self.count / 2**20:.0f}/"
                f"{self.total / 2**20:.0f} MiB {speed / 1e6:.0f} MB/s "
                f"còn lại / left {_clock(left)}")

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.shown < self.every:
            return
        self.shown = now
        self.stream.write(("\r" if self.tty else "") + self.line() + ("" if self.tty else "\n"))
        self.stream.flush()
