"""Read the receipt symbols (QR code, Code 128) from camera frames.

A decoder is a backend (zxing-cpp or pyzbar) run through a *strategy*: an ordered list of cheap
passes over the frame that stops at the first pass that reads anything. The passes exist because
a single full-frame read is not enough at a kiosk (bench/decode.py has the numbers):

- 1D readers scan rows; a Code 128 as long as ours (145 modules, 290 × 80 dots) is crossed end to
  end by a row only while tilted less than atan(80/290) ≈ 15°, so receipts held at ±30° need the
  frame turned back by about that much first. zxing-cpp's ``try_rotate`` only adds 90°/270°.
- Glare washes the dark modules out to light grey; a gamma curve stretches the highlights so the
  binarizer can separate them again.
- A receipt whose QR code was torn off leaves a Code 128 at any angle, often small (bars of 2–3
  camera pixels), blurred, under glare or dim. Rather than turning the whole frame, the *located*
  passes find patches of parallel bars (the structure tensor of the image gradient: strongly
  oriented, and averaging to no net gradient, unlike a single edge), cut each one out turned
  level, enlarged to about 3 pixels per module and no taller than the bars, and read that small
  image several ways: averaged along the bars (noise, JPEG), levelled between the local darkest
  and lightest (glare, uneven light), through zbar, whose edge-based scanner copes with blur
  differently from zxing's thresholds, sharpened (focus blur), and with a hand's smear across
  the bars undone (motion blur). A cut-out costs a fraction of a full-frame read, so all of them
  together cost about what the turned full frames did.
- Then the cut-outs are read by matching whole Code 128 symbols along bands of their rows
  (rowscan.py), which reads bars that glare, a moving hand or focus blur have left without the
  edges zxing and zbar look for.
- Then the row scan once more on the largest cut-out, with a hand's smear across the bars
  measured and undone (deblur.py).
- Where glare or a dim lobby lit the code unevenly (`_uneven`), the row scan reads the cut-out
  levelled between its local darkest and lightest, with what glare saturated unknown; where
  glare washed out the middle of the bars (glare.glared), cut-outs a sixth and a third of their
  height above and below it, which the spot missed, are read too. The default strategy,
  "located-uneven", is "located" with these.
- Where glare washed out part of the code's whole height (the tall cut-out), the row scan reads
  that cut-out levelled with the saturated stretches unknown, and the rows of it that glare
  left whole (`_clean_rows`): glare that splits the patch of bars found leaves the shifted
  cut-outs off the code. Then the QR code on the whole frame at full size, levelled locally.
  "located-tall" is "located-uneven" with these.
- Where glare washed out one of a QR code's three finder patterns, the QR code is read with
  that finder painted in where the other two say it is (finders.py). Then the row scan once
  more on the glared cut-outs, taking all the lines' reading that glare wore down a little
  (rowscan.ENDS_MEAN) when the code's other end reads the same. "located-finder" is
  "located-tall" with these.
- Where glare washed out one end symbol of the Code 128, nothing closes the code there: the
  row scan reads it from the other end, with its other checks (rowscan.read_open_ended).
  "located-open" is "located-finder" with these.
- Where keystone turned the QR code's columns off the perpendicular to the line between the
  two finders glare left, the third is painted along a found finder's own side, which lies on
  the code's column (finders.side_places). "located-qr" is "located-open" with this.
- Where glare saturating the paper thinned the bars, so that a symbol matches one with
  narrower bars better, the row scan also matches each symbol thinned (templates.THIN_CLIPS),
  and takes the reading only from both ends; where each end's reading went astray at a
  different symbol, it stitches them (rowscan.read_stitched).
  "located-stitch" is "located-qr" with these.
- Where the gates above let glare through (a narrow stripe along a few bars), the row scan
  reads the largest cut-out levelled, and a third of the bars' height below its middle, if the
  row scan finds a place to begin on it as it is. "located-level" is
  "located-stitch" with this. A levelled reading is not taken where the plain cut-out reads a
  symbol of it otherwise very well (rowscan.Overrule): levelling can make a bar of what glare
  left of one.
- Where glare saturated a QR code's data modules (and often a finder), zxing reads each
  washed-out module as a wrong bit; the QR code is read module by module from three or two
  of its finders, with the saturated modules erased, which costs its error correction half
  (qrgrid.py). The default strategy, "located-grid", is "located-level" with this.
- Sharpening or undoing a smear can make edges: a zxing reading on such a cut-out counts only
  when its top and bottom halves read the same (a smeared receipt was read as another case).
- Where glare saturated a spot of the frame, the QR code is read on the frame equalised
  locally (glare.py). The "located-glare" strategy also reads a cut-out as tall as the code
  with glare's saturated stretches unknown; it misread two receipts of fresh seeds, so it is
  not the default.

QR codes are read at any rotation by both backends, so the rotated and located passes look for
Code 128 only. Results are restricted to the two receipt formats: fewer readers run and nothing
else (EAN, ITF…) can be mistaken for a receipt.
A Code 128 reading must also be a plausible compact case code (symbols.plausible): its one
check symbol lets a misreading through one time in 103, so an impossible date or sequence
sends the frame on to the next pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial

import cv2
import numpy as np

from drivers.cameras.cutout import (
    ENHANCE,
    GATES,
    TALL_GATES,
    Bars,
    Cutout,
    cut_out,
    cutout_points,
    enhance,
    find_bars,
)
from drivers.cameras.symbols import CODE128, FORMATS, QR, Decoded, Point, plausible

# A backend reads a grayscale image and returns symbols with corners in that image's coordinates.
Backend = Callable[[np.ndarray, Sequence[str]], list[Decoded]]


def zxing_backend(**options: bool) -> Backend:
    """zxing-cpp with explicit options (its defaults also try 90° turns and inverted symbols)."""
    import zxingcpp

    fmt = {QR: zxingcpp.BarcodeFormat.QRCode, CODE128: zxingcpp.BarcodeFormat.Code128}

    def read(gray: np.ndarray, formats: Sequence[str]) -> list[Decoded]:
        opts = {"try_rotate": False, "try_invert": False,
                # Downscaling helps large, blurry QR codes; thin 1D bars only get lost.
                "try_downscale": QR in formats, **options}
        found = zxingcpp.read_barcodes(gray, formats=[fmt[f] for f in formats], **opts)
        # zxing-cpp 2.3's QRCode stands for the QR family: a Micro QR is no receipt of ours.
        return [Decoded(b.format.name, b.text, _zxing_corners(b.position)) for b in found
                if b.format.name in formats]

    return read


def _zxing_corners(pos) -> tuple[Point, ...]:
    pts = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
    return tuple((float(p.x), float(p.y)) for p in pts)


def pyzbar_backend() -> Backend:
    """zbar through pyzbar (needs the libzbar0 system library)."""
    from pyzbar import pyzbar

    sym = {QR: pyzbar.ZBarSymbol.QRCODE, CODE128: pyzbar.ZBarSymbol.CODE128}
    name = {"QRCODE": QR, "CODE128": CODE128}

    def read(gray: np.ndarray, formats: Sequence[str]) -> list[Decoded]:
        found = pyzbar.decode(np.ascontiguousarray(gray), symbols=[sym[f] for f in formats])
        # A Code 128 read on one scan line alone can be a misread that passes the checksum
        # (blurred bars); like zxing, ask for two lines that agree.
        return [Decoded(name[r.type], r.data.decode("utf-8", "replace"),
                        tuple((float(p.x), float(p.y)) for p in r.polygon)) for r in found
                if r.type != "CODE128" or r.quality >= 2]

    return read


def rows_backend(**options: bool) -> Backend:
    """Our Code 128 matched symbol by symbol along the rows of a cut-out (rowscan.read_rows;
    its `options` say which further readings it takes: `loose`, `open_end`, `thin`,
    `stitch`)."""
    from drivers.cameras.rowscan import read_rows

    return partial(read_rows, **options)


def smear_backend() -> Backend:
    """The row scan after a hand's smear across the bars is measured and undone (deblur.py)."""
    from drivers.cameras.deblur import read_smeared

    return read_smeared


