"""The decoder on generated kiosk photos: exact payloads, tilt, glare, low light, no false reads.

The full read-rate and speed measurements are in bench/decode.py; these are the cases that
must never regress.
"""

import cv2
import numpy as np
import pytest

from bench import receipt_photos as rp
from drivers.cameras.decoder import CODE128, QR, Decoder, Stage

HARD_SHOTS = {
    "tilted -30°": rp.Shot(angle=-30, px_per_mm=8.0, perspective=0.06),
    "tilted +30°": rp.Shot(angle=30, px_per_mm=7.5, perspective=0.06, jpeg=60),
    "bent +25°": rp.Shot(angle=25, px_per_mm=9.0, bend=1 / 350, blur=0.8),
    "glare": rp.Shot(angle=-12, px_per_mm=9.0, glare=230.0, jpeg=55),
    "low light": rp.Shot(angle=18, px_per_mm=8.5, dark=0.18, noise=5.0, jpeg=50),
    "low light, blurred": rp.Shot(angle=-24, px_per_mm=10.0, dark=0.25, noise=4.0, blur=1.2),
}


@pytest.fixture(scope="module")
def decoder():
    return Decoder()


@pytest.mark.parametrize("label", HARD_SHOTS)
def test_hard_photos_decode_to_the_exact_payload(label, decoder):
    payload = rp.make_payload(len(label))
    frame = rp.receipt_photo(payload, HARD_SHOTS[label], seed=len(label))
    found = decoder.decode(frame)
    want = {QR: payload.qr, CODE128: payload.code128}
    assert found, f"nothing read from the {label} photo"
    assert all(d.text == want[d.format] for d in found)


@pytest.mark.parametrize("angle", [-30, -25, 20, 30])
def test_code128_alone_is_read_past_the_row_scan_tilt_limit(angle):
    """A row scan misses our Code 128 past ~15°; the rotated passes get it back."""
    payload = rp.make_payload(3)
    frame = rp.receipt_photo(payload, rp.Shot(angle=angle, px_per_mm=9.0), seed=5)
    assert Decoder(strategy="plain", formats=[CODE128]).decode(frame) == []
    found = Decoder(formats=[CODE128]).decode(frame)
    assert [(d.format, d.text) for d in found] == [(CODE128, payload.code128)]
    assert found[0].stage.startswith("rot")


def test_both_backends_read_a_plain_photo(receipt_frame, payload):
    for backend in ("zxing", "pyzbar", "zxing-defaults"):
        texts = {d.text for d in Decoder(backend, "plain").decode(receipt_frame)}
        assert payload.qr in texts, backend


@pytest.mark.parametrize("convert", [None, cv2.COLOR_BGR2GRAY, cv2.COLOR_BGR2BGRA])
def test_gray_bgr_and_bgra_frames(convert, receipt_frame, payload, decoder):
    frame = receipt_frame if convert is None else cv2.cvtColor(receipt_frame, convert)
    assert payload.qr in {d.text for d in decoder.decode(frame)}


def test_corners_of_a_rotated_pass_are_in_frame_coordinates(receipt_frame):
    straight = Decoder(strategy=[Stage("full", (CODE128,))], formats=[CODE128])
    turned = Decoder(strategy=[Stage("rot", (CODE128,), angle=10)], formats=[CODE128])
    a, b = straight.decode(receipt_frame), turned.decode(receipt_frame)
    assert a and b
    centre_a, centre_b = np.mean(a[0].corners, axis=0), np.mean(b[0].corners, axis=0)
    assert np.linalg.norm(centre_a - centre_b) < 6


def test_code_free_frames_read_nothing(decoder):
    for photo in rp.empty_photos(10, seed=99):
        assert decoder.decode(photo.image) == [], photo.kind
        assert Decoder(formats=[CODE128]).decode(photo.image) == [], photo.kind


def test_unknown_formats_are_refused():
    with pytest.raises(ValueError, match="EAN13"):
        Decoder(formats=["EAN13"])


def test_photo_generator_is_deterministic_and_sized():
    first = [p.image for p in rp.photos(2, seed=5)]
    again = [p.image for p in rp.photos(2, seed=5)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert first[0].shape == (rp.FRAME_H, rp.FRAME_W, 3) and first[0].dtype == np.uint8
    kinds = {p.kind for p in rp.empty_photos(5)}
    assert kinds == set(rp.EMPTY_KINDS)


def test_printed_symbols_have_the_receipt_geometry():
    payload = rp.make_payload(0)
    qr = rp.qr_modules(payload.qr)
    bars = rp.code128_modules(payload.code128)
    assert qr.shape == (25, 25)  # version 2 at level M holds the alphanumeric payload
    assert qr.shape[0] * rp.QR_DOTS_PER_MODULE == 200  # 25 mm at 8 dots/mm
    assert len(bars) * rp.C128_DOTS_PER_MODULE <= rp.PRINT_DOTS - 40  # fits with quiet zones
    assert len(payload.code128) == 20 and payload.code128.isdigit()
