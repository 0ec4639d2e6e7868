"""The glare passes: the Code 128 read around a saturated spot (tall cut-out, saturated bars
unknown, not white) and the QR code read after local equalisation; neither reads code-free
frames under glare, and neither misreads (bench/decode.py has the read rates)."""

from dataclasses import replace

import numpy as np
import pytest

from bench import receipt_photos as rp
from bench import receipt_photos_cv as rp_cv
from bench.photo_baits import grid, stripes, text_page, texture
from drivers.cameras import glare, rowscan, templates
from drivers.cameras.cutout import cut_out, find_bars
from drivers.cameras.decoder import (
    CODE128,
    GLARE,
    QR,
    QR_GLARE,
    STRATEGIES,
    Decoder,
    _located,
)

from .test_rowscan import strip

WITH_GLARE = "located-glare"  # the default strategy leaves the Code 128 glare pass out
WITHOUT_GLARE = tuple(s for s in STRATEGIES["located"] if s.reader not in (GLARE, QR_GLARE))
DIGITS = rp.make_payload(5).code128


def glared_frame(peak: float, radius: float, at_module: float, module: float = 5.0,
                 height: int = 200) -> np.ndarray:
    """Our Code 128 held close (bars 200 px tall), a round glare spot of `radius` px centred
    `at_module` modules into the code, as bright as `peak` at its centre (saturating)."""
    frame = np.full((720, 1280), 235, np.uint8)
    bars = strip(DIGITS, module, 0.6, height)
    frame[260 : 260 + height, 150 : 150 + bars.shape[1]] = bars
    ys, xs = np.mgrid[0:720, 0:1280].astype(np.float32)
    cx = 150 + (20 + at_module) * module
    spot = peak * np.exp(-((xs - cx) ** 2 + (ys - 360) ** 2) / (2 * radius**2))
    return np.clip(frame + spot, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("peak", "radius", "at_module"),
                         [(300, 50, 40), (400, 40, 70), (600, 40, 100)])
def test_a_round_glare_spot_is_read_around(peak, radius, at_module):
    frame = glared_frame(peak, radius, at_module)
    found = Decoder(strategy=WITH_GLARE).decode(frame)
    read = [(CODE128, DIGITS, "bars-plain-glare")]
    if peak == 600:  # one half of the rows alone: it must read from both ends (or not at all)
        assert [(d.format, d.text, d.stage) for d in found] in ([], read)
    else:
        assert [(d.format, d.text, d.stage) for d in found] == read
    assert Decoder(strategy=WITHOUT_GLARE).decode(frame) == []


def test_a_tall_cut_out_spans_the_whole_code_height():
    gray = glared_frame(0, 1, 0)  # bars 200 px tall
    bars = find_bars(gray)[0]
    short, tall = cut_out(gray, bars), cut_out(gray, bars, tall=True)
    assert short.image.shape == tall.image.shape

    def rows_span(cut) -> float:  # frame pixels from the cut-out's first row to its last
        return float(np.hypot(*cut.to_frame[:, 1])) * (cut.image.shape[0] - 1)

    assert rows_span(short) < 100 < 190 < rows_span(tall)
    assert tall.image.min(axis=1).max() < 100  # still bars in every row: not the paper around


def test_only_white_longer_than_a_space_is_unknown():
    image = strip(DIGITS, 3.0, 0.0, 60)
    image[image > 200] = 255  # paper exposed to white: spaces of up to 4 modules, quiet zones
    washed = glare.washed_out(image, 3.0)
    code = washed[:, 20 * 3 + 1 : (20 + 145) * 3 - 1]  # a pixel next to the glare is unknown
    assert not np.isnan(code).any()
    assert np.isnan(washed[:, :15 * 3]).all()  # the 20-module quiet zone


def test_a_symbol_washed_out_everywhere_is_not_guessed():
    image = strip(DIGITS, 3.0, 0.0, 90)
    image[:, (20 + 60) * 3 : (20 + 71) * 3] = 255  # one digit pair, all rows
    assert glare.read_glare(image, module=3.0) == []


def test_a_symbol_left_in_a_few_rows_is_read_there():
    image = strip(DIGITS, 3.0, 0.0, 96)
    image[:70, (20 + 40) * 3 : (20 + 110) * 3] = 255  # six symbols, in all but the lowest rows
    assert [d.text for d in glare.read_glare(image, module=3.0)] == [DIGITS]


