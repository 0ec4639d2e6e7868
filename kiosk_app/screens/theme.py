"""Colours, the bundled font and sizes for a 1080×1920 or 1920×1080 lobby touchscreen.

Sizes are in pixels of that screen, not density-independent units: the kiosk's panel is known,
and text must stay readable from a standing distance by people with weak eyes (≥ 32 px body).
Touch targets are at least 120 px high (about 2 cm on a 21.5" panel).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from kivy.core.text import LabelBase
from kivy.utils import get_color_from_hex

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT = "KioskSans"


def register_fonts(name: str = FONT, folder: Path = FONT_DIR) -> None:
    """DejaVu Sans has every Vietnamese letter; registered once under one name (the counter
    registers its own copy under its own name)."""
    LabelBase.register(name, str(folder / "DejaVuSans.ttf"),
                       fn_bold=str(folder / "DejaVuSans-Bold.ttf"))


def rgba(hex_colour: str, alpha: float = 1.0) -> list[float]:
    colour = get_color_from_hex(hex_colour)
    colour[3] = alpha
    return colour


BG = "#EEF2F5"
PANEL = "#FFFFFF"
INK = "#1B1F24"
MUTED = "#5F6B76"
HEADER = "#A51C24"  # the red of public-service signage
PRIMARY = "#1565C0"
PRIMARY_DARK = "#0D47A1"
ACCENT = "#F9A825"  # the "code here" highlight
LINE = "#CFD8DC"
KIND_COLOURS = {"info": "#1565C0", "ok": "#2E7D32", "warn": "#E65100", "error": "#C62828"}


@dataclass(frozen=True)
class Sizes:
    portrait: bool
    title: int = 60
    heading: int = 44
    body: int = 36
    small: int = 30
    button: int = 42
    button_h: int = 132
    key_h: int = 120
    pad: int = 36
    gap: int = 24
    header_h: int = 120
    footer_h: int = 80


def sizes_for(width: int, height: int) -> Sizes:
    if height >= width:
        return _scaled(Sizes(portrait=True), min(width / 1080, height / 1920))
    # Landscape has 1080 px of height for everything: a little tighter vertically.
    return _scaled(Sizes(portrait=False, title=54, heading=40, body=32, small=28, button=38,
                         button_h=116, key_h=104, pad=32, gap=20, header_h=110, footer_h=70),
                   min(width / 1920, height / 1080))


def _scaled(sizes: Sizes, scale: float) -> Sizes:
    """A smaller window (a technician's laptop) gets everything smaller, never larger."""
    if scale >= 1:
        return sizes
    return replace(sizes, **{f.name: round(getattr(sizes, f.name) * scale)
                             for f in fields(sizes) if f.name != "portrait"})
