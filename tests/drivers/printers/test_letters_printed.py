"""Every Vietnamese letter, in each text mode, through the virtual printer and back."""

from __future__ import annotations

import pytest
from PIL import ImageChops

from drivers.printers import VIETNAMESE_LETTERS, Document, EscposPrinter, Text, VirtualPrinter
from drivers.printers import raster as R
from drivers.printers.fake_page import Cell, glyph

from .conftest import profile

ROWS = [" ".join(VIETNAMESE_LETTERS[i : i + 12]) for i in range(0, len(VIETNAMESE_LETTERS), 12)]


def print_letters(tmp_path, encoding: str, mm: int = 58):
    prof = profile(mm, encoding)
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path)
    driver = EscposPrinter(printer.connection(), prof)
    doc = Document([Text(row) for row in ROWS] + [Text(r, bold=True, size=2) for r in ROWS[:3]])
    data = driver.compile(doc)
    result = driver.print_document(doc)
    return data, result, printer


@pytest.mark.parametrize("encoding", ["tcvn3", "cp1258"])
@pytest.mark.parametrize("mm", [58, 80])
def test_every_letter_decodes_back_exactly(tmp_path, encoding, mm):
    data, result, printer = print_letters(tmp_path, encoding, mm)
    assert result.ok, result.reason
    assert b"?" not in data and b"\x1dv0" not in data  # no substitutes, no raster fallback
    receipt = printer.receipts[-1]
    printed = " ".join(receipt.lines).split()
    expected = " ".join(ROWS + ROWS[:3]).split()
    assert printed == expected
    assert "?" not in receipt.text and "\ufffd" not in receipt.text
    assert not printer.unknown


def test_text_mode_receipt_shows_letters(tmp_path):
    _, _, printer = print_letters(tmp_path, "tcvn3")
    img = printer.receipts[-1].image
    assert img.width == 384 and img.mode == "1"
    assert printer.receipts[-1].path.exists()


def test_raster_mode_draws_every_letter_with_its_own_glyph(tmp_path):
    data, result, printer = print_letters(tmp_path, "raster")
    assert result.ok, result.reason
    assert data.count(b"\x1dv0") >= len(ROWS) and not printer.receipts[-1].lines
    bitmaps = {}
    for bold in (False, True):
        notdef = R.render_text_line("\uffff", bold).tobytes()
        for letter in VIETNAMESE_LETTERS:
            bitmap = R.render_text_line(letter, bold)
            assert bitmap.tobytes() != notdef, f"{letter!r} has no glyph in DejaVu"
            bitmaps[(letter, bold)] = bitmap.tobytes() + bytes(bitmap.size)
    # 356 different pictures, except that DejaVu Sans draws "l" and "I" alike
    assert bitmaps[("l", False)] == bitmaps[("I", False)]
    assert len(set(bitmaps.values())) == len(bitmaps) - 1


def test_simulator_glyph_cells_distinct_for_every_letter():
    seen = {glyph(Cell(letter), 30).tobytes() for letter in VIETNAMESE_LETTERS}
    assert len(seen) == len(VIETNAMESE_LETTERS)


def test_raster_text_line_matches_simulator_page(tmp_path):
    """The raster the driver sends is exactly what lands on the virtual paper."""
    _, _, printer = print_letters(tmp_path, "raster")
    first = R.place(R.render_text_line(ROWS[0]), "left", 384)
    page = printer.receipts[-1].image
    crop = page.crop((0, 0, first.width, first.height))
    assert ImageChops.difference(crop.convert("L"), first.convert("L")).getbbox() is None
