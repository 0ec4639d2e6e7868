"""The decoder on generated kiosk photos: exact payloads, tilt, glare, low light, no false reads.

The full read-rate and speed measurements are in bench/decode.py; these are the cases that
must never regress.
"""

import math

import cv2
import numpy as np
import pytest

from bench import photo_scene
from bench import receipt_photos as rp
from drivers.cameras.cutout import find_bars
from drivers.cameras.decoder import (
    CODE128,
    QR,
    ROWS,
    SMEAR,
    STRATEGIES,
    Decoder,
    Stage,
)

HARD_SHOTS = {
    "tilted -30°": rp.Shot(angle=-30, px_per_mm=8.0, perspective=0.06),
    "tilted +30°": rp.Shot(angle=30, px_per_mm=7.5, perspective=0.06, jpeg=60),
    "bent +25°": rp.Shot(angle=25, px_per_mm=9.0, bend=1 / 350, blur=0.8),
    "glare": rp.Shot(angle=-12, px_per_mm=9.0, glare=230.0, jpeg=55),
    "low light": rp.Shot(angle=18, px_per_mm=8.5, dark=0.18, noise=5.0, jpeg=50),
    "low light, blurred": rp.Shot(angle=-24, px_per_mm=10.0, dark=0.25, noise=4.0, blur=1.2),
}


# Receipts that lost their QR code, from a photo set (seed 4242) never used to tune the decoder:
# (seed, shot). The strategy before the located passes read none of them.
HELD_OUT = {
    "torn off, tilted -29°, keystone, dim": (5, rp.Shot(
        angle=-28.9, px_per_mm=16.8, offset=(35, -20), perspective=0.095, keystone=0.134,
        keystone_dir=319, blur=0.5, motion=2, motion_angle=75, glare=157.0, dark=0.48,
        black=5.9, noise=4.1, jpeg=82, ink=66, qr_lost="torn")),
    "folded away, far, keystone, motion and focus blur": (25, rp.Shot(
        angle=-4.75, px_per_mm=8.53, offset=(73, 12), perspective=0.043, keystone=0.13,
        keystone_dir=27, bend=0.001, curl=True, blur=0.74, motion=4, motion_angle=41,
        dark=0.87, black=2.4, noise=6.8, ink=8, qr_lost="folded")),
    "torn off, low light, motion blur 5 px": (35, rp.Shot(
        angle=5.2, px_per_mm=14.5, offset=(-108, 43), perspective=0.079, motion=5,
        motion_angle=139, dark=0.225, noise=4.5, ink=14, qr_lost="torn")),
    "torn off, motion blur 6 px, black level -25, noise 9.6": (41, rp.Shot(
        angle=11.2, px_per_mm=12.1, offset=(125, -10), perspective=0.075, keystone=0.091,
        keystone_dir=122, bend=0.002, motion=6, motion_angle=131, dark=0.92, black=-24.9,
        noise=9.6, ink=39, qr_lost="torn")),
    "folded away, tilted +21°, glare, gain 0.48": (51, rp.Shot(
        angle=20.6, px_per_mm=10.1, offset=(33, -51), perspective=0.061, keystone=0.032,
        keystone_dir=314, blur=0.45, glare=125.0, glare_spots=2, dark=0.48, black=17.1,
        noise=2.0, jpeg=53, ink=25, qr_lost="folded")),
}


@pytest.fixture(scope="module")
def decoder():
    return Decoder()


@pytest.fixture(scope="module")
def held_out(drawn):
    """label → (payload, frame), made once for the tests below."""
    return {label: (rp.make_payload(seed), drawn(rp.receipt_photo, rp.make_payload(seed), shot,
                                                  seed))
            for label, (seed, shot) in HELD_OUT.items()}


@pytest.mark.parametrize("label", HELD_OUT)
def test_held_out_receipts_without_qr_decode_to_the_exact_payload(label, held_out, decoder):
    payload, frame = held_out[label]
    found = decoder.decode(frame)
    assert [(d.format, d.text) for d in found] == [(CODE128, payload.code128)]
    assert found[0].stage.startswith("bars")


def test_the_previous_strategy_read_none_of_the_held_out_receipts(held_out):
    before = Decoder(strategy="tiered")
    assert {label: before.decode(frame) for label, (_, frame) in held_out.items()} == {
        label: [] for label in held_out}