def glare_backend() -> Backend:
    """The row scan in thin bands of a cut-out as tall as the code, where glare saturated part
    of it (glare.py)."""
    from drivers.cameras.glare import read_glare

    return read_glare


def qr_glare_backend() -> Backend:
    """zxing on the CLAHE-equalised frame, where glare saturated a spot of it (glare.py)."""
    from drivers.cameras.glare import qr_glare_backend

    return qr_glare_backend(zxing_backend())


def qr_finder_backend() -> Backend:
    """zxing on a crop of the frame with a QR code's third finder pattern painted in, where
    glare washed it out and two are left (finders.py)."""
    from drivers.cameras.finders import qr_finder_backend

    return qr_finder_backend(zxing_backend(), _level_frame)


def qr_side_backend() -> Backend:
    """The QR finder pass with the third finder painted along a found finder's side, which
    keystone turns off the perpendicular to the line between the two (finders.side_places)."""
    from drivers.cameras.finders import MAX_SIDE_PLACES, qr_finder_backend, side_places

    return qr_finder_backend(zxing_backend(), _level_frame, side_places, MAX_SIDE_PLACES)


def qr_grid_backend() -> Backend:
    """The QR code read module by module from three or two of its finders, with the modules
    glare saturated erased (qrgrid.py)."""
    from drivers.cameras.qrgrid import grid_backend

    return grid_backend(_level_frame)


