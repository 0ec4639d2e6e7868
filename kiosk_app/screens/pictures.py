"""Pictures drawn on the canvas: the receipt with its codes pointed out, the camera guide frame,
the faces of the rating buttons.

The receipt's QR code and barcode are look-alikes (random modules and bars from a fixed seed),
never real symbols: a camera that caught the screen must not read a code from it.
"""

from __future__ import annotations

import random
from functools import lru_cache

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.properties import StringProperty
from kivy.uix.widget import Widget

from kiosk_app.screens.theme import ACCENT, FONT, INK, LINE, MUTED, rgba
from kiosk_app.strings import tr

QR_MODULES = 21


@lru_cache(maxsize=1)
def _qr_lookalike() -> list[tuple[int, int]]:
    """Dark modules of a QR-like square: three finder patterns and seeded noise."""
    rng = random.Random(2026)
    dark = set()
    for fx, fy in ((0, 0), (QR_MODULES - 7, 0), (0, QR_MODULES - 7)):
        for i in range(7):
            for j in range(7):
                ring = max(abs(i - 3), abs(j - 3))
                if ring != 2:
                    dark.add((fx + i, fy + j))
    for i in range(QR_MODULES):
        for j in range(QR_MODULES):
            in_finder = (i < 8 and j < 8) or (i > QR_MODULES - 9 and j < 8) or (
                i < 8 and j > QR_MODULES - 9)
            if not in_finder and rng.random() < 0.5:
                dark.add((i, j))
    return sorted(dark)


@lru_cache(maxsize=1)
def _bars() -> list[tuple[int, int]]:
    """(start, width) of the bars of a barcode look-alike, in modules of a 120-module strip."""
    rng = random.Random(7)
    bars, x = [], 0
    while x < 116:
        width = rng.choice((1, 1, 2, 3))
        bars.append((x, width))
        x += width + rng.choice((1, 1, 2, 3))
    return bars


def text_texture(text: str, size: int, colour: str = INK, bold: bool = True):
    label = CoreLabel(text=text, font_name=FONT, font_size=size, bold=bold, color=rgba(colour))
    label.refresh()
    return label.texture


class ReceiptPicture(Widget):
    """A receipt with its QR code and barcode framed in yellow and labelled "the code is here"."""

    lang = StringProperty("vi")

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.bind(pos=self.redraw, size=self.redraw, lang=self.redraw)

    def redraw(self, *_: object) -> None:
        self.canvas.clear()
        paper_h = self.height * 0.94
        paper_w = min(paper_h * 0.56, self.width * 0.52)
        paper_h = paper_w / 0.56
        x0 = self.x + self.width * 0.08
        y0 = self.y + (self.height - paper_h) / 2
        with self.canvas:
            Color(0, 0, 0, 0.12)
            RoundedRectangle(pos=(x0 + 10, y0 - 10), size=(paper_w, paper_h), radius=[10])
            Color(1, 1, 1, 1)
            RoundedRectangle(pos=(x0, y0), size=(paper_w, paper_h), radius=[10])
            Color(*rgba(LINE))
            Line(rounded_rectangle=(x0, y0, paper_w, paper_h, 10), width=1.5)
        self._paper(x0, y0, paper_w, paper_h)

    def _paper(self, x0: float, y0: float, w: float, h: float) -> None:
        def at(fx: float, fy: float) -> tuple[float, float]:  # fy from the top of the paper
            return x0 + fx * w, y0 + (1 - fy) * h

        title = text_texture(tr("receipt", self.lang), max(14, int(w * 0.055)))
        with self.canvas:
            self._lines(at, (0.06, 0.09), 0.5)
            Color(1, 1, 1, 1)
            Rectangle(texture=title, size=title.size,
                      pos=(x0 + (w - title.width) / 2, at(0, 0.16)[1]))
            self._lines(at, (0.22, 0.26, 0.30, 0.34), 0.8, left=True)
            self._qr(*at(0.3, 0.66), w * 0.4)
            self._barcode(*at(0.12, 0.81), w * 0.76, h * 0.1)
            self._lines(at, (0.84,), 0.5)
            self._lines(at, (0.91, 0.95), 0.7, left=True)
        self._highlight(*at(0.06, 0.88), *at(0.94, 0.40))

    @staticmethod
    def _lines(at, rows: tuple[float, ...], length: float, left: bool = False) -> None:
        Color(*rgba(MUTED, 0.35))
        for fy in rows:
            x, y = at(0.1 if left else (1 - length) / 2, fy)
            end, _ = at((0.1 + length * 0.9) if left else (1 + length) / 2, fy)
            Rectangle(pos=(x, y), size=(end - x, 9))

    @staticmethod
    def _qr(x: float, y: float, side: float) -> None:
        cell = side / QR_MODULES
        Color(*rgba(INK))
        for i, j in _qr_lookalike():
            Rectangle(pos=(x + i * cell, y + (QR_MODULES - 1 - j) * cell), size=(cell, cell))

    @staticmethod
    def _barcode(x: float, y: float, width: float, height: float) -> None:
        module = width / 120
        Color(*rgba(INK))
        for start, bar in _bars():
            Rectangle(pos=(x + start * module, y), size=(bar * module, height))

    def _highlight(self, left: float, bottom: float, right: float, top: float) -> None:
        label = text_texture(tr("code_here", self.lang), max(20, int(self.height * 0.045)),
                             colour=INK)
        mid = (bottom + top) / 2
        lx = right + max(70, (self.right - right - label.width) / 2)
        ly = mid - label.height / 2
        with self.canvas:
            Color(*rgba(ACCENT))
            Line(rounded_rectangle=(left, bottom, right - left, top - bottom, 18), width=7)
            RoundedRectangle(pos=(lx - 24, ly - 16), size=(label.width + 48, label.height + 32),
                             radius=[20])
            tip = right + 12
            Line(points=[lx - 24, mid, tip, mid], width=7)
            Line(points=[tip + 30, mid + 26, tip, mid, tip + 30, mid - 26], width=7,
                 joint="miter")
            Color(1, 1, 1, 1)
            Rectangle(texture=label, size=label.size, pos=(lx, ly))


