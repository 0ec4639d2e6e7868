"""QR codes read module by module, with what glare saturated left unknown.

Under the second photo model's glare a QR code can lose a band of its data modules, and often
a finder pattern, to a saturated spot or streak: zxing then sees every washed-out module as
light, a wrong bit, and a block with more wrong codewords than half its check codewords does
not decode. Here the code is mapped from three of its finders, or from two (each placement and
size they allow), by their centres and their outlines' corners (finders.py; also found by
their centre alone, where blur or glare broke their outer ring); the maps whose function
patterns (finders, timing, alignment) read most like themselves are refined a corner at a
time, and where that fails, tried again with the far corner put on the alignment pattern.
Each module is sampled on the locally levelled frame, and those in a saturated spot are
*erased*: unknown, which costs the block's error correction half what a wrong codeword does
(reedsolomon.py). The reading is taken only with check codewords to spare (SPARE), the format
information within its code's reach, the data's segments well formed and the padding after
them exactly as the standard writes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import combinations, product

import cv2
import numpy as np
import qrcode
from qrcode import util
from qrcode.base import rs_blocks

from drivers.cameras.finders import SIMILAR, Finder, locate, pairs
from drivers.cameras.glare import SATURATED, frame_glared
from drivers.cameras.reedsolomon import Uncorrectable, correct
from drivers.cameras.symbols import QR, Decoded

Read = Callable[[np.ndarray, Sequence[str]], list[Decoded]]

SIZES = (21, 25, 29, 33)  # modules: QR versions 1-4, the receipts' (a URL or a case code)
MAX_FINDERS = 5  # the largest finders found: up to ten triples
MAX_TRIPLES = 3
MAX_PAIRS = 2
# Of those tries, the likeliest refined and read, if their function patterns read right on
# at least 3/4 of their modules (MIN_RATE, of agreement less disagreement). Every receipt the
# pass read on used seeds was read on the likeliest try, at 0.58 or more; code-free frames'
# likeliest tries came to 0.44-0.63.
MAX_READS = 2
MIN_RATE = 0.5
RIGHT_ANGLE_COS = 0.35  # the corner finder's two sides: within ~20° of square (keystone)
SIDES_RATIO = 1.4  # and of lengths within this ratio
# A block is taken with at least this many check codewords to spare: at full capacity a
# block glare damaged beyond it is now and then "corrected" into another block.
SPARE = 2
FORMAT_ERRORS = 3  # the format information's BCH code corrects 3 wrong bits of 15
SAMPLE = 0.25  # modules: each module sampled at its centre and this far around it
GLARE_MODULES = 3


def grid_backend(level: Callable[[np.ndarray], np.ndarray]) -> Read:
    """A Backend for whole frames: where glare saturated a spot of the frame, the QR code read
    module by module from three of its finder patterns, or from two (`level`: the frame
    stretched between its local extremes)."""

    def read_qr(gray: np.ndarray, formats: Sequence[str]) -> list[Decoded]:
        if QR not in formats or not frame_glared(gray):
            return []
        found = locate(gray, level, holes=True)[:MAX_FINDERS]
        maps = [*list(_triple_tries(found))[:MAX_TRIPLES * 2],
                *list(_pair_tries(found))[:MAX_PAIRS * len(PAIR_ROLES) * 2]]
        maps = [(_homography(placed), size) for placed, size in maps]
        maps = [(m, size) for m, size in maps if m is not None]
        if not maps:
            return []
        levelled = level(gray)
        for to_frame, size in _likeliest(levelled, maps)[:MAX_READS]:
            found = read_grid(gray, levelled, to_frame, size)
            if found:
                return found
        return []

    return read_qr


# A finder placed: the finder found, and its centre's module coordinates (x, y) as a
# function of the code's size.
Placed = tuple[tuple[Finder, tuple[float, float]], ...]
CORNER = {"tl": lambda n: (3.5, 3.5), "tr": lambda n: (n - 3.5, 3.5),
          "bl": lambda n: (3.5, n - 3.5)}
# Two finders found: which two of the code's three they are (the code on the side the order
# gives; a photo is never mirrored).
PAIR_ROLES = (("tl", "tr"), ("tr", "tl"), ("tl", "bl"), ("bl", "tl"), ("tr", "bl"),
              ("bl", "tr"))


def _triple_tries(found: list[Finder]):
    for corner, right, down in _triples(found):
        for size in _sizes(corner, right, 1.0):
            yield _place(((corner, "tl"), (right, "tr"), (down, "bl")), size), size


def _pair_tries(found: list[Finder]):
    for a, b, *_ in pairs(found[:MAX_FINDERS]):
        for roles in PAIR_ROLES:
            diagonal = "tl" not in roles
            for size in _sizes(a, b, math.sqrt(2) if diagonal else 1.0):
                yield _place(((a, roles[0]), (b, roles[1])), size), size


def _place(roles, size: int) -> Placed:
    return tuple((finder, CORNER[role](size)) for finder, role in roles)


def _triples(found: list[Finder]):
    """Three finders that may be one code's, as (top-left, top-right, bottom-left): similar
    sizes, the first at a near right angle between two about equally far."""
    for three in combinations(found, 3):
        sides = [f.side for f in three]
        if max(sides) > SIMILAR * min(sides):
            continue
        for i in range(3):
            corner, b, c = three[i], three[i - 1], three[i - 2]
            u, w = np.subtract(b.centre, corner.centre), np.subtract(c.centre, corner.centre)
            lu, lw = float(np.linalg.norm(u)), float(np.linalg.norm(w))
            if (max(lu, lw) <= SIDES_RATIO * min(lu, lw)
                    and abs(float(np.dot(u, w))) <= RIGHT_ANGLE_COS * lu * lw):
                # Rows run from the corner to the top-right finder, columns down to the other.
                yield (corner, b, c) if u[0] * w[1] - u[1] * w[0] > 0 else (corner, c, b)


def _sizes(a: Finder, b: Finder, apart_over_side: float) -> list[int]:
    """The two code sizes nearest the spacing of finders `a` and `b` over their modules (a
    finder: 7), the spacing `apart_over_side` times the code's side between centres."""
    module = (a.side + b.side) / 14
    guess = math.dist(a.centre, b.centre) / apart_over_side / module + 7
    return sorted(SIZES, key=lambda n: abs(n - guess))[:2]


