"""Vietnamese encoders on their own: tables, page switching, CP1258 decomposition."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import escpos
import pytest

from drivers.printers.vietnamese import (
    TCVN3_DECODE,
    VIETNAMESE_LETTERS,
    Tcvn3Encoder,
    Unencodable,
    decode_cp1258,
    decode_tcvn3,
    encode_cp1258,
    plain_punctuation,
)


def test_alphabet_is_complete():
    assert len(VIETNAMESE_LETTERS) == 2 * (12 * 6 + 17)
    assert len(set(VIETNAMESE_LETTERS)) == len(VIETNAMESE_LETTERS)
    for letter in ("ặ", "Ặ", "ữ", "Ữ", "đ", "Đ", "ỵ", "Ỵ", "ẩ", "Ẩ"):
        assert letter in VIETNAMESE_LETTERS


def test_tcvn3_tables_are_python_escpos_with_d_stroke_fixed():
    db = json.loads((Path(escpos.__file__).parent / "capabilities.json").read_text())["encodings"]
    for page, name in ((0, "TCVN-3-1"), (1, "TCVN-3-2")):
        theirs = "".join(db[name]["data"])
        ours = "".join(TCVN3_DECODE[page].get(0x80 + i, " ") for i in range(128))
        assert ours == theirs.replace("\u00d0", "\u0110")
    assert TCVN3_DECODE[1][0xA7] == "Đ" == "\u0110"


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_every_letter_round_trips_tcvn3(letter):
    data = Tcvn3Encoder((30, 31)).encode(letter)
    upper = b"\x1bt\x1f" in data
    assert decode_tcvn3(data.replace(b"\x1bt\x1f", b"").replace(b"\x1bt\x1e", b""),
                        upper) == letter


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_every_letter_round_trips_cp1258(letter):
    data = encode_cp1258(letter)
    assert b"?" not in data
    assert decode_cp1258(data) == letter


def test_tcvn3_switches_pages_only_when_the_case_needs_it():
    enc = Tcvn3Encoder((30, 31))
    assert enc.encode("NGUYỄN Văn Ấn") == (
        b"NGUY\x1bt\x1f\xd4N V\x1bt\x1e\xa8n \x1bt\x1f\xcan")
    assert enc.page == 31
    assert enc.encode("ĐÔNG") == b"\xa7\xabNG"  # still on the upper-case page
    assert enc.encode("abc") == b"abc"  # ASCII is on both pages


def test_tcvn3_failure_leaves_page_state_alone():
    enc = Tcvn3Encoder((30, 31))
    with pytest.raises(Unencodable):
        enc.encode("Ấ€")
    assert enc.page is None


def test_cp1258_uses_precomposed_letters_and_combining_tones():
    assert encode_cp1258("á") == b"\xe1"  # CP1258 has it precomposed
    assert encode_cp1258("ấ") == b"\xe2\xec"  # â + combining acute
    assert encode_cp1258("ặ") == b"\xe3\xf2"  # ă + combining dot below
    assert encode_cp1258("Ữ") == b"\xdd\xde"  # Ư + combining tilde
    assert encode_cp1258("Đ") == b"\xd0"
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert encode_cp1258(decomposed) == encode_cp1258("Nguyễn")


def test_python_cp1258_codec_alone_cannot_do_it():
    with pytest.raises(UnicodeEncodeError):
        "ấ".encode("cp1258")


def test_unencodable_characters_raise_instead_of_question_marks():
    with pytest.raises(Unencodable):
        encode_cp1258("日")
    with pytest.raises(Unencodable):
        Tcvn3Encoder().encode("–")
    assert Tcvn3Encoder().encode(plain_punctuation("Tư pháp – Hộ tịch “A”")) == (
        b"T\x1bt\x1e\xad ph\xb8p - H\xe9 t\xdech \"A\"")