def test_a_located_read_has_the_code_corners_in_frame_coordinates(held_out, decoder):
    """The cut-out is turned and enlarged; what it reads is mapped back onto the frame."""
    label = "torn off, low light, motion blur 5 px"
    found = decoder.decode(held_out[label][1])[0]
    shot = HELD_OUT[label][1]
    centre = np.mean(found.corners, axis=0)
    # The citizen aimed the Code 128 (what is left of the receipt) at `offset` from the middle.
    aim = np.array([rp.FRAME_W / 2 + shot.offset[0], rp.FRAME_H / 2 + shot.offset[1]])
    assert np.linalg.norm(centre - aim) < 40
    left, right = np.array(found.corners[0]), np.array(found.corners[1])
    tilt = math.degrees(math.atan2(*(right - left)[::-1]))
    assert abs(tilt - shot.angle) < 6


@pytest.mark.parametrize("angle", [-14, 9])
def test_bars_smeared_across_by_a_moving_hand_are_unsmeared(angle, drawn):
    """7 px of motion across 2.5 px modules: no threshold or sharpening separates the bars."""
    payload = rp.make_payload(300)
    shot = rp.Shot(angle=angle, px_per_mm=10.0, motion=7, motion_angle=-angle % 180, noise=5.0,
                   dark=0.8, jpeg=70, qr_lost="torn")
    frame = drawn(rp.receipt_photo, payload, shot, 300)
    found = Decoder(formats=[CODE128]).decode(frame)
    assert [(d.text, d.stage) for d in found] == [(payload.code128, "bars-unsmear")]
    # Of the edge-based passes only unsmear reads it; the row scan, matching whole symbols
    # blurred as the bars are, reads it too, and so does the smear pass, measuring the smear.
    edges = [s for s in STRATEGIES["located"]
             if s.enhance != "unsmear" and s.reader not in (ROWS, SMEAR)]
    assert Decoder(strategy=edges, formats=[CODE128]).decode(frame) == []
    for reader in (ROWS, SMEAR):
        rows = [s for s in STRATEGIES["located"] if s.reader == reader]
        assert [d.text for d in Decoder(strategy=rows, formats=[CODE128]).decode(frame)] == [
            payload.code128]


def test_bars_are_found_at_their_angle_and_nothing_in_clutter(empty_frame, drawn):
    payload = rp.make_payload(2)
    for angle in (-30, -10, 15, 30):
        shot = rp.Shot(angle=angle, px_per_mm=12.0, qr_lost="torn")
        bars = find_bars(cv2.cvtColor(drawn(rp.receipt_photo, payload, shot, 2),
                                      cv2.COLOR_BGR2GRAY))
        assert bars, angle
        assert abs(math.degrees(bars[0].angle) - angle) < 4, angle
    gray = cv2.cvtColor(empty_frame, cv2.COLOR_BGR2GRAY)
    assert all(b.length < 100 for b in find_bars(gray))  # at most a stray edge, never a code


@pytest.mark.parametrize("label", HARD_SHOTS)
def test_hard_photos_decode_to_the_exact_payload(label, decoder, drawn):
    payload = rp.make_payload(len(label))
    frame = drawn(rp.receipt_photo, payload, HARD_SHOTS[label], len(label))
    found = decoder.decode(frame)
    want = {QR: payload.qr, CODE128: payload.code128}
    assert found, f"nothing read from the {label} photo"
    assert all(d.text == want[d.format] for d in found)


@pytest.mark.parametrize("angle", [-30, -25, 20, 30])
def test_code128_alone_is_read_past_the_row_scan_tilt_limit(angle, drawn):
    """A row scan misses our Code 128 past ~15°; the rotated passes get it back."""
    payload = rp.make_payload(3)
    frame = drawn(rp.receipt_photo, payload, rp.Shot(angle=angle, px_per_mm=9.0), 5)
    assert Decoder(strategy="plain", formats=[CODE128]).decode(frame) == []
    for strategy, stage in (("tiered", "rot"), ("located", "bars")):
        found = Decoder(strategy=strategy, formats=[CODE128]).decode(frame)
        assert [(d.format, d.text) for d in found] == [(CODE128, payload.code128)]
        assert found[0].stage.startswith(stage)


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


def test_code_free_frames_read_nothing(decoder, drawn):
    """Printed pages, textures, stripes and finder-like grids: bait for every pass."""
    for photo in drawn(rp.empty_photos, 14, 99):
        assert decoder.decode(photo.image) == [], photo.kind
        assert Decoder(formats=[CODE128]).decode(photo.image) == [], photo.kind


def test_unknown_formats_and_enhancements_are_refused():
    with pytest.raises(ValueError, match="EAN13"):
        Decoder(formats=["EAN13"])
    with pytest.raises(ValueError, match="blurrier"):
        Decoder(strategy=[Stage("odd", (CODE128,), locate=True, enhance="blurrier")])


