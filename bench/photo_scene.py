"""The scene of a synthetic kiosk photo: a lobby-ish background and the receipt held in it —
turned, scaled, keystoned, bent or curled, torn or folded, with thumbs on its edges."""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from bench.photo_camera import FRAME_H, FRAME_W, Shot
from bench.receipt_print import DOTS_PER_MM, PAPER_DOTS, Layout, lose_qr


def clutter(rng: np.random.Generator) -> np.ndarray:
    """A lobby-ish background: a lit gradient, furniture-like shapes, posters with text."""
    base = rng.integers(40, 200, size=3).astype(np.float32)
    ramp = np.linspace(0.6, 1.2, FRAME_W, dtype=np.float32)[None, :, None]
    img = np.clip(base * ramp * np.ones((FRAME_H, 1, 1), np.float32), 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(6, 16))):
        _shape(img, rng)
    for _ in range(int(rng.integers(2, 6))):
        org = (int(rng.integers(0, FRAME_W - 200)), int(rng.integers(20, FRAME_H)))
        cv2.putText(img, "THU TUC HANH CHINH 2026", org, cv2.FONT_HERSHEY_SIMPLEX,
                    float(rng.uniform(0.5, 1.4)), _colour(rng), int(rng.integers(1, 3)))
    return img


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(c) for c in rng.integers(0, 256, size=3))


def _shape(img: np.ndarray, rng: np.random.Generator) -> None:
    x, y = int(rng.integers(0, FRAME_W)), int(rng.integers(0, FRAME_H))
    w, h = int(rng.integers(20, 400)), int(rng.integers(20, 300))
    kind = rng.integers(0, 3)
    if kind == 0:
        cv2.rectangle(img, (x, y), (x + w, y + h), _colour(rng), -1)
    elif kind == 1:
        cv2.circle(img, (x, y), w // 3, _colour(rng), -1)
    else:
        cv2.line(img, (x, y), (x + w, y + h), _colour(rng), int(rng.integers(1, 8)))


def _receipt_homography(size: tuple[int, int], code_y: float, shot: Shot,
                        rng: np.random.Generator) -> np.ndarray:
    """Frame pixel ← centred receipt dots: rotation, scale, offset, then perspective."""
    s = shot.px_per_mm / DOTS_PER_MM
    a = math.radians(shot.angle)
    cx, cy = FRAME_W / 2 + shot.offset[0], FRAME_H / 2 + shot.offset[1]
    # Put the code block (not the receipt centre) where the citizen aims it.
    dy = code_y - size[0] / 2
    sim = np.array([[s * math.cos(a), -s * math.sin(a), 0], [s * math.sin(a), s * math.cos(a), 0],
                    [0, 0, 1]], np.float64)
    shift = sim @ np.array([0, dy, 1.0])
    sim[:2, 2] = [cx - shift[0], cy - shift[1]]
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float32) * PAPER_DOTS / 2
    src = (sim[:2, :2] @ half.T).T + sim[:2, 2]
    jitter = rng.uniform(-1, 1, size=(4, 2)) * shot.perspective * PAPER_DOTS * s
    dst = _keystone(src, np.array([cx, cy]), shot) + jitter
    persp = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    return persp @ sim


def _keystone(square: np.ndarray, centre: np.ndarray, shot: Shot) -> np.ndarray:
    """The paper-wide square as a trapezoid: the side tilted away shrinks to 1 − keystone."""
    if not shot.keystone:
        return square
    a = math.radians(shot.keystone_dir)
    away, side = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
    rel = square - centre
    along, across = rel @ away, rel @ side
    k = 2 * shot.keystone / (2 - shot.keystone)  # (1 − k/2) / (1 + k/2) = 1 − keystone
    across = across * (1 - k * along / np.abs(along).max() / 2)
    return centre + np.outer(along, away) + np.outer(across, side)


