"""Deterministic synthetic photos of motcua receipts held up to a kiosk camera.

The receipt is drawn at printer resolution (58 mm paper, 384 printed dots at 8 dots/mm) with the
two receipt symbols of DESIGN.md: a QR code (alphanumeric, error correction M, 8 dots/module,
~25 mm; `CODE/TOKEN` or the lookup URL ending in `/L/CODE/TOKEN`) and a Code 128 set C of the
20-digit compact form (2 dots/module). Half the receipts have lost their QR code: torn off along
a ragged edge, or folded back behind the paper. Each photo warps the receipt into a 1280×720
frame the way a citizen holds it — the scene first (rotated −30°..+30°, 0.75–2.8 camera pixels
per printer dot, keystone up to a far/near ratio of 0.8, perspective, bent or curled, fingers,
clutter), then the camera: Gaussian focus blur up to σ 1.8 px, motion blur along a random
direction, exposure gain 0.45–1.1 with a black-level offset of −30..+20 (or old-style low
light), glare spots, sensor noise σ 2–10 and JPEG loss. The citizen sees the kiosk's preview, so
the code they aim stays inside the frame. Code-free frames (clutter, text-only receipts, printed
pages, textures, stripes, grids, noise) check that a decoder never false-reads.

Everything is seeded per photo, so photo *i* of a given seed is always the same image.

The parts live in their own modules: receipt_print.py (the paper as printed, torn or folded),
photo_scene.py (the background and the receipt held in it), photo_camera.py (`Shot` and what
the camera does to the frame) and photo_baits.py (code-free content); this module draws the
shots and yields the photo sets, and re-exports the parts' public names.

    .venv/bin/python bench/receipt_photos.py --out /tmp/photos   # write them as JPEG files
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from bench.photo_baits import grid, stripes, text_page, texture
from bench.photo_camera import FRAME_H, FRAME_W, Shot, degrade
from bench.photo_scene import clutter, paste_receipt
from bench.receipt_print import (
    AGENCIES,
    C128_DOTS_PER_MODULE,
    C128_HEIGHT_DOTS,
    DOTS_PER_MM,
    PAPER_DOTS,
    PRINT_DOTS,
    QR_DOTS_PER_MODULE,
    SITE_URL,
    Layout,
    Payload,
    cached_receipt,
    code128_modules,
    make_payload,
    qr_modules,
    render_receipt,
)

# The photo model's whole surface, for benchmarks and tests: it is built from the modules above.
__all__ = ["AGENCIES", "C128_DOTS_PER_MODULE", "C128_HEIGHT_DOTS", "DOTS_PER_MM", "EMPTY_KINDS",
    "FRAME_H", "FRAME_W", "PAPER_DOTS", "PRINT_DOTS", "QR_DOTS_PER_MODULE", "SITE_URL", "Layout",
    "Payload", "Photo", "Shot", "aimed", "cached_receipt", "clutter", "code128_modules",
    "degrade", "empty_photos", "make_payload", "paste_receipt", "photos", "qr_modules",
    "random_shot", "receipt_photo", "receipt_shot", "render_receipt"]


@dataclass
class Photo:
    index: int
    kind: str  # "receipt" or a code-free kind
    image: np.ndarray  # BGR uint8, FRAME_H × FRAME_W
    payload: Payload | None
    shot: Shot


# --- shots and photo sets -----------------------------------------------------------------


def random_shot(rng: np.random.Generator, angle: float) -> Shot:
    """One hand-held shot; each degradation is on for a share of the set, drawn independently."""
    on = rng.random(9)
    curl = bool(on[5] < 0.4)
    low_light = bool(on[3] < 0.12)  # the first round's dim lobby: no black-level offset
    lost = ("torn", "folded")[int(on[8] * 4) % 2] if on[8] < 0.5 else ""
    return Shot(
        angle=angle,
        px_per_mm=_scale(rng),
        offset=(float(rng.uniform(-140, 140)), float(rng.uniform(-60, 60))),
        perspective=float(rng.uniform(0, 0.1)),
        keystone=float(rng.uniform(0, 0.2)) if on[6] < 0.6 else 0.0,
        keystone_dir=float(rng.uniform(0, 360)),
        # Curled along its length the receipt bends gentler: it is held at the middle.
        bend=float(rng.uniform(1 / 900, 1 / 320)) / (2 if curl else 1) if on[0] < 0.5 else 0.0,
        curl=curl,
        blur=float(rng.uniform(0.4, 1.8)) if on[1] < 0.5 else 0.0,
        motion=int(rng.integers(2, 8)) if on[7] < 0.3 else 0,
        motion_angle=float(rng.uniform(0, 180)),
        glare=float(rng.uniform(120, 255)) if on[2] < 0.3 else 0.0,
        glare_spots=int(rng.integers(1, 4)),
        dark=float(rng.uniform(0.15, 0.35) if low_light else rng.uniform(0.45, 1.1)),
        black=0.0 if low_light else float(rng.uniform(-30, 20)),
        noise=float(rng.uniform(2, 10)),
        jpeg=int(rng.integers(30, 90)) if on[4] < 0.6 else 0,
        ink=int(rng.integers(0, 70)),
        qr_lost=lost,
    )


def _scale(rng: np.random.Generator) -> float:
    """Pixels per mm: mostly held close (1.2–2.8 px per dot), a fifth at the first round's
    arm's length (0.75–1.4 px per dot, Code 128 bars of 1.5–2.75 px)."""
    if rng.random() < 0.2:
        return float(rng.uniform(6.0, 11.0))
    return float(rng.uniform(1.2, 2.8) * DOTS_PER_MM)


