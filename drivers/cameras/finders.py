"""QR codes with one finder pattern washed out by glare.

zxing finds a QR code by its three finder patterns (the nested squares in three corners); a
glare spot over one of them, even one that leaves it grey rather than white, and zxing reads
nothing, although the other two and most of the modules are still plain to see. The third
finder's place follows from the other two: a QR code is square, so it lies a side's length
across from one of them (or, when the two are diagonal, beside their midpoint). This pass finds
the finders still there (dark squares nested twice in the locally levelled frame), paints a
clean finder at each place the third may be, at a few stretches and sizes for the perspective,
and reads the QR code on a crop around them. The code's error correction (level M) reads
through the rest of the glare and keeps the pass from misreading: a finder painted in a wrong
place gives modules that do not decode.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations, product

import cv2
import numpy as np

from drivers.cameras.glare import frame_glared
from drivers.cameras.symbols import QR, Decoded

Read = Callable[[np.ndarray, Sequence[str]], list[Decoded]]

MIN_FINDER_AREA = 400  # frame pixels²: a finder of 7 modules of 8 dots at 0.36 px per dot
SIMILAR = 1.5  # the two finders of one code: sides within this ratio (keystone)
NESTED_AREA = (2.5, 12.0)  # outer square's area over the inner one's (7² / 3² ≈ 5.4)
# Along the side from the finder found to the one painted, the code looks this much longer than
# between the two found (perspective), and its modules this much larger.
STRETCHES = (1.0, 1.1, 1.2)
SCALES = (1.0, 1.15)
MAX_PLACES = 2 * len(STRETCHES) * len(SCALES) * 2 + 2  # one pair's worth: code-free frames
CODE_REACH = 33 / 7  # finder sides: the farthest another finder of a code of 33 modules lies
QUIET_MODULES = 8  # the crop: beyond the finders' centres, half a finder and the quiet zone


@dataclass(frozen=True)
class Finder:
    centre: tuple[float, float]
    side: float  # pixels
    # Unit vectors along its two pairs of sides: the code's rows and columns where it is, which
    # perspective turns from square to the line between two finders.
    axes: tuple[tuple[float, float], ...] = ()
    # Its outline's four corners, where it is a quadrilateral (qrgrid.py maps the code by them).
    corners: tuple[tuple[float, float], ...] = ()

    def moved(self, dx: float, dy: float) -> Finder:
        return replace(self, centre=(self.centre[0] + dx, self.centre[1] + dy),
                       corners=tuple((x + dx, y + dy) for x, y in self.corners))


@dataclass(frozen=True)
class Place:
    """Where to paint the missing finder: its centre, the direction of the code's rows, the
    module's size; and the two finders found, for the crop."""

    centre: np.ndarray
    along: np.ndarray  # unit vector
    module: float
    found: tuple[Finder, Finder]


def qr_finder_backend(read: Read, level: Callable[[np.ndarray], np.ndarray],
                      places: Callable[[list[Finder]], list[Place]] | None = None,
                      most: int = MAX_PLACES) -> Read:
    """A Backend for whole frames: the QR code read by `read` with its third finder painted in
    where two were found (`level`: the frame stretched between its local extremes), at the
    first `most` of the `places` (default `third_places`) they give."""
    places = places or third_places

    def read_qr(gray: np.ndarray, formats: Sequence[str]) -> list[Decoded]:
        if QR not in formats or not frame_glared(gray):
            return []
        for place in places(locate(gray, level))[:most]:
            found = read_painted(read, gray, place)
            if found:
                return found
        return []

    return read_qr


def locate(gray: np.ndarray, level: Callable[[np.ndarray], np.ndarray],
           holes: bool = False) -> list[Finder]:
    """The finder patterns of the frame: looked for at half size (a quarter of the cost), then,
    where two or more are, at full size around them (a pixel off in the centre of the one found
    is a finder painted off by as much). `holes`: also by their centre (`centre_finders`),
    and at full size within a whole code's reach of even one found at half size (the others
    may show at full size only)."""
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    rough = finders(level(half), scale=2.0, holes=holes)
    if len(rough) < (1 if holes else 2):
        return []
    centres = np.array([f.centre for f in rough])
    margin = max(f.side for f in rough) * (CODE_REACH if holes else 1)
    x0, y0 = np.maximum(np.floor(centres.min(axis=0) - margin), 0).astype(int)
    x1, y1 = np.ceil(centres.max(axis=0) + margin).astype(int)
    return [f.moved(x0, y0) for f in finders(level(gray[y0:y1, x0:x1]), holes=holes)]


