"""Masking of citizens' personal data for public channels (kiosk, web, SMS, thermal slips)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the family name, then the first letter of each other word: 'Nguyễn V** H***'."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]])


def mask_digits(value: str, keep_head: int = 2, keep_tail: int = 2) -> str:
    """Phones and ID numbers: enough to recognise one's own, not enough to reuse."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) <= keep_head + keep_tail:
        return "*" * len(digits)
    hidden = len(digits) - keep_head - keep_tail
    return digits[:keep_head] + "*" * hidden + digits[len(digits) - keep_tail:]
