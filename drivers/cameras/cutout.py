"""The Code 128 of a receipt found in a frame and cut out: the patches of parallel bars
(`find_bars`), each turned upright and enlarged (`cut_out`), the tests that pick cut-outs for
the glare passes (`GATES`), and the ways a cut-out is prepared for a 1D reader (`enhance`).
The decoder's located passes (decoder.py) run readers over what this module makes."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.cameras.glare import glared, washed_out
from drivers.cameras.rowscan import anchored
from drivers.cameras.symbols import Point

# Our Code 128: 145 modules of 2 dots (with its quiet zones about 20 modules more), 80 dots tall.
BARS_MODULES = 145
BARS_ASPECT = 2 * BARS_MODULES / 80
CUTOUT_MODULE_PX = 3.0  # enough for a binarizer to find the narrowest bar
CUTOUT_ROWS = 96
CUTOUT_MAX_WIDTH = 1800  # our code at the largest scale, enlarged, with its quiet zones
TALL = 1.1  # a tall cut-out's height: the code's, and a little for the estimate's error


@dataclass(frozen=True)
class Bars:
    """A patch of parallel bars in the frame (pixels); `angle` runs across the bars."""

    centre: tuple[float, float]
    angle: float  # radians
    length: float  # across the bars
    height: float  # along the bars


def find_bars(gray: np.ndarray, limit: int = 3) -> list[Bars]:
    """The largest patches of parallel bars in the frame.

    A cell of the frame is in a patch when the gradients around it are strong, nearly all along
    one line (coherence), and cancel out on average (bars go dark-light-dark; the edge of a sheet
    of paper or a shadow does not). Gradients come from a half-size copy, pooled in cells of
    CELL pixels: the smallest code we read is still 7 cells tall and 25 long.
    """
    jxx, jyy, jxy, mx, my, mag = _pooled_gradients(gray)
    energy = jxx + jyy + 1e-3
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / energy
    net = np.sqrt(mx * mx + my * my) / (mag + 1e-3)  # 1 along an edge, ~0 across bars
    mask = ((coherence > 0.6) & (net < 0.5) & (energy > 1500)).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    found = []
    for label in np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1:
        if stats[label, cv2.CC_STAT_AREA] < MIN_CELLS or len(found) == limit:
            break
        ys, xs = np.nonzero(labels == label)
        angle = 0.5 * math.atan2(2 * jxy[ys, xs].sum(), (jxx[ys, xs] - jyy[ys, xs]).sum())
        bars = _extent(xs, ys, angle)
        if bars.length >= 0.5 * bars.height:  # not a long thin edge along the gradient
            found.append(bars)
    return found


CELL = 8  # frame pixels per side of a cell
MIN_CELLS = 8


def _pooled_gradients(gray: np.ndarray) -> list[np.ndarray]:
    """Per cell: mean gx², gy², gx·gy, gx, gy, |g| of the half-size frame, over 3×3 cells."""
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    f = half.astype(np.float32)
    gx = cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(f, cv2.CV_32F, 0, 1, ksize=3)
    size = (gray.shape[1] // CELL, gray.shape[0] // CELL)
    return [cv2.blur(cv2.resize(g, size, interpolation=cv2.INTER_AREA), (3, 3))
            for g in (gx * gx, gy * gy, gx * gy, gx, gy, cv2.magnitude(gx, gy))]


def _extent(xs: np.ndarray, ys: np.ndarray, angle: float) -> Bars:
    across = np.array([math.cos(angle), math.sin(angle)])
    along = np.array([-across[1], across[0]])
    pts = np.stack([xs, ys], 1).astype(np.float32)
    u0, u1 = np.percentile(pts @ across, [1, 99])
    v0, v1 = np.percentile(pts @ along, [2, 98])
    centre = ((u0 + u1) * across + (v0 + v1) * along) / 2
    x, y = (centre + 0.5) * CELL - 0.5
    return Bars((float(x), float(y)), angle, float(u1 - u0 + 1) * CELL,
                float(v1 - v0 + 1) * CELL)


@dataclass
class Cutout:
    image: np.ndarray  # bars upright, enlarged
    to_frame: np.ndarray  # 2×3 affine: cut-out pixel → frame pixel
    module: float  # expected module width in the cut-out, pixels
    zoom: float  # cut-out pixels per frame pixel


def cut_out(gray: np.ndarray, bars: Bars, tall: bool = False, shift: float = 0.0) -> Cutout:
    """The patch turned so the bars stand upright, enlarged to ~3 px per module. A patch can be
    part of the code (glare or blur splits it): the bars' height gives the code's full length,
    so the cut-out reaches that far on both sides, with the quiet zones. A `tall` cut-out spans
    the code's whole height (from its length, too), squeezed along the bars into CUTOUT_ROWS
    rows (glare.py reads it). A `shift` moves the cut-out that share of the bars' height along
    them: the bars above or below a glare spot in their middle."""
    full = max(bars.length, BARS_ASPECT * bars.height * 1.25)
    module = max(bars.length, BARS_ASPECT * bars.height) / BARS_MODULES
    zoom = float(np.clip(CUTOUT_MODULE_PX / module, 1.0, 3.0))
    half = max(bars.length / 2, full - bars.length / 2) + 0.3 * bars.height
    size = (min(int(2 * half * zoom), CUTOUT_MAX_WIDTH), int(min(bars.height * zoom, CUTOUT_ROWS)))
    squeeze = zoom
    if tall:
        size = (size[0], CUTOUT_ROWS)
        squeeze = CUTOUT_ROWS / (max(bars.height, module * BARS_MODULES / BARS_ASPECT) * TALL)
    c, s = math.cos(bars.angle), math.sin(bars.angle)
    m = np.array([[c / zoom, -s / squeeze, 0.0], [s / zoom, c / squeeze, 0.0]])
    along = np.array([-s, c]) * shift * bars.height
    m[:, 2] = np.array(bars.centre) + along - m[:, :2] @ (np.array(size) / 2)
    image = cv2.warpAffine(gray, m, size, flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
                           borderMode=cv2.BORDER_REPLICATE)
    return Cutout(image, m, module * zoom, zoom)


# Along a code in even light the paper between the bars is about as light everywhere; a glare
# spot that did not saturate (dim light) makes it this many times lighter in one place than in
# another. Code-free cut-outs reach it 3 times in 100.
UNEVEN = 2.2


def _glared(cutout: Cutout) -> bool:
    return glared(cutout.image, cutout.module)


# Of a tall cut-out: it spans the code's whole height, most of which a spot over part of the
# bars leaves alone (a 1.4 % washed one read only there, second model 948993 #306).
TALL_WASHED_SHARE = 0.01


def _glared_tall(cutout: Cutout) -> bool:
    return glared(cutout.image, cutout.module, TALL_WASHED_SHARE)


def _uneven(cutout: Cutout) -> bool:
    """Glare washed out part of the cut-out, or lit it very unevenly: too much for the readers'
    thresholds, which levelling the rows between their local extremes helps."""
    if _glared(cutout):
        return True
    profile = cutout.image.astype(np.float32).mean(axis=0)[None]
    kernel = np.ones((1, int(7 * cutout.module) | 1), np.uint8)
    hi = cv2.dilate(profile, kernel)[0]
    span = hi - cv2.erode(profile, kernel)[0]
    paper = hi[span > 0.5 * np.percentile(span, 95)]  # the light between the bars
    if paper.size < 10:
        return False
    return float(np.percentile(paper, 95)) > UNEVEN * max(float(np.percentile(paper, 5)), 1.0)


def _anchored(cutout: Cutout) -> bool:
    """Whether the row scan finds an end symbol that the other end closes on the cut-out as it
    is: few code-free cut-outs have one, and the plain row-scan pass has looked already (the
    row scan keeps the places it found)."""
    return anchored(cutout.image, cutout.module)


GATES: dict[str, Callable[[Cutout], bool]] = {"glared": _glared, "uneven": _uneven,
                                               "glared-tall": _glared_tall, "anchored": _anchored}
# Gates tested on the tall cut-out: glare that split the patch of bars found, or lies above or
# below it, is on the code's whole height only.
TALL_GATES = {"glared-tall"}


def cutout_points(points: tuple[Point, ...], cutout: Cutout, how: str) -> tuple[Point, ...]:
    """Points read on an enhanced cut-out, in the cut-out's own pixels."""
    if not how:
        return points
    rows = len(range(0, cutout.image.shape[0], ROW_STEP))  # stacked bands repeat these rows
    return tuple((x, (y % rows) * ROW_STEP) for x, y in points)


