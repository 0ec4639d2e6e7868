"""SMS PDUs (3GPP TS 23.040 / 23.038): SMS-SUBMIT and SMS-DELIVER, GSM 7-bit and UCS-2.

PDU mode is how Vietnamese with diacritics travels: text mode can only carry what the modem's
character set maps, PDU mode carries UCS-2 as is. A reply longer than one SMS (70 UCS-2
characters) is split into parts with a concatenation header (IEI 00, 8-bit reference) that
phones join back together; incoming parts are joined by `Reassembler`.
"""

from __future__ import annotations

import itertools
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# GSM 03.38 default alphabet; index = septet value. 0x1B is the escape to the extension table.
GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D,
            "]": 0x3E, "|": 0x40, "€": 0x65}
assert len(GSM7) == 128
_GSM7_INDEX = {c: i for i, c in enumerate(GSM7) if c != "\x1b"}
_GSM7_EXT_CHAR = {v: k for k, v in GSM7_EXT.items()}

GSM7_BITS, DATA_8BIT, UCS2 = "gsm7", "8bit", "ucs2"
SINGLE_LIMIT = {GSM7_BITS: 160, UCS2: 70}  # septets / UTF-16 units in one SMS
PART_LIMIT = {GSM7_BITS: 153, UCS2: 67}  # after the 6-octet concatenation header


class PduError(ValueError):
    """A PDU that cannot be decoded."""


# --- alphabets -----------------------------------------------------------------------------

def gsm7_septets(text: str) -> list[int] | None:
    """The septets for `text`, escapes included; None if any character is not in GSM 7-bit."""
    septets: list[int] = []
    for char in text:
        if char in _GSM7_INDEX:
            septets.append(_GSM7_INDEX[char])
        elif char in GSM7_EXT:
            septets += [0x1B, GSM7_EXT[char]]
        else:
            return None
    return septets


def gsm7_text(septets: list[int]) -> str:
    out, escaped = [], False
    for s in septets:
        if escaped:
            out.append(_GSM7_EXT_CHAR.get(s, GSM7[s]))  # unknown escapes show the base char
            escaped = False
        elif s == 0x1B:
            escaped = True
        else:
            out.append(GSM7[s])
    return "".join(out)


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    """Septets packed LSB first, after `fill_bits` zero bits (to align after a UDH)."""
    value = sum(s << (fill_bits + 7 * i) for i, s in enumerate(septets))
    return value.to_bytes((fill_bits + 7 * len(septets) + 7) // 8, "little")


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    value = int.from_bytes(data, "little") >> fill_bits
    return [(value >> (7 * i)) & 0x7F for i in range(count)]


def alphabet_of(dcs: int) -> str:
    """The alphabet a data coding scheme selects (TS 23.038 §4)."""
    group = dcs >> 4
    if group <= 0x3:  # general data coding (bit 5 "compressed" is not supported by anyone)
        return {0: GSM7_BITS, 1: DATA_8BIT, 2: UCS2}.get((dcs >> 2) & 3, GSM7_BITS)
    if group == 0xF:
        return DATA_8BIT if dcs & 0x04 else GSM7_BITS
    if group == 0xE:
        return UCS2
    return GSM7_BITS  # message-waiting groups 0xC/0xD, reserved groups


def choose_alphabet(text: str) -> str:
    return GSM7_BITS if gsm7_septets(text) is not None else UCS2


# --- splitting into parts ------------------------------------------------------------------

def split_text(text: str) -> tuple[str, list[str]]:
    """NFC text → (alphabet, parts), each part fitting one SMS (with a header if several)."""
    text = unicodedata.normalize("NFC", text)  # "ệ" as one letter, not e + two marks
    alphabet = choose_alphabet(text)
    size = _gsm7_len if alphabet == GSM7_BITS else _utf16_len
    if size(text) <= SINGLE_LIMIT[alphabet]:
        return alphabet, [text]
    parts, current = [], ""
    for char in text:  # per character, so no escape pair or surrogate pair is ever split
        if size(current + char) > PART_LIMIT[alphabet]:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    if len(parts) > 255:
        raise ValueError("text too long for one concatenated SMS (255 parts)")
    return alphabet, parts


def _gsm7_len(text: str) -> int:
    return len(gsm7_septets(text) or ())


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-be")) // 2


# --- addresses, timestamps -------------------------------------------------------------------

def _swap_digits(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex("".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2)))


