"""Case codes ("mã hồ sơ"), lookup tokens and the compact numeric form for Code 128.

Code:    <agency>-<yymmdd>-<NNNN>, e.g. 000.00.06.H56-261123-0007 (national portal format).
Token:   8 digits from an HMAC of the code with the site secret; printed only in the receipt's
         machine-readable symbols, so a scan proves the holder has the receipt.
Compact: 20 digits for Code 128 set C: <agency index 2><yymmdd 6><seq 4><token 8>. The full code
         plus token does not fit a 58 mm receipt in Code 128, so the agency is replaced by its
         two-digit index in the site's agency table.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from backend.domain.errors import InvalidInput

AGENCY_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
TOKEN_DIGITS = 8
MAX_SEQ = 9999  # four digits in the national format: the most cases one agency opens a day
COMPACT_DIGITS = 20
_URL_TAIL = re.compile(r"/L/([^/?#]+)(?:/([0-9]+))?/?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class CaseCode:
    agency: str
    day: date
    seq: int

    def __str__(self) -> str:
        return f"{self.agency}-{self.day:%y%m%d}-{self.seq:04d}"


@dataclass(frozen=True)
class Compact:
    agency_index: int
    day: date
    seq: int
    token: str

    def __str__(self) -> str:
        return f"{self.agency_index:02d}{self.day:%y%m%d}{self.seq:04d}{self.token}"


@dataclass(frozen=True)
class Scan:
    """What a scanned or typed text turned out to be; token is None for a typed code."""

    code: CaseCode | None
    compact: Compact | None
    token: str | None


def _bad(vi: str, en: str) -> InvalidInput:
    return InvalidInput(vi, en, key="invalid_code", field="code")


def validate_agency(agency: str) -> str:
    if not AGENCY_PATTERN.match(agency):
        raise _bad(
            f"Mã cơ quan '{agency}' sai dạng, cần dạng 000.00.06.H56",
            f"Agency code '{agency}' is malformed, expected the form 000.00.06.H56",
        )
    return agency


def _parse_day(text: str) -> date:
    if not (len(text) == 6 and text.isdigit()):
        raise _bad(
            f"Phần ngày '{text}' phải gồm 6 chữ số năm-tháng-ngày (yymmdd)",
            f"Date part '{text}' must be 6 digits year-month-day (yymmdd)",
        )
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        raise _bad(
            f"Phần ngày '{text}' không phải ngày có thật",
            f"Date part '{text}' is not a real date",
        ) from None


def _parse_seq(text: str) -> int:
    if not (len(text) == 4 and text.isdigit()):
        raise _bad(
            f"Số thứ tự '{text}' phải gồm đúng 4 chữ số",
            f"Sequence '{text}' must be exactly 4 digits",
        )
    if text == "0000":
        raise _bad("Số thứ tự không thể là 0000", "Sequence cannot be 0000")
    return int(text)


def normalize(text: str) -> str:
    """Typed codes come with stray spaces, lower case and odd dashes; forgive those only."""
    cleaned = text.strip().upper().replace(" ", "")
    return cleaned.replace("–", "-").replace("—", "-").replace("_", "-")


def parse_code(text: str) -> CaseCode:
    cleaned = normalize(text or "")
    if not cleaned:
        raise _bad("Chưa nhập mã hồ sơ", "No case code given")
    parts = cleaned.split("-")
    if len(parts) != 3:
        raise _bad(
            f"Mã hồ sơ '{cleaned}' cần 3 phần cách nhau bởi dấu '-', ví dụ "
            "000.00.06.H56-261123-0007",
            f"Case code '{cleaned}' needs 3 parts separated by '-', "
            "e.g. 000.00.06.H56-261123-0007",
        )
    agency, day, seq = parts
    return CaseCode(validate_agency(agency), _parse_day(day), _parse_seq(seq))


def make_token(code: CaseCode | str, secret: bytes) -> str:
    digest = hmac.new(secret, str(code).encode("ascii"), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**TOKEN_DIGITS:0{TOKEN_DIGITS}d}"


def verify_token(code: CaseCode | str, token: str | None, secret: bytes) -> bool:
    if not token or len(token) != TOKEN_DIGITS or not token.isdigit():
        return False
    return hmac.compare_digest(make_token(code, secret), token)


def make_compact(code: CaseCode, agency_index: int, token: str) -> Compact:
    if not 0 <= agency_index <= 99:
        raise ValueError("agency index must be 0..99")
    return Compact(agency_index, code.day, code.seq, token)


def parse_compact(text: str) -> Compact:
    digits = text.strip()
    if len(digits) != COMPACT_DIGITS or not digits.isdigit():
        raise _bad(
            f"Mã vạch số phải gồm đúng {COMPACT_DIGITS} chữ số",
            f"Numeric barcode must be exactly {COMPACT_DIGITS} digits",
        )
    return Compact(int(digits[:2]), _parse_day(digits[2:8]), _parse_seq(digits[8:12]),
                   digits[12:])


def public_address(text: str) -> str:
    """A checked public address ("" for none): http(s), a host citizens can reach, no path.

    Loopback, private and link-local hosts are refused, as is a path: the QR carries the
    address in upper case (QR alphanumeric mode), which only scheme and host survive.
    """
    text = (text or "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise _bad_address(text, "cần dạng https://tên-miền", "expected https://domain")
    if parts.path or parts.query or parts.fragment or parts.username:
        raise _bad_address(text, "chỉ gồm https:// và tên miền, không có đường dẫn",
                           "only https:// and the host name, without a path")
    if not _reachable_from_outside(host):
        raise _bad_address(text, "là địa chỉ nội bộ, người dân không mở được",
                           "is a local address citizens cannot open")
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        raise _bad_address(text, "có số cổng sai", "has a bad port number") from None
    return f"{parts.scheme.lower()}://{host}{port}"


def is_public_url(url: str) -> bool:
    """Whether a citizen's phone can open ``url``: http(s) on a host outside the centre."""
    parts = urlsplit((url or "").strip())
    return parts.scheme.lower() in ("http", "https") and _reachable_from_outside(
        (parts.hostname or "").lower())


