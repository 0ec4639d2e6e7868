"""Greedy word wrap, the same for text mode (counted in character cells) and raster (in dots).

Lines break at spaces. A word longer than the room left (a web address, a long case code)
breaks after "/" or "-" or before ".", so "tracuu.tanninh.gov.vn/tra-cuu" ends a line at a
part boundary rather than mid-word; only a part wider than a whole line is cut anywhere.

Each word is measured once and line widths are summed from the parts, so wrapping a receipt
costs one measurement per distinct word (raster text used to measure every growing line).
``exact`` re-measures a finished line that the sum puts within ``SLACK`` of the width, in case
kerning across a join makes the whole wider than its parts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

# After a slash or hyphen (not inside "//"), or before a dot that is not the first character.
_BREAKS = re.compile(r"(?<=[/-])(?=[^/])|(?<=.)(?=\.)")

Measure = Callable[[str], float]
SLACK = 2.0


def wrap(text: str, width: float, measure: Measure, exact: Measure | None = None) -> list[str]:
    """``text`` in lines no wider than ``width`` by ``measure`` ("\\n" starts a new line)."""
    cached = functools.lru_cache(maxsize=None)(measure)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += [line for line, _ in _paragraph(paragraph, width, cached, exact)] or [""]
    return lines


def _paragraph(text: str, width: float, measure: Measure,
               exact: Measure | None) -> list[tuple[str, float]]:
    room = width
    while True:
        filler = _Filler(room, measure)
        for word in text.split():
            filler.word(word)
        lines = filler.finish()
        # Sums of parts can differ from the whole line by a dot of kerning: check lines near
        # the edge, and in the rare case of one too wide, fill again with a little less room.
        if exact is None or room <= width / 2 or all(
                exact(line) <= width for line, used in lines if used > width - SLACK):
            return lines
        room -= SLACK


def parts(word: str) -> list[str]:
    """``word`` split where a long word may break: after "/" or "-", before "."."""
    return [p for p in _BREAKS.split(word) if p]


class _Filler:
    def __init__(self, width: float, measure: Measure) -> None:
        self.width, self.measure = width, measure
        self.space = measure(" ")
        self.lines: list[tuple[str, float]] = []  # (line, summed width)
        self.line: list[str] = []
        self.used = 0.0

    def word(self, word: str) -> None:
        size = self.measure(word)
        if self._fits(size, spaced=True):
            self._put(word, size, spaced=True)
            return
        if size <= self.width:
            self._newline()
            self._put(word, size, spaced=False)
            return
        spaced = True
        for part in self._cut(parts(word)):
            size = self.measure(part)
            if not self._fits(size, spaced):
                self._newline()
                spaced = False
            self._put(part, size, spaced)
            spaced = False

    def _fits(self, size: float, spaced: bool) -> bool:
        gap = self.space if spaced and self.line else 0
        return self.used + gap + size <= self.width

    def _put(self, part: str, size: float, spaced: bool) -> None:
        if spaced and self.line:
            self.line.append(" ")
            self.used += self.space
        self.line.append(part)
        self.used += size

    def _newline(self) -> None:
        if self.line:
            self.lines.append(("".join(self.line), self.used))
        self.line, self.used = [], 0.0

    def _cut(self, pieces: list[str]) -> list[str]:
        """Parts wider than a whole line cut at the last character that fits."""
        out: list[str] = []
        for piece in pieces:
            while self.measure(piece) > self.width and len(piece) > 1:
                n = len(piece) - 1
                while n > 1 and self.measure(piece[:n]) > self.width:
                    n -= 1
                out.append(piece[:n])
                piece = piece[n:]
            out.append(piece)
        return out

    def finish(self) -> list[tuple[str, float]]:
        self._newline()
        return self.lines
