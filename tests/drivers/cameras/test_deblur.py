"""The smear pass (deblur.py): a hand's smear across the bars measured on the cut-out, undone,
read by the row scan; and what it must never read."""

import cv2
import numpy as np
import pytest
from barcode.charsets.code128 import CODES

from bench import photo_baits
from bench import receipt_photos as rp
from bench import receipt_photos_cv as rp_cv
from drivers.cameras import deblur, rowscan
from drivers.cameras.decoder import CODE128, SMEAR, Decoder, _located
from drivers.cameras.symbols import plausible
from tests.drivers.cameras.test_rowscan import smeared, strip

SMEAR_ONLY = [_located("", SMEAR, patches=3)]


def noisy(image: np.ndarray, sigma: float = 4.0, seed: int = 1) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, sigma, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("payload", [0, 3, 8])
def test_a_strip_smeared_by_three_and_a_half_modules_is_read_once_undone(payload):
    """Up to three modules the row scan's blurred templates read a clean strip; beyond, the
    symbols bleed into each other (at 4 modules, twice the narrowest bar and space, most
    codes are lost for good: the box wipes out their finest detail)."""
    digits = rp.make_payload(payload).code128
    image = noisy(smeared(strip(digits), 3.5))
    assert [d.text for d in deblur.read_smeared(image, module=3.0)] == [digits]
    assert rowscan.read_rows(image, module=3.0) == []  # the row scan alone does not


@pytest.mark.parametrize("modules", [2.0, 3.0, 4.0])
def test_the_smear_is_measured_from_the_cut_out(modules):
    digits = rp.make_payload(int(modules * 3)).code128
    image = noisy(smeared(strip(digits), modules))
    assert abs(deblur.smear_length(image, 3.0) / 3.0 - modules) <= 0.25


def test_a_strip_blurred_only_by_the_lens_has_no_smear_to_undo():
    for payload in range(4):
        image = noisy(strip(rp.make_payload(payload).code128, blur=0.6))
        assert deblur.smear_length(image, 3.0) is None


def test_nothing_smeared_enough_to_measure_on_a_blank_or_striped_strip():
    blank = noisy(np.full((60, 600), 200, np.uint8))
    stripes = noisy(np.tile(np.where(np.arange(600) % 14 < 7, 40, 210), (60, 1)).astype(np.uint8))
    for image in (blank, stripes):
        assert deblur.read_smeared(image, module=3.0) == []


def test_a_smeared_code_with_a_wrong_checksum_is_never_read():
    digits = rp.make_payload(11).code128
    bits = rp.code128_modules(digits)
    other = (int(digits[8:10]) + 1) % 100
    bits[11 * 5 : 11 * 6] = [c == "1" for c in CODES[other]]
    for modules in (2.0, 3.0):
        image = noisy(smeared(strip(digits, modules=bits), modules))
        assert deblur.read_smeared(image, module=3.0) == []


def test_a_smeared_code_with_a_symbol_washed_flat_is_not_guessed():
    digits = rp.make_payload(0).code128
    image = strip(digits).copy()
    image[:, (20 + 60) * 3 : (20 + 71) * 3] = 220  # one digit pair in the middle, blank
    image = noisy(smeared(image, 3.5))
    assert deblur.smear_length(image, 3.0) is not None  # measured, undone, and still not read
    assert deblur.read_smeared(image, module=3.0) == []


def test_a_code_that_is_no_case_code_is_not_read():
    """Checksum and every symbol right, but month 13: the kiosk would refuse it, so the decoder
    does not offer it (symbols.plausible), whichever pass read it."""
    digits = rp.make_payload(5).code128
    digits = digits[:4] + "13" + digits[6:]
    image = noisy(smeared(strip(digits), 2.5))
    found = deblur.read_smeared(image, module=3.0)
    assert [d.text for d in found] == [digits]  # read right, and then refused as no receipt's
    assert not any(plausible(d) for d in found)


# Photos (model, seed, index in a set of 400) that only the smear pass reads. The last two were
# misread before, by a bank of smear templates and by the row scan taking one of two tied
# symbols: measured and undone, the smear reads them right.
HARD = {
    "torn off, hand moving 8 px, 4 modules across the bars": (rp_cv, 2026, 281),
    "torn off, blur 1.6 px, motion 5 px, glare 166, gain 0.49": (rp_cv, 901648, 59),
    "folded away, motion 8 px across the bars, glare 174": (rp_cv, 944947, 377),
}


@pytest.mark.parametrize("label", HARD)
def test_hard_smeared_photos_are_read_by_the_smear_pass(label, drawn):
    payload, frame = drawn.receipt_of_set(*HARD[label])
    found = Decoder().decode(frame)
    assert [(d.format, d.text, d.stage) for d in found] == [
        (CODE128, payload.code128, "bars-plain-smear")]


def test_a_focus_blurred_code_the_smear_pass_misread_alone_is_not_read_by_it(drawn):
    """Seed 2718 of the first model, receipt 110 of 400: focus blur 1.1 px, no smear; other
    passes read it, but the smear pass alone, undoing a smear that was not there, read three
    digit pairs wrong with a checksum that fitted. Read from its start and from its stop, the
    two readings differ, so now it reads nothing."""
    payload, frame = drawn.receipt_of_set(rp, 2718, 110)
    assert all(d.text == payload.code128 for d in Decoder(strategy=SMEAR_ONLY).decode(frame))


def smeared_baits() -> list[np.ndarray]:
    """Stripes, a grid and a texture on plain paper, smeared as a moving hand would."""
    frames, rng = [], np.random.default_rng(5)
    for bait in (*[photo_baits.stripes] * 6, photo_baits.grid, photo_baits.texture):
        frame = np.full((rp.FRAME_H, rp.FRAME_W, 3), 200, np.uint8)
        bait(frame, rng)
        frames.append(cv2.blur(frame, (7, 1)))
    return frames


def test_code_free_frames_and_baits_read_nothing_with_the_smear_pass_alone(drawn):
    smear_only = Decoder(strategy=SMEAR_ONLY, formats=[CODE128])
    frames = [p.image for p in drawn(rp.empty_photos, 21, 32)]
    frames += [p.image for p in drawn(rp_cv.empty_photos, 6, 32)]
    for frame in frames + drawn(smeared_baits):
        assert smear_only.decode(frame) == []
