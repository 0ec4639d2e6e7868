"""PDU codec against published vectors and vectors worked out by hand (shown in comments)."""

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from drivers.modems.pdu import (
    GSM7_BITS,
    UCS2,
    Part,
    PduError,
    Reassembler,
    Sms,
    alphabet_of,
    choose_alphabet,
    concat_header,
    decode_pdu,
    decode_timestamp,
    encode_address,
    encode_deliver,
    encode_submit,
    encode_timestamp,
    encode_user_data,
    gsm7_septets,
    pack_septets,
    split_text,
    unpack_septets,
)

VN = timezone(timedelta(hours=7))


# --- published vectors ------------------------------------------------------------------------

def test_gsm7_packing_of_the_classic_examples():
    assert encode_user_data("hellohello", GSM7_BITS) == (10, bytes.fromhex("E8329BFD4697D9EC37"))
    assert encode_user_data("Hello", GSM7_BITS) == (5, bytes.fromhex("C8329BFD06"))


def test_submit_hellohello():
    # The SMS-SUBMIT example used by most PDU tutorials (to +46708251358, validity AA).
    [pdu] = encode_submit("+46708251358", "hellohello", validity=0xAA)
    assert pdu.hex == "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
    assert pdu.tpdu_length == 23


def test_deliver_hellohello():
    # The SMS-DELIVER example from the same tutorials: SMSC +27381000015, 29/03/99 15:16:59 +2h.
    sms = decode_pdu("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37")
    assert (sms.kind, sms.smsc, sms.address, sms.text) == (
        "deliver", "+27381000015", "27838890001", "hellohello")
    assert sms.timestamp == datetime(1999, 3, 29, 15, 16, 59, tzinfo=timezone(timedelta(hours=2)))


# --- vectors worked out by hand --------------------------------------------------------------

def test_submit_ucs2_vietnamese():
    # "Chào bạn": C 0043 h 0068 à 00E0 o 006F ␠ 0020 b 0062 ạ 1EA1 n 006E → 16 octets (UDL 10).
    # 00 SMSC | 11 SUBMIT+VP | 00 MR | 0B 91 4809214365F7 (+84901234567) | 00 PID | 08 UCS2 |
    # A7 24 h | 10 UDL | data.  TPDU = 14 + 16 = 30 octets.
    [pdu] = encode_submit("+84901234567", "Chào bạn")
    assert pdu.hex == "0011000B914809214365F70008A7100043006800E0006F002000621EA1006E"
    assert pdu.tpdu_length == 30


def test_submit_to_a_short_code_with_gsm7():
    # "8188" national: 04 81 8188 → swapped 1888; no validity: first octet 01;
    # "OK" = septets 4F 4B → 0x4F | 0x4B << 7 = 0x25CF → CF 25.
    [pdu] = encode_submit("8188", "OK", validity=None)
    assert pdu.hex == "00010004811888000002CF25"
    assert pdu.tpdu_length == 11


def test_gsm7_with_a_concatenation_header_has_one_fill_bit():
    # UDH 05 00 03 01 02 01 = 48 bits → 7 septets; one fill bit, then h=0x68, i=0x69:
    # (0x68 << 1) | (0x69 << 8) = 0x69D0 → D0 69; UDL = 7 + 2 = 9 septets.
    header = concat_header(Part(1, 2, 1))
    assert encode_user_data("hi", GSM7_BITS, header) == (9, header + bytes.fromhex("D069"))


def test_deliver_round_trip_with_zone_and_smsc():
    when = datetime(2024, 11, 23, 10, 15, 0, tzinfo=VN)
    [pdu] = encode_deliver("+84901234567", "TTHC 000.00.06.H56-261123-0007", when,
                           smsc="+84980200030")
    # SMSC 07 91 4889200030F0; DELIVER 04; OA 0B 91 …; 00 00; SCTS 42113201510082 (+28 q).
    assert pdu.startswith("07914889200030F0040B914809214365F70000421132015100821E")
    sms = decode_pdu(pdu)
    assert (sms.address, sms.text, sms.timestamp, sms.smsc) == (
        "+84901234567", "TTHC 000.00.06.H56-261123-0007", when, "+84980200030")


def test_negative_time_zones():
    when = datetime(2023, 1, 2, 3, 4, 5, tzinfo=timezone(-timedelta(hours=3, minutes=30)))
    raw = encode_timestamp(when)
    assert raw.hex().upper() == "32102030405049"  # -14 quarters: 41 swapped → 14, sign → 49
    assert decode_timestamp(raw) == when


def test_gsm7_extension_characters_take_two_septets():
    assert gsm7_septets("[x]€") == [0x1B, 0x3C, 0x78, 0x1B, 0x3E, 0x1B, 0x65]
    [pdu] = encode_submit("8188", "{a|b}~\\^")
    assert decode_pdu(pdu.hex).text == "{a|b}~\\^"


