"""An ESC/POS interpreter: the virtual printer's firmware.

It takes the byte stream in any chunking (a command split across two TCP segments waits for
its tail), keeps the print modes a real printer keeps, lays text, raster images and symbols out
on a :class:`~drivers.printers.fake_page.Page`, and answers real-time status requests through
:meth:`EscPosInterpreter.status_byte`. Commands it does not know are logged, never fatal.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable

from PIL import Image, ImageChops

from . import raster
from .fake_page import CELL_W, DEFAULT_SPACING, Cell, Page
from .vietnamese import TCVN3_DECODE

log = logging.getLogger(__name__)

# ESC t n -> code page; the TCVN-3 pair and CP1258 as Epson numbers them.
DEFAULT_CODEPAGES = {0: "cp437", 16: "cp1252", 30: "tcvn3-lower", 31: "tcvn3-upper",
                     52: "cp1258"}
# A printer nobody has checked: the common Chinese clones number their pages their own way
# (page 31 is Hebrew there) and have no TCVN-3 or CP1258 at Epson's numbers.
CLONE_CODEPAGES = {0: "cp437", 16: "cp1252", 31: "cp862"}
# Commands with a fixed number of parameter bytes that change nothing we render.
_IGNORED_ESC = {b"-": 1, b"M": 1, b"R": 1, b"V": 1, b"{": 1, b" ": 1, b"U": 1, b"$": 2,
                b"p": 3, b"c": 2, b"=": 1, b"r": 1, b"B": 2}
_IGNORED_GS = {b"B": 1, b"L": 2, b"W": 2, b"a": 1, b"b": 1, b"P": 2, b"f": 1, b"I": 1}


class Incomplete(Exception):
    """The buffer ends in the middle of a command; wait for more bytes."""


class EscPosInterpreter:
    """Parser and print state. Subclasses supply status, faults and what happens at a cut."""

    def __init__(self, width: int, codepages: dict[int, str] | None = None,
                 combining: bool = True) -> None:
        self.width = width
        self.codepages = dict(DEFAULT_CODEPAGES if codepages is None else codepages)
        self.combining = combining  # a CP1258 tone byte prints over the letter before it
        self.native_barcode = self.native_qr = True  # has GS k Code 128 / GS ( k QR
        self.pages_selected: list[int] = []  # every ESC t n received, known page or not
        self.overflows: list[str] = []  # text lines the printer had to wrap by itself
        self.buffer = bytearray()
        self.page = Page(width)
        self.lines: list[str] = []  # decoded text of the current receipt
        self.symbols: list[tuple[str, str]] = []  # ("code128"|"qr", data) printed natively
        self.unknown: list[str] = []
        self.reset()

    # -- hooks ----------------------------------------------------------------------------
    def status_byte(self, n: int) -> int:
        return 0x12

    def paper_sensor_byte(self) -> int:
        return 0x00

    def can_print(self) -> bool:
        return True

    def on_row(self) -> None:
        """Called after each printed row (text line, image, symbol)."""

    def on_bytes(self, n: int) -> None:
        """Called with the number of bytes consumed by each command."""

    def on_feed(self, dots: int) -> None:
        """Called after paper was fed (ESC d, ESC J)."""

    def on_cut(self) -> None:
        """Called on GS V; the subclass saves the page as a receipt and starts a new one."""

    # -- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        """ESC @: modes back to power-on defaults, print buffer cleared."""
        self.bold, self.align, self.mag = False, "left", (1, 1)
        self.codepage, self.spacing = 0, DEFAULT_SPACING
        self.bc_module, self.bc_height, self.hri = 3, 162, False
        self.qr_module, self.qr_ecc, self.qr_data = 3, "L", b""
        self.cells: list[Cell] = []

    # -- parsing --------------------------------------------------------------------------
    def process(self, data: bytes) -> bytes:
        """Interpret ``data`` (appended to any unfinished command); return the replies."""
        self.buffer += data
        replies = bytearray()
        pos = 0
        while pos < len(self.buffer):
            try:
                used = self._step(pos, replies)
            except Incomplete:
                break
            pos += used
            self.on_bytes(used)
        del self.buffer[:pos]
        return bytes(replies)

    def _need(self, pos: int, n: int) -> bytes:
        if pos + n > len(self.buffer):
            raise Incomplete
        return bytes(self.buffer[pos : pos + n])

    def _step(self, pos: int, replies: bytearray) -> int:
        byte = self.buffer[pos]
        if byte == 0x1B:
            return self._esc(pos)
        if byte == 0x1D:
            return self._gs(pos, replies)
        if byte == 0x10:
            return self._dle(pos, replies)
        if byte == 0x0A:
            self.print_line()
            return 1
        if byte < 0x20:
            if byte not in (0x0D, 0x00):
                self._unknown(f"control 0x{byte:02X}")
            return 1
        return self._text(pos)

    def _unknown(self, what: str) -> None:
        self.unknown.append(what)
        log.info("virtual printer: unknown command %s", what)

    # -- text -----------------------------------------------------------------------------
    def _text(self, pos: int) -> int:
        end = pos
        while end < len(self.buffer) and self.buffer[end] >= 0x20:
            end += 1
        for char in self.decode(bytes(self.buffer[pos:end])):
            self._add_char(char)
        return end - pos

    def decode(self, data: bytes) -> str:
        name = self.codepages.get(self.codepage, "ascii")
        if name.startswith("tcvn3"):
            table = TCVN3_DECODE[1 if name.endswith("upper") else 0]
            return "".join(table.get(b, "?") for b in data)
        return data.decode(name, errors="replace")

    def _add_char(self, char: str) -> None:
        if self.combining and unicodedata.combining(char) and self.cells:
            last = self.cells[-1]  # CP1258 tone mark printed over the letter: same cell
            text = unicodedata.normalize("NFC", last.text + char)
            self.cells[-1] = Cell(text, last.bold, last.width, last.height)
            return
        cell = Cell(char, self.bold, *self.mag)
        if sum(c.dots for c in self.cells) + cell.dots > self.width:
            self.overflows.append(_text(self.cells) + char)
            self.print_line()  # the printer wraps a full line by itself
        self.cells.append(cell)

    def print_line(self) -> None:
        cells, self.cells = self.cells, []
        if not self.can_print():
            return
        if cells:
            self.page.text_line(cells, self.align, self.spacing)
            self.lines.append(_text(cells).rstrip())
        else:
            self.page.feed(self.spacing)
        self.on_row()

    def flush_line(self) -> None:
        """Print what is buffered (commands that print act on a fresh line)."""
        if self.cells:
            self.print_line()

    def print_image(self, img: Image.Image) -> None:
        self.flush_line()
        if self.can_print():
            self.page.image(img, self.align)
            self.on_row()

    def feed_dots(self, dots: int) -> None:
        self.flush_line()
        if self.can_print():
            self.page.feed(dots)
            self.on_feed(dots)

    # -- ESC ------------------------------------------------------------------------------
    def _esc(self, pos: int) -> int:
        op = self._need(pos + 1, 1)
        handlers: dict[bytes, tuple[int, Callable[[bytes], None]]] = {
            b"@": (0, lambda a: self.reset()),
            b"t": (1, lambda a: self._select_page(a[0])),
            b"E": (1, lambda a: setattr(self, "bold", bool(a[0] & 1))),
            b"G": (1, lambda a: setattr(self, "bold", bool(a[0] & 1))),
            b"a": (1, self._set_align),
            b"!": (1, self._set_mode),
            b"d": (1, lambda a: self.feed_dots(a[0] * self.spacing)),
            b"J": (1, lambda a: self.feed_dots(a[0])),
            b"2": (0, lambda a: setattr(self, "spacing", DEFAULT_SPACING)),
            b"3": (1, lambda a: setattr(self, "spacing", a[0])),
        }
        if op in handlers:
            count, handler = handlers[op]
            handler(self._need(pos + 2, count))
            return 2 + count
        if op in _IGNORED_ESC:
            return 2 + len(self._need(pos + 2, _IGNORED_ESC[op]))
        self._unknown(f"ESC {op!r}")
        return 2

    def _select_page(self, n: int) -> None:
        """ESC t n; a page the printer does not have is ignored (the last one stays)."""
        self.pages_selected.append(n)
        if n in self.codepages:
            self.codepage = n

    def _set_align(self, arg: bytes) -> None:
        self.align = {0: "left", 1: "center", 2: "right"}.get(arg[0] % 48, "left")

    def _set_mode(self, arg: bytes) -> None:
        """ESC !: bit 3 emphasized, bit 4 double height, bit 5 double width."""
        n = arg[0]
        self.bold = bool(n & 0x08)
        self.mag = (2 if n & 0x20 else 1, 2 if n & 0x10 else 1)

    # -- GS -------------------------------------------------------------------------------
    def _gs(self, pos: int, replies: bytearray) -> int:
        op = self._need(pos + 1, 1)
        if op == b"v":
            return self._raster(pos)
        if op == b"k":
            return self._barcode(pos)
        if op == b"(":
            return self._function(pos)
        if op == b"V":
            return self._cut(pos)
        simple: dict[bytes, Callable[[int], None]] = {
            b"!": lambda n: setattr(self, "mag", ((n >> 4 & 7) + 1, (n & 7) + 1)),
            b"h": lambda n: setattr(self, "bc_height", n),
            b"w": lambda n: setattr(self, "bc_module", n),
            b"H": lambda n: setattr(self, "hri", n % 48 in (2, 3)),
            b"r": lambda n: self._transmit_status(n, replies),
        }
        if op in simple:
            simple[op](self._need(pos + 2, 1)[0])
            return 3
        if op in _IGNORED_GS:
            return 2 + len(self._need(pos + 2, _IGNORED_GS[op]))
        self._unknown(f"GS {op!r}")
        return 2

    def _transmit_status(self, n: int, replies: bytearray) -> None:
        """GS r n: answered in turn, so an offline printer (no paper) does not answer."""
        if self.can_print():
            replies.append(self.paper_sensor_byte() if n % 48 == 1 else 0)

    def _raster(self, pos: int) -> int:
        """GS v 0 m xL xH yL yH d1...dk."""
        head = self._need(pos, 8)
        mode, xbytes, rows = head[3], head[4] | head[5] << 8, head[6] | head[7] << 8
        data = self._need(pos + 8, xbytes * rows)
        img = ImageChops.invert(Image.frombytes("1", (xbytes * 8, rows), data))
        if mode & 3:
            img = img.resize((img.width * (2 if mode & 1 else 1), rows * (2 if mode & 2 else 1)))
        self.print_image(img)
        return 8 + len(data)

    def _barcode(self, pos: int) -> int:
        """GS k m: m 0-6 NUL-terminated data, m 65-79 length-prefixed. Code 128 is m = 73."""
        kind = self._need(pos + 2, 1)[0]
        if kind < 65:
            end = self.buffer.find(b"\x00", pos + 3)
            if end < 0:
                raise Incomplete
            self._unknown(f"GS k {kind} (only Code 128, m=73, is rendered)")
            return end + 1 - pos
        length = self._need(pos + 3, 1)[0]
        payload = self._need(pos + 4, length)
        if kind == 73 and self.native_barcode:
            self._code128(payload)
        elif kind == 73:  # like the cheap printers: nothing printed, nothing to scan
            self._unknown("GS k 73: this model has no native Code 128")
        else:
            self._unknown(f"GS k {kind} (only Code 128, m=73, is rendered)")
        return 4 + length

    def _code128(self, payload: bytes) -> None:
        try:
            values = raster.code128_values(payload)
        except (ValueError, IndexError) as e:
            self._unknown(f"bad Code 128 data {payload!r}: {e}")
            return
        self.print_image(raster.render_bars(raster.code128_modules(values), self.bc_module,
                                            self.bc_height))
        text = _hri_text(values)
        self.symbols.append(("code128", text))
        if self.hri and self.can_print():
            self.cells = [Cell(c) for c in text[: self.width // CELL_W]]
            self.print_line()

    def _function(self, pos: int) -> int:
        """GS ( x pL pH ...: QR (GS ( k, cn 49) is handled, other functions skipped."""
        head = self._need(pos, 5)
        size = head[3] | head[4] << 8
        body = self._need(pos + 5, size)
        if head[2:3] == b"k" and size >= 2 and body[0] == 49:
            self._qr(body[1], body[2:])
        else:
            self._unknown(f"GS ( {head[2:3]!r} {body[:2]!r}")
        return 5 + size

    def _qr(self, fn: int, params: bytes) -> None:
        if fn == 67:
            self.qr_module = params[0]
        elif fn == 69:
            self.qr_ecc = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(params[0], "L")
        elif fn == 80:
            self.qr_data = params[1:]
        elif fn == 81 and not self.native_qr:
            self._unknown("GS ( k: this model has no native QR")
        elif fn == 81 and self.qr_data:
            data = self.qr_data.decode("latin-1")
            self.print_image(raster.render_qr(raster.qr_matrix(data, self.qr_ecc),
                                              self.qr_module))
            self.symbols.append(("qr", data))
        elif fn != 65:
            self._unknown(f"GS ( k fn {fn}")

    def _cut(self, pos: int) -> int:
        mode = self._need(pos + 2, 1)[0]
        used = 4 if mode in (65, 66, 97, 98, 103, 104) else 3
        self._need(pos, used)
        self.flush_line()
        if self.can_print():
            self.on_cut()
        return used

    # -- DLE ------------------------------------------------------------------------------
    def _dle(self, pos: int, replies: bytearray) -> int:
        op = self._need(pos + 1, 1)
        if op == b"\x04":
            reply = self.status_byte(self._need(pos + 2, 1)[0])
            if reply is not None:
                replies.append(reply)
            return 3
        if op == b"\x14":
            return len(self._need(pos, 7 if self._need(pos + 2, 1) == b"\x08" else 5))
        self._unknown(f"DLE {op!r}")
        return 2


def _text(cells: list[Cell]) -> str:
    """What a row of cells reads as (a tone in its own cell still belongs to its letter)."""
    return unicodedata.normalize("NFC", "".join(c.text for c in cells))


def _hri_text(values: list[int]) -> str:
    """The human-readable line under a Code 128 (digits for set C, ASCII for A/B)."""
    out: list[str] = []
    code_set = {103: "A", 104: "B", 105: "C"}.get(values[0]) if values else None
    for v in values[1:]:
        if code_set == "C":
            out.append(f"{v:02d}" if v < 100 else "")
            code_set = {100: "B", 101: "A"}.get(v, "C")
        elif v == 99 or (v, code_set) in ((100, "A"), (101, "B")):  # else FNC4: no text
            code_set = {99: "C", 100: "B", 101: "A"}[v]
        elif v < 96:
            out.append(chr(v + 32) if code_set == "B" or v < 64 else chr(v - 64))
    return "".join(out)
