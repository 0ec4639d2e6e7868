"""The row-scan Code 128 reader: hard photos only it reads, its checks against false reads, and
the second photo model it is measured on (bench/decode.py has the read rates)."""

import cv2
import numpy as np
import pytest
from barcode.charsets.code128 import CODES

from bench import receipt_photos as rp
from bench import receipt_photos_cv as rp_cv
from drivers.cameras import rowscan
from drivers.cameras.decoder import CODE128, GLARE, QR, ROWS, SMEAR, STRATEGIES, Decoder, _located

# Photos of the tuning sets (model, seed, index in a set of 200) that no other pass reads, and
# the pass that does.
ROWS_PLAIN = "bars-plain-rows"
HARD = {
    "torn off, glare 243 over the bars": (rp, 2026, 64, ROWS_PLAIN),
    "folded away, hand moving 7 px, glare over the start": (rp, 2026, 79, ROWS_PLAIN),
    "torn off, focus blur 1.7 px, gain 0.28": (rp, 2026, 143, ROWS_PLAIN),
    "torn off, hand moving 7 px across the bars, gain 0.15": (rp, 1001, 84, ROWS_PLAIN),
    "folded away, blur 1.6 px, motion 6 px, glare 249": (rp, 1001, 54, ROWS_PLAIN),
}
# The smear pass reads with the row scan too (after undoing a hand's smear), and reads the
# two photos of a hand moving 7 px as well.
# The glare pass (glare.py) reads with the row scan too.
WITHOUT_ROWS = tuple(s for s in STRATEGIES["located"] if s.reader not in (ROWS, SMEAR, GLARE))


@pytest.mark.parametrize("label", HARD)
def test_hard_photos_are_read_by_the_row_scan_only(label, drawn):
    model, seed, index, stage = HARD[label]
    payload, shot, photo_seed = model.receipt_shot(seed, index, 200)
    draw = rp.receipt_photo if model is rp else rp_cv.photo
    frame = drawn(draw, payload, shot, photo_seed)
    found = Decoder().decode(frame)
    assert [(d.format, d.text, d.stage) for d in found] == [(CODE128, payload.code128, stage)]
    assert Decoder(strategy=WITHOUT_ROWS).decode(frame) == []


def strip(digits: str, module: float = 3.0, blur: float = 0.0, height: int = 60,
          modules: np.ndarray | None = None) -> np.ndarray:
    """Our Code 128 with quiet zones as a cut-out would show it: bars upright, `module` px."""
    bits = rp.code128_modules(digits) if modules is None else modules
    line = np.concatenate([np.zeros(20, bool), bits, np.zeros(20, bool)])
    xs = (np.arange(int(len(line) * module)) / module).astype(int)
    row = np.where(line[xs], 30.0, 220.0).astype(np.float32)
    if blur:
        row = cv2.GaussianBlur(row[None], (0, 0), blur * module)[0]
    return np.tile(row, (height, 1)).astype(np.uint8)


# Cut-outs are enlarged to about 3 px a module; blur σ in modules (the templates go to 0.75).
@pytest.mark.parametrize(("module", "blur"), [(2.2, 0.0), (3.0, 0.0), (3.0, 0.6), (4.7, 0.6),
                                             (3.0, 0.95)])
def test_a_clean_strip_reads_either_way_round(module, blur):
    digits = rp.make_payload(int(module * 10)).code128
    image = strip(digits, module, blur)
    for img in (image, image[:, ::-1]):
        found = rowscan.read_rows(img, module=module)
        assert [d.text for d in found] == [digits]
        (x0, _), (x1, _) = found[0].corners[:2]
        assert abs(abs(x1 - x0) - 145 * module) < 3 * module  # it spans the code


def smeared(image: np.ndarray, modules: float, module: float = 3.0) -> np.ndarray:
    """A hand moving across the bars during the exposure: a box `modules` long, then the lens."""
    f = cv2.blur(image.astype(np.float32), (round(modules * module), 1))
    return cv2.GaussianBlur(f, (0, 0), 0.3 * module).astype(np.uint8)


