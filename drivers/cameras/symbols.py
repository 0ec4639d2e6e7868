"""What a decode pass returns: the symbol formats the receipts carry and one read symbol. Its
own module so the decoder and the row-scan reader it falls back on share it without importing
each other."""

from __future__ import annotations

from dataclasses import dataclass

QR = "QRCode"
CODE128 = "Code128"
FORMATS = (QR, CODE128)

Point = tuple[float, float]


@dataclass(frozen=True)
class Decoded:
    """One symbol read from a frame; corners are in the frame's pixel coordinates."""

    format: str  # QR or CODE128
    text: str
    corners: tuple[Point, ...] = ()
    stage: str = ""  # the strategy pass that read it (for benchmarks and logs)