ROWS, ROWS_ENDS, ROWS_OPEN, SMEAR = "rows", "rows-ends", "rows-open", "smear"
ROWS_THIN, ROWS_STITCH = "rows-thin", "rows-stitch"
GLARE = "glare"
ROW_SCANS = (ROWS, ROWS_ENDS, ROWS_OPEN, ROWS_THIN, ROWS_STITCH)  # rowscan.read_rows
QR_GLARE, QR_FINDER, QR_SIDE, QR_GRID = "qr-glare", "qr-finder", "qr-side", "qr-grid"
BACKENDS: dict[str, Callable[[], Backend]] = {
    "zxing": zxing_backend,
    "zxing-defaults": lambda: zxing_backend(try_rotate=True, try_invert=True, try_downscale=True),
    "pyzbar": pyzbar_backend,
    ROWS: rows_backend,
    # all the lines' reading matching less well, when the code's other end reads the same
    ROWS_ENDS: partial(rows_backend, loose=True),
    ROWS_OPEN: partial(rows_backend, open_end=True),  # the far end symbol washed out by glare
    # each symbol also matched with its bars thinned, as glare saturating the paper makes them
    ROWS_THIN: partial(rows_backend, thin=True),
    # begun at one end and finished from the other, each reading alone astray elsewhere
    ROWS_STITCH: partial(rows_backend, stitch=True),
    SMEAR: smear_backend,
    GLARE: glare_backend,
    QR_GLARE: qr_glare_backend,
    QR_FINDER: qr_finder_backend,
    QR_SIDE: qr_side_backend,
    QR_GRID: qr_grid_backend,
}


@dataclass(frozen=True)
class Stage:
    """One pass: optionally tone-map, scale and rotate the gray frame, then read `formats`.

    A *located* pass instead reads the Code 128 in each patch of bars the frame holds, cut out
    level and prepared by `enhance`, with the decoder's backend or the one named by `reader`.
    """

    name: str
    formats: tuple[str, ...] = FORMATS
    angle: float = 0.0  # degrees, counter-clockwise, about the frame centre
    scale: float = 1.0
    tone: str = ""  # "" | "gamma" (glare) | "clahe" (low light, uneven light) | "level"
    locate: bool = False
    enhance: str = ""  # located passes: "" or an ENHANCE name
    reader: str = ""  # a BACKENDS name, "" = the decoder's backend
    patches: int = 3  # located passes: how many patches of bars to read, largest first
    tall: bool = False  # located passes: cut out over the code's whole height (glare.py)
    # Located passes: cut out at these fractions of the bars' height above or below the
    # patch's middle; `only`: on the cut-outs a GATES test picks (glare, dim light).
    shifts: tuple[float, ...] = (0.0,)
    only: str = ""


