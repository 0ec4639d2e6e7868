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



# Vietnamese dictionary order: the alphabet puts ă, â after a, đ after d, ê after e, ô, ơ after
# o and ư after u (f, j, w, z only in loan words, kept where Latin has them); tones only break
# ties, in the order ngang, huyền, hỏi, ngã, sắc, nặng. Code-point order would put "Đất đai"
# after "Lý lịch tư pháp".
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_VOWEL_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_MARKED = {("a", "breve"): "ă", ("a", "circumflex"): "â", ("e", "circumflex"): "ê",
           ("o", "circumflex"): "ô", ("o", "horn"): "ơ", ("u", "horn"): "ư"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vn_sort_key(text: str) -> tuple:
    """Sort key for Vietnamese names: letters in alphabet order, then tones, then the text
    itself (so different spellings never compare equal)."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    for base, marks in _letters(unicodedata.normalize("NFD", text.casefold())):
        vowel = next((_VOWEL_MARKS[m] for m in marks if m in _VOWEL_MARKS), None)
        letter = _MARKED.get((base, vowel), base)
        if letter in _RANK:
            primary.append((2, _RANK[letter]))
        elif base.isspace():
            primary.append((0, 0))  # "Hộ tịch" before "Hộ tịch, chứng thực"
        else:
            primary.append((1 if ord(base) < 128 else 3, ord(base)))
        tones.append(max((_TONES.get(m, 0) for m in marks), default=0))
    return tuple(primary), tuple(tones), text


def _letters(decomposed: str) -> list[tuple[str, list[str]]]:
    """Each base character with the combining marks that follow it."""
    letters: list[tuple[str, list[str]]] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and letters:
            letters[-1][1].append(ch)
        else:
            letters.append((ch, []))
    return letters


# Tab and newline belong in notes and addresses; every other control character (NUL, escape,
# the rest of C0/C1) and lone surrogates, which no encoder can store, are dropped.
_KEPT_CONTROLS = frozenset("\t\n")


def clean(text: str) -> str:
    """Text as stored: NFC (one form per letter, so masking and search see whole letters),
    without control characters or lone surrogates."""
    kept = "".join(ch for ch in text if ch in _KEPT_CONTROLS
                   or unicodedata.category(ch) not in ("Cc", "Cs"))
    return unicodedata.normalize("NFC", kept)
