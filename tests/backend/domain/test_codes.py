from datetime import date

import pytest

from backend.domain import codes
from backend.domain.errors import InvalidInput

SECRET = b"k" * 32


def test_parse_and_format_round_trip():
    code = codes.parse_code("000.00.06.H56-261123-0007")
    assert code == codes.CaseCode("000.00.06.H56", date(2026, 11, 23), 7)
    assert str(code) == "000.00.06.H56-261123-0007"


def test_typed_code_is_forgiven_for_case_spaces_and_dashes():
    assert str(codes.parse_code("  000.00.06.h56 – 261123 – 0007 ")) == \
        "000.00.06.H56-261123-0007"


@pytest.mark.parametrize("text, vi, en", [
    ("", "Chưa nhập mã hồ sơ", "No case code given"),
    ("000.00.06.H56-2611230007", "3 phần", "3 parts"),
    ("000.00.6.H56-261123-0007", "Mã cơ quan '000.00.6.H56' sai dạng", "Agency code"),
    ("000.00.06.H56-261323-0007", "không phải ngày có thật", "not a real date"),
    ("000.00.06.H56-26112-0007", "6 chữ số", "6 digits"),
    ("000.00.06.H56-261123-007", "đúng 4 chữ số", "exactly 4 digits"),
    ("000.00.06.H56-261123-0000", "không thể là 0000", "cannot be 0000"),
    ("000.00.06.H56-261123-00A7", "đúng 4 chữ số", "exactly 4 digits"),
])
def test_malformed_codes_say_exactly_what_is_wrong(text, vi, en):
    with pytest.raises(InvalidInput) as err:
        codes.parse_code(text)
    assert vi in err.value.vi
    assert en in err.value.en
    assert err.value.key == "invalid_code"


def test_token_is_eight_digits_stable_and_secret_bound():
    token = codes.make_token("000.00.06.H56-261123-0007", SECRET)
    assert len(token) == 8 and token.isdigit()
    assert token == codes.make_token(codes.parse_code("000.00.06.H56-261123-0007"), SECRET)
    assert token != codes.make_token("000.00.06.H56-261123-0007", b"x" * 32)
    assert codes.verify_token("000.00.06.H56-261123-0007", token, SECRET)
    assert not codes.verify_token("000.00.06.H56-261123-0008", token, SECRET)
    assert not codes.verify_token("000.00.06.H56-261123-0007", None, SECRET)
    assert not codes.verify_token("000.00.06.H56-261123-0007", "abc", SECRET)


def test_compact_form_is_twenty_digits_and_maps_back():
    code = codes.parse_code("000.00.06.H56-261123-0007")
    compact = codes.make_compact(code, 1, "48213907")
    assert str(compact) == "01261123000748213907"
    back = codes.parse_compact(str(compact))
    assert (back.agency_index, back.day, back.seq, back.token) == (1, code.day, 7, "48213907")


def test_compact_rejects_wrong_length():
    with pytest.raises(InvalidInput, match="20"):
        codes.parse_compact("0126112300074821390")


def test_qr_payload_is_qr_alphanumeric():
    code = codes.parse_code("000.00.06.H56-261123-0007")
    allowed = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    for base in (None, "https://tracuu.example.vn"):
        payload = codes.qr_payload(code, "48213907", base)
        assert set(payload) <= allowed, payload


@pytest.mark.parametrize("text, code, token", [
    ("000.00.06.H56-261123-0007", "000.00.06.H56-261123-0007", None),
    ("000.00.06.H56-261123-0007/48213907", "000.00.06.H56-261123-0007", "48213907"),
    ("HTTPS://TRACUU.EXAMPLE.VN/L/000.00.06.H56-261123-0007/48213907",
     "000.00.06.H56-261123-0007", "48213907"),
])
def test_parse_scan_accepts_every_receipt_form(text, code, token):
    scan = codes.parse_scan(text)
    assert str(scan.code) == code
    assert scan.token == token


def test_parse_scan_compact():
    scan = codes.parse_scan("01261123000748213907")
    assert scan.code is None and scan.compact.seq == 7 and scan.compact.token == "48213907"