def _rotations(*angles: float) -> tuple[Stage, ...]:
    return tuple(Stage(f"rot{a:+g}", (CODE128,), angle=a) for a in angles)


def _located(enhance: str, reader: str = "", patches: int = 3, tall: bool = False,
             shifts: tuple[float, ...] = (0.0,), only: str = "") -> Stage:
    name = "-".join(["bars", enhance or "plain", *([reader] if reader else []),
                     *(["shifted"] if shifts != (0.0,) else []), *([only] if only else [])])
    return Stage(name, (CODE128,), locate=True, enhance=enhance, reader=reader, patches=patches,
                 tall=tall, shifts=shifts, only=only)


FULL = Stage("full")
GAMMA = Stage("gamma", tone="gamma")
CLAHE = Stage("clahe", tone="clahe")
STRATEGIES: dict[str, tuple[Stage, ...]] = {
    "plain": (FULL,),
    # ±22° turns bring any tilt in ±30° within the ~±12° a row scan of our Code 128 survives.
    "tiered": (FULL, *_rotations(22, -22), GAMMA),
    "tiered-15-30": (FULL, *_rotations(15, -15, 30, -30), GAMMA),
    "tiered-clahe": (FULL, *_rotations(22, -22), CLAHE),
    "half-first": (Stage("half", scale=0.5), FULL, *_rotations(22, -22), GAMMA),
    # Cheapest first: the QR code at half size, a cut-out Code 128; then the harder readings of
    # the cut-outs. Full-frame passes after these read nothing more on the photo set.
    "located": (Stage("qr-half", (QR,), scale=0.5), _located("average"),
                _located("level", patches=2), _located("smooth", "pyzbar", patches=2),
                _located("sharpen", patches=2), _located("deblur", patches=2),
                _located("unsmear", patches=1), _located("", ROWS, patches=2),
                _located("", SMEAR, patches=1), Stage("qr-glare", (QR,), reader=QR_GLARE)),
}
# The Code 128 glare pass (glare.py) read 11 of the 52 glare photos of two looked-at seeds that
# nothing else read, 0 wrong, but misread two receipts of fresh seeds (tests now): it is
# measured beside the default (bench/decode.py), not used by it.
STRATEGIES["located-glare"] = (*STRATEGIES["located"][:-1],
                               _located("", GLARE, patches=2, tall=True),
                               STRATEGIES["located"][-1])
# The default: "located", then, where glare or a dim lobby lit the code unevenly, the row scan
# on the levelled cut-out, and where glare washed out the middle of the bars, cut-outs of the
# rows above and below it. Of the 58 receipts "located" missed on six tuning sets of 400
# (seeds 2026 and 1001 of both photo models, 201397 and 827446 of the second) they read 18,
# 0 wrong; code-free frames cost about a fifth more. Every miss left had glare on it.
# Of the bars' height: the rows below and above a glare spot's middle.
SHIFTS = (0.3, -0.3, 0.15, -0.15)
STRATEGIES["located-uneven"] = (
    *STRATEGIES["located"][:-1],
    _located("unwashed", ROWS, patches=1, only="uneven"),
    _located("level", patches=1, shifts=SHIFTS, only="glared"),
    _located("unwashed", ROWS, patches=1, shifts=SHIFTS, only="glared"),
    _located("smooth", "pyzbar", patches=1, shifts=SHIFTS, only="glared"),
    _located("", ROWS, patches=1, shifts=SHIFTS, only="glared"),
    STRATEGIES["located"][-1])
# The default: "located-uneven", then where glare washed out part of the code's whole height
# (the tall cut-out, which glare splitting the patch of bars found does not shorten), the row
# scan on that cut-out levelled with the saturated stretches unknown, and on its rows glare left
# whole; then the QR code on the whole frame at full size, levelled locally (`_level_frame`:
# glare or a dim lobby washing its modules grey, short of saturating; a small QR code the
# half-size read lost). Of the 34 receipts "located-uneven" missed on six tuning sets of 400
# (seeds 164435, 948993, 817375 of both photo models) they read 6, 0 wrong; the QR pass costs
# code-free frames about 4 ms; the whole strategy ×1.22 "located-uneven" on them.
STRATEGIES["located-tall"] = (
    *STRATEGIES["located-uneven"][:-1],
    _located("unwashed", ROWS, patches=1, tall=True, only="glared-tall"),
    _located("clean", ROWS, patches=1, tall=True, only="glared-tall"),
    Stage("qr-level", (QR,), tone="level"),
    STRATEGIES["located"][-1])
