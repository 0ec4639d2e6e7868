"""Turn a :class:`~drivers.printers.document.Document` into ESC/POS bytes for one profile."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image as PILImage

from drivers.message import BilingualError

from . import commands as cmd
from . import raster
from .base import PrinterProfile
from .document import QR, Barcode128, Block, Cut, Document, Feed, Image, Rule, Text
from .vietnamese import Tcvn3Encoder, Unencodable, cells, encode_cp1258, plain_punctuation
from .wrap import wrap

SYMBOL_MARGIN_DOTS = 16  # blank paper above and below barcodes (their quiet zone)


class DocumentError(BilingualError, ValueError):
    """A document that cannot be printed on this paper (e.g. a barcode wider than the roll)."""

    key = "document_too_wide"


class Compiler:
    """One job's worth of state (selected code page, style) while emitting blocks."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.tcvn3 = Tcvn3Encoder(profile.tcvn3_codepages)
        self.out = bytearray()

    def compile(self, doc: Document) -> bytes:
        self.out += cmd.INIT
        if self.profile.text_encoding == "cp1258":
            self.out += cmd.codepage(self.profile.cp1258_codepage)
        handlers: dict[type, Callable] = {
            Text: self.text, Rule: self.rule, Feed: self.feed, Barcode128: self.barcode,
            QR: self.qr, Image: self.image, Cut: self.cut,
        }
        for block in doc.with_cut():
            handlers[type(block)](block)
        return bytes(self.out)

    # -- text ---------------------------------------------------------------------------
    def text(self, block: Text) -> None:
        if self.profile.text_encoding == "raster":
            self.raster_text(block)
            return
        columns = max(1, self.profile.chars_per_line // block.size)
        style = cmd.align(block.align) + cmd.bold(block.bold) + cmd.size(block.size, block.size)
        self.out += style
        for line in wrap_columns(block.text, columns, self.cells):
            try:
                self.out += self.encode(line) + cmd.LF
            except Unencodable:  # never print "?": this one line goes out as an image
                for part in raster.wrap_pixels(line, self.profile.paper_width_dots, block.bold,
                                               raster.BASE_FONT_PX * block.size):
                    self.raster_line(part, block)
                self.out += style
        self.out += cmd.size(1, 1) + cmd.bold(False) + cmd.align("left")

    def cells(self, text: str) -> int:
        """Character cells ``text`` takes on this printer (a CP1258 tone may take its own)."""
        return cells(text, self.profile.text_encoding, self.profile.cp1258_combining)

    def encode(self, line: str) -> bytes:
        """Code page bytes; typographic punctuation the page lacks becomes plain ASCII."""
        encode = self.tcvn3.encode if self.profile.text_encoding == "tcvn3" else encode_cp1258
        try:
            return encode(line)
        except Unencodable:
            return encode(plain_punctuation(line))

    def raster_text(self, block: Text) -> None:
        px = raster.BASE_FONT_PX * block.size
        for line in raster.wrap_pixels(block.text, self.profile.paper_width_dots, block.bold, px):
            self.raster_line(line, block)

    def raster_line(self, line: str, block: Text) -> None:
        px = raster.BASE_FONT_PX * block.size
        img = raster.render_text_line(line, block.bold, px)
        self.raster_image(raster.place(img, block.align, self.profile.paper_width_dots),
                          trim=True)

    def rule(self, block: Rule) -> None:
        line = block.char * self.profile.chars_per_line
        self.out += cmd.align("left") + line.encode("ascii") + cmd.LF

    def feed(self, block: Feed) -> None:
        if block.lines > 0:
            self.out += cmd.feed_lines(min(block.lines, 255))

    # -- symbols and pictures -------------------------------------------------------------
    def barcode(self, block: Barcode128) -> None:
        values = raster.code128_values(cmd.code128_data(block.data))
        modules = raster.code128_modules(values)
        module = block.module or self._fit(len(modules) + 20, 2, 4)
        if (len(modules) + 20) * module > self.profile.paper_width_dots:
            raise _too_wide("Mã vạch", "Barcode", block.data)
        self.out += cmd.feed_dots(SYMBOL_MARGIN_DOTS)
        if self.profile.native_barcode:
            self.out += cmd.align(block.align) + cmd.code128(block.data, module, block.height,
                                                             block.hri)
            self.out += cmd.align("left")
        else:
            self.raster_image(raster.place(raster.render_bars(modules, module, block.height),
                                           block.align, self.profile.paper_width_dots))
            if block.hri:
                self.raster_line(block.data, Text(block.data, align=block.align))
        self.out += cmd.feed_dots(SYMBOL_MARGIN_DOTS)

    def qr(self, block: QR) -> None:
        matrix = raster.qr_matrix(block.data, block.ecc)
        module = block.size or self._fit(len(matrix) + 8, 3, 8, share=0.6)
        if len(matrix) * module > self.profile.paper_width_dots:
            raise _too_wide("Mã QR", "QR code", block.data)
        margin = 4 * module
        self.out += cmd.feed_dots(margin)
        if self.profile.native_qr:
            self.out += cmd.align(block.align) + cmd.qr(block.data, module, block.ecc)
            self.out += cmd.align("left")
        else:
            img = raster.render_qr(matrix, module)
            self.raster_image(raster.place(img, block.align, self.profile.paper_width_dots))
        self.out += cmd.feed_dots(margin)

    def _fit(self, modules: int, low: int, high: int, share: float = 1.0) -> int:
        """Widest module size in [low, high] dots that keeps the symbol within ``share``."""
        return max(low, min(high, int(self.profile.paper_width_dots * share) // modules))

    def image(self, block: Image) -> None:
        img = block.image
        width = self.profile.paper_width_dots
        if img.width > width:
            img = img.resize((width, max(1, img.height * width // img.width)))
        img = img.convert("L").convert("1")  # Floyd-Steinberg dithering for photos
        self.raster_image(raster.place(img, block.align, width))

    def raster_image(self, img: PILImage.Image, trim: bool = False) -> None:
        """GS v 0 in strips of at most 256 rows (some printers cap the band height).

        With ``trim``, blank rows above and below (room for marks the line does not use) and
        blank columns on the right are not sent: ESC J feeds the paper past them instead.
        """
        self.out += cmd.align("left")
        top = bottom = 0
        if trim:
            img, top, bottom = raster.trim(img)
        self.out += cmd.feed_dots(top)
        for y in range(0, img.height, 256):
            strip = img.crop((0, y, img.width, min(img.height, y + 256)))
            self.out += cmd.raster(*raster.pack(strip))
        self.out += cmd.feed_dots(bottom)

    def cut(self, block: Cut) -> None:
        """GS V feeds the last line past the blade itself; without a cutter, feed to the bar."""
        self.out += cmd.cut(block.partial) if self.profile.cut else cmd.feed_lines(4)


def wrap_columns(text: str, columns: int, measure: Callable[[str], int] = len) -> list[str]:
    """Word wrap to a number of character cells (text mode), counted by ``measure``."""
    return wrap(text, columns, measure)


def _too_wide(vi: str, en: str, data: str) -> DocumentError:
    return DocumentError(f"{vi} quá rộng cho khổ giấy: {data}",
                         f"{en} too wide for the paper: {data}")


def compile_document(doc: Document | list[Block], profile: PrinterProfile) -> bytes:
    """The complete ESC/POS job (ESC @ ... GS V) for ``doc`` on ``profile``."""
    if not isinstance(doc, Document):
        doc = Document(list(doc))
    return Compiler(profile).compile(doc)