class GuideFrame(Widget):
    """Corner brackets over the camera picture: "put the code inside here"."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.bind(pos=self.redraw, size=self.redraw)

    def redraw(self, *_: object) -> None:
        self.canvas.clear()
        w, h = self.width * 0.6, self.height * 0.6
        x, y = self.center_x - w / 2, self.center_y - h / 2
        arm = min(w, h) * 0.22
        with self.canvas:
            Color(*rgba(ACCENT))
            for cx, cy, dx, dy in ((x, y, 1, 1), (x + w, y, -1, 1), (x, y + h, 1, -1),
                                   (x + w, y + h, -1, -1)):
                Line(points=[cx + dx * arm, cy, cx, cy, cx, cy + dy * arm], width=8,
                     cap="round", joint="round")


class Face(Widget):
    """A round face for a rating button: mood 1 smiles, 0 is neutral, -1 frowns."""

    def __init__(self, mood: int, colour: str, **kw) -> None:
        super().__init__(**kw)
        self.mood, self.colour = mood, colour
        self.bind(pos=self.redraw, size=self.redraw)

    def redraw(self, *_: object) -> None:
        self.canvas.clear()
        r = min(self.width, self.height) / 2 * 0.9
        cx, cy = self.center
        with self.canvas:
            Color(*rgba(self.colour))
            Ellipse(pos=(cx - r, cy - r), size=(2 * r, 2 * r))
            Color(1, 1, 1, 1)
            for ex in (-0.35, 0.35):
                Ellipse(pos=(cx + ex * r - r * 0.1, cy + r * 0.2), size=(r * 0.2, r * 0.24))
            self._mouth(cx, cy, r)

    def _mouth(self, cx: float, cy: float, r: float) -> None:
        if self.mood == 0:
            Line(points=[cx - r * 0.4, cy - r * 0.35, cx + r * 0.4, cy - r * 0.35], width=5)
            return
        # An arc below (smile) or above (frown) the mouth line.
        centre_y = cy - r * (0.05 if self.mood > 0 else 0.75)
        start, end = (110, 250) if self.mood > 0 else (-70, 70)
        Line(ellipse=(cx - r * 0.5, centre_y - r * 0.5, r, r, start, end), width=5)