# The default: "located-tall", then the QR code with a finder pattern glare washed out painted
# in (finders.py), then the row scan of the tall cut-out (levelled, glare's saturated stretches
# unknown) and of the cut-outs shifted off a glare spot, as they are, of the two largest
# patches of bars (levelled, they read nothing more and cost code-free frames 5 ms), taking all
# the lines' reading that matches a little less well than the row scan otherwise wants when
# the code's other end reads the same (rowscan.ENDS_MEAN). With the QR finder pass they read
# 8 of the 51 receipts "located-tall" missed on ten tuning sets of 400 (seeds 185725, 203706,
# 682433, 288171, 134837, both models), 0 wrong; 3 of 30 on six more (227876 both, 827446 and
# 944947 second, 48213 and 340610 first model), 0 wrong of their own.
STRATEGIES["located-finder"] = (
    *STRATEGIES["located-tall"], Stage("qr-finder", (QR,), reader=QR_FINDER),
    _located("unwashed", ROWS_ENDS, patches=1, tall=True, only="glared-tall"),
    _located("", ROWS_ENDS, patches=2, shifts=SHIFTS, only="glared-tall"))
# "located-finder", then, on cut-outs glare washed out, the row scan from one end
# of the code when glare washed out the other end symbol (rowscan.read_open_ended: nothing
# closes the code there, so the reading is taken with all its other checks, on the cut-out as
# it is, levelled, and the tall one levelled, of the two largest patches of bars: glare that
# splits the bars can make the code's other part the second). Of the 74 receipts
# "located-finder" missed on the nine tuning sets of 400 of both models (seeds 750550,
# 185725, 203706, 682433, 288171, 134837, 273991, 296521, 189271) they read 4, 0 wrong; with
# distinct anchors (rowscan._same_peak) one more is read. Code-free frames: CPU median ×0.99,
# mean ×1.04 main's (1,008 frames of those sets, both decoders at once).
STRATEGIES["located-open"] = (
    *STRATEGIES["located-finder"],
    _located("", ROWS_OPEN, patches=2, only="glared-tall"),
    _located("unwashed", ROWS_OPEN, patches=1, only="glared-tall"),
    replace(_located("unwashed", ROWS_OPEN, patches=2, tall=True, only="glared-tall"),
            name="bars-unwashed-rows-open-tall"))
# "located-open", then the QR code with the third finder painted along a found
# finder's side (finders.side_places), where keystone turned the code's columns off the
# perpendicular "qr-finder" paints along (0.5-6 modules off the finder glare washed out). On
# twenty used sets of 400 (seeds 137361, 267598, 603932, 980588, 470518, 152336, 750550,
# 185725, 350750, 296521, both models) it read 9 receipts "located-open" missed (second model:
# 2 of 137361, 3 of 980588, 1 each of 750550, 350750 and 296521; first model: 1 of 750550),
# 0 wrong, 0 false; code-free frames' CPU median ×1.03, mean ×1.02 "located-open"'s (336
# frames, both decoders at once).
STRATEGIES["located-qr"] = (*STRATEGIES["located-open"], Stage("qr-side", (QR,), reader=QR_SIDE))
# The default: "located-qr", then, on cut-outs glare washed out, the row scan matching each
# symbol with its bars thinned too (templates.THIN_CLIPS: glare saturating the paper around the
# bars), from both ends, on the largest patch's tall cut-out levelled and on the two largest
# patches' cut-outs a third of the bars' height off the glare; then, where glare or dim light
# lit the code unevenly, the levelled cut-out read from each end up to a place where the two
# readings agree (rowscan.read_stitched). Of the 52 second-model receipts with the QR code torn
# off or folded away that "located-open" missed on used seeds (350750, 267598, 486304, 576255,
# 603932 and seven more) they read 5, 0 wrong; each pass alone, on every photo of seeds 2026,
# 555 and 1001 of both models, read none wrong. decode.py, second model: 350750 97.8 -> 98.0 %,
# 267598 98.2 -> 99.0 %, the same elsewhere, 0 wrong. Two shifts and one tall patch, not four
# and two: the same 5 reads at half the cost on code-free frames under glare.
STRATEGIES["located-stitch"] = (
    *STRATEGIES["located-qr"],
    replace(_located("unwashed", ROWS_THIN, patches=1, tall=True, only="glared-tall"),
            name="bars-unwashed-rows-thin-tall"),
    _located("", ROWS_THIN, patches=2, shifts=SHIFTS[:2], only="glared-tall"),
    _located("unwashed", ROWS_STITCH, patches=2, only="uneven"))