def finders(levelled: np.ndarray, scale: float = 1.0, holes: bool = False) -> list[Finder]:
    """Dark squares with a light square inside holding a dark one, about concentric: finder
    patterns, largest first, in pixels of an image `scale` times larger than `levelled`.
    `holes`: also those found by their centre alone (`centre_finders`)."""
    # The median takes out the specks levelling makes of the paper's noise: fewer contours.
    dark = cv2.medianBlur((levelled < 128).astype(np.uint8), 3)
    contours, hierarchy = cv2.findContours(dark, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    child = hierarchy[0][:, 2]
    grandchild = np.where(child >= 0, child[np.maximum(child, 0)], -1)
    found = []
    for i in np.flatnonzero(grandchild >= 0):  # noise makes thousands of contours: few nest
        area = cv2.contourArea(contours[i]) * scale**2
        if area >= MIN_FINDER_AREA:
            outer, inner = (contours[k].astype(np.float32) * scale for k in (i, grandchild[i]))
            finder = _finder(outer, inner, area)
            found += [finder] if finder else []
    if holes:
        found += centre_finders(levelled, contours, hierarchy[0], scale, found)
    return sorted(found, key=lambda f: -f.side)


RING_SIDES = 3  # of the 4 sides of a finder's centre: how many must show its two rings


def centre_finders(levelled: np.ndarray, contours, hierarchy: np.ndarray, scale: float,
                   known: list[Finder]) -> list[Finder]:
    """Finders found by their dark centre (3×3 modules, square, holding nothing) with the light
    ring and the dark one around it on RING_SIDES of its four sides: on a blurred code the
    one-module light border around a finder closes and its dark ring joins the data modules
    next to it, and glare breaks that ring, so its outline is no square with a square inside."""
    found: list[Finder] = []
    for k in np.flatnonzero(hierarchy[:, 2] < 0):
        area = cv2.contourArea(contours[k])
        if area * (7 / 3 * scale) ** 2 < MIN_FINDER_AREA:
            continue
        (x, y), (w, h), angle = rect = cv2.minAreaRect(contours[k])
        if min(w, h) < 0.7 * max(w, h) or area < 0.7 * w * h:
            continue
        if _rings(levelled, (x, y), math.sqrt(area) / 3, math.radians(angle)) < RING_SIDES:
            continue
        box = cv2.boxPoints(rect)
        corners = ((box - (x, y)) * 7 / 3 + (x, y)) * scale
        finder = Finder((x * scale, y * scale), math.sqrt(area) * 7 / 3 * scale,
                        _axes(corners), tuple((float(a), float(b)) for a, b in corners))
        if not any(math.dist(finder.centre, f.centre) < f.side / 2 for f in [*known, *found]):
            found.append(finder)
    return found


def _rings(levelled: np.ndarray, centre: tuple[float, float], module: float,
           angle: float) -> int:
    """On how many of the centre's four sides the light ring (2 modules out) and the dark
    ring (3 out) are where a finder has them."""
    sides = 0
    for turn in range(4):
        dx, dy = math.cos(angle + turn * math.pi / 2), math.sin(angle + turn * math.pi / 2)
        light, dark = ((round(centre[0] + r * module * dx), round(centre[1] + r * module * dy))
                       for r in (2.0, 3.0))
        inside = all(0 <= px < levelled.shape[1] and 0 <= py < levelled.shape[0]
                     for px, py in (light, dark))
        sides += inside and levelled[light[1], light[0]] >= 128 > levelled[dark[1], dark[0]]
    return sides


def _finder(outer: np.ndarray, inner: np.ndarray, area: float) -> Finder | None:
    (x, y), (w, h), _ = cv2.minAreaRect(outer)
    moments = cv2.moments(inner)
    if min(w, h) < 0.6 * max(w, h) or moments["m00"] <= 0:
        return None
    if not NESTED_AREA[0] < area / moments["m00"] < NESTED_AREA[1]:
        return None
    ix, iy = moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]
    if math.hypot(ix - x, iy - y) > 0.2 * math.sqrt(area):
        return None
    quad = cv2.approxPolyDP(outer, 0.08 * cv2.arcLength(outer, True), True)[:, 0]
    if len(quad) != 4:
        return Finder((x, y), math.sqrt(area))
    return Finder((x, y), math.sqrt(area), _axes(quad),
                  tuple((float(px), float(py)) for px, py in quad))


