"""Typing a case code on the kiosk's own keyboard, checked after every key.

A citizen types either the case code printed on the receipt (`000.00.06.H56-261123-0007`) or the
20 digits printed under the barcode. The check says, while typing, what comes next or exactly
which character is wrong, so a malformed code is explained and never sent to the server. The
final word on a complete code is `backend.domain.codes` (the same rules the server applies).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain import codes
from backend.domain.errors import InvalidInput
from kiosk_app.strings import Msg, msg

# What each position of a case code holds: 0 digit, A capital letter, '.' and '-' themselves.
TEMPLATE = "000.00.00.A00-000000-0000"
AGENCY_END, DAY_END = 13, 20
WANTS = {"0": "want_digit", "A": "want_letter", ".": "want_dot", "-": "want_dash"}
MAX_TYPED = 32  # a little room past a full code, so "too long" can be explained


@dataclass(frozen=True)
class Check:
    """What the typed text is so far: empty, incomplete, invalid or ok, and why."""

    state: str
    message: Msg
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _fits(char: str, want: str) -> bool:
    if want == "0":
        return char.isdigit()
    if want == "A":
        return "A" <= char <= "Z"
    return char == want


def check_typed(raw: str) -> Check:
    text = codes.normalize(raw or "")
    if not text:
        return Check("empty", msg("type_empty"), text)
    # Four or more digits in a row can only be the compact form (a code has '.' at position 4).
    if text.isdigit() and len(text) > 3:
        return _check_compact(text)
    return _check_code(text)


def _invalid(error: InvalidInput, text: str) -> Check:
    return Check("invalid", Msg.of(error), text)


def _check_code(text: str) -> Check:
    if len(text) > len(TEMPLATE):
        return Check("invalid", msg("type_too_long", "error"), text)
    for pos, (char, want) in enumerate(zip(text, TEMPLATE, strict=False), start=1):
        if not _fits(char, want):
            return Check("invalid", msg("type_bad_char", "error", pos=pos, char=char,
                                        want=msg(WANTS[want])), text)
    month = text[DAY_END - 4:DAY_END - 2]
    if len(month) == 2 and not 1 <= int(month) <= 12:  # say so before the day is typed
        return Check("invalid", msg("type_bad_month", "error", month=month), text)
    try:
        if len(text) >= DAY_END:  # the date is complete: is it a real day?
            codes.parse_code(text[:DAY_END] + "-0001")
        if len(text) < len(TEMPLATE):
            return Check("incomplete", msg("type_more", n=len(TEMPLATE) - len(text),
                                           what=msg(_part(len(text)))), text)
        codes.parse_scan(text)
    except InvalidInput as error:
        return _invalid(error, text)
    return Check("ok", msg("type_ok", "ok"), text)


def _part(position: int) -> str:
    if position < AGENCY_END:
        return "part_agency"
    return "part_day" if position < DAY_END else "part_seq"


def _check_compact(text: str) -> Check:
    if len(text) > codes.COMPACT_DIGITS:
        return Check("invalid", msg("type_compact_long", "error", n=codes.COMPACT_DIGITS), text)
    month = text[4:6]
    if len(month) == 2 and not 1 <= int(month) <= 12:
        return Check("invalid", msg("type_bad_month", "error", month=month), text)
    try:
        if len(text) >= 8:  # agency index and date typed: is it a real day?
            codes.parse_compact(text[:8] + "0001" + "0" * codes.TOKEN_DIGITS)
        if len(text) < codes.COMPACT_DIGITS:
            return Check("incomplete", msg("type_more_digits",
                                           n=codes.COMPACT_DIGITS - len(text)), text)
        codes.parse_scan(text)
    except InvalidInput as error:
        return _invalid(error, text)
    return Check("ok", msg("type_ok", "ok"), text)


class CodeEntry:
    """The text being typed, starting with this site's agency code so most people type 10 digits.

    Separators are added by themselves where a code needs them; only backspace and clear edit.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = f"{prefix}-" if prefix else ""
        self.text = self.prefix
        self.page = "digits"  # which keyboard page is showing: digits or letters

    def press(self, key: str) -> None:
        if key == "back":
            self.text = self.text[:-1]
        elif key == "clear":
            self.text = ""
        elif key in ("letters", "digits"):
            self.page = key
        elif len(key) == 1 and len(self.text) < MAX_TYPED:
            self.text = _with_separator(self.text, key.upper())

    def reset(self) -> None:
        self.text, self.page = self.prefix, "digits"

    @property
    def check(self) -> Check:
        return check_typed(self.text)

    @property
    def rest(self) -> str:
        """The template still to fill, shown greyed after the typed text as a guide."""
        if self.text.isdigit() and len(self.text) > 3:
            return "_" * max(0, codes.COMPACT_DIGITS - len(self.text))
        return TEMPLATE[len(self.text):].replace("0", "_").replace("A", "_")


def _with_separator(text: str, char: str) -> str:
    """Add the '-' a code needs before its date and sequence when the citizen types on."""
    at = len(text)
    if "." in text and at in (AGENCY_END, DAY_END) and char != "-":
        return f"{text}-{char}"
    return text + char