def _likeliest(levelled: np.ndarray, maps) -> list[tuple[np.ndarray, int]]:
    """The maps (and sizes) whose function patterns read most like themselves first, from
    MIN_RATE up."""
    rated = [(_agreement(levelled, *ms) / _function_count(ms[1]), ms) for ms in maps]
    return [ms for rate, ms in sorted(rated, key=lambda r: -r[0]) if rate >= MIN_RATE]


def _function_count(size: int) -> int:
    return len(function_modules((size - 17) // 4)[1])


def read_grid(gray: np.ndarray, levelled: np.ndarray, to_frame: np.ndarray,
              size: int) -> list[Decoded]:
    """The code of `size` modules mapped by `to_frame` (or with its far corner moved onto its
    alignment pattern), read module by module."""
    for start in (to_frame, _aligned(levelled, to_frame, size)):
        for contrast in REFINE_CONTRAST if start is not None else ():
            moved = refine(levelled, start, size, gray, contrast)
            text = decode_modules(*sample(gray, levelled, moved, size))
            if text is not None:
                square = np.array([[[0, 0], [size, 0], [size, size], [0, size]]], np.float64)
                corners = cv2.perspectiveTransform(square, moved)[0]
                return [Decoded(QR, text, tuple((float(x), float(y)) for x, y in corners))]
    return []


ALIGN_REACH = 4.0  # modules: how far from where the map puts it the alignment pattern is sought
ALIGN_STEP = 0.5
ALIGN_MIN = 23  # of its 25 modules read right


def _aligned(levelled: np.ndarray, to_frame: np.ndarray, size: int) -> np.ndarray | None:
    """The map with the code's far corner moved to where the alignment pattern (versions 2 and
    up, 7 modules in from that corner) reads best, if it reads well there and elsewhere than
    the map put it: the one function pattern on the far side of a code mapped from the finders
    near one side (keystone)."""
    if size < 25:
        return None
    square = np.array([[0, 0], [size, 0], [size, size], [0, size]], np.float32)
    corners = cv2.perspectiveTransform(square[None].astype(np.float64), to_frame)[0]
    module = float(np.linalg.norm(corners[1] - corners[0])) / size
    rows, cols = (np.mgrid[-2:3, -2:3] + size - 7).reshape(2, -1)
    steps = np.arange(-ALIGN_REACH, ALIGN_REACH + ALIGN_STEP / 2, ALIGN_STEP) * module
    best, where = -1, (0.0, 0.0)
    for dx, dy in product(steps, steps):
        trial = corners.copy()
        trial[2] += (dx, dy)
        matrix = cv2.getPerspectiveTransform(square, trial.astype(np.float32))
        right = np.count_nonzero((_at(levelled, matrix, rows, cols) < 128) == _ALIGNMENT)
        if right > best:
            best, where = right, (dx, dy)
    if best < ALIGN_MIN or where == (0.0, 0.0):
        return None
    corners[2] += where
    return cv2.getPerspectiveTransform(square, corners.astype(np.float32))


# The alignment pattern, row by row: a dark ring, a light one, a dark centre.
_ALIGNMENT = np.array([max(abs(r), abs(c)) != 1 for r in range(-2, 3) for c in range(-2, 3)])


def _homography(placed: Placed) -> np.ndarray | None:
    """Frame pixel ← module coordinates, from the finders' centres and their outlines' corners
    (each matched to the nearest corner of its finder's 7×7 square under the affine map the
    centres give: three make an affine map, two a turn and a scale)."""
    centres = np.array([where for _, where in placed], np.float32)
    seen = np.array([f.centre for f, _ in placed], np.float32)
    if len(placed) == 3:
        affine = cv2.getAffineTransform(centres, seen)
    else:
        affine, _ = cv2.estimateAffinePartial2D(centres, seen)
    if affine is None:
        return None
    back = cv2.invertAffineTransform(affine)
    src, dst = list(centres), list(seen)
    for finder, (cx, cy) in placed:
        square = np.array([(cx + dx, cy + dy) for dx in (-3.5, 3.5) for dy in (-3.5, 3.5)])
        for point in finder.corners:
            where = back @ (*point, 1.0)
            near = square[np.argmin(np.linalg.norm(square - where, axis=1))]
            if np.linalg.norm(near - where) < 1.5:  # modules
                src.append(near)
                dst.append(point)
    if len(src) < 6:
        return np.vstack([affine, [0, 0, 1]])
    matrix, _ = cv2.findHomography(np.array(src, np.float64), np.array(dst, np.float64), 0)
    return matrix


REFINE_STEPS = (2.0, 1.0, 0.5, 0.25)  # modules: how far each corner of the code is moved, in turn
REFINE_ROUNDS = 8
# The refinement's scores: the function patterns alone, then with the data modules' contrast
# (on used seeds each read receipts the other missed: the patterns near the glare are few).
REFINE_CONTRAST = (0.0, 0.5)
MOVES = ((1, 0), (-1, 0), (0, 1), (0, -1))


def refine(levelled: np.ndarray, to_frame: np.ndarray, size: int,
           gray: np.ndarray | None = None, contrast: float = 0.0) -> np.ndarray:
    """The map moved, a corner of the code at a time, while its function patterns (finders,
    timing, alignment) read more like themselves: a map from two finders is off at the far
    side, and one from three at the corner across from the first."""
    square = np.array([[0, 0], [size, 0], [size, size], [0, size]], np.float32)
    corners = cv2.perspectiveTransform(square[None].astype(np.float64), to_frame)[0]
    module = float(np.linalg.norm(corners[1] - corners[0])) / size
    best = _agreement(levelled, to_frame, size, gray, contrast)
    for step in REFINE_STEPS:
        for _ in range(REFINE_ROUNDS):
            moved = False
            for k, (dx, dy) in ((k, d) for k in range(4) for d in MOVES):
                trial = corners.copy()
                trial[k] += (dx * step * module, dy * step * module)
                matrix = cv2.getPerspectiveTransform(square, trial.astype(np.float32))
                score = _agreement(levelled, matrix, size, gray, contrast)
                if score > best:
                    best, corners, to_frame, moved = score, trial, matrix, True
            if not moved:
                break
    return to_frame


def _agreement(levelled: np.ndarray, to_frame: np.ndarray, size: int,
               gray: np.ndarray | None = None, contrast: float = 0.0) -> float:
    """The function pattern modules read as they are printed, less those read otherwise
    (each at its centre). Saturated ones count as light: left out, a map would gain by
    moving its patterns into the glare. With `contrast`, plus that times the data modules'
    distance from the middle grey (a map off the modules samples their edges), where `gray`
    is not saturated."""
    version = (size - 17) // 4
    (rows, cols), expect = function_modules(version)
    values = _at(levelled, to_frame, rows, cols)
    score = 2 * np.count_nonzero((values < 128) == expect) - len(expect)
    if contrast and gray is not None:
        rows, cols = data_modules(version)
        values = _at(levelled, to_frame, rows, cols).astype(np.float32)
        clear = _at(gray, to_frame, rows, cols) < SATURATED
        score += contrast * float(np.abs(values - 128)[clear].sum()) / 128
    return score


def _at(image: np.ndarray, to_frame: np.ndarray, rows: np.ndarray,
        cols: np.ndarray) -> np.ndarray:
    """The image at the centres of the modules (rows, cols)."""
    points = np.stack([cols + 0.5, rows + 0.5], axis=1)[None].astype(np.float64)
    xy = cv2.perspectiveTransform(points, to_frame)[0].astype(np.float32)
    return cv2.remap(image, xy[:, :1], xy[:, 1:], cv2.INTER_LINEAR, borderValue=255)[:, 0]


def sample(gray: np.ndarray, levelled: np.ndarray, to_frame: np.ndarray,
           size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each module dark (the levelled frame's mean around its centre below the middle) and
    erased (the frame saturated around its centre, and around its neighbours')."""
    offsets = (-SAMPLE, 0.0, SAMPLE)
    grid = np.array([[[c + 0.5 + dx, r + 0.5 + dy] for r in range(size) for c in range(size)]
                     for dy in offsets for dx in offsets], np.float64)
    points = cv2.perspectiveTransform(grid.reshape(1, -1, 2), to_frame)[0].astype(np.float32)
    map_x, map_y = points[:, 0].reshape(-1, 1), points[:, 1].reshape(-1, 1)
    shape = (len(offsets) ** 2, size, size)
    values = cv2.remap(levelled, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)
    raw = cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)
    dark = values.reshape(shape).astype(np.float32).mean(axis=0) < 128
    # Saturated modules in a spot at least GLARE_MODULES wide: where the paper itself
    # saturates (a bright exposure), light modules do too, but a dark one is always near.
    saturated = (raw.reshape(shape).max(axis=0) >= SATURATED).astype(np.uint8)
    spot = np.ones((GLARE_MODULES, GLARE_MODULES), np.uint8)
    return dark, cv2.morphologyEx(saturated, cv2.MORPH_OPEN, spot).astype(bool)


def decode_modules(dark: np.ndarray, erased: np.ndarray) -> str | None:
    """The text of a QR code given as its modules (True: dark) with some unknown, or None."""
    size = dark.shape[0]
    version = (size - 17) // 4
    fmt = _format(dark, erased)
    if fmt is None:
        return None
    level, mask = fmt
    places = data_places(version)
    flip = util.mask_func(mask)
    bits = [dark[r, c] != flip(r, c) for r, c in places]
    lost = [erased[r, c] for r, c in places]
    blocks = rs_blocks(version, level)
    count = sum(b.total_count for b in blocks)
    words = [int("".join("1" if b else "0" for b in bits[8 * i:8 * i + 8]), 2)
             for i in range(count)]
    unknown = [any(lost[8 * i:8 * i + 8]) for i in range(count)]
    data = []
    for block, known in zip(_deinterleave(words, blocks), _deinterleave(unknown, blocks),
                            strict=True):
        nsym = len(block) - (data_count := _data_count(blocks, len(block)))
        erasures = [i for i, u in enumerate(known) if u]
        try:
            fixed, errors = correct(block, nsym, erasures)
        except Uncorrectable:
            return None
        if 2 * errors + len(erasures) > nsym - SPARE:
            return None
        data += fixed[:data_count]
    return parse_segments(data, version)


def _data_count(blocks, total: int) -> int:
    return next(b.data_count for b in blocks if b.total_count == total)


def _deinterleave(stream: list, blocks) -> list[list]:
    """The blocks' codewords from the code's order: data codewords in turn, then check ones."""
    out: list[list] = [[] for _ in blocks]
    position = 0
    for part in ("data", "check"):
        sizes = [b.data_count if part == "data" else b.total_count - b.data_count
                 for b in blocks]
        for i in range(max(sizes)):
            for k, n in enumerate(sizes):
                if i < n:
                    out[k].append(stream[position])
                    position += 1
    return out


def _format(dark: np.ndarray, erased: np.ndarray) -> tuple[int, int] | None:
    """The error correction level and mask from the format information's two copies: the
    valid word nearest their known bits, within FORMAT_ERRORS of each copy that is known."""
    size = dark.shape[0]
    copies = [[(i if i < 6 else i + 1 if i < 8 else size - 15 + i, 8) for i in range(15)],
              [(8, size - i - 1 if i < 8 else 15 - i if i < 9 else 14 - i) for i in range(15)]]
    best, score = None, (99, 0)
    for data in range(32):
        word = util.BCH_type_info(data)
        wrong = known = 0
        for places in copies:
            for i, (r, c) in enumerate(places):
                if not erased[r, c]:
                    known += 1
                    wrong += dark[r, c] != bool((word >> i) & 1)
        if (wrong, -known) < score:
            best, score = data, (wrong, -known)
    if best is None or score[0] > FORMAT_ERRORS or -score[1] < 15:
        return None
    return best >> 3, best & 7


@lru_cache(maxsize=len(SIZES))
def _blank(version: int) -> tuple[tuple, ...]:
    """The code's function patterns (finders with their light borders, alignment, timing) as
    True/False, None elsewhere, and False on the format information."""
    code = qrcode.QRCode(version=version)
    code.modules_count = size = version * 4 + 17
    code.modules = [[None] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
        code.setup_position_probe_pattern(row, col)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    patterns = [list(row) for row in code.modules]
    code.setup_type_info(True, 0)
    return tuple(map(tuple, patterns)), tuple(map(tuple, code.modules))


@lru_cache(maxsize=len(SIZES))
def function_modules(version: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of the function pattern modules, and whether each is dark."""
    patterns = np.array(_blank(version)[0], dtype=object)
    rows, cols = np.nonzero(patterns != None)  # noqa: E711 (elementwise)
    return np.stack([rows, cols]), patterns[rows, cols].astype(bool)


@lru_cache(maxsize=len(SIZES))
def data_modules(version: int) -> tuple[np.ndarray, np.ndarray]:
    places = np.array(data_places(version))
    return places[:, 0], places[:, 1]


@lru_cache(maxsize=len(SIZES))
def data_places(version: int) -> tuple[tuple[int, int], ...]:
    """The data modules of a QR code of `version`, in the order its bits fill them."""
    modules = _blank(version)[1]
    size = len(modules)
    places, upward = [], True
    for right in range(size - 1, 0, -2):
        right -= right <= 6  # the vertical timing pattern's column is skipped
        rows = range(size - 1, -1, -1) if upward else range(size)
        places += [(r, c) for r in rows for c in (right, right - 1) if modules[r][c] is None]
        upward = not upward
    return tuple(places)


ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
PADS = (0xEC, 0x11)


def parse_segments(data: list[int], version: int) -> str | None:
    """The text of the data codewords (numeric, alphanumeric and byte segments, versions 1-9),
    or None unless the segments end in a terminator and the standard's padding fills the rest
    exactly."""
    bits = "".join(f"{b:08b}" for b in data)
    text, at = [], 0
    count_widths = {"0001": 10, "0010": 9, "0100": 8}  # numeric, alphanumeric, byte
    while at + 4 <= len(bits) and bits[at:at + 4] != "0000":
        mode = bits[at:at + 4]
        if mode not in count_widths:
            return None
        count_bits = count_widths[mode]
        count = int(bits[at + 4:at + 4 + count_bits] or "0", 2)
        at += 4 + count_bits
        piece, at = _segment(bits, at, mode, count)
        if piece is None:
            return None
        text.append(piece)
    return "".join(text) if text and _padded(bits, at) else None


def _segment(bits: str, at: int, mode: str, count: int) -> tuple[str | None, int]:
    out = []
    if mode == "0100":
        raw = [int(bits[at + 8 * i:at + 8 * i + 8], 2) for i in range(count)]
        at += 8 * count
        try:
            return (bytes(raw).decode("utf-8") if at <= len(bits) else None), at
        except UnicodeDecodeError:
            return None, at
    per, width, base = (3, 10, 10) if mode == "0001" else (2, 11, 45)
    short = {1: 4, 2: 7} if mode == "0001" else {1: 6}
    left = count
    while left > 0:
        take = min(per, left)
        bits_used = width if take == per else short[take]
        if at + bits_used > len(bits):
            return None, at
        value = int(bits[at:at + bits_used], 2)
        at += bits_used
        if value >= base ** take:
            return None, at
        digits = ALNUM if mode == "0010" else "0123456789"
        out.append("".join(digits[value // base ** k % base] for k in range(take - 1, -1, -1)))
        left -= take
    return "".join(out), at


def _padded(bits: str, at: int) -> bool:
    """A terminator (up to 4 zero bits), zeros to the byte, then 0xEC 0x11 alternating."""
    end = min(at + 4, len(bits))
    end += -end % 8
    if "1" in bits[at:end]:
        return False
    pads = [int(bits[i:i + 8], 2) for i in range(end, len(bits), 8)]
    return all(p == PADS[i % 2] for i, p in enumerate(pads))