def aimed(shot: Shot, payload: Payload) -> Shot:
    """The shot as the citizen ends up taking it, watching the preview: the code they aim (QR and
    Code 128, or the Code 128 left on a torn receipt) stays in the frame — they step back when it
    does not fit, and move it in when it sticks out."""
    _, layout = cached_receipt(payload)
    top = layout.bars if shot.qr_lost else layout.top
    w = C128_DOTS_PER_MODULE * len(code128_modules(payload.code128)) + 20
    w, h = max(w, layout.qr_width), layout.bottom - top
    a = math.radians(shot.angle)
    span = np.array([w * abs(math.cos(a)) + h * abs(math.sin(a)),
                     w * abs(math.sin(a)) + h * abs(math.cos(a))])
    room = np.array([FRAME_W, FRAME_H]) - 2 * AIM_MARGIN
    # Keystone and perspective stretch the near side: keep the room they need.
    stretch = 1 + shot.keystone + shot.perspective
    s = min(shot.px_per_mm / DOTS_PER_MM, *(room / span / stretch))
    slack = np.maximum(room - span * s * stretch, 0) / 2
    offset = tuple(float(np.clip(o, -m, m)) for o, m in zip(shot.offset, slack, strict=True))
    return replace(shot, px_per_mm=min(shot.px_per_mm, s * DOTS_PER_MM), offset=offset)


AIM_MARGIN = 24  # pixels between the aimed code and the frame's edge


def _aim_row(layout: Layout, shot: Shot) -> float:
    """The receipt row the citizen centres: the middle of the codes that are still there."""
    return ((layout.bars if shot.qr_lost and layout.qr_width else layout.top)
            + layout.bottom) / 2


def receipt_photo(payload: Payload | None, shot: Shot, seed: int) -> np.ndarray:
    """One photo of the receipt for `payload` (None: a receipt printed without codes)."""
    rng = np.random.default_rng(seed)
    receipt, layout = cached_receipt(payload)
    frame = clutter(rng)
    paste_receipt(frame, receipt, _aim_row(layout, shot), shot, rng, layout)
    return degrade(frame, shot, rng)


def _angle(i: int, n: int, rng: np.random.Generator) -> float:
    # Stratified over −30..+30 so both extremes are always in the set.
    return float(np.clip(-30 + 60 * (i + rng.uniform(0, 1)) / n, -30, 30))


def photos(n: int = 200, seed: int = 2026) -> Iterator[Photo]:
    """The `n` receipt photos, one at a time (a frame is 2.7 MB; the set would be 0.5 GB).
    Every third receipt's QR holds the lookup URL rather than CODE/TOKEN."""
    for i in range(n):
        payload, shot, photo_seed = receipt_shot(seed, i, n)
        yield Photo(i, "receipt", receipt_photo(payload, shot, photo_seed), payload, shot)


def receipt_shot(seed: int, i: int, n: int) -> tuple[Payload, Shot, int]:
    """Photo `i` of a set of `n`, without drawing it: what it shows, how it is taken, and the
    seed that draws it (tests pick single hard photos of a set this way)."""
    rng = np.random.default_rng([seed, i])
    payload = make_payload(i % 16, SITE_URL if i % 3 == 2 else "")
    shot = aimed(random_shot(rng, _angle(i, n, rng)), payload)
    return payload, shot, int(rng.integers(2**31))


EMPTY_KINDS = ("clutter", "text-receipt", "stripes", "grid", "noise", "text-page", "texture")


def empty_photos(n: int = 50, seed: int = 2026) -> Iterator[Photo]:
    """Frames with no code at all, some full of bar- and finder-like patterns."""
    for i in range(n):
        rng = np.random.default_rng([seed, 1_000_000 + i])
        kind = EMPTY_KINDS[i % len(EMPTY_KINDS)]
        shot = random_shot(rng, _angle(i, n, rng))
        yield Photo(i, kind, _empty_frame(kind, shot, rng), None, shot)


def _empty_frame(kind: str, shot: Shot, rng: np.random.Generator) -> np.ndarray:
    seed = int(rng.integers(2**31))
    if kind == "text-receipt":
        return receipt_photo(None, shot, seed)
    frame = clutter(np.random.default_rng(seed))
    if kind == "stripes":
        stripes(frame, rng)
    elif kind == "grid":
        grid(frame, rng)
    elif kind == "noise":
        frame[:] = rng.integers(0, 256, size=frame.shape[:2], dtype=np.uint8)[..., None]
    elif kind == "text-page":
        text_page(frame, shot, rng)
    elif kind == "texture":
        texture(frame, rng)
    return degrade(frame, replace(shot, glare=0.0), rng)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the JPEG files")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--empty", type=int, default=56)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for photo in [*photos(args.n, args.seed), *empty_photos(args.empty, args.seed)]:
        name = f"{photo.kind}-{photo.index:03d}-a{photo.shot.angle:+.0f}.jpg"
        cv2.imwrite(str(args.out / name), photo.image, [cv2.IMWRITE_JPEG_QUALITY, 95])


if __name__ == "__main__":
    main()