def enhance(image: np.ndarray, how: str, module: float, zoom: float = 1.0) -> np.ndarray:
    """Prepare a cut-out (bars upright, `module` px wide, `zoom` × the frame) for a 1D reader:
    every ROW_STEP-th row of it, averaged along the bars."""
    if not how:
        return image
    if how == "unsmear":
        rows = cv2.blur(image.astype(np.float32), (1, 9))[::ROW_STEP]
        bands = [_unsmear(rows, round(length * zoom)) for length in SMEAR_LENGTHS]
        return np.clip(np.vstack(bands), 0, 255).astype(np.uint8)
    if how == "clean":
        image = _clean_rows(image, module)
    # Averaging along the bars keeps them and cuts the noise and JPEG blocks thrice over; the
    # rows are then that much alike, so a third of them are enough to read.
    f = cv2.blur(image.astype(np.float32), (1, 15 if how == "smooth" else 9))[::ROW_STEP]
    if how in ("level", "unwashed"):
        f = np.clip(_level(f, module), 0, 255)
    if how in ("level", "sharpen", "unwashed"):
        f = _unsharp(f, module, 1.5, 0.5)
    elif how == "deblur":
        f = _unsharp(f, module, 3.0, 0.7)
    if how in ("unwashed", "clean"):  # for the row scan, which leaves unknown samples out
        return np.where(np.isnan(washed_out(image, module)[::ROW_STEP]), np.nan,
                        np.clip(f, 0, 255)).astype(np.float32)
    return np.clip(f, 0, 255).astype(np.uint8)


