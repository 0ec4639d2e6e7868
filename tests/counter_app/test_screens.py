"""The Kivy screens, driven in a subprocess each and compared with reference screenshots.

Tolerance: a pixel differs when a channel differs by more than 8/255; at most 0.1% of the
pixels may differ (font hinting and GL rounding, not layout). MOTCUA_UPDATE_SCREENSHOTS=1
writes the new screenshots as the references (look at them before committing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from backend.store import site

from .conftest import issue

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = Path(__file__).parent / "screenshots"
SCENARIOS = ["login", "password", "queue", "queue_priority", "intake", "intake_incomplete",
             "receipt", "paper_out", "offline", "returns"]
# The small desk monitor, the common laptop and the full-HD station: nothing may be clipped.
SIZED = [*((s, "1024x768") for s in ("queue", "queue_priority", "intake", "intake_incomplete",
                                     "receipt", "offline", "returns")),
         ("intake", "1366x768"),
         *((s, "1920x1080") for s in ("queue", "intake", "receipt", "returns"))]
TICKETS = {"queue": [("A", None), ("A", "elderly"), ("D", None), ("A", None)],
           "queue_priority": [("A", None), ("D", None), ("A", None)]}
CHANNEL_TOLERANCE, PIXEL_SHARE = 8, 0.001

pytestmark = pytest.mark.slow


def run_driver(scenario: str, url: str, tmp_path: Path, size: str = "") -> Path:
    out = tmp_path / f"{scenario}{'@' + size if size else ''}.png"
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy-home"), "KIVY_NO_ARGS": "1",
           "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1"}
    env.pop("DISPLAY", None)  # SDL's offscreen driver: no X server needed
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "tests.counter_app.ui_driver", scenario,
         str(out), url, str(tmp_path / "station"), *([size] if size else [])],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def differing_share(new: Path, reference: Path) -> float:
    with Image.open(new) as a, Image.open(reference) as b:
        if a.size != b.size:
            return 1.0
        diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
        worst = diff.point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0).convert("L")
        # Any channel past the tolerance leaves the grey above 0; the histogram counts them.
        return sum(worst.histogram()[1:]) / (a.width * a.height)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_screen_matches_its_reference(scenario, server, store, kiosk, tmp_path):
    check_screen(scenario, "", server, store, kiosk, tmp_path)


@pytest.mark.parametrize(("scenario", "size"), SIZED)
def test_screen_at_other_window_sizes(scenario, size, server, store, kiosk, tmp_path):
    check_screen(scenario, size, server, store, kiosk, tmp_path)


def check_screen(scenario: str, size: str, server, store, kiosk, tmp_path) -> None:
    # A fixed site secret: the lookup token in the receipt's symbols is the same every run.
    site.set_setting(store, "secret", "5e" * 32)
    for service, priority in TICKETS.get(scenario, []):
        issue(kiosk, service, priority)
    shot = run_driver(scenario, server.url, tmp_path, size)
    reference = REFERENCES / shot.name
    with Image.open(shot) as image:
        assert not size or f"{image.width}x{image.height}" == size
    if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1" or not reference.exists():
        REFERENCES.mkdir(exist_ok=True)
        shutil.copy(shot, reference)
        if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") != "1":
            pytest.fail(f"no reference for {scenario}; wrote {reference}, look at it")
    share = differing_share(shot, reference)
    assert share <= PIXEL_SHARE, f"{scenario}: {share:.2%} of pixels differ ({shot})"