def _frame_box(h: np.ndarray, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The frame rectangle the receipt can cover (bending only narrows it)."""
    rh, rw = shape
    corners = np.array([[-rw / 2, -rh / 2], [rw / 2, -rh / 2], [rw / 2, rh / 2], [-rw / 2, rh / 2]])
    pts = cv2.perspectiveTransform(corners[None].astype(np.float64), h)[0]
    x0, y0 = np.clip(np.floor(pts.min(axis=0)), 0, [FRAME_W, FRAME_H]).astype(int)
    x1, y1 = np.clip(np.ceil(pts.max(axis=0)) + 1, 0, [FRAME_W, FRAME_H]).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def _inverse_maps(shape: tuple[int, int], h: np.ndarray, shot: Shot, box: tuple[int, ...]):
    """For every pixel of the box, the receipt dot it sees, and the paper's shading there."""
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    hi = np.linalg.inv(h).astype(np.float32)
    w = hi[2, 0] * xs + hi[2, 1] * ys + hi[2, 2]
    fx = (hi[0, 0] * xs + hi[0, 1] * ys + hi[0, 2]) / w
    fy = (hi[1, 0] * xs + hi[1, 1] * ys + hi[1, 2]) / w
    shade = None
    if shot.bend > 0:
        # A cylinder seen face-on: a dot at arc length u shows at R·sin(u/R).
        r = 1.0 / shot.bend
        across = fy if shot.curl else fx
        theta = np.arcsin(np.clip(across / r, -1.0, 1.0))
        across = np.where(np.abs(across) < r, theta * r, np.float32(1e6)).astype(np.float32)
        fx, fy = (fx, across) if shot.curl else (across, fy)
        shade = (0.75 + 0.25 * np.cos(theta * 1.4 - 0.3)).astype(np.float32)
    rh, rw = shape
    return fx + np.float32(rw / 2), fy + np.float32(rh / 2), shade


def paste_receipt(frame: np.ndarray, receipt: np.ndarray, code_y: float, shot: Shot,
                   rng: np.random.Generator, layout: Layout | None = None) -> None:
    """Put the receipt in the frame with row `code_y` where the citizen aims; with its layout,
    a shot that lost the QR code shows the receipt torn or folded there."""
    h = _receipt_homography(receipt.shape, code_y, shot, rng)
    box = _frame_box(h, receipt.shape)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return
    mx, my, shade = _inverse_maps(receipt.shape, h, shot, box)
    ink = np.where(receipt < 128, shot.ink, 255).astype(np.float32)
    cover = _ones(receipt.shape)
    if shot.qr_lost and layout is not None and layout.qr_width:
        cover, crease = lose_qr(receipt.shape, layout, shot.qr_lost, rng)
        if crease is not None:
            ink *= crease
    paper = cv2.remap(ink, mx, my, cv2.INTER_LINEAR, borderValue=0)
    alpha = cv2.remap(cover, mx, my, cv2.INTER_LINEAR, borderValue=0)
    if shade is not None:
        paper *= shade
    tint = np.array([0.93, 0.97, 1.0], np.float32)  # thermal paper is a little warm
    paper_bgr = cv2.merge([paper * t for t in tint])
    region = frame[y0:y1, x0:x1]
    region[:] = cv2.blendLinear(paper_bgr, region.astype(np.float32), alpha, 1 - alpha)
    _fingers(frame, h, receipt.shape, rng)


@lru_cache(maxsize=4)
def _ones(shape: tuple[int, int]) -> np.ndarray:
    return np.ones(shape, np.float32)


def _fingers(frame: np.ndarray, h: np.ndarray, shape: tuple[int, int],
             rng: np.random.Generator) -> None:
    """Thumbs on the receipt's long edges, below the codes, as people hold it."""
    rh, rw = shape
    for side in (-1, 1):
        if rng.random() < 0.5:
            continue
        pt = h @ np.array([side * rw / 2, rh * 0.35, 1.0])
        centre = (int(pt[0] / pt[2]), int(pt[1] / pt[2]))
        axes = (int(rng.integers(25, 45)), int(rng.integers(50, 80)))
        cv2.ellipse(frame, centre, axes, float(rng.uniform(0, 180)), 0, 360,
                    (int(rng.integers(90, 150)), int(rng.integers(120, 170)), 200), -1)

