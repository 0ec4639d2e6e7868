"""Vietnamese text for ESC/POS printers: TCVN-3 over two code pages, and CP1258.

TCVN-3 (ABC) has room for the lower-case letters only, so printers ship it as two code pages
(Epson ESC t 30 and 31): the same byte positions hold lower-case letters on the first page and
the upper-case ones on the second. The tables below are python-escpos's printer database
("TCVN-3-1", "TCVN-3-2") with one fix: the database puts U+00D0 "Ð" (Icelandic eth) where
Vietnamese needs U+0110 "Đ".

CP1258 has base letters plus five combining tone marks; Python's cp1258 codec does not
decompose precomposed letters ("ấ".encode("cp1258") fails), so :func:`encode_cp1258` splits
each letter into the longest precomposed form CP1258 has plus a combining tone byte.

Characters neither code page has raise :class:`Unencodable` (the driver then prints that line
as raster) instead of becoming "?" as python-escpos would print them.
"""

from __future__ import annotations

import unicodedata

ESC_T = b"\x1bt"

# 0x80-0xFF of each page, as in python-escpos capabilities.json; " " marks an unused byte.
_TCVN3_LOWER = (
    "                                        ăâêôơưđ      àảãáạ ằẳẵắ       ặầẩẫấậè ẻẽéẹềểễếệìỉ"
    "   ĩíịò ỏõóọồổỗốộờởỡớợù ủũúụừửữứựỳỷỹýỵ "
)
_TCVN3_UPPER = (
    "                                 ĂÂ    Đ  ÊÔƠƯ       ÀẢÃÁẠ ẰẲẴẮ       ẶẦẨẪẤẬÈ ẺẼÉẸỀỂỄẾỆÌỈ"
    "   ĨÍỊÒ ỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙ ỦŨÚỤỪỬỮỨỰỲỶỸÝỴ "
)


def _table(upper_half: str) -> dict[int, str]:
    assert len(upper_half) == 128
    table = {b: chr(b) for b in range(0x20, 0x7F)}
    table.update({0x80 + i: c for i, c in enumerate(upper_half) if c != " "})
    return table


#: byte -> character for the two TCVN-3 pages (index 0: lower case, 1: upper case).
TCVN3_DECODE: tuple[dict[int, str], dict[int, str]] = (_table(_TCVN3_LOWER), _table(_TCVN3_UPPER))
#: character -> (page index, byte); ASCII is on both pages and maps to page None.
TCVN3_ENCODE: dict[str, tuple[int | None, int]] = {
    **{c: (page, b) for page in (0, 1) for b, c in TCVN3_DECODE[page].items() if b >= 0x80},
    **{chr(b): (None, b) for b in range(0x20, 0x7F)},
}

TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_VOWELS = "aăâeêioôơuưy"
_CONSONANTS = "bcdđghklmnpqrstvx"


def _letters() -> tuple[str, ...]:
    lower = [unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in ("", *TONE_MARKS)]
    lower += list(_CONSONANTS)
    return tuple(lower + [c.upper() for c in lower])


#: Every letter of the Vietnamese alphabet, lower and upper case, with each tone (and none).
VIETNAMESE_LETTERS: tuple[str, ...] = _letters()


class Unencodable(ValueError):
    """A character the chosen code page cannot print."""

    def __init__(self, char: str, encoding: str) -> None:
        super().__init__(f"U+{ord(char):04X} {char!r} is not in {encoding}")
        self.char = char


class Tcvn3Encoder:
    """Encodes text to TCVN-3 bytes, inserting ESC t to switch pages where the case changes.

    The encoder remembers the selected page between calls (one encoder per job); ``page`` is
    None until a page has been selected.
    """

    def __init__(self, pages: tuple[int, int] = (30, 31)) -> None:
        self.pages = pages
        self.page: int | None = None

    def encode(self, text: str) -> bytes:
        out, current = bytearray(), self.page
        for char in unicodedata.normalize("NFC", text):
            page, byte = self._lookup(char)
            if page is not None and current != self.pages[page]:
                current = self.pages[page]
                out += ESC_T + bytes([current])
            out.append(byte)
        self.page = current  # only once the whole text encoded
        return bytes(out)

    def _lookup(self, char: str) -> tuple[int | None, int]:
        try:
            return TCVN3_ENCODE[char]
        except KeyError:
            raise Unencodable(char, "TCVN-3") from None


def decode_tcvn3(data: bytes, upper: bool) -> str:
    """Bytes printed on the lower-case (``upper=False``) or upper-case page; unknown -> "?"."""
    table = TCVN3_DECODE[1 if upper else 0]
    return "".join(table.get(b, "?") for b in data)


_MODIFIERS = "\u0302\u0306\u031b"  # circumflex, breve, horn: part of the letter, not the tone


def _encode_cp1258_char(char: str) -> bytes:
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        pass
    base, *marks = unicodedata.normalize("NFD", char)
    letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _MODIFIERS))
    tones = [m for m in marks if m not in _MODIFIERS]
    try:
        if len(tones) == 1:
            composed = unicodedata.normalize("NFC", letter + tones[0])
            if len(composed) == 1 and _in_cp1258(composed):
                return composed.encode("cp1258")
        return (letter + "".join(tones)).encode("cp1258")
    except UnicodeEncodeError:
        raise Unencodable(char, "CP1258") from None


def _in_cp1258(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed where CP1258 has the letter, else base + combining tone."""
    return b"".join(_encode_cp1258_char(c) for c in unicodedata.normalize("NFC", text))


def decode_cp1258(data: bytes) -> str:
    """Text as a CP1258 printer shows it (combining tones recomposed, NFC)."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def cells(text: str, encoding: str, combining: bool = False) -> int:
    """Character cells ``text`` fills in text mode: one per TCVN-3 byte; in CP1258 one per
    byte too (a tone byte gets a cell of its own) unless the printer combines the tone with
    the letter before it. Punctuation the page lacks counts as the ASCII that replaces it
    ("…" is "..."); other text the page lacks (printed as an image) one per letter."""
    if not encodable(text, encoding) and encodable(plain_punctuation(text), encoding):
        text = plain_punctuation(text)
    if encoding == "cp1258" and not combining:
        try:
            return len(encode_cp1258(text))
        except Unencodable:
            pass
    return len(unicodedata.normalize("NFC", text))


# Typographic punctuation that code pages lack, and the plain ASCII a receipt can use instead.
PUNCTUATION = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u201c": '"',
                             "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2026": "...",
                             "\u2022": "*", "\u00a0": " "})


def plain_punctuation(text: str) -> str:
    """``text`` with dashes, curly quotes, ellipsis, bullets, NBSP replaced by ASCII."""
    return text.translate(PUNCTUATION)


def encodable(text: str, encoding: str) -> bool:
    """Whether ``text`` prints in ``encoding`` ("tcvn3" or "cp1258") without substitutes."""
    try:
        if encoding == "tcvn3":
            Tcvn3Encoder().encode(text)
        else:
            encode_cp1258(text)
    except Unencodable:
        return False
    return True