def _axes(quad: np.ndarray) -> tuple[tuple[float, float], ...]:
    """The directions of a finder's two pairs of opposite sides (each pair's mean), its
    outline's four corners `quad`."""
    sides = np.roll(quad, -1, axis=0) - quad
    opposite = (sides[0] - sides[2], sides[1] - sides[3])
    return tuple((float(x), float(y)) for v in opposite if np.linalg.norm(v) > 0
                 for x, y in [v / np.linalg.norm(v)])


def third_places(found: list[Finder]) -> list[Place]:
    """Every place the third finder of two similar finders may be, pair by pair."""
    places = []
    for a, b, along, length, module in pairs(found):
        pa, pb = np.array(a.centre), np.array(b.centre)
        across = np.array([-along[1], along[0]])
        for corner, sign, stretch, scale in product((pa, pb), (1, -1), STRETCHES, SCALES):
            places.append(Place(corner + sign * stretch * length * across, along,
                                module * scale, (a, b)))
        for sign in (1, -1):  # the two found are diagonal
            places.append(Place((pa + pb) / 2 + sign * length / 2 * across,
                                (along + sign * across) / math.sqrt(2), module, (a, b)))
    return places


def pairs(found: list[Finder]):
    """Pairs of finders that may be two of one code's: similar sides, a side's length apart;
    with the unit vector from one to the other, their distance and the module's size."""
    for a, b in combinations(found, 2):
        if max(a.side, b.side) > SIMILAR * min(a.side, b.side):
            continue
        module = (a.side + b.side) / 14
        step = np.array(b.centre) - np.array(a.centre)
        length = float(np.linalg.norm(step))
        if length >= 8 * module:  # finders of one code are a side's length apart
            yield a, b, step / length, length, module


# Keystone turns a code's columns off the perpendicular to its rows: a finder painted
# perpendicularly was 0.5-6 modules off the washed-out one on keystoned photos. Along the found
# finder's own side, which lies on the code's column, it was 0.1-1.3 off; the column's length in
# the image, a tenth shorter to a fifth longer than the row's, and half a module across the side,
# which the finder's outline gives to a degree or so, are what is left to try.
SIDE_STRETCHES = (1.0, 0.95, 1.05, 0.9, 1.1, 1.15, 1.2)
SIDE_STEPS = (0.0, 0.5, -0.5)  # modules, across the side
MAX_SIDE_PLACES = len(SIDE_STEPS) * len(SIDE_STRETCHES) * 4  # one pair's worth


def side_places(found: list[Finder]) -> list[Place]:
    """The places the third finder of two may be along either found finder's side that
    crosses the line between them, the nearest to a square code first."""
    places = []
    for a, b, along, length, module in pairs(found):
        for step, stretch, corner, sign in product(SIDE_STEPS, SIDE_STRETCHES, (a, b), (1, -1)):
            down = _column(corner, along)
            if down is not None:
                centre = (np.array(corner.centre) + sign * stretch * length * down
                          + step * module * np.array([-down[1], down[0]]))
                places.append(Place(centre, along, module, (a, b)))
    return places


def _column(finder: Finder, along: np.ndarray) -> np.ndarray | None:
    """The finder's side direction farther from `along` (the code's column there)."""
    if len(finder.axes) != 2:
        return None
    return np.array(max(finder.axes, key=lambda v: abs(v[0] * along[1] - v[1] * along[0])))


def read_painted(read: Read, gray: np.ndarray, place: Place) -> list[Decoded]:
    """The QR code read on a crop around the two finders and the painted one, and the fourth
    corner (whichever of the three the square's other corner is across from)."""
    points = np.array([place.centre, *(f.centre for f in place.found)])
    points = np.vstack([points, points.sum(axis=0) - 2 * points])
    margin = QUIET_MODULES * place.module
    x0, y0 = np.maximum(np.floor(points.min(axis=0) - margin), 0).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + margin).astype(int)
    crop = gray[y0:y1, x0:x1].copy()
    if crop.size == 0:
        return []
    paint_finder(crop, place.centre - (x0, y0), place.along, place.module)
    return [Decoded(d.format, d.text, tuple((x + x0, y + y0) for x, y in d.corners))
            for d in read(crop, [QR])]


def paint_finder(image: np.ndarray, centre: np.ndarray, along: np.ndarray,
                 module: float) -> None:
    """A finder pattern with its light border, turned to `along`, drawn into `image`."""
    across = np.array([-along[1], along[0]])
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], np.float64)
    for half, shade in ((4.5, 255), (3.5, 0), (2.5, 255), (1.5, 0)):
        pts = centre + half * module * (corners[:, :1] * along + corners[:, 1:] * across)
        cv2.fillConvexPoly(image, np.round(pts * 16).astype(np.int32), shade, cv2.LINE_AA, 4)
