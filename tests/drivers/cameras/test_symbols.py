"""A read Code 128 must be a plausible compact case code (symbols.plausible), as the backend
makes them (backend.domain.codes)."""

from datetime import date

import numpy as np
import pytest

from backend.domain import codes
from drivers.cameras.decoder import Decoder, Stage
from drivers.cameras.symbols import CODE128, QR, Decoded, plausible

TODAY = date(2026, 12, 2)


def compact(day: date, seq: int = 7, token: str = "12345678") -> str:
    case = codes.CaseCode("000.00.06.H56", day, seq)
    return str(codes.make_compact(case, 3, token))


def test_the_backends_compact_codes_are_plausible_and_parse():
    for day in (date(2026, 1, 1), TODAY, date(2027, 12, 31)):
        text = compact(day)
        assert plausible(Decoded(CODE128, text), TODAY)
        assert codes.parse_compact(text).day == day


@pytest.mark.parametrize("text, why", [
    ("33101014600886666333", "year 2010: a held-out photo read so, checksum fitting"),
    ("01910215401042001708", "year 2091"),
    ("03281014600886666333", "two years ahead of the clock"),
    ("04261314600886666333", "month 13"),
    ("04260200600886666333", "day 0"),
    ("04260230600886666333", "30 February"),
    ("04260914000086666333", "sequence 0000"),
    ("042611149531308585", "18 digits: a symbol dropped (second model, seed 233304 #383)"),
    ("0426111495313085857639", "22 digits: a symbol doubled"),
])
def test_misreadings_that_pass_the_checksum_are_refused(text, why):
    assert not plausible(Decoded(CODE128, text), TODAY), why
    assert plausible(Decoded(CODE128, "04260914600886666333"), TODAY)


def test_a_kiosk_clock_far_behind_still_reads_this_years_receipts():
    assert plausible(Decoded(CODE128, compact(date(2026, 6, 1))), date(1970, 1, 1))


def test_other_texts_are_left_to_the_kiosk():
    assert plausible(Decoded(QR, "000.00.06.H56-261106-0001/73559229"), TODAY)
    assert plausible(Decoded(CODE128, "HELLO"), TODAY)


def test_the_decoder_drops_an_implausible_reading_and_tries_its_next_pass():
    readings = iter([[Decoded(CODE128, "33101014600886666333")],
                     [Decoded(CODE128, "04260914600886666333")]])
    decoder = Decoder(backend=lambda gray, formats: next(readings),
                      strategy=[Stage("first"), Stage("second")])
    frame = np.zeros((40, 60), np.uint8)
    assert [d.text for d in decoder.decode(frame)] == ["04260914600886666333"]