def test_alphanumeric_sender():
    # "VIETTEL": 7 septets → 7 octets, 13 useful semi-octets; type D0.
    packed = pack_septets(gsm7_septets("VIETTEL"))
    raw = bytes([0x00, 0x04, 13, 0xD0]) + packed + bytes(2) + encode_timestamp(
        datetime(2024, 1, 1, tzinfo=VN)) + bytes([2]) + pack_septets(gsm7_septets("Hi"))
    assert decode_pdu(raw.hex()).address == "VIETTEL"


# --- alphabets and splitting -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "alphabet"), [
    ("TTHC 000.00.06.H56-261123-0007", GSM7_BITS),
    ("Chào", GSM7_BITS),  # à is in the GSM default alphabet
    ("Chào bạn", UCS2),
    ("Đã tiếp nhận", UCS2),
])
def test_alphabet_choice(text, alphabet):
    assert choose_alphabet(text) == alphabet


@pytest.mark.parametrize(("dcs", "alphabet"), [
    (0x00, GSM7_BITS), (0x08, UCS2), (0x04, "8bit"), (0x18, UCS2), (0x11, GSM7_BITS),
    (0xF0, GSM7_BITS), (0xF4, "8bit"), (0xE0, UCS2), (0xC0, GSM7_BITS),
])
def test_data_coding_schemes(dcs, alphabet):
    assert alphabet_of(dcs) == alphabet


def test_long_vietnamese_is_split_into_67_character_parts():
    text = "Hồ sơ đã được tiếp nhận, hẹn trả kết quả ngày 05/12/2023. " * 3
    alphabet, parts = split_text(text)
    assert alphabet == UCS2
    assert [len(p) for p in parts] == [67, 67, len(text) - 134]
    assert "".join(parts) == text


def test_exactly_one_sms_is_not_split():
    assert split_text("ạ" * 70) == (UCS2, ["ạ" * 70])
    assert split_text("a" * 160) == (GSM7_BITS, ["a" * 160])
    assert [len(p) for p in split_text("a" * 161)[1]] == [153, 8]


def test_no_part_ends_in_half_an_escape_or_half_a_surrogate_pair():
    _, parts = split_text("a" * 152 + "€" + "b" * 10)
    assert parts[0] == "a" * 152 and parts[1].startswith("€")
    _, parts = split_text("ạ" * 66 + "😀" + "b" * 10)
    assert parts[0] == "ạ" * 66 and parts[1].startswith("😀")


def test_decomposed_input_is_sent_composed():
    decomposed = unicodedata.normalize("NFD", "Đã tiếp nhận")
    assert encode_submit("8188", decomposed, reference=1) == encode_submit(
        "8188", "Đã tiếp nhận", reference=1)


def test_concatenated_submit_parts_carry_the_header_and_decode():
    text = "Trạng thái: đang xử lý. " * 8
    pdus = encode_submit("+84901234567", text, reference=0x42)
    decoded = [decode_pdu(p.hex) for p in pdus]
    assert [d.part for d in decoded] == [Part(0x42, 3, n) for n in (1, 2, 3)]
    assert pdus[0].hex[2:4] == "51"  # SUBMIT + VP + UDHI
    assert "".join(d.text for d in decoded) == text


def test_gsm7_concatenated_round_trip():
    text = "TTHC " + "0123456789" * 40
    pdus = encode_deliver("+84901234567", text, datetime(2024, 1, 1, tzinfo=VN), reference=9)
    assert len(pdus) == 3
    joined = Reassembler()
    out = [joined.add(decode_pdu(p)) for p in reversed(pdus)]  # arrival order does not matter
    assert out[:2] == [None, None]
    assert out[2].text == text and out[2].part is None


def test_unfinished_messages_are_released_after_the_timeout_with_a_gap_mark():
    now = [0.0]
    joined = Reassembler(timeout=60, clock=lambda: now[0])
    first = Sms("deliver", "+849", "Xin ", UCS2, Part(1, 3, 1))
    last = Sms("deliver", "+849", " ạ", UCS2, Part(1, 3, 3))
    assert joined.add(first) is None and joined.add(last) is None
    assert joined.expired() == []
    now[0] = 61
    [partial] = joined.expired()
    assert partial.text == "Xin […] ạ"


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["0011", "zz", "07917283010010F5060B", "0004"])
def test_undecodable_pdus_raise_pdu_error(bad):
    with pytest.raises(PduError):
        decode_pdu(bad)


def test_user_data_shorter_than_its_length_is_an_error():
    with pytest.raises(PduError):
        decode_pdu("0011000B916407281553F80000AA0AE8329BFD46")


def test_addresses():
    assert encode_address("+84901234567") == bytes.fromhex("0B914809214365F7")
    assert encode_address("8188") == bytes.fromhex("04811888")
    with pytest.raises(ValueError):
        encode_address("09-01")


def test_septets_round_trip_with_any_fill():
    septets = gsm7_septets("Hồ sơ".replace("ồ", "o").replace("ơ", "o"))
    for fill in range(7):
        assert unpack_septets(pack_septets(septets, fill), len(septets), fill) == septets
