"""Vietnamese text for ASCII-only devices: LED boards, pole displays, text-mode SMS.

These devices have no Vietnamese glyphs; sending UTF-8 or CP1258 bytes shows garbage, so text
is folded the way people write when they cannot type accents: "Đến quầy số 3" → "Den quay so 3".
"""

from __future__ import annotations

import unicodedata

# Letters that NFD does not split into base letter + combining marks.
_SPECIAL = str.maketrans({
    "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O",
    "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " ",
    "→": "->", "«": '"', "»": '"', "•": "*",
})


def to_ascii(text: str, replacement: str = "?") -> str:
    """Drop diacritics; anything still outside printable ASCII becomes `replacement`."""
    bare = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return "".join(c if c == "\n" or " " <= c <= "~" else replacement for c in bare)


def fit(text: str, width: int, align: str = "left") -> str:
    """Cut or pad `text` to exactly `width` characters."""
    text = text[:width]
    if align == "center":
        return text.center(width)
    if align == "right":
        return text.rjust(width)
    return text.ljust(width)


def wrap(text: str, width: int, rows: int) -> list[str]:
    """Split on newlines, then word-wrap each paragraph; at most `rows` rows, each ≤ `width`."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(_wrap_paragraph(paragraph, width))
    return out[:rows]


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split():
        while len(word) > width:  # a word longer than the display is cut, not dropped
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines
