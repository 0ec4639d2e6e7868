"""The camera side of a synthetic kiosk photo: how a shot is taken (`Shot`), and what the
optics, the moving hand, the exposure, the lamp's glare, the sensor and JPEG do to the frame."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

FRAME_W, FRAME_H = 1280, 720


@dataclass(frozen=True)
class Shot:
    """How one photo is taken. Zero means "effect off" for every degradation."""

    angle: float = 0.0  # in-plane rotation, degrees
    px_per_mm: float = 8.0  # receipt scale in the frame (8 = one camera pixel per printer dot)
    offset: tuple[float, float] = (0.0, 0.0)  # code block centre from frame centre, pixels
    perspective: float = 0.0  # corner jitter, fraction of receipt size
    keystone: float = 0.0  # paper tilted away: 1 − far edge / near edge (0.2 = ratio 0.8)
    keystone_dir: float = 0.0  # direction, in the frame, in which the paper recedes (degrees)
    bend: float = 0.0  # 1/R of the cylinder in 1/dots
    curl: bool = False  # bent along the length (paper off a roll) instead of across the width
    blur: float = 0.0  # gaussian sigma, pixels
    motion: int = 0  # motion blur length, pixels
    motion_angle: float = 0.0  # direction of the hand's movement, degrees
    glare: float = 0.0  # peak brightness added by each highlight (0..255)
    glare_spots: int = 1
    dark: float = 1.0  # exposure gain (1 = well lit)
    black: float = 0.0  # black-level offset added after the gain, 0..255 units
    noise: float = 0.0  # sensor noise sigma in 0..255 units
    jpeg: int = 0  # JPEG quality, 0 = lossless
    ink: int = 20  # thermal print darkness (0 = black)
    qr_lost: str = ""  # "" | "torn" (torn off above the barcode) | "folded" (folded back)



def degrade(frame: np.ndarray, shot: Shot, rng: np.random.Generator) -> np.ndarray:
    """Camera-side effects: optics and the moving hand blur the scene, then exposure (gain and
    black level, saturating at both ends), the lamp's glare, sensor noise, JPEG."""
    img = frame
    if shot.blur:
        img = cv2.GaussianBlur(img, (0, 0), shot.blur)
    if shot.motion:
        img = cv2.filter2D(img, -1, _motion_kernel(shot.motion, shot.motion_angle))
    if shot.dark != 1.0 or shot.black:
        img = cv2.addWeighted(img, shot.dark, img, 0.0, shot.black)
    for spot in range(shot.glare_spots if shot.glare else 0):
        # A specular highlight saturates whatever the ambient light is. The first is the ceiling
        # lamp's; the others, smaller, come from the lobby's other lights.
        radius = rng.uniform(50, 140) if spot == 0 else rng.uniform(20, 60)
        img = cv2.add(img, cv2.merge([_glare(rng, shot.glare, radius)] * 3))
    if shot.noise:
        img = _add_noise(img, shot.noise, rng)
    if shot.jpeg:
        _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, shot.jpeg])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return img


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2] = 1.0 / length
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5,) * 2, angle, 1)
    return cv2.warpAffine(kernel, rot, kernel.shape)


def _glare(rng: np.random.Generator, peak: float, r: float) -> np.ndarray:
    """A soft bright blob near the middle of the frame (uint8, added with saturation)."""
    cx = FRAME_W / 2 + rng.uniform(-250, 250)
    cy = FRAME_H / 2 + rng.uniform(-200, 200)
    xs = np.exp(-(((np.arange(FRAME_W, dtype=np.float32) - cx) / r) ** 2) / 2)
    ys = np.exp(-(((np.arange(FRAME_H, dtype=np.float32) - cy) / r) ** 2) / 2)
    return (peak * np.outer(ys, xs)).astype(np.uint8)


@lru_cache(maxsize=1)
def _noise_bank() -> np.ndarray:
    # Fresh gaussian noise per frame costs more than the rest of the photo; a shifted window of
    # one larger field is as good for a decoder and keeps the set fast to make.
    field = np.random.default_rng(7).normal(0, 1, size=(FRAME_H + 64, FRAME_W + 64))
    return field.astype(np.float32)


def _add_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    dy, dx = (int(v) for v in rng.integers(0, 64, size=2))
    noise = _noise_bank()[dy : dy + FRAME_H, dx : dx + FRAME_W] * sigma
    return cv2.add(img, cv2.merge([noise] * 3), dtype=cv2.CV_8U)

