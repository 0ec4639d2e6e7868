"""The home-screen check the boot test applies to QEMU's screen grab (tests/images/screen.py),
tried on the kiosk's own renders (docs/kiosk, made by tests/kiosk_app/ui) and on the screens a
unit shows instead of it (first boot, maintenance, every other kiosk screen)."""

from pathlib import Path

import pytest
from PIL import Image

from tests.images.screen import home_stats, is_home

DOCS = Path(__file__).resolve().parents[2] / "docs"
# the offline shot is the home screen with the "no connection" notice over it; the unit's own
# grab from the QEMU boot (docs/technician.md) is one too
HOMES = sorted([*(DOCS / "kiosk").glob("*-home*.png"), DOCS / "kiosk" / "portrait-offline.png",
                DOCS / "units" / "kiosk-home-qemu.png"])
OTHERS = sorted({*(DOCS / "kiosk").glob("*.png"), *(DOCS / "units").glob("*.png")} - set(HOMES))


@pytest.mark.parametrize("shot", HOMES, ids=lambda p: p.stem)
def test_the_home_screen_is_told_in_both_orientations(shot):
    assert is_home(home_stats(shot)), home_stats(shot)


@pytest.mark.parametrize("shot", OTHERS, ids=lambda p: p.stem)
def test_no_other_screen_passes_for_home(shot):
    assert not is_home(home_stats(shot)), home_stats(shot)


def test_at_another_size_and_not_on_a_console(tmp_path):
    """The unit's mode is not the render's: the same home scaled to 1024x768 passes; a text
    console (black, grey letters) does not."""
    scaled = tmp_path / "scaled.png"
    Image.open(HOMES[0]).convert("RGB").resize((1024, 768)).save(scaled)
    assert is_home(home_stats(scaled))
    console = tmp_path / "console.png"
    Image.new("RGB", (1024, 768), "#000000").save(console)
    assert not is_home(home_stats(console))