# "located-stitch", then the row scan of the largest patch's cut-out levelled
# (glare's saturated stretches unknown), as it is and a third of the bars' height below its
# middle, whatever the glare gates say, where the row scan finds a place to begin reading on
# the cut-out as it is ("anchored"): a narrow stripe of glare along a few bars, or faint glare
# under a smear, leaves a cut-out neither uneven nor glared (cutout.GATES), and one uneven but
# not glared got no shifted cut-out. Of the 15 second-model receipts with the QR code torn off
# or folded away that "located-stitch" missed on seeds 350753, 118018 and 689271 it reads 3
# (350753 #53 and #212, 689271 #291), 0 wrong; 10 had a symbol no walk of any cut-out matched
# (glare saturating it), 2 were read right only in pieces. On every photo of seeds 2026, 555
# and 1001 of both models (400 each) the pass alone, without the "anchored" gate, read 0 wrong
# (2,039 right) and none of their misses; as it is, on every photo of the second model's
# 118018, 350753 and 689271: 0 wrong, 0 on code-free frames. Below, not above: the three read
# there. Code-free frames (336 of those six sets, both decoders at once, order alternating):
# CPU median and mean ×1.08 "located-stitch"'s; shifted both ways and ungated, ×1.32 / ×1.10.
STRATEGIES["located-level"] = (
    *STRATEGIES["located-stitch"],
    _located("unwashed", ROWS, patches=1, shifts=(0.0, 0.3), only="anchored"))
# The default: "located-level", then the QR code read module by module from three or two of
# its finders, the modules glare saturated erased (qrgrid.py; finders found by their centre
# too, finders.centre_finders; the code's far corner put on its alignment pattern where the
# finders' map fails). Of the 29 receipts with the QR code on and glare that "located-stitch"
# missed on the 27 used seeds of both models, it reads 10 (second model: 350753 #397, 603932
# #115 and #225, 470518 #52, 750550 #65, 296521 #1, 1001 #173; first model: 750550 #32,
# 233304 #379, 152336 #383), 0 wrong. Of the 16 second-model ones left, sampled on the code's
# true grid, 15 have more codewords glare saturated than the code corrects with two to spare
# (the other: one finder left). Alone, on every photo of seeds 2026, 1001 and 555 of both
# models (400 receipts and 56 code-free frames each), it read 440 receipts, 0 wrong,
# 0 on code-free frames. Code-free frames: CPU median ×1.02, mean ×1.03
# "located-stitch"'s (336 frames of those seeds, both decoders in turn, best of two).
# decode.py, second model: 603932 98.5 -> 99.0 %, 350753 97.8 -> 98.0 %; first model the same
# (99.8 %, 99.5 %); 0 wrong, 0 false.
STRATEGIES["located-grid"] = (*STRATEGIES["located-level"],
                              Stage("qr-grid", (QR,), reader=QR_GRID))
DEFAULT_BACKEND = "zxing"
DEFAULT_STRATEGY = "located-grid"