def _unswap_digits(data: bytes, count: int) -> str:
    nibbles = "".join(f"{b & 0xF:X}{b >> 4:X}" for b in data)
    return nibbles[:count].replace("A", "*").replace("B", "#")


def encode_address(number: str) -> bytes:
    """TP-DA/TP-OA: digit count, type of address, swapped BCD. '+' means international."""
    digits = number.lstrip("+")
    if not digits.isdigit():
        raise ValueError(f"not a phone number: {number!r}")
    toa = 0x91 if number.startswith("+") else 0x81
    return bytes([len(digits), toa]) + _swap_digits(digits)


def decode_address(data: bytes, at: int) -> tuple[str, int]:
    """(address, offset after it). Alphanumeric senders ("VIETTEL") are 7-bit packed."""
    count, toa = data[at], data[at + 1]
    size = (count + 1) // 2
    raw = data[at + 2 : at + 2 + size]
    if len(raw) < size:
        raise PduError("address runs past the end of the PDU")
    if toa & 0x70 == 0x50:  # alphanumeric: count is in semi-octets
        return gsm7_text(unpack_septets(raw, count * 4 // 7)), at + 2 + size
    prefix = "+" if toa & 0x70 == 0x10 else ""
    return prefix + _unswap_digits(raw, count), at + 2 + size


def encode_smsc(number: str | None) -> bytes:
    """The SMSC field: "00" lets the modem use the SIM's service centre."""
    if not number:
        return b"\x00"
    body = encode_address(number)[1:]  # length here counts octets, not digits
    return bytes([len(body)]) + body


def decode_smsc(data: bytes) -> tuple[str, int]:
    size = data[0]
    if size == 0:
        return "", 1
    toa, digits = data[1], _unswap_digits(data[2 : 1 + size], 2 * (size - 1)).rstrip("F")
    return ("+" if toa & 0x70 == 0x10 else "") + digits, 1 + size


def encode_timestamp(when: datetime) -> bytes:
    """TP-SCTS: yy MM dd hh mm ss and the zone in quarter hours, each as swapped BCD."""
    offset = when.utcoffset() or timedelta(0)
    quarters = int(offset.total_seconds() // 900)
    fields = [when.year % 100, when.month, when.day, when.hour, when.minute, when.second]
    out = _swap_digits("".join(f"{f:02d}" for f in fields))
    zone = _swap_digits(f"{abs(quarters):02d}")[0] | (0x08 if quarters < 0 else 0)
    return out + bytes([zone])


def decode_timestamp(data: bytes) -> datetime:
    digits = _unswap_digits(data[:6], 12)
    year, month, day, hour, minute, second = (int(digits[i : i + 2]) for i in range(0, 12, 2))
    zone = data[6]
    quarters = int(f"{zone & 0x07:X}{zone >> 4:X}")
    tz = timezone(timedelta(minutes=15 * (-quarters if zone & 0x08 else quarters)))
    century = 2000 if year < 80 else 1900  # two-digit years: 80–99 are the 1900s
    return datetime(century + year, month, day, hour, minute, second, tzinfo=tz)


# --- user data -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """Where one SMS sits in a concatenated message."""

    reference: int
    total: int
    number: int  # 1-based


def concat_header(part: Part) -> bytes:
    return bytes([5, 0x00, 3, part.reference & 0xFF, part.total, part.number])


def encode_user_data(text: str, alphabet: str, header: bytes = b"") -> tuple[int, bytes]:
    """(TP-UDL, TP-UD). For GSM 7-bit the length counts septets, header included."""
    if alphabet == UCS2:
        body = text.encode("utf-16-be")
        return len(header) + len(body), header + body
    septets = gsm7_septets(text)
    if septets is None:
        raise ValueError(f"not GSM 7-bit text: {text!r}")
    header_septets = (len(header) * 8 + 6) // 7
    fill = header_septets * 7 - len(header) * 8
    return header_septets + len(septets), header + pack_septets(septets, fill)


def decode_user_data(data: bytes, length: int, alphabet: str,
                     has_header: bool) -> tuple[str, Part | None]:
    header = data[: data[0] + 1] if has_header and data else b""
    part = _parse_header(header[1:]) if header else None
    if alphabet == GSM7_BITS:
        header_septets = (len(header) * 8 + 6) // 7
        fill = header_septets * 7 - len(header) * 8
        septets = unpack_septets(data[len(header):], length - header_septets, fill)
        return gsm7_text(septets), part
    body = data[len(header): length]
    if alphabet == UCS2:
        return body[: len(body) // 2 * 2].decode("utf-16-be", "replace"), part
    return body.decode("latin-1"), part  # 8-bit data: shown as is, rare for person-to-person


def _parse_header(ies: bytes) -> Part | None:
    """The concatenation element, if any (8-bit IEI 00 or 16-bit IEI 08 reference)."""
    at = 0
    while at + 2 <= len(ies):
        iei, size = ies[at], ies[at + 1]
        value = ies[at + 2 : at + 2 + size]
        if iei == 0x00 and size == 3:
            return Part(value[0], value[1], value[2])
        if iei == 0x08 and size == 4:
            return Part(value[0] << 8 | value[1], value[2], value[3])
        at += 2 + size
    return None


# --- whole PDUs ------------------------------------------------------------------------------

DCS = {GSM7_BITS: 0x00, UCS2: 0x08}
_references = itertools.count(random.randrange(256))


def next_reference() -> int:
    """Concatenation references rotate, so a phone never joins parts of two replies."""
    return next(_references) % 256


@dataclass(frozen=True)
class SubmitPdu:
    """One SMS-SUBMIT as AT+CMGS wants it: the hex, and the length to announce."""

    hex: str  # SMSC field included
    tpdu_length: int  # octets after the SMSC field: the <length> of AT+CMGS=<length>


@dataclass(frozen=True)
class Sms:
    """A decoded PDU. `address` is the sender of a DELIVER, the recipient of a SUBMIT."""

    kind: str  # "deliver" | "submit"
    address: str
    text: str
    alphabet: str
    part: Part | None = None
    timestamp: datetime | None = None
    smsc: str = ""


def encode_submit(number: str, text: str, *, smsc: str | None = None,
                  reference: int | None = None, validity: int | None = 0xA7,
                  status_report: bool = False) -> list[SubmitPdu]:
    """One PDU per part. `validity`: relative TP-VP octet (0xA7 = 24 hours), None for none."""
    alphabet, parts = split_text(text)
    reference = next_reference() if reference is None else reference
    first = 0x01 | (0x10 if validity is not None else 0) | (0x20 if status_report else 0)
    vp = bytes([validity]) if validity is not None else b""
    pdus = []
    for n, chunk in enumerate(parts, 1):
        header = concat_header(Part(reference, len(parts), n)) if len(parts) > 1 else b""
        udl, ud = encode_user_data(chunk, alphabet, header)
        tpdu = (bytes([first | (0x40 if header else 0), 0x00]) + encode_address(number)
                + bytes([0x00, DCS[alphabet]]) + vp + bytes([udl]) + ud)
        pdus.append(SubmitPdu((encode_smsc(smsc) + tpdu).hex().upper(), len(tpdu)))
    return pdus


def encode_deliver(sender: str, text: str, when: datetime, *, smsc: str | None = None,
                   reference: int | None = None) -> list[str]:
    """SMS-DELIVER PDUs as a modem would hold them in its store (for simulators and tests)."""
    alphabet, parts = split_text(text)
    reference = next_reference() if reference is None else reference
    pdus = []
    for n, chunk in enumerate(parts, 1):
        header = concat_header(Part(reference, len(parts), n)) if len(parts) > 1 else b""
        udl, ud = encode_user_data(chunk, alphabet, header)
        tpdu = (bytes([0x04 | (0x40 if header else 0)]) + encode_address(sender)
                + bytes([0x00, DCS[alphabet]]) + encode_timestamp(when) + bytes([udl]) + ud)
        pdus.append((encode_smsc(smsc) + tpdu).hex().upper())
    return pdus


def decode_pdu(hex_: str, has_smsc: bool = True) -> Sms:
    """A DELIVER (as AT+CMGR/CMGL return) or a SUBMIT (as AT+CMGS sends) from its hex."""
    try:
        data = bytes.fromhex(hex_.strip())
    except ValueError as exc:
        raise PduError(f"not hex: {hex_[:40]!r}") from exc
    try:
        return _decode(data, has_smsc)
    except IndexError as exc:
        raise PduError("PDU too short") from exc


def _decode(data: bytes, has_smsc: bool) -> Sms:
    smsc, at = decode_smsc(data) if has_smsc else ("", 0)
    first = data[at]
    if first & 0x03 == 0x00:
        kind = "deliver"
        address, at = decode_address(data, at + 1)
        dcs, timestamp = data[at + 1], decode_timestamp(data[at + 2 : at + 9])
        at += 9
    elif first & 0x03 == 0x01:
        kind, timestamp = "submit", None
        address, at = decode_address(data, at + 2)
        dcs = data[at + 1]
        at += 2 + {0: 0, 2: 1}.get((first >> 3) & 0x03, 7)  # validity: none/relative/7-octet
    else:
        raise PduError(f"not a DELIVER or SUBMIT (first octet {first:02X})")
    alphabet, udl = alphabet_of(dcs), data[at]
    user_data = data[at + 1 :]
    _check_length(user_data, udl, alphabet)
    text, part = decode_user_data(user_data, udl, alphabet, bool(first & 0x40))
    return Sms(kind, address, text, alphabet, part, timestamp, smsc)


def _check_length(user_data: bytes, udl: int, alphabet: str) -> None:
    needed = (udl * 7 + 7) // 8 if alphabet == GSM7_BITS else udl
    if len(user_data) < needed:
        raise PduError(f"user data is {len(user_data)} octets, the header says {needed}")


# --- joining incoming parts ------------------------------------------------------------------

class Reassembler:
    """Collects the parts of concatenated messages; a message is released once whole.

    Parts that never complete are released by `expired()` after `timeout` seconds with the
    gaps marked "[…]": a lookup with a lost middle part still carries the case code, usually.
    """

    def __init__(self, timeout: float = 600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self._clock = clock
        self._pending: dict[tuple[str, int, int], tuple[float, dict[int, Sms]]] = {}

    def add(self, sms: Sms) -> Sms | None:
        if sms.part is None or sms.part.total <= 1:
            return sms
        key = (sms.address, sms.part.reference, sms.part.total)
        parts = self._pending.setdefault(key, (self._clock(), {}))[1]
        parts[sms.part.number] = sms
        if len(parts) < sms.part.total:
            return None
        del self._pending[key]
        return _joined(parts, sms.part.total)

    def expired(self) -> list[Sms]:
        now, out = self._clock(), []
        for key, (started, parts) in list(self._pending.items()):
            if now - started >= self.timeout:
                del self._pending[key]
                out.append(_joined(parts, key[2]))
        return out


def _joined(parts: dict[int, Sms], total: int) -> Sms:
    first = parts[min(parts)]
    text = "".join(parts[n].text if n in parts else "[…]" for n in range(1, total + 1))
    return Sms(first.kind, first.address, text, first.alphabet, None, first.timestamp,
               first.smsc)
