"""What a decode pass returns: the symbol formats the receipts carry and one read symbol. Its
own module so the decoder and the row-scan reader it falls back on share it without importing
each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


# The receipts' Code 128 carries the compact case code (backend.domain.codes.make_compact):
# the agency's index (2 digits), the day received (yymmdd), the sequence (4), the token (8).
COMPACT_DIGITS = 20
FIRST_YEAR = 2026  # the compact code was first printed in 2026: no receipt carries an older day


def plausible(symbol: Decoded, today: date | None = None) -> bool:
    """Whether a read symbol could be one of our receipts'. Code 128 has one check symbol, so a
    misreading passes it one time in 103: a 20-digit reading must also be a real day from
    FIRST_YEAR to next year by this clock (a clock may lag at New Year) and a sequence above
    0000. The token's digits only the backend can check (the kiosk asks it). Digits of another
    length are no receipt's either: a symbol dropped or doubled (a second-model photo, seed
    233304 #383, was read as 18 digits, the checksum fitting), and no form the kiosk takes
    (backend.domain.codes.parse_scan) is digits alone. Other texts are left to the kiosk, which
    says what is wrong with them."""
    text = symbol.text
    if symbol.format != CODE128 or not text.isdigit():
        return True
    if len(text) != COMPACT_DIGITS:
        return False
    last = max((today or date.today()).year, FIRST_YEAR) + 1
    try:
        day = date(2000 + int(text[2:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return FIRST_YEAR <= day.year <= last and int(text[8:12]) > 0