# "unwashed": levelled, and unknown (NaN) where glare saturated it. Levelling stretches what
# glare left of the paper to full contrast, and the row scan matched such a stretch of a
# photo as bars, and misread it (second model, seed 827446, #388 of 400).
# "clean": "unwashed" on the rows glare left (nearly) unsaturated (`_clean_rows`).
ENHANCE = ("average", "smooth", "level", "sharpen", "deblur", "unsmear", "unwashed", "clean")

ROW_STEP = 3
# A hand moving during the exposure smears the bars by a few pixels: the lengths (frame pixels,
# across the bars) that "unsmear" undoes, each in its own band of the image it returns.
SMEAR_LENGTHS = (4.5, 6.5, 8.5)


CLEAN_SHARE = 0.02  # of a row saturated by glare, at most, for the row to be clean
CLEAN_ROWS = 12  # fewer clean rows than this: the whole cut-out


def _clean_rows(image: np.ndarray, module: float) -> np.ndarray:
    """The rows of a tall cut-out that glare left (nearly) unsaturated, stacked: a spot over
    the code's middle leaves a few rows above or below it whole, which averaged with the washed
    rows in a band of the row scan would have too little say."""
    share = np.isnan(washed_out(image, module)).mean(axis=1)
    rows = np.flatnonzero(share <= CLEAN_SHARE)
    return image[rows] if len(rows) >= CLEAN_ROWS else image


def _unsmear(rows: np.ndarray, length: int) -> np.ndarray:
    """Undo a box blur `length` px long along the rows (Wiener filter, signal/noise 100)."""
    n = rows.shape[1]
    box = np.zeros(n, np.float32)
    box[:length] = 1.0 / length
    spectrum = np.fft.rfft(np.roll(box, -(length // 2)))
    mean = rows.mean(axis=1, keepdims=True)
    flat = np.fft.rfft(rows - mean, axis=1)
    gain = np.conj(spectrum) / (np.abs(spectrum) ** 2 + 0.01)
    return np.fft.irfft(flat * gain, n=n, axis=1).astype(np.float32) + mean


def _unsharp(f: np.ndarray, module: float, amount: float, sigma: float) -> np.ndarray:
    """Steepen the bar edges that focus or motion blur spread over a module or two."""
    return f + amount * (f - cv2.GaussianBlur(f, (0, 0), sigma * module))


def _level(f: np.ndarray, module: float) -> np.ndarray:
    """Stretch each stretch of the row between its local darkest and lightest: glare and shade
    vary slowly along the code, bars and spaces within a few modules. Where there is no code
    (quiet zones) the stretch is capped, so noise stays noise-sized."""
    width = int(7 * module) | 1
    kernel = np.ones((1, width), np.uint8)
    lo = cv2.blur(cv2.erode(f, kernel), (width, 1))
    hi = cv2.blur(cv2.dilate(f, kernel), (width, 1))
    floor = 0.3 * float(np.percentile(hi - lo, 90)) + 1.0
    return (f - lo) / np.maximum(hi - lo, floor) * 255