_LOCAL_NAMES = (".localhost", ".local", ".lan", ".internal", ".home.arpa")


def _reachable_from_outside(host: str) -> bool:
    if not host or host == "localhost" or host.endswith(_LOCAL_NAMES):
        return False
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." in host  # a bare name ("motcua") resolves only inside the centre
    return ip.is_global


def _bad_address(text: str, vi: str, en: str) -> InvalidInput:
    return InvalidInput(f"Địa chỉ công khai '{text}' {vi}", f"Public address '{text}' {en}",
                        key="invalid_public_address", field="public_address")


def qr_payload(code: CaseCode, token: str, base_url: str | None = None) -> str:
    """QR alphanumeric mode holds only upper case, digits and ' $%*+-./:'; a phone opens
    ``https://<public address>/L/CODE/TOKEN`` (scheme and host are not case-sensitive)."""
    if base_url:
        return f"{base_url.rstrip('/').upper()}/L/{code}/{token}"
    return f"{code}/{token}"


def parse_scan(text: str) -> Scan:
    """Accept what a receipt can carry: compact digits, CODE/TOKEN, a lookup URL, a bare code."""
    raw = (text or "").strip()
    if raw.isdigit() and len(raw) == COMPACT_DIGITS:
        return Scan(None, parse_compact(raw), None)
    url = _URL_TAIL.search(raw)
    if url:
        return Scan(parse_code(url.group(1)), None, url.group(2))
    head, sep, tail = raw.rpartition("/")
    if sep and tail.isdigit() and len(tail) == TOKEN_DIGITS:
        return Scan(parse_code(head), None, tail)
    return Scan(parse_code(raw), None, None)