def test_cut_outs_without_glare_are_left_to_the_other_passes():
    image = strip(DIGITS, 3.0, 0.0, 60)
    assert [d.text for d in rowscan.read_rows(image, module=3.0)] == [DIGITS]
    assert glare.read_glare(image, module=3.0) == []


def test_masked_correlation_is_the_plain_one_when_all_is_known():
    rng = np.random.default_rng(1)
    samples = rng.normal(size=(4, 6, 44)).astype(np.float32)
    symbols = templates.symbol_templates()[1]
    plain = templates.correlations(samples, symbols)
    samples[0, 0, 0] = np.nan  # one unknown sample: the masked path
    masked = templates.correlations(samples, symbols)
    assert np.allclose(plain[1:], masked[1:], atol=1e-4)


# Photos of sets looked at while tuning (model, seed, index in a set of 400) that only a glare
# pass reads.
HARD = {
    "torn off, close, glare 228 over the middle of the bars": (rp, 201397, 301, "bars-plain-glare"),
    "folded away, glare 244": (rp, 201397, 242, "bars-plain-glare"),
    "second model, torn off, glare 174 over the start": (rp_cv, 201397, 53, "bars-plain-glare"),
    "QR on, glare 245 over it and the bars": (rp, 827446, 42, "qr-glare"),
}


@pytest.mark.parametrize("label", HARD)
def test_hard_glare_photos_are_read_by_a_glare_pass_only(label, drawn):
    drawn.read_only_by(HARD[label], WITH_GLARE, WITHOUT_GLARE)


def glare_bait(kind: str, seed: int) -> np.ndarray:
    """A code-free frame of `kind` under one or two glare spots of 200-255."""
    rng = np.random.default_rng([seed, 7])
    shot = replace(rp.random_shot(rng, float(rng.uniform(-30, 30))),
                   glare=float(rng.uniform(200, 255)), glare_spots=2)
    photo_seed = int(rng.integers(2**31))
    if kind == "text-receipt":
        return rp.receipt_photo(None, shot, photo_seed)
    frame = rp.clutter(np.random.default_rng(photo_seed))
    if kind == "text-page":
        text_page(frame, shot, rng)
    else:
        {"stripes": stripes, "grid": grid, "texture": texture}[kind](frame, rng)
    return rp.degrade(frame, shot, rng)


@pytest.mark.parametrize("kind", ["stripes", "grid", "texture", "text-page", "text-receipt"])
def test_code_free_frames_under_glare_read_nothing(kind, drawn):
    glare_only = Decoder(strategy=[_located("", GLARE, patches=3, tall=True),
                                   *(s for s in STRATEGIES["located"] if s.reader == QR_GLARE)])
    for seed in range(4):
        assert glare_only.decode(drawn(glare_bait, kind, seed)) == [], (kind, seed)


def test_the_glare_passes_read_only_their_format():
    assert glare.read_glare(strip(DIGITS), formats=[QR]) == []
    stages = Decoder(formats=[CODE128]).stages
    assert all(s.reader != QR_GLARE for s in stages)
    assert all(s.reader != GLARE for s in Decoder(formats=[QR]).stages)


# Receipts of fresh seeds (second photo model, set of 400) that the Code 128 glare pass misread
# (three or four digit pairs wrong and a checksum that fitted them), glare over the bars, no
# motion; main reads nothing on either. So that pass is not in the default strategy.
GLARE_MISREAD = {"QR on, glare 202 over its corner and the bars": (808217, 58),
                 "folded away, glare 218": (399776, 347)}


@pytest.mark.parametrize("label", GLARE_MISREAD)
def test_receipts_the_code128_glare_pass_misread_are_not_misread(label, drawn):
    seed, index = GLARE_MISREAD[label]
    payload, frame = drawn.receipt_of_set(rp_cv, seed, index)
    # The default's row scan on the levelled cut-out reads the folded one right (dec8).
    assert {d.text for d in Decoder().decode(frame)} <= {payload.code128}
    assert GLARE not in {s.reader for s in Decoder().stages}
    assert QR_GLARE in {s.reader for s in Decoder().stages}