def test_a_smeared_code_with_a_wrong_checksum_is_never_read():
    digits = rp.make_payload(11).code128
    bits = rp.code128_modules(digits)
    other = (int(digits[8:10]) + 1) % 100
    start = 11 * 5
    bits[start : start + 11] = [c == "1" for c in CODES[other]]
    assert rowscan.read_rows(smeared(strip(digits, modules=bits), 3.0), module=3.0) == []


def test_the_code_is_read_from_its_stop_when_a_thumb_covers_the_start_quiet_zone():
    digits = rp.make_payload(5).code128
    image = strip(digits).copy()
    image[:, : 19 * 3] = 70  # the thumb ends a module before the start symbol
    bands = rowscan.bands(image)
    assert {a.from_stop for a in rowscan._anchors(bands.mean(axis=0), 3.0)} == {True}
    assert [d.text for d in rowscan.read_rows(image, module=3.0)] == [digits]


def test_without_a_module_width_it_searches_all_widths():
    digits = rp.make_payload(9).code128
    assert [d.text for d in rowscan.read_rows(strip(digits, 3.6))] == [digits]


def test_a_wrong_checksum_is_never_read():
    """One digit pair printed as another: every symbol matches, the checksum does not."""
    digits = rp.make_payload(11).code128
    bits = rp.code128_modules(digits)
    other = (int(digits[4:6]) + 1) % 100
    start = 11 * 3  # start symbol, two digit pairs, then the third
    bits[start : start + 11] = [c == "1" for c in CODES[other]]
    assert rowscan.read_rows(strip(digits, modules=bits), module=3.0) == []
    assert [d.text for d in rowscan.read_rows(strip(digits), module=3.0)] == [digits]


def test_a_misreading_under_glare_that_passes_the_checksum_is_not_trusted(drawn):
    """Found on a held-out set: glare over the code's end, the upper bands read three digit
    pairs wrong and a checksum that fitted them (one chance in 103), every symbol at 0.66 or
    better, 0.89 on average. One group of bands is trusted alone only when each symbol matches
    well; this receipt is better not read than read as someone else's."""
    payload, shot, seed = rp.receipt_shot(48213, 103, 200)
    found = Decoder().decode(drawn(rp.receipt_photo, payload, shot, seed))
    assert all(d.text in (payload.code128, payload.qr) for d in found)


def test_a_symbol_washed_flat_is_not_guessed():
    digits = rp.make_payload(12).code128
    image = strip(digits).copy()
    image[:, (20 + 60) * 3 : (20 + 71) * 3] = 255  # one digit pair in the middle
    assert rowscan.read_rows(image, module=3.0) == []


def test_code_free_frames_read_nothing_with_the_row_scan_alone(drawn):
    rows_only = Decoder(strategy=[_located("", ROWS, patches=3)], formats=[CODE128])
    for photo in drawn(rp.empty_photos, 21, 31):
        assert rows_only.decode(photo.image) == [], photo.kind
    for photo in drawn(rp_cv.empty_photos, 4, 31):
        assert rows_only.decode(photo.image) == [], photo.kind


# Photos of fresh seeds (model, seed, index in a set of 400) that two tried row-scan additions
# misread: templates smeared by a box of 2.5–3.2 modules (a hand's smear), and a second row
# scan over the levelled cut-outs. Both read a few more photos of the tuning seeds, and these
# two wrongly, so neither was kept; the decoder must read nothing here or the right code.
# The third, from the final fresh-seed run, main's row scan misread as well: a hand moving
# 8 px (two and a half modules) across the bars made two symbols fit equally well, and the
# reader took one; now a tie at any symbol reads nothing.
MISREAD_BEFORE = {
    "torn off, 0.96 px per dot, motion 7 px, noise 9.7 (levelled row scan)": (rp, 910389, 50),
    "torn off, blur 1.6 px, motion 5 px, glare 166, gain 0.49 (smear templates)":
        (rp_cv, 901648, 59),
    "folded away, motion 8 px across the bars, glare 174 (two symbols tied)":
        (rp_cv, 944947, 377),
    # Fresh seeds of the fourth round, read by the row scan with a checksum that fitted and a
    # year that no receipt has (2010, 2010, 2091): symbols.plausible refuses them.
    "glare 194, read as year 2010": (rp_cv, 580714, 43),
    "glare 247, read as year 2010": (rp_cv, 580714, 323),
    "a hand moving 8 px, read as year 2091": (rp_cv, 399776, 352),
}


