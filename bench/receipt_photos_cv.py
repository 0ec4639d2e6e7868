"""A second photo model of receipts at the kiosk camera, written apart from receipt_photos.py.

The evidence for a read rate should not rest on one generator, whose quirks a decoder tuned on
it may have learnt. This model shares only the printed receipt (render_receipt: the thermal
dots, the two symbols) and renders the photo another way:

- pose: the paper is a plane turned in 3D (tilt towards or away from the camera, turn, roll)
  seen by a pinhole camera, so keystone and perspective come from one pose, warped with
  cv2.warpPerspective (the first model inverts its own maps and bends the paper);
  1.2–2.8 camera pixels per printer dot, keystone (far/near) down to 0.8;
- the QR code torn off along a jagged polygon, or folded back as a flap showing the blank,
  shaded back of the paper;
- focus blur by a disc (defocus) of radius up to ~1.8 px σ-equivalent, motion blur by a line
  drawn at any angle, 2–8 px;
- exposure gain 0.45–1.1 with a black-level offset −30..+20, applied after a sensor gamma;
- glare as a tilted elliptical highlight with a saturated core and a streak;
- noise that grows with brightness (shot noise) on top of read noise, σ 2–10 overall, per
  colour channel; JPEG through Pillow with chroma subsampling, quality 30–90;
- backgrounds of blurred random blobs.

    .venv/bin/python bench/receipt_photos_cv.py --out /tmp/photos-cv   # write them as JPEG files
"""

from __future__ import annotations

import argparse
import io
import math
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from bench import receipt_photos as rp

W, H = rp.FRAME_W, rp.FRAME_H
FOCAL = 1400.0  # pixels: a 720p camera with a ~50° horizontal field of view


