"""Customer-facing pole displays (VFD, 2×20) speaking Epson's customer-display command set.

Most pole displays sold with POS systems (Epson DM-D, and the many "ESC/POS compatible" VFDs
with a command-set jumper) understand this subset; see docs/protocols/pole-display-escpos.md:

    ESC @        initialise (clear, cursor home, default modes)
    US MD1       overwrite mode (writing never scrolls)
    CLR          clear the screen, cursor home
    US $ x y     cursor to column x (1–20), row y (1–2)
    US X n       brightness 1–4
    US C n       cursor off (0) / on (1)

The displays are one-way: they never answer, so "not responding" can only be noticed when the
port itself fails. They have no Vietnamese glyphs, so text is folded to ASCII ("Đến" → "Den").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import serial

from drivers.displays.base import SerialDisplay, SerialLink
from drivers.displays.text import fit, to_ascii, wrap

ESC, US, CLR = b"\x1b", b"\x1f", b"\x0c"
INIT = ESC + b"@"
OVERWRITE = US + b"\x01"
CURSOR_OFF = US + b"C\x00"


def move_to(column: int, row: int) -> bytes:
    """US $ x y, both counted from 1."""
    return US + b"$" + bytes([column, row])


def brightness(level: int) -> bytes:
    if not 1 <= level <= 4:
        raise ValueError("pole display brightness is 1–4")
    return US + b"X" + bytes([level])


def call_lines(ticket: str, counter: int) -> tuple[str, str]:
    """What a citizen at the counter reads; the apps' wording, folded by the driver."""
    return f"Xin mời số {ticket}", f"Đến quầy số {counter}"


class EpsonPoleDisplay(SerialDisplay):
    """A 2×20 VFD customer display; text is centred and padded to full rows."""

    kind_vi = "Màn hình khách hàng"
    kind_en = "customer display"

    def __init__(self, port: str | SerialLink, counter: int | None = None, *,
                 baudrate: int = 9600, width: int = 20, rows: int = 2,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        super().__init__(port, counter, baudrate=baudrate, opener=opener)
        self.width = width
        self.rows = rows
        self._initialised = False

    def show_call(self, ticket: str, counter: int | None = None) -> None:
        self._show(call_lines(ticket, self._counter_for(counter)))

    def show_text(self, text: str) -> None:
        self._show(wrap(to_ascii(text), self.width, self.rows))

    def clear(self) -> None:
        self._send(self._prologue() + CLR)

    def test_pattern(self) -> None:
        # Every position shows a different glyph, so a dead column or row stands out.
        glyphs = "".join(chr(0x21 + i % 94) for i in range(self.width * self.rows))
        rows = [glyphs[r * self.width:(r + 1) * self.width] for r in range(self.rows)]
        self._show(rows, align="left")

    def set_brightness(self, level: int) -> None:
        self._send(self._prologue() + brightness(level))

    def ping(self) -> bool:
        try:
            self.link.open()
        except (serial.SerialException, OSError, ValueError):
            return False
        return True

    def close(self) -> None:
        super().close()
        self._initialised = False

    def _show(self, lines: Any, align: str = "center") -> None:
        """Rewrite every row: positioning + full-width text needs no clear, so no flicker."""
        lines = list(lines) + [""] * (self.rows - len(lines))
        data = bytearray(self._prologue())
        for row, line in enumerate(lines[: self.rows], start=1):
            data += move_to(1, row) + fit(to_ascii(line), self.width, align).encode("ascii")
        self._send(bytes(data))

    def _prologue(self) -> bytes:
        # Initialise once per opening of the port: a display powered on after the app started
        # (or left in scroll mode by another program) is put back into a known state.
        if self._initialised and self.link.is_open:
            return b""
        self._initialised = True
        return INIT + OVERWRITE + CURSOR_OFF
