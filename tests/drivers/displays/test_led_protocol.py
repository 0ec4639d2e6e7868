"""The MCLED/1 codec against the test vectors in docs/protocols/led-counter-display.md."""

from pathlib import Path

import pytest

from drivers.displays.led_counter import (
    BadFrame,
    Frame,
    FrameParser,
    Reply,
    ReplyParser,
    bcc,
    field,
)

DOC = Path(__file__).parents[3] / "docs" / "protocols" / "led-counter-display.md"

VECTORS = [
    (Frame(3, 0, "C", "A012|3|5"), "02 30 33 30 43 41 30 31 32 7C 33 7C 35 03 30 37"),
    (Frame(3, 1, "T", "1|Den quay so 3"),
     "02 30 33 31 54 31 7C 44 65 6E 20 71 75 61 79 20 73 6F 20 33 03 37 34"),
    (Frame(3, 2, "X"), "02 30 33 32 58 03 36 41"),
    (Frame(3, 3, "P"), "02 30 33 33 50 03 36 33"),
    (Frame(3, 4, "B", "3"), "02 30 33 34 42 33 03 34 35"),
    (Frame(3, 5, "Q"), "02 30 33 35 51 03 36 34"),
    (Frame(0, 6, "X"), "02 30 30 36 58 03 36 44"),
]


@pytest.mark.parametrize(("frame", "hex_"), VECTORS)
def test_frames_encode_to_the_documented_bytes(frame, hex_):
    assert frame.encode() == bytes.fromhex(hex_)
    assert FrameParser().feed(bytes.fromhex(hex_)) == [frame]


@pytest.mark.parametrize(("frame", "hex_"), VECTORS)
def test_the_document_lists_every_vector(frame, hex_):
    assert hex_ in DOC.read_text(encoding="utf-8")


def test_bcc_worked_example():
    assert bcc(bytes.fromhex("30 33 30 43 41 30 31 32 7C 33 7C 35 03")) == 0x07


def test_replies_encode_as_documented():
    assert Reply(True, 3, 0).encode() == bytes.fromhex("06 30 33 30")
    assert Reply(False, 3, 0, "1").encode() == bytes.fromhex("15 30 33 30 31")


def test_frames_in_pieces_and_after_noise():
    parser = FrameParser()
    raw = b"\xff\x00junk" + Frame(3, 0, "C", "A012|3|5").encode() + Frame(3, 1, "X").encode()
    out = []
    for i in range(0, len(raw), 3):
        out += parser.feed(raw[i:i + 3])
    assert out == [Frame(3, 0, "C", "A012|3|5"), Frame(3, 1, "X")]


def test_a_new_stx_abandons_a_partial_frame():
    raw = Frame(3, 0, "C", "A012|3|5").encode()
    assert FrameParser().feed(raw[:6] + Frame(3, 1, "X").encode()) == [Frame(3, 1, "X")]


def test_corrupt_frames_are_reported_with_the_nak_reason():
    good = bytearray(Frame(3, 0, "C", "A012|3|5").encode())
    good[6] ^= 0x01  # one flipped bit in the payload
    assert FrameParser().feed(bytes(good)) == [BadFrame(3, 0, "1")]
    unknown = b"\x02030Z\x03" + f"{bcc(b'030Z' + bytes([3])):02X}".encode()
    assert FrameParser().feed(unknown) == [BadFrame(3, 0, "2")]


def test_a_frame_without_etx_is_dropped_as_bad_payload():
    assert FrameParser().feed(b"\x02030T" + b"x" * 80) == [BadFrame(None, None, "3")]


def test_reply_parser_skips_noise_and_waits_for_whole_replies():
    parser = ReplyParser()
    assert parser.feed(b"\x00\xffzz\x0603") == []
    assert parser.feed(b"0\x15031") == [Reply(True, 3, 0)]
    assert parser.feed(b"4") == [Reply(False, 3, 1, "4")]
    assert parser.noise == 4


def test_frame_rejects_what_the_protocol_cannot_carry():
    with pytest.raises(ValueError):
        Frame(3, 0, "C", "Đến")
    with pytest.raises(ValueError):
        Frame(3, 0, "C", "x" * 65)
    with pytest.raises(ValueError):
        Frame(255, 0, "X")
    with pytest.raises(ValueError):
        Frame(3, 10, "X")


def test_field_folds_vietnamese_and_never_contains_the_separator():
    assert field("Quầy 3|A") == "Quay 3/A"
