"""Every character the counter can show exists in the font its screens use (DejaVu Sans, the
printers' font): a missing glyph is an empty box on the clerk's screen."""

from pathlib import Path

import pytest

from counter_app.strings import TEXTS
from tests.kiosk_app.test_glyphs import missing_glyphs, shown_texts

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "drivers" / "printers" / "fonts"  # counter_app.screens.theme.FONT_DIR
SHOWN = [*sorted((ROOT / "counter_app" / "screens").glob("*.py")),
         ROOT / "counter_app" / "formats.py"]


@pytest.mark.parametrize("font", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_every_character_the_counter_shows_is_in_its_font(font):
    missing = missing_glyphs(FONTS / font, shown_texts(TEXTS, SHOWN))
    assert not missing, "\n".join(sorted(missing))


def test_the_check_sees_the_marks_the_screens_draw():
    texts = "".join(shown_texts(TEXTS, SHOWN).values())
    for mark in ("✓", "●"):  # the tick box and the link state, drawn by the screens
        assert mark in texts
