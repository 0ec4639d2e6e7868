"""The virtual printer's paper: printed rows stacked into one image per receipt.

Text is laid out the way a thermal printer does it: a grid of 12x24-dot cells (font A), scaled
by GS !, one glyph per cell (drawn with the bundled DejaVu Sans, squeezed into the cell where a
glyph is wider). Raster images and symbols are placed by the current justification.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PIL import Image, ImageDraw

from . import raster

CELL_W, CELL_H = 12, 24  # font A
GLYPH_PX = 18  # DejaVu size that fills a 12x24 cell with Vietnamese marks above and below
DEFAULT_SPACING = 30  # ESC 2: about 1/6 inch at 203 dpi


@dataclass(frozen=True)
class Cell:
    """One printed character position: NFC text (base letter, maybe with marks), style."""

    text: str
    bold: bool = False
    width: int = 1
    height: int = 1

    @property
    def dots(self) -> int:
        return CELL_W * self.width


# A tone mark printed in a cell of its own looks like the spacing accent of the same shape.
SPACING_TONES = {"\u0300": "\u02cb", "\u0301": "\u02ca", "\u0303": "\u02dc",
                 "\u0309": "\u02c0", "\u0323": "."}


@functools.lru_cache(maxsize=4096)
def glyph(cell: Cell, row_height: int) -> Image.Image:
    """The cell as an "L" image (black on white), ``row_height`` tall, baseline near the foot."""
    px = GLYPH_PX * cell.height
    f = raster.font(cell.bold, px)
    text = SPACING_TONES.get(cell.text, cell.text)
    natural = max(1, int(f.getlength(text)) + 1)
    img = Image.new("L", (natural, row_height), 255)
    baseline = row_height - round(6.5 * cell.height)
    ImageDraw.Draw(img).text((0, baseline), text, font=f, fill=0, anchor="ls")
    width = natural * cell.width // cell.height
    if width > cell.dots - 1:
        width = cell.dots - 1
    if width != natural:
        img = img.resize((max(1, width), row_height), Image.Resampling.LANCZOS)
    out = Image.new("L", (cell.dots, row_height), 255)
    out.paste(img, ((cell.dots - img.width) // 2, 0))
    return out


class Page:
    """The paper of the receipt being printed (from the last cut to the next)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[Image.Image] = []

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def height(self) -> int:
        return sum(r.height for r in self.rows)

    def text_line(self, cells: list[Cell], align: str, spacing: int = DEFAULT_SPACING) -> None:
        tallest = max((c.height for c in cells), default=1)
        row_height = max(spacing, CELL_H * tallest + 6)
        row = Image.new("L", (self.width, row_height), 255)
        used = sum(c.dots for c in cells)
        x = _offset(used, self.width, align)
        for cell in cells:
            if cell.text.strip():
                row.paste(glyph(cell, row_height), (x, 0))
            x += cell.dots
        self.rows.append(raster.threshold(row))

    def image(self, img: Image.Image, align: str) -> None:
        row = Image.new("1", (self.width, img.height), 1)
        row.paste(img.convert("1").crop((0, 0, min(img.width, self.width), img.height)),
                  (_offset(min(img.width, self.width), self.width, align), 0))
        self.rows.append(row)

    def feed(self, dots: int) -> None:
        if dots > 0:
            self.rows.append(Image.new("1", (self.width, dots), 1))

    def render(self) -> Image.Image:
        """The whole receipt: white paper, black print, ``width`` dots wide."""
        out = Image.new("1", (self.width, max(1, self.height)), 1)
        y = 0
        for row in self.rows:
            out.paste(row, (0, y))
            y += row.height
        return out


def _offset(used: int, width: int, align: str) -> int:
    if align == "center":
        return max(0, (width - used) // 2)
    if align == "right":
        return max(0, width - used)
    return 0
