"""Code-free content for the synthetic kiosk photos: what a decoder must never read a
receipt from (random bars, finder-like grids, printed pages, striped textures)."""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.photo_camera import FRAME_H, FRAME_W, Shot
from bench.receipt_print import printer_font


def stripes(frame: np.ndarray, rng: np.random.Generator) -> None:
    """Random black/white bars: the worst bait for a 1D decoder."""
    widths = rng.integers(1, 9, size=400)
    bars = np.repeat(np.arange(len(widths)) % 2 == 0, widths)[: FRAME_W - 200]
    strip = np.where(bars, 20, 235).astype(np.uint8)
    frame[200:500, 100 : 100 + len(strip)] = strip[None, :, None]


def grid(frame: np.ndarray, rng: np.random.Generator) -> None:
    """Random square modules with finder-like blocks: bait for a 2D decoder."""
    cells = rng.random((33, 33)) < 0.5
    for r, c in ((0, 0), (0, 26), (26, 0)):
        cells[r : r + 7, c : c + 7] = True
        cells[r + 1 : r + 6, c + 1 : c + 6] = False
        cells[r + 2 : r + 5, c + 2 : c + 5] = True
    big = np.kron(cells, np.ones((12, 12), dtype=bool))
    frame[160 : 160 + big.shape[0], 440 : 440 + big.shape[1]] = np.where(big, 15, 240)[..., None]


def text_page(frame: np.ndarray, shot: Shot, rng: np.random.Generator) -> None:
    """A printed form held up instead of the receipt: dense lines of small text, tilted."""
    page = Image.new("L", (900, 700), 250)
    draw = ImageDraw.Draw(page)
    words = ["THỦ TỤC", "HÀNH CHÍNH", "0123456789", "||| lll III", "Mẫu 01/TTHC", "Phường",
             "giấy", "hẹn", "1900 1234", "000.00.06.H56", "Số:", "—", "ĐƠN ĐỀ NGHỊ"]
    for y in range(10, 690, 22):
        line = " ".join(words[int(k)] for k in rng.integers(0, len(words), 12))
        draw.text((10, y), line, fill=int(rng.integers(0, 60)), font=printer_font(16))
    m = cv2.getRotationMatrix2D((450, 350), shot.angle, float(rng.uniform(0.8, 1.3)))
    m[:, 2] += (FRAME_W - 900) / 2, (FRAME_H - 700) / 2
    warped = cv2.warpAffine(np.asarray(page), m, (FRAME_W, FRAME_H), borderValue=0)
    mask = cv2.warpAffine(np.full((700, 900), 255, np.uint8), m, (FRAME_W, FRAME_H)) > 0
    frame[mask] = warped[mask][:, None]


def texture(frame: np.ndarray, rng: np.random.Generator) -> None:
    """Woven fabric, wood grain or blinds: fine, irregular, strongly oriented lines."""
    ys, xs = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
    a = rng.uniform(0, np.pi)
    u = xs * math.cos(a) + ys * math.sin(a)
    period = rng.uniform(2.5, 9)
    wobble = 3 * np.sin(ys / rng.uniform(20, 80)) + rng.normal(0, 0.4, size=u.shape)
    wave = np.sin(2 * np.pi * (u + wobble) / period) + 0.5 * np.sin(2 * np.pi * u / (period * 2.7))
    grain = (128 + 70 * np.tanh(2 * wave)).astype(np.uint8)
    x0, y0 = int(rng.integers(0, 400)), int(rng.integers(0, 200))
    w, h = int(rng.integers(500, FRAME_W - x0)), int(rng.integers(300, FRAME_H - y0))
    frame[y0 : y0 + h, x0 : x0 + w] = grain[y0 : y0 + h, x0 : x0 + w, None]