@pytest.mark.parametrize("label", MISREAD_BEFORE)
def test_photos_the_tried_additions_misread_are_not_misread(label, drawn):
    payload, frame = drawn.receipt_of_set(*MISREAD_BEFORE[label])
    assert all(d.text in (payload.code128, payload.qr) for d in Decoder().decode(frame))


def test_the_row_scan_is_asked_for_code128_only():
    assert rowscan.read_rows(strip(rp.make_payload(1).code128), formats=[QR]) == []
    stages = Decoder(formats=[QR]).stages
    assert all(s.reader != ROWS for s in stages)


def test_second_photo_model_is_deterministic_and_keeps_the_conditions(drawn):
    # One photo: test_photo_models.py pins two of this model to the pixel.
    first = list(rp_cv.photos(1, seed=8))
    again = [p.image for p in drawn(rp_cv.photos, 1, 8)]  # drawn by an earlier run, if any
    assert all(np.array_equal(a.image, b) for a, b in zip(first, again, strict=True))
    assert first[0].image.shape == (rp.FRAME_H, rp.FRAME_W, 3)
    rng = np.random.default_rng(1)
    shots = [rp_cv.draw_shot(rng, 0.0) for _ in range(400)]
    assert all(9.6 <= s.px_per_mm <= 22.4 for s in shots)  # 1.2–2.8 px per printer dot
    assert max(s.blur for s in shots) <= 1.8 and max(s.keystone for s in shots) <= 0.2
    assert min(s.dark for s in shots) >= 0.45 and max(s.dark for s in shots) <= 1.1
    assert all(-30 <= s.black <= 20 and 2 <= s.noise <= 10 for s in shots)
    assert {s.qr_lost for s in shots} == {"", "torn", "folded"}
    assert any(s.glare for s in shots) and any(s.motion for s in shots)


@pytest.mark.parametrize("keystone", [0.0, 0.2])
def test_second_model_pose_gives_the_keystone_ratio(keystone):
    shape = (600, rp.PAPER_DOTS)
    shot = rp.Shot(px_per_mm=16.0, keystone=keystone, keystone_dir=0.0)
    h = rp_cv.pose_homography(shape, 300.0, shot)
    corners = np.array([[[0, 0], [rp.PAPER_DOTS, 0], [rp.PAPER_DOTS, 600], [0, 600]]], float)
    tl, tr, br, bl = cv2.perspectiveTransform(corners, h)[0]
    left, right = np.linalg.norm(bl - tl), np.linalg.norm(br - tr)
    assert min(left, right) / max(left, right) == pytest.approx(1 - keystone, abs=0.01)
    assert np.linalg.norm(tr - tl) / rp.PAPER_DOTS * rp.DOTS_PER_MM == pytest.approx(
        16.0, rel=0.12)


@pytest.mark.parametrize("lost", ["torn", "folded"])
def test_second_model_receipt_without_its_qr_shows_only_the_code128(lost, drawn):
    payload = rp.make_payload(4)
    shot = rp.Shot(angle=5, px_per_mm=14.0, qr_lost=lost, dark=0.9, noise=3.0)
    frame = drawn(rp_cv.photo, payload, shot, 4)
    assert Decoder("zxing-defaults", "plain", formats=[QR]).decode(frame) == []
    assert [d.text for d in Decoder(formats=[CODE128]).decode(frame)] == [payload.code128]
    whole = drawn(rp_cv.photo, payload, rp.Shot(angle=5, px_per_mm=14.0, noise=3.0), 4)
    assert payload.qr in {d.text for d in Decoder().decode(whole)}
