"""A small printer-independent document model for receipts and queue tickets.

    doc = Document([
        Text("PHIẾU TIẾP NHẬN HỒ SƠ", align="center", bold=True, size=2),
        Rule(),
        Text("Người nộp: Nguyễn Văn An"),
        Barcode128("01261123000748213907"),
        QR("000.00.06.H56-261123-0007/48213907"),
        Cut(),
    ])

The driver turns it into ESC/POS for the profile in use (text in a Vietnamese code page or as
raster, symbols native or raster). A document that does not end with :class:`Cut` gets one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image as PILImage

Align = Literal["left", "center", "right"]
QRErrorLevel = Literal["L", "M", "Q", "H"]


@dataclass(frozen=True)
class Text:
    """A paragraph; wrapped to the paper width. ``size`` multiplies width and height (1-4)."""

    text: str
    align: Align = "left"
    bold: bool = False
    size: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.size <= 4:
            raise ValueError(f"Text size must be 1-4, not {self.size}")
        object.__setattr__(self, "text", unicodedata.normalize("NFC", self.text))


@dataclass(frozen=True)
class Rule:
    """A full-width separator line made of ``char``."""

    char: str = "-"

    def __post_init__(self) -> None:
        if len(self.char) != 1 or not 32 < ord(self.char) < 127:
            raise ValueError("Rule char must be one printable ASCII character")


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Barcode128:
    """Code 128; an all-digit payload of even length uses code set C (2 digits per symbol)."""

    data: str
    height: int = 80  # dots
    hri: bool = True  # print the human-readable digits below
    module: int = 0  # dots per module, 0 = widest that fits (at least 2)
    align: Align = "center"

    def __post_init__(self) -> None:
        if not self.data or not all(32 <= ord(c) < 127 for c in self.data):
            raise ValueError("Code 128 data must be printable ASCII")

    @property
    def set_c(self) -> bool:
        return self.data.isdigit() and len(self.data) % 2 == 0


@dataclass(frozen=True)
class QR:
    """A QR code (model 2). ``size`` is dots per module, 0 = chosen for the paper width."""

    data: str
    size: int = 0
    ecc: QRErrorLevel = "M"
    align: Align = "center"


@dataclass(frozen=True)
class Image:
    """A picture (logo, seal); converted to black and white, shrunk to the paper width."""

    image: PILImage.Image
    align: Align = "center"


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut (or just feed when the printer has no cutter)."""

    partial: bool = False


Block = Text | Rule | Feed | Barcode128 | QR | Image | Cut


@dataclass
class Document:
    """An ordered list of blocks, with chainable helpers."""

    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self

    def text(self, text: str, **kw: object) -> Document:
        return self.add(Text(text, **kw))  # type: ignore[arg-type]

    def __iter__(self):
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    def with_cut(self) -> Document:
        """This document, ending with a :class:`Cut`."""
        if self.blocks and isinstance(self.blocks[-1], Cut):
            return self
        return Document([*self.blocks, Cut()])
