"""Masking of citizens' personal data: public channels (kiosk, web, SMS, thermal slips) and
staff outside the units handling a case."""

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


def mask_address(address: str) -> str:
    """Keep only the last part (ward or commune): enough to route a letter's region, not to
    find the door."""
    _, comma, tail = address.rpartition(",")
    if comma:
        return f"***,{tail}"
    return "***" if address.strip() else ""


def masked_applicant(applicant: dict) -> dict:
    return {"name": mask_name(applicant.get("name") or ""),
            "id_number": mask_digits(applicant.get("id_number") or ""),
            "phone": mask_digits(applicant.get("phone") or ""),
            "address": mask_address(applicant.get("address") or "")}


def may_see_personal_data(unit: str | None, handling_units: set[str]) -> bool:
    """Decree 13/2023: staff see a citizen's full data only for cases their unit handles or
    handled; everyone else works with the masked form."""
    return unit is not None and unit in handling_units