def test_photo_generator_is_deterministic_and_sized(drawn):
    # One photo: test_photo_models.py pins several of each model to the pixel.
    first = [p.image for p in rp.photos(1, seed=5)]
    again = [p.image for p in drawn(rp.photos, 1, 5)]  # drawn by an earlier run, if any
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert first[0].shape == (rp.FRAME_H, rp.FRAME_W, 3) and first[0].dtype == np.uint8
    kinds = {p.kind for p in drawn(rp.empty_photos, len(rp.EMPTY_KINDS))}
    assert kinds == set(rp.EMPTY_KINDS)


@pytest.mark.parametrize("lost", ["torn", "folded"])
def test_a_receipt_that_lost_its_qr_shows_only_the_code128(lost, drawn):
    payload = rp.make_payload(4)
    shot = rp.Shot(angle=6, px_per_mm=11.0)
    whole = drawn(rp.receipt_photo, payload, shot, 4)
    without = drawn(rp.receipt_photo, payload, rp.Shot(angle=6, px_per_mm=11.0, qr_lost=lost), 4)
    qr_only = Decoder("zxing-defaults", "plain", formats=[QR])
    assert [d.text for d in qr_only.decode(whole)] == [payload.qr]
    assert qr_only.decode(without) == []
    assert [d.text for d in Decoder(formats=[CODE128]).decode(without)] == [payload.code128]


def test_the_qr_may_hold_the_lookup_url(drawn):
    payload = rp.make_payload(6, rp.SITE_URL)
    assert payload.qr.endswith(f"/L/{payload.case_code}/{payload.token}")
    frame = drawn(rp.receipt_photo, payload, rp.Shot(angle=-5, px_per_mm=12.0), 6)
    assert payload.qr in {d.text for d in Decoder(strategy="plain").decode(frame)}


def test_exposure_gain_and_black_level_saturate_at_both_ends():
    grey = np.full((rp.FRAME_H, rp.FRAME_W, 3), 100, np.uint8)
    rng = np.random.default_rng(0)
    assert rp.degrade(grey, rp.Shot(dark=0.45, black=-30), rng)[0, 0, 0] == 15
    assert rp.degrade(grey, rp.Shot(dark=0.2, black=-30), rng)[0, 0, 0] == 0
    assert rp.degrade(grey + 150, rp.Shot(dark=1.1, black=20), rng)[0, 0, 0] == 255


def test_keystone_shrinks_the_far_side_to_the_given_ratio():
    square = np.array([[-100, -100], [100, -100], [100, 100], [-100, 100]], np.float64)
    shot = rp.Shot(keystone=0.2, keystone_dir=0)  # the right side recedes
    out = photo_scene._keystone(square, np.zeros(2), shot)
    near, far = np.linalg.norm(out[3] - out[0]), np.linalg.norm(out[2] - out[1])
    assert far / near == pytest.approx(0.8)


def test_a_citizen_keeps_the_aimed_code_in_the_frame(drawn):
    """Held very close and off-centre, the shot is pulled back until the codes fit."""
    payload = rp.make_payload(8)
    shot = rp.aimed(rp.Shot(angle=30, px_per_mm=22.4, offset=(140, 60)), payload)
    assert shot.px_per_mm < 22.4 and abs(shot.offset[1]) < 60
    frame = drawn(rp.receipt_photo, payload, shot, 8)
    texts = {d.text for d in Decoder("zxing-defaults", "plain").decode(frame)}
    assert payload.qr in texts


def test_printed_symbols_have_the_receipt_geometry():
    payload = rp.make_payload(0)
    qr = rp.qr_modules(payload.qr)
    bars = rp.code128_modules(payload.code128)
    assert qr.shape == (25, 25)  # version 2 at level M holds the alphanumeric payload
    assert qr.shape[0] * rp.QR_DOTS_PER_MODULE == 200  # 25 mm at 8 dots/mm
    assert len(bars) * rp.C128_DOTS_PER_MODULE <= rp.PRINT_DOTS - 40  # fits with quiet zones
    assert len(payload.code128) == 20 and payload.code128.isdigit()


def test_a_micro_qr_code_is_not_read_as_a_receipt():
    """zxing-cpp's QRCode format also reads Micro QR codes (seed 580714 of the photo set met
    one and the benchmark stopped on its unknown format); receipts carry full QR codes only."""
    import zxingcpp

    micro = zxingcpp.create_barcode("12345", zxingcpp.BarcodeFormat.MicroQRCode)
    image = np.pad(np.asarray(zxingcpp.write_barcode_to_image(micro, scale=8)), 40,
                   constant_values=255)
    assert zxingcpp.read_barcodes(image)[0].format.name == "MicroQRCode"  # it is readable
    assert Decoder().decode(image) == []
