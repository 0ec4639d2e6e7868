"""Raster receipts in time: the lines every receipt shares are rendered once.

In raster mode the printer driver draws each line of text as an image (word wrap measured
glyph by glyph, then drawn); a receipt of thirty lines takes ~130 ms here, too slow for a
receipt that should start printing as the clerk confirms. But half of a receipt never changes
(issuer, national motto, form title, lookup instructions, the procedure's own lines), so a
printer that keeps raster blocks (`EscposPrinter.keep_raster_blocks()`, which every shared
`PrinterPort` does) compiles documents block by block and keeps the bytes of each text block.
Raster blocks do not depend on each other (no code page state), so the concatenation equals
the driver's whole-document compile; a test checks exactly that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .base import PrinterProfile
from .commands import INIT
from .compiler import Compiler
from .document import Document, Text

HANDLERS = {"Text": "text", "Rule": "rule", "Feed": "feed", "Barcode128": "barcode",
            "QR": "qr", "Image": "image", "Cut": "cut"}


class RasterCache:
    def __init__(self, profile: PrinterProfile, size: int = 2048) -> None:
        if profile.text_encoding != "raster":
            raise ValueError("only raster text is free of code page state between blocks")
        self.profile, self.size = profile, size
        self.blocks: OrderedDict[Text, bytes] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def compile(self, doc: Document) -> bytes:
        """The same bytes as the driver's compile_document, faster for lines seen before."""
        return INIT + b"".join(self._block(block) for block in doc.with_cut())

    def _block(self, block) -> bytes:
        if not isinstance(block, Text):  # symbols are cheap, pictures unhashable
            return self._render(block)
        with self.lock:
            cached = self.blocks.get(block)
            if cached is not None:
                self.blocks.move_to_end(block)
                self.hits += 1
                return cached
        data = self._render(block)
        with self.lock:
            self.misses += 1
            self.blocks[block] = data
            if len(self.blocks) > self.size:
                self.blocks.popitem(last=False)
        return data

    def _render(self, block) -> bytes:
        compiler = Compiler(self.profile)
        getattr(compiler, HANDLERS[type(block).__name__])(block)
        return bytes(compiler.out)
