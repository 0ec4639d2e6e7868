"""Pillow rendering shared by the driver (raster mode) and the virtual printer.

Text is drawn with the bundled DejaVu Sans (every Vietnamese letter, both weights); Code 128 and
QR are drawn module by module so their size in dots is exact.
"""

from __future__ import annotations

import functools
from pathlib import Path

import qrcode
from barcode.charsets.code128 import CODES as CODE128_PATTERNS
from escpos.image import EscposImage
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import wrap

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
BASE_FONT_PX = 20  # size-1 raster text: about the width of the printer's 12x24 font A
CODE128_STOP = "1100011101011"
QR_ECC = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


@functools.lru_cache(maxsize=32)
def font(bold: bool = False, px: int = BASE_FONT_PX) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[bold]), px)


@functools.lru_cache(maxsize=32)
def line_metrics(bold: bool, px: int) -> tuple[int, int]:
    """(baseline y, line height) roomy enough for stacked marks ("Ấ") and descenders ("ỵ")."""
    f = font(bold, px)
    top = f.getbbox("ẤỖỸ", anchor="ls")[1]
    bottom = f.getbbox("gỵỹ", anchor="ls")[3]
    return 1 - top, bottom - top + 3


def text_width(text: str, bold: bool = False, px: int = BASE_FONT_PX) -> int:
    return int(font(bold, px).getlength(text)) + 1


@functools.lru_cache(maxsize=8192)
def word_width(word: str, bold: bool, px: int) -> float:
    """Advance width of one word (or part); the same words recur on every receipt."""
    return font(bold, px).getlength(word)


def wrap_pixels(text: str, width: int, bold: bool = False, px: int = BASE_FONT_PX) -> list[str]:
    """Word wrap so that every line fits ``width`` dots (see wrap.py for where words break)."""
    # text_width() adds a dot for the last glyph's edge: the room for the sums is one less.
    return wrap.wrap(text, width - 1, lambda word: word_width(word, bold, px),
                     exact=lambda line: text_width(line, bold, px) - 1)


def render_text_line(text: str, bold: bool = False, px: int = BASE_FONT_PX, x: int = 0,
                     width: int | None = None) -> Image.Image:
    """One line of black text on white, mode "1", drawn from ``x``; height fixed per font."""
    baseline, height = line_metrics(bold, px)
    width = width or x + text_width(text, bold, px)
    img = Image.new("L", (max(width, 1), height), 255)
    ImageDraw.Draw(img).text((x, baseline), text, font=font(bold, px), fill=0, anchor="ls")
    return threshold(img)


def threshold(img: Image.Image, level: int = 128) -> Image.Image:
    """Pure black/white: what a thermal head can do."""
    return img.convert("L").point(lambda v: 255 if v >= level else 0, mode="1")


def code128_values(payload: bytes) -> list[int]:
    """Symbol values (start code first, no check) for a GS k 73 payload such as b"{C..."."""
    values: list[int] = []
    code_set, i = None, 0
    while i < len(payload):
        byte = payload[i]
        if byte == ord("{") and i + 1 < len(payload) and payload[i + 1] != ord("{"):
            code_set = _switch_set(values, code_set, chr(payload[i + 1]))
            i += 2
            continue
        i += 2 if byte == ord("{") else 1  # "{{" is a literal "{"
        values.append(_value(byte, code_set))
    return values


def _switch_set(values: list[int], current: str | None, new: str) -> str | None:
    if new == "1":
        values.append(102)  # FNC1
        return current
    start = {"A": 103, "B": 104, "C": 105}[new]
    switch = {"A": 101, "B": 100, "C": 99}[new]
    values.append(start if current is None else switch)
    return new


def _value(byte: int, code_set: str | None) -> int:
    if code_set == "C":
        if byte > 99:
            raise ValueError(f"Code 128 set C value out of range: {byte}")
        return byte
    if code_set == "A" and byte < 32:
        return byte + 64
    if code_set is None:
        raise ValueError("Code 128 data must start with {A, {B or {C")
    return byte - 32


def code128_modules(values: list[int]) -> str:
    """The bar/space modules ("1" = bar) with check symbol and stop pattern."""
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], 1))) % 103
    return "".join(CODE128_PATTERNS[v] for v in [*values, check]) + CODE128_STOP


def render_bars(modules: str, module: int, height: int) -> Image.Image:
    """Bars of ``module`` dots each, with a 10-module quiet zone on both sides."""
    quiet = 10 * module
    img = Image.new("1", (len(modules) * module + 2 * quiet, height), 1)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(modules):
        if bit == "1":
            x = quiet + i * module
            draw.rectangle((x, 0, x + module - 1, height - 1), fill=0)
    return img


def qr_matrix(data: str, ecc: str = "M") -> list[list[bool]]:
    """The QR modules (model 2, smallest version for the data), without quiet zone."""
    code = qrcode.QRCode(error_correction=QR_ECC[ecc], border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def render_qr(matrix: list[list[bool]], module: int) -> Image.Image:
    n = len(matrix) * module
    img = Image.new("1", (n, n), 1)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle((x * module, y * module, (x + 1) * module - 1,
                                (y + 1) * module - 1), fill=0)
    return img


def pack(img: Image.Image) -> tuple[int, int, bytes]:
    """(width in bytes, height, GS v 0 data) via python-escpos's image packer."""
    im = EscposImage(img.convert("RGB") if img.mode == "1" else img)
    return im.width_bytes, im.height, im.to_raster_format()


def trim(img: Image.Image) -> tuple[Image.Image, int, int]:
    """(image without blank rows above/below and blank columns right, rows cut on top, below).

    A blank image becomes a 1x0 image with all its rows counted on top.
    """
    box = ImageOps.invert(img.convert("L")).getbbox()
    if box is None:
        return img.crop((0, 0, 1, 0)), img.height, 0
    return img.crop((0, box[1], box[2], box[3])), box[1], img.height - box[3]


def place(img: Image.Image, align: str, paper_width: int) -> Image.Image:
    """Shift an image into position by padding on the left (raster has no justification)."""
    if img.width >= paper_width or align == "left":
        return img.crop((0, 0, min(img.width, paper_width), img.height))
    x = (paper_width - img.width) // 2 if align == "center" else paper_width - img.width
    out = Image.new("1", (x + img.width, img.height), 1)
    out.paste(img.convert("1"), (x, 0))
    return out