def background(rng: np.random.Generator) -> np.ndarray:
    """Blurred random blobs of colour: a lobby out of focus behind the receipt."""
    small = rng.integers(30, 220, size=(9, 16, 3)).astype(np.uint8)
    img = cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(3, 9))):
        centre = (int(rng.integers(0, W)), int(rng.integers(0, H)))
        axes = (int(rng.integers(20, 260)), int(rng.integers(10, 160)))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.ellipse(img, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
    return cv2.GaussianBlur(img, (0, 0), 3)


def pose_homography(shape: tuple[int, int], aim_row: float, shot: rp.Shot) -> np.ndarray:
    """Frame pixel ← receipt dot, for the paper turned in 3D: rolled by the shot's angle, its
    side at `keystone_dir` tilted away until that edge looks `1 − keystone` of the opposite one,
    at the distance that gives the shot's scale, the aimed row at the shot's offset."""
    rh, rw = shape
    mm = 1.0 / rp.DOTS_PER_MM
    z = FOCAL / shot.px_per_mm  # distance in mm: FOCAL / z pixels per mm
    # far/near = (z − d·sinθ)/(z + d·sinθ) for the paper's edges d = half its width away.
    ratio = 1 - shot.keystone
    sin = min(1.0, (1 - ratio) / (1 + ratio) * z / (rw / 2 * mm))
    away = math.radians(shot.keystone_dir)
    axis = np.array([-math.sin(away), math.cos(away), 0.0])
    tilt, _ = cv2.Rodrigues(axis * math.asin(sin))
    roll, _ = cv2.Rodrigues(np.array([0.0, 0.0, math.radians(shot.angle)]))
    corners = np.array([[0, 0], [rw, 0], [rw, rh], [0, rh]], np.float64)
    paper = np.c_[(corners - [rw / 2, aim_row]) * mm, np.zeros(4)]
    cam = paper @ (tilt @ roll).T + [shot.offset[0] * z / FOCAL, shot.offset[1] * z / FOCAL, z]
    img = cam[:, :2] / cam[:, 2:] * FOCAL + [W / 2, H / 2]
    return cv2.getPerspectiveTransform(corners.astype(np.float32), img.astype(np.float32))


def lose_qr(receipt: np.ndarray, layout: rp.Layout, how: str,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The receipt with its QR torn off (a jagged polygon removed: alpha 0) or folded back
    (a blank flap, shaded, over the QR)."""
    alpha = np.full(receipt.shape, 255, np.uint8)
    out = receipt.copy()
    cut = layout.bars - int(rng.integers(3, 20))
    xs = np.linspace(0, receipt.shape[1], int(rng.integers(12, 30)))
    edge = cut + rng.uniform(-5, 5, len(xs)).cumsum() * 0.6
    edge = np.clip(edge, layout.bars - 26, layout.bars - 2)
    top = np.array([[receipt.shape[1], 0], [0, 0]], np.int32)
    poly = np.vstack([np.c_[xs, edge].astype(np.int32), top])
    if how == "torn":
        cv2.fillPoly(alpha, [poly], 0)
    else:
        flap = np.zeros(receipt.shape, np.uint8)
        cv2.fillPoly(flap, [poly], 1)
        shade = np.linspace(170, 230, receipt.shape[0], dtype=np.float32)[:, None]
        out = np.where(flap > 0, shade.astype(np.uint8), out)
    return out, alpha


def disc_kernel(sigma: float) -> np.ndarray:
    """A defocus disc with the spread of a Gaussian of `sigma` (radius 2σ)."""
    r = max(2 * sigma, 0.5)
    n = math.ceil(r) * 2 + 1
    k = np.zeros((n * 4, n * 4), np.float32)
    cv2.circle(k, (n * 2, n * 2), round(r * 4), 1.0, -1, cv2.LINE_AA)
    k = cv2.resize(k, (n, n), interpolation=cv2.INTER_AREA)
    return k / k.sum()


def line_kernel(length: int, angle: float) -> np.ndarray:
    n = length + 2
    k = np.zeros((n * 4, n * 4), np.float32)
    c, d = n * 2, length * 2
    dx, dy = d * math.cos(math.radians(angle)), d * math.sin(math.radians(angle))
    cv2.line(k, (int(c - dx), int(c - dy)), (int(c + dx), int(c + dy)), 1.0, 2, cv2.LINE_AA)
    k = cv2.resize(k, (n, n), interpolation=cv2.INTER_AREA)
    return k / k.sum()


def glare(rng: np.random.Generator, peak: float) -> np.ndarray:
    """A tilted elliptical highlight with a saturated core and a faint streak through it."""
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    cx, cy = W / 2 + rng.uniform(-260, 260), H / 2 + rng.uniform(-200, 200)
    a = rng.uniform(0, math.pi)
    u = (xs - cx) * math.cos(a) + (ys - cy) * math.sin(a)
    v = -(xs - cx) * math.sin(a) + (ys - cy) * math.cos(a)
    ru, rv = rng.uniform(40, 160), rng.uniform(20, 80)
    d2 = (u / ru) ** 2 + (v / rv) ** 2
    spot = np.minimum(1.4 * np.exp(-d2 / 2), 1.0) + 0.25 * np.exp(-(v / 6) ** 2) * np.exp(-d2 / 30)
    return (peak * spot).astype(np.float32)


def camera(scene: np.ndarray, shot: rp.Shot, rng: np.random.Generator) -> np.ndarray:
    """Optics, exposure, glare, noise and JPEG, in that order, on a float image."""
    img = scene.astype(np.float32)
    if shot.blur:
        img = cv2.filter2D(img, -1, disc_kernel(shot.blur))
    if shot.motion:
        img = cv2.filter2D(img, -1, line_kernel(shot.motion, shot.motion_angle))
    img = 255 * (img / 255) ** 1.1 * shot.dark + shot.black  # sensor response, then exposure
    for _ in range(shot.glare_spots if shot.glare else 0):
        img += glare(rng, shot.glare)[..., None]
    img = np.clip(img, 0, 255)
    # Shot noise grows with the signal; read noise does not. σ = shot.noise at mid grey.
    sigma = shot.noise * np.sqrt(0.3 + 0.7 * img / 128)
    img = np.clip(img + rng.normal(0, 1, img.shape).astype(np.float32) * sigma, 0, 255)
    img = img.astype(np.uint8)
    if shot.jpeg:
        buf = io.BytesIO()
        Image.fromarray(img[..., ::-1]).save(buf, "JPEG", quality=shot.jpeg, subsampling=2)
        img = np.asarray(Image.open(buf))[..., ::-1].copy()
    return img


def draw_shot(rng: np.random.Generator, angle: float) -> rp.Shot:
    """This model's own draw of the issue's conditions (recorded as a Shot for the tables)."""
    lost = rng.random()
    return rp.Shot(
        angle=angle,
        px_per_mm=float(rng.uniform(1.2, 2.8) * rp.DOTS_PER_MM),
        offset=(float(rng.uniform(-150, 150)), float(rng.uniform(-70, 70))),
        keystone=float(rng.uniform(0, 0.2)) if rng.random() < 0.6 else 0.0,
        keystone_dir=float(rng.uniform(0, 360)),
        blur=float(rng.uniform(0.3, 1.8)) if rng.random() < 0.5 else 0.0,
        motion=int(rng.integers(2, 9)) if rng.random() < 0.3 else 0,
        motion_angle=float(rng.uniform(0, 180)),
        glare=float(rng.uniform(100, 255)) if rng.random() < 0.3 else 0.0,
        glare_spots=int(rng.integers(1, 3)),
        dark=float(rng.uniform(0.45, 1.1)),
        black=float(rng.uniform(-30, 20)),
        noise=float(rng.uniform(2, 10)),
        jpeg=int(rng.integers(30, 91)) if rng.random() < 0.6 else 0,
        ink=int(rng.integers(0, 70)),
        qr_lost="torn" if lost < 0.25 else "folded" if lost < 0.5 else "",
    )


def photo(payload: rp.Payload | None, shot: rp.Shot, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    receipt, layout = rp.cached_receipt(payload)
    receipt = np.where(receipt < 128, shot.ink, 250).astype(np.uint8)
    alpha = np.full(receipt.shape, 255, np.uint8)
    if shot.qr_lost and payload is not None:
        receipt, alpha = lose_qr(receipt, layout, shot.qr_lost, rng)
    aim = (layout.bars if shot.qr_lost else layout.top) / 2 + layout.bottom / 2
    h = pose_homography(receipt.shape, aim, shot)
    paper = cv2.warpPerspective(receipt, h, (W, H), flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(alpha, h, (W, H), flags=cv2.INTER_LINEAR)[..., None] / 255.0
    tint = np.array([0.92, 0.96, 1.0])
    scene = background(rng) * (1 - cover) + paper[..., None] * tint * cover
    return camera(scene, shot, rng)


def photos(n: int = 200, seed: int = 2026) -> Iterator[rp.Photo]:
    """`n` receipt photos; every third QR holds the lookup URL. The aimed code stays in the
    frame (the citizen watches the preview)."""
    for i in range(n):
        payload, shot, photo_seed = receipt_shot(seed, i, n)
        yield rp.Photo(i, "receipt", photo(payload, shot, photo_seed), payload, shot)


def receipt_shot(seed: int, i: int, n: int) -> tuple[rp.Payload, rp.Shot, int]:
    """Photo `i` of a set of `n`, without drawing it: what it shows, how it is taken, and the
    seed that draws it (tests pick single hard photos of a set this way)."""
    rng = np.random.default_rng([seed, 77, i])
    payload = rp.make_payload(i % 16, rp.SITE_URL if i % 3 == 2 else "")
    angle = float(-30 + 60 * (i + rng.uniform()) / n)
    shot = rp.aimed(draw_shot(rng, angle), payload)
    return payload, shot, int(rng.integers(2**31))


def empty_photos(n: int = 56, seed: int = 2026) -> Iterator[rp.Photo]:
    """Code-free frames: a receipt printed without codes, in this model's camera."""
    for i in range(n):
        rng = np.random.default_rng([seed, 78, i])
        shot = draw_shot(rng, float(rng.uniform(-30, 30)))
        yield rp.Photo(i, "text-receipt", photo(None, shot, int(rng.integers(2**31))), None,
                       shot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the JPEG files")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for p in photos(args.n, args.seed):
        name = f"receipt-{p.index:03d}-a{p.shot.angle:+.0f}.jpg"
        cv2.imwrite(str(args.out / name), p.image, [cv2.IMWRITE_JPEG_QUALITY, 95])


if __name__ == "__main__":
    main()