class Decoder:
    """Decode receipt symbols from BGR or gray numpy frames, stopping at the first pass that reads.

    Thread-safe as long as the backend is (both are: they keep no state between calls).
    """

    def __init__(self, backend: str | Backend = DEFAULT_BACKEND,
                 strategy: str | Sequence[Stage] = DEFAULT_STRATEGY,
                 formats: Sequence[str] = FORMATS) -> None:
        self.backend = BACKENDS[backend]() if isinstance(backend, str) else backend
        stages = STRATEGIES[strategy] if isinstance(strategy, str) else strategy
        self.stages = _restrict(stages, formats)
        self.readers = {s.reader: BACKENDS[s.reader]() for s in self.stages if s.reader}

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        gray = to_gray(frame)
        cutouts = _Cutouts(gray)
        for stage in self.stages:
            if stage.locate:
                found = cutouts.read(self.readers.get(stage.reader, self.backend), stage)
            else:
                found = run_stage(self.readers.get(stage.reader, self.backend), gray, stage)
            found = [d for d in found if plausible(d)]  # a misreading: the next pass may read it
            if found:
                return found
        return []


def _restrict(stages: Sequence[Stage], formats: Sequence[str]) -> tuple[Stage, ...]:
    """Keep only the wanted formats in each pass, and drop passes left with nothing to read."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unsupported formats: {sorted(unknown)}")
    odd = {s.enhance for s in stages if s.enhance} - set(ENHANCE)
    if odd:
        raise ValueError(f"unknown enhancements: {sorted(odd)}")
    kept = (replace(s, formats=tuple(f for f in s.formats if f in formats)) for s in stages)
    return tuple(s for s in kept if s.formats)


def to_gray(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(frame, code)


def run_stage(backend: Backend, gray: np.ndarray, stage: Stage) -> list[Decoded]:
    """Run one pass and map what it read back to the original frame's coordinates."""
    image = _tone(gray, stage.tone)
    matrix = None
    if stage.angle or stage.scale != 1.0:
        matrix = _affine(gray.shape, stage.angle, stage.scale)
        size = (round(gray.shape[1] * stage.scale), round(gray.shape[0] * stage.scale))
        # A constant border costs half of a replicated one; corners never hold a whole symbol.
        image = cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)
    found = backend(image, stage.formats)
    back = None if matrix is None else cv2.invertAffineTransform(matrix)
    return [Decoded(d.format, d.text, _map_points(d.corners, back), stage.name) for d in found]


def _affine(shape: tuple[int, ...], angle: float, scale: float) -> np.ndarray:
    """Rotate about the frame centre and scale, keeping the result centred in the output."""
    h, w = shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[:, 2] += (w * scale - w) / 2, (h * scale - h) / 2
    return m


def _map_points(points: tuple[Point, ...], back: np.ndarray | None) -> tuple[Point, ...]:
    if back is None or not points:
        return points
    pts = np.hstack([np.array(points, np.float64), np.ones((len(points), 1))]) @ back.T
    return tuple((float(x), float(y)) for x, y in pts)


def _tone(gray: np.ndarray, tone: str) -> np.ndarray:
    if tone == "gamma":
        return cv2.LUT(gray, _gamma_lut())
    if tone == "clahe":
        return _clahe().apply(gray)
    if tone == "level":
        return _level_frame(gray)
    return gray


LEVEL_PX, LEVEL_POOL = 25, 4  # frame pixels: the neighbourhood, and the pooling that finds it


