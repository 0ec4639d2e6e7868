"""Is the kiosk's home screen what a screen grab shows? Told from colours, at any size.

A unit's screen is grabbed from QEMU's display (`screendump`), at whatever mode the kiosk took,
so no pixel-exact reference fits it. The home screen is told apart by what only it has, in the
kiosk's own theme colours: the red header band along the top, the light page under it, the
blue "scan" button and the orange "code here" frame of the receipt picture. A text console
(mostly black), the first-boot and maintenance screens (red page) and the kiosk's other screens
(no orange frame) fail it: tests/images/test_screen.py checks that on the kiosk's own renders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from kiosk_app.screens.theme import ACCENT, BG, HEADER, PRIMARY

TOLERANCE = 24  # per channel: scaling blends edges, software GL rounds differently


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)


def share(pixels: np.ndarray, hex_colour: str) -> float:
    """The fraction of `pixels` (H x W x 3) within TOLERANCE of the colour."""
    near = np.abs(pixels.astype(np.int16) - _rgb(hex_colour)).max(axis=2) <= TOLERANCE
    return float(near.mean())


def home_stats(image: Path) -> dict[str, float]:
    pixels = np.asarray(Image.open(image).convert("RGB"))
    band = pixels[: max(1, pixels.shape[0] // 40)]  # the top rows: inside the header at any size
    return {"header": share(band, HEADER), "page": share(pixels, BG),
            "primary": share(pixels, PRIMARY), "accent": share(pixels, ACCENT),
            "black": share(pixels, "#000000")}


def is_home(stats: dict[str, float]) -> bool:
    return (stats["header"] > 0.5 and stats["page"] > 0.3 and stats["primary"] > 0.02
            and stats["accent"] > 0.005 and stats["black"] < 0.2)
