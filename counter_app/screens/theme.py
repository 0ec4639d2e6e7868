"""Colours, the bundled font and sizes for the clerk's desktop screen (1280×800 and up).

The font is DejaVu Sans from drivers/printers/fonts (shipped as package data for the printer's
raster mode): it has every Vietnamese letter, and using the same file keeps screenshots the same
on every machine.
"""

from __future__ import annotations

from pathlib import Path

import drivers.printers
from kiosk_app.screens import theme as kiosk_theme
from kiosk_app.screens.theme import (  # noqa: F401 (the centre's one palette, re-exported)
    HEADER,
    INK,
    LINE,
    MUTED,
    PANEL,
    PRIMARY,
    rgba,
)

FONT_DIR = Path(drivers.printers.__file__).resolve().parent / "fonts"
FONT = "CounterSans"

BG = "#ECEFF1"  # the counter's own background; the other colours are the kiosk's
LEVELS = {"info": "#1565C0", "ok": "#2E7D32", "warning": "#E65100", "error": "#C62828"}

BODY, SMALL, HEADING, TITLE = 17, 15, 21, 28
ROW = 40  # height of a text field or a button


def register_fonts() -> None:
    kiosk_theme.register_fonts(FONT, FONT_DIR)