def _level_frame(gray: np.ndarray) -> np.ndarray:
    """Each pixel stretched between the darkest and lightest around it (about LEVEL_PX), as
    `cutout._level` does along a cut-out's rows: CLAHE's tiles are too coarse for a QR code's
    modules that glare washed to grey. The extremes come from a LEVEL_POOL times smaller copy: a
    fifth of the cost, and a QR code's modules are finer than the light's changes anyway."""
    size = (gray.shape[1] // LEVEL_POOL, gray.shape[0] // LEVEL_POOL)
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    kernel = np.ones((LEVEL_PX // LEVEL_POOL | 1,) * 2, np.uint8)
    full = (gray.shape[1], gray.shape[0])
    lo = cv2.resize(cv2.erode(small, kernel), full, interpolation=cv2.INTER_LINEAR)
    hi = cv2.resize(cv2.dilate(small, kernel), full, interpolation=cv2.INTER_LINEAR)
    span = np.maximum(cv2.subtract(hi, lo), 20).astype(np.float32)  # flat: noise stays small
    return np.clip(cv2.subtract(gray, lo) * (255 / span), 0, 255).astype(np.uint8)


@lru_cache(maxsize=1)
def _gamma_lut() -> np.ndarray:
    return np.array([255 * (i / 255) ** 2.2 for i in range(256)], np.uint8)


def _clahe() -> cv2.CLAHE:
    # Made per call: cheap, and a shared instance across decoder threads is not documented safe.
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))


class _Cutouts:
    """The frame's patches of bars, found once per frame and each cut out once, on first use."""

    def __init__(self, gray: np.ndarray) -> None:
        self.gray = gray
        self._bars: list[Bars] | None = None
        self._cutouts: dict[tuple[int, bool, float], Cutout] = {}
        self._enhanced: dict[tuple[int, bool, float, str], np.ndarray] = {}
        self._gates: dict[tuple[int, str], bool] = {}

    def cutout(self, n: int, tall: bool = False, shift: float = 0.0) -> Cutout:
        if (n, tall, shift) not in self._cutouts:
            self._cutouts[n, tall, shift] = cut_out(self.gray, self._bars[n], tall, shift)
        return self._cutouts[n, tall, shift]

    def passes(self, n: int, gate: str) -> bool:
        if (n, gate) not in self._gates:
            self._gates[n, gate] = GATES[gate](self.cutout(n, gate in TALL_GATES))
        return self._gates[n, gate]

    def read(self, backend: Backend, stage: Stage) -> list[Decoded]:
        if self._bars is None:
            self._bars = find_bars(self.gray)
        for n in range(min(len(self._bars), stage.patches)):
            if stage.only and not self.passes(n, stage.only):
                continue
            for shift in stage.shifts:
                found = self._read_one(backend, stage, n, shift)
                if found:
                    return found
        return []

    def _read_one(self, backend: Backend, stage: Stage, n: int, shift: float) -> list[Decoded]:
        cutout = self.cutout(n, stage.tall, shift)
        key = (n, stage.tall, shift, stage.enhance)
        if key not in self._enhanced:
            self._enhanced[key] = enhance(cutout.image, stage.enhance, cutout.module, cutout.zoom)
        image = self._enhanced[key]
        if stage.reader in ROW_SCANS and stage.enhance == "unwashed":
            # the cut-out as it was, to overrule what levelling made of a bar (rowscan.Overrule)
            found = backend(image, stage.formats, cutout.module, plain=cutout.image)
        elif stage.reader in (*ROW_SCANS, SMEAR, GLARE):  # search near the module
            found = backend(image, stage.formats, cutout.module)
        else:
            found = backend(image, stage.formats)
            if stage.enhance in CONFIRMED:
                found = _halves_agree(backend, image, stage.formats, found)
        return [Decoded(d.format, d.text, _map_points(
            cutout_points(d.corners, cutout, stage.enhance), cutout.to_frame), stage.name)
            for d in found]


# Sharpening and undoing a smear steepen edges, and can make some: on such a cut-out zxing
# read a receipt as another (a motion-blurred photo, 2 of 32 rows agreeing on the misreading,
# which passed the checksum and looked like a real case code). Its readings there count only
# when the top and the bottom half of the cut-out each read the same. Levelling between the
# local darkest and lightest does it too: fresh second-model seed 389721 #155 (a hand's smear
# of 8 px across the bars) was read as another case on the levelled cut-out, by its bottom
# half alone; the sharpened cut-out then reads it right. On every photo of seeds 2026, 555,
# 1001 and 350753 of both models (3,200) the check cost the default one reading (first model
# 1001 #134, also read by one half only) and no pass after it read anything wrong.
CONFIRMED = {"sharpen", "deblur", "unsmear", "level"}


def _halves_agree(backend: Backend, image: np.ndarray, formats: Sequence[str],
                  found: list[Decoded]) -> list[Decoded]:
    if not found:
        return found
    middle = image.shape[0] // 2
    texts = [{d.text for d in backend(half, formats)} for half in (image[:middle], image[middle:])]
    return [d for d in found if all(d.text in t for t in texts)]

