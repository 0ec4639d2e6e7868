"""Vietnamese text folding, so a search typed without diacritics still finds its procedure.

Kiosk keyboards and SMS often drop the tone marks ("giay phep" for "Giấy phép"), and the same
letter may arrive precomposed (NFC) or as base letter + combining marks (NFD). Folding both
sides to plain lower-case ASCII-like text makes them compare equal.
"""

from __future__ import annotations

import unicodedata

# đ/Đ are letters with a stroke, not a base letter plus a combining mark, so Unicode
# decomposition leaves them alone; map them by hand. Ð/ð (Icelandic eth) look identical
# and turn up in text typed with the wrong keyboard layout.
_STROKE_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse runs of whitespace to one space."""
    return " ".join(unaccent(text).casefold().split())


def unaccent(text: str) -> str:
    """Strip tone and vowel marks but keep letter case: for SMS sent as plain GSM text."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKE_D))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))



# Tab and newline belong in notes and addresses; every other control character (NUL, escape,
# the rest of C0/C1) and lone surrogates, which no encoder can store, are dropped.
_KEPT_CONTROLS = frozenset("\t\n")


def clean(text: str) -> str:
    """Text as stored: NFC (one form per letter, so masking and search see whole letters),
    without control characters or lone surrogates."""
    kept = "".join(ch for ch in text if ch in _KEPT_CONTROLS
                   or unicodedata.category(ch) not in ("Cc", "Cs"))
    return unicodedata.normalize("NFC", kept)
