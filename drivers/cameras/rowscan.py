"""Our receipts' Code 128 read along scan lines by matching whole symbols, not edges.

zxing and zbar find a Code 128 by its edges. When focus blur or a moving hand spreads a narrow
bar over its neighbours, or glare flattens a stretch of the code, edges merge or vanish and they
read nothing, although the bars are still plain to see. This reader compares each 11-module
stretch of a scan line with every symbol's pattern, blurred as the line is, by correlation (so
the local brightness and contrast, which glare and shade change along the code, do not matter),
and follows the code symbol by symbol, so that modules growing narrower towards one end
(keystone, a bent sheet) are followed. The scan lines are BANDS bands of the cut-out's rows,
lined up with each other and read side by side, each with a say in proportion to its contrast
(a band washed flat by glare has none). Reading begins at the start symbol or, when glare or a
thumb spoils that end, at the stop symbol.

It reads only the receipt's code (DESIGN.md): start C, ten digit pairs (the 20-digit compact
form), the checksum and stop. A reading counts only when every symbol matches at least
SYMBOL_MIN, the checksum holds and the far end symbol is there; and it is trusted only when all
the bands, or their upper or lower half, match very well at every symbol, or when the two halves
read the same — a false read would send a citizen to someone else's case. A reading that rests
on one group of bands alone needs another group's word too, or no sign of being two readings
mixed (`_vouched`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise

import cv2
import numpy as np

from drivers.cameras.symbols import CODE128, Decoded, plausible
from drivers.cameras.templates import (
    QUIET,
    START_C,
    S,
    correlations,
    end_templates,
    start_template,
    stop_template,
    symbol_templates,
    thin_templates,
)

DATA_SYMBOLS = 10  # 20 digits in set C
CODE_MODULES = QUIET + 11 * (DATA_SYMBOLS + 2) + 13 + QUIET
BANDS = 4  # bands of rows read side by side
WIDTHS = np.geomspace(1.7, 7.5, 34)  # module widths searched, pixels of the scan line
MODULE_RANGE = np.geomspace(0.75, 1.35, 11)  # around the expected module width
START_MIN = 0.8  # correlation of quiet zone + end symbol for a place to be tried
SYMBOL_MIN = 0.55  # every symbol of a read line at least this well matched
# One group of bands alone is enough when its symbols match this well on average and each at
# least SURE_MIN; a wrong reading that passes the checksum had its worst symbols at 0.66–0.70.
SURE_MEAN, SURE_MIN = 0.85, 0.75
# All the lines together, matching less well than that, are trusted when the code's other end
# reads the same (two readings that follow the symbols in opposite order).
ENDS_MEAN = 0.8
# A symbol whose best match is no better than another symbol's by this much is not read: a hand
# smearing the bars by two modules or more can make two patterns alike, and a receipt read as
# someone else's (seen once, on seed 944947 of the second photo model) is worse than none.
TIE = 1e-3
STEP_SHIFTS = np.linspace(-0.5, 0.5, 9)  # modules: where the next symbol may start
STEP_WIDTHS = np.array([0.96, 1.0, 1.04])  # and how its module width may differ


@dataclass(frozen=True)
class Line:
    """A scan line read: the symbol values, how well each matched, and where the code lies."""

    values: tuple[int, ...]
    scores: tuple[float, ...]
    start: float  # pixels along the line
    end: float

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def text(self) -> str:
        return "".join(f"{v:02d}" for v in self.values[1:-2])


def read_rows(image: np.ndarray, formats: Sequence[str] = (CODE128,),
              module: float | None = None, count: int = BANDS,
              loose: bool = False, open_end: bool = False, thin: bool = False,
              stitch: bool = False, plain: np.ndarray | None = None) -> list[Decoded]:
    """A Backend: the Code 128 in an image with its bars upright (a located cut-out), its
    modules about `module` pixels wide if that is known, read in `count` bands of rows. NaN
    pixels (a float image) are unknown: glare.py marks the bars glare has saturated so. With
    `loose`, all the lines' reading is also taken, matching less well (ENDS_MEAN), when the
    code's other end reads the same. With `thin`, each symbol is also matched with its bars
    thinned (templates.thin_templates), and a reading must come from both ends: thinned bars
    let more symbols fit, and from one end that misread a receipt (second model 555 #95). With
    `stitch`, only the reading begun at one end and finished from the other
    (`read_stitched`). With `plain` (the cut-out `image` levels), none it overrules (`Overrule`)."""
    if CODE128 not in formats:
        return []
    lines, height = bands(image, count), image.shape[0] - 1.0
    check = Overrule(None if plain is None else cache(lambda: bands(plain, count)),
                     ENDS_SURE if thin or stitch else PLAIN_SURE)
    if open_end:
        return read_open_ended(lines, module, height, check)
    if stitch:
        return read_stitched(lines, module, height, check)
    return read_lines(lines, module, height, both_ends=thin, loose=loose, thin=thin, check=check)


# How well the plain cut-out must match a symbol to overrule a levelled reading (`Overrule`).
# At 0.95 it stopped second-model 118018 #131 and 555 #145 (4 wrong per-pass readings of seeds
# 2026, 555, 1001, 118018). At 0.85 since fresh second-model 774974 #1: all the lines read three
# symbols wrong at 0.89-0.92, the plain cut-out one of them right at 0.88; the default then
# lost two readings (first model 555 #146, 1001 #1) of about 2,200 photos of used seeds. Not
# for readings from both ends (thin, stitched): 0.85 lost three of their right ones.
PLAIN_SURE, ENDS_SURE = 0.85, 0.95


@dataclass(frozen=True)
class Overrule:
    """Whether the plain cut-out's lines (`plain`, made on first use; None: none to ask),
    walked from an anchor of a reading of the levelled cut-out, read a symbol of it otherwise
    at `sure` or better. Levelling stretches what glare left of a bar into another bar:
    second-model 118018 #131 read 73 as 80 (0.97) and 04 as 12 levelled, the checksum holding
    by chance, where the plain cut-out read 79 at 0.99 (555 #145 alike)."""

    plain: Callable[[], np.ndarray] | None
    sure: float = PLAIN_SURE

    def __call__(self, line: Line, *anchors: Anchor) -> bool:
        if self.plain is None:
            return False
        return any(value != line.values[pos] and score >= self.sure
                   for anchor in anchors
                   for pos, (value, score) in _walk(_parts(self.plain(), anchor)[0],
                                                    anchor)[0].items())


def read_lines(lines: np.ndarray, module: float | None, height: float,
               both_ends: bool = False, loose: bool = False, thin: bool = False,
               check: Overrule = Overrule(None)) -> list[Decoded]:
    """The Code 128 on bands of scan lines (bands × pixels, lined up) of an image `height`
    pixels tall; with `both_ends`, only when it reads the same from its start symbol and from
    its stop symbol (two readings that follow the symbols in opposite order); with `loose`,
    also all the lines' reading that matches less well (ENDS_MEAN), from both ends alike; with
    `thin`, matching each symbol with its bars thinned too (`templates.thin_templates`); not
    one `check` overrules."""
    ends: dict[bool, set[str]] = {False: set(), True: set()}
    anchors = [replace(a, thin=thin) for a in _line_anchors(lines, module)]
    if both_ends and len({a.from_stop for a in anchors}) < 2:
        return []  # nothing to read the code from its other end (and code-free frames pay less)
    groups = cache(lambda i: _groups(lines, anchors[i]))
    for i, anchor in enumerate(anchors):
        line, checked, alone = _agreed(groups(i), loose)
        if line is None:
            continue
        ends[anchor.from_stop].add(line.text)
        if (both_ends or not checked) and line.text not in ends[not anchor.from_stop]:
            continue
        if alone is not None and not _vouched(lines, anchor, groups, len(anchors), line, alone):
            continue
        if _contested(groups, len(anchors), line) or check(line, anchor):
            continue
        return [_decoded(line, anchor, lines.shape[1], height)]
    return []


def _contested(groups, count: int, line: Line) -> bool:
    """Whether any group of the lines, from any of the `count` anchors, reads another code that
    could be a receipt's (every symbol, the checksum holding, a real day: `plausible`): two
    readings of one code, and no telling which is right. Glare thinning a bar turns one symbol
    into another, and a second turned with it can keep the checksum: first-model 980588 #309
    was read with symbols 1 and 7 wrong (2 → 10 and 32 → 75: +8 and +7 × 43, 309 = 3 × 103)
    from one fit of the start symbol, while the lower half read it right from the stop symbol.
    Implausible readings (no real day) are chimeras of a drifting walk and say nothing."""
    return any(other is not None and other.text != line.text and
               plausible(Decoded(CODE128, other.text))
               for i in range(count) for other in groups(i))


def _vouched(lines: np.ndarray, anchor: Anchor, groups, count: int, line: Line,
             alone: int) -> bool:
    """Whether a reading that rests on one group of lines alone (`_agreed`) is vouched for: a
    group other than `alone` reads the same text from any of the `count` anchors (at every
    symbol at least SYMBOL_MIN); else, for one half alone, every symbol matching at least
    SURE_MEAN, or the other half reading none of its symbols otherwise at SURE_MIN or better
    (a half that only loses its way says nothing against it); for all the lines, not siding
    with one half against the other (`_mixed`). Seed 576255, receipt 53 (glare thinned the
    bars on one side, a tear crossed the other) was misread both ways: by one half alone,
    from both ends, worst symbols 0.78-0.80, the other half reading other symbols at up to
    0.94; and by all the lines, symbol 1 read as the lower half reads it and symbol 9 as the
    upper."""
    if any(other is not None and other.text == line.text
           for i in range(count) for k, other in enumerate(groups(i)) if k != alone):
        return True
    upper, lower = (_walk(sub, anchor)[0] for sub in _parts(lines, anchor)[1:])
    if alone != 0:
        other = lower if alone == 1 else upper
        return min(line.scores) >= SURE_MEAN or not any(
            value != line.values[pos] and score >= SURE_MIN
            for pos, (value, score) in other.items())
    return not _mixed(line, upper, lower)


def _mixed(line: Line, upper: dict[int, tuple[int, float]],
           lower: dict[int, tuple[int, float]]) -> bool:
    """Whether all the lines' reading takes one half's symbol against the other half's at some
    place (each half read alone up to where it lost its way): a mix of two readings, which the
    checksum can let through. Where both halves read a symbol otherwise (all the lines
    averaging what each sees of it) the reading sides with neither, and is taken."""
    def outvoted(mine, theirs) -> bool:
        return any(value != line.values[pos] and theirs.get(pos, (-1,))[0] == line.values[pos]
                   for pos, (value, _) in mine.items())
    return outvoted(upper, lower) or outvoted(lower, upper)


def _decoded(line: Line, anchor: Anchor, width: int, height: float) -> Decoded:
    if anchor.flipped:
        line = Line(line.values, line.scores, width - 1 - line.end, width - 1 - line.start)
    corners = ((line.start, 0.0), (line.end, 0.0), (line.end, height), (line.start, height))
    return Decoded(CODE128, line.text, corners)


def read_open_ended(lines: np.ndarray, module: float | None, height: float,
                    check: Overrule = Overrule(None)) -> list[Decoded]:
    """The Code 128 read from one end only, its far end symbol washed out by glare (where
    nothing closes the code, `_washed`): all the lines' reading matching very well, if a half
    of them vouches for it (`_vouched`), or the upper and the lower half's readings
    agreeing, from anchors at the same end."""
    halves: dict[tuple[bool, str], set[int]] = {}
    anchors = _line_anchors(lines, module)
    groups = cache(lambda i: _groups(lines, anchors[i], open_end=True))
    for i, anchor in enumerate(anchors):
        whole, *parts = groups(i)
        for part, line in enumerate(parts):
            if line is not None:
                halves.setdefault((anchor.from_stop, line.text), set()).add(part)
                if len(halves[anchor.from_stop, line.text]) == 2 and not check(line, anchor):
                    return [_decoded(line, anchor, lines.shape[1], height)]
        if whole is not None and _sure(whole) and not check(whole, anchor) and \
                _vouched(lines, anchor, groups, len(anchors), whole, 0):
            return [_decoded(whole, anchor, lines.shape[1], height)]
    return []


LENGTH_SLACK = 0.15  # of the code's length its two ends give, against their module widths


def read_stitched(lines: np.ndarray, module: float | None, height: float,
                  check: Overrule = Overrule(None)) -> list[Decoded]:
    """The Code 128 read by all the lines from its start symbol up to some place and from its
    stop symbol back to there, where each reading alone lost its way elsewhere (glare making
    one symbol match another a little better, a different one from each end): the two readings
    must agree on the two symbols at the junction, their ends lie about a code's length apart,
    the stitched symbols pass the checksum, and no other junction gives another text. A reading
    either end gives by itself is left to the other checks (`read_lines`)."""
    anchors = _line_anchors(lines, module)
    width = lines.shape[1]
    for start in (a for a in anchors if not a.from_stop):
        for stop in (a for a in anchors if a.from_stop and a.flipped != start.flipped):
            end = width - 1 - stop.x  # where the code ends, along the start's reading order
            length = (end - start.x) / (CODE_MODULES - 2 * QUIET) / ((start.w + stop.w) / 2)
            if abs(length - 1) > LENGTH_SLACK:
                continue
            texts = _stitches(*(_walk(_parts(lines, a)[0], a)[0] for a in (start, stop)))
            if len(texts) == 1:
                line = Line(*texts.popitem(), start.x, end)
                if check(line, start, stop):
                    continue
                return [_decoded(line, start, width, height)]
    return []


def _stitches(forward: dict[int, tuple[int, float]],
              backward: dict[int, tuple[int, float]]) -> dict[tuple[int, ...], tuple[float, ...]]:
    """The readings (values → scores) made of `forward`'s symbols up to a place and
    `backward`'s after it (`_walk`s from the start and from the stop), the two agreeing on the
    symbols at both sides of that place, that pass the checksum and are neither's own."""
    found = {}
    for j in range(1, DATA_SYMBOLS + 1):
        if any(p not in forward for p in range(1, j + 2)) or \
                any(p not in backward for p in range(j, DATA_SYMBOLS + 2)) or \
                forward[j][0] != backward[j][0] or forward[j + 1][0] != backward[j + 1][0]:
            continue
        taken = [forward[p] for p in range(1, j + 1)] + \
            [backward[p] for p in range(j + 1, DATA_SYMBOLS + 2)]
        values = (START_C, *(v for v, _ in taken), 106)
        own = any(all(walk[p][0] == values[p] for p in range(1, DATA_SYMBOLS + 2) if p in walk)
                  and len(walk) == DATA_SYMBOLS + 1 for walk in (forward, backward))
        if not own and _checksum_holds(values[:-1]):
            found[values] = (1.0, *(score for _, score in taken), 1.0)
    return found


def _checksum_holds(values: Sequence[int]) -> bool:
    """Whether the last of the start and data `values` is their Code 128 checksum."""
    return values[-1] == (START_C + sum(i * v for i, v in enumerate(values[1:-1], 1))) % 103


def _groups(bands: np.ndarray, anchor: Anchor,
            open_end: bool = False) -> tuple[Line | None, Line | None, Line | None]:
    """The readings from `anchor` of all the lines, of their upper and of their lower half."""
    return tuple(_follow(lines, anchor, open_end) for lines in _parts(bands, anchor))


def _parts(bands: np.ndarray, anchor: Anchor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All the lines, their upper and their lower half, in the anchor's reading direction."""
    if anchor.flipped:
        bands = bands[:, ::-1]
    half = len(bands) // 2
    return bands, bands[:half], bands[half:]


def _sure(line: Line) -> bool:
    return line.mean >= SURE_MEAN and min(line.scores) >= SURE_MIN


def _agreed(groups: tuple[Line | None, Line | None, Line | None],
            loose: bool = False) -> tuple[Line | None, bool, int | None]:
    """Of the readings of all the lines, of their upper and of their lower half (`_groups`):
    the two halves' readings when they agree, else one that matches very well. (Halves first:
    a half matching very well stood alone although the other half read the same, and a dim,
    keystoned receipt whose other end did not read was lost, seed 576255 #253.) With it,
    whether more than one half of the lines vouches for it: one half alone, however well it
    matches, misread two receipts (the other half unreadable), so read_lines then wants the
    same text from the other end; and which group it rests on alone, if it does (a half, or
    all the lines matching very well), for read_lines to ask another group to read it too."""
    whole, upper, lower = groups
    if upper and lower and upper.text == lower.text:
        return upper, True, None
    for k, line in enumerate(groups):
        if line is not None and _sure(line):
            return line, k == 0, k
    if loose and whole and whole.mean >= ENDS_MEAN:  # glare wore all the lines' match down
        return whole, False, None
    return None, True, None


def bands(image: np.ndarray, count: int = BANDS) -> np.ndarray:
    """Scan lines averaged along the bars in `count` bands of rows, top to bottom (glare, a
    fold or a slight slant spoil some more than others)."""
    f = image.astype(np.float32)
    edges = np.linspace(0, f.shape[0], count + 1).astype(int)
    if not np.isnan(f).any():
        return _aligned(np.stack([f[a:b].mean(axis=0) for a, b in pairwise(edges)]))
    bands = []
    for a, b in pairwise(edges):  # the mean of the known rows, unknown where too few are
        known = np.isfinite(f[a:b]).sum(axis=0)
        band = np.nansum(f[a:b], axis=0) / np.maximum(known, 1)
        bands.append(np.where(known >= MIN_KNOWN * (b - a), band, np.nan))
    return _aligned(np.stack(bands))


MIN_KNOWN = 0.3  # of a band's rows at a pixel, for the band to say what is there


def _filled(bands: np.ndarray) -> np.ndarray:
    """The bands with unknown (NaN) pixels at their mean grey, for what reads the bands as a
    whole (anchors, alignment)."""
    unknown = np.isnan(bands)
    return np.where(unknown, np.nanmean(bands), bands) if unknown.any() else bands


def _aligned(bands: np.ndarray, reach: int = 8) -> np.ndarray:
    """The bands shifted along the line to line up with their mean: bars a little slanted in
    the cut-out (its angle is an estimate; keystone fans the bars out) otherwise blur together
    when the bands are read side by side."""
    filled = _filled(bands)
    mean = filled.mean(axis=0)
    ref = (mean - mean.mean())[reach:-reach]
    xs = np.arange(bands.shape[1], dtype=np.float32)
    out = []
    for band, full in zip(bands, filled, strict=True):
        b = full - full.mean()
        r = np.array([ref @ b[reach + k : len(b) - reach + k] for k in range(-reach, reach + 1)])
        k = int(np.argmax(r))
        lag = float(k - reach)
        if 0 < k < 2 * reach:  # parabola through the peak and its neighbours
            lag += 0.5 * (r[k - 1] - r[k + 1]) / (r[k - 1] - 2 * r[k] + r[k + 1] - 1e-9)
        out.append(np.interp(xs + lag, xs, band))
    return np.stack(out).astype(np.float32)


@dataclass(frozen=True)
class Anchor:
    """Where to begin reading a line: the start symbol, or the stop symbol (glare or a thumb
    can hide either end); on the line as it is or `flipped` end to end."""

    flipped: bool
    from_stop: bool  # then read towards the start, every pattern mirrored
    x: float  # pixels: where the end symbol begins, in reading order
    w: float  # module width, pixels
    blur: int  # index into BLURS
    thin: bool = False  # symbols matched with their bars thinned too (`templates.thin_templates`)


def anchored(image: np.ndarray, module: float) -> bool:
    """Whether the row scan finds a place to begin reading on the cut-out `image`."""
    return bool(_line_anchors(bands(image), module))


def _line_anchors(lines: np.ndarray, module: float | None) -> list[Anchor]:
    """The anchors of the lines' mean (`_anchors`): the passes that read one cut-out each
    their own way ask for the same ones, found once."""
    p = _filled(lines).mean(axis=0)
    return list(_profile_anchors(p.tobytes(), p.dtype.str, module))


@lru_cache(maxsize=32)
def _profile_anchors(profile: bytes, dtype: str, module: float | None) -> tuple[Anchor, ...]:
    return tuple(_anchors(np.frombuffer(profile, dtype), module))


def _anchors(p: np.ndarray, module: float | None, limit: int = 2) -> list[Anchor]:
    """The best places a code may be read from (`limit` from each end), either way along the
    line."""
    widths = WIDTHS if module is None else module * MODULE_RANGE
    hits = [(float(r[i]), flipped, from_stop, i * w / S, w)
            for r, flipped, from_stop, w in _end_fits(p, widths, CODE_MODULES * S)
            for i in np.flatnonzero(r >= START_MIN)]
    hits.sort(reverse=True)
    # The best few fits, often one place at neighbouring widths: following the code needs a
    # close first width, and the best fit of the end symbol alone is not always the closest.
    # Neighbouring samples of one fit's peak, at one width, are one anchor: with keystone the
    # width that reads was the third best fit, behind two samples of one peak.
    chosen: list[Anchor] = []
    for _, flipped, from_stop, x, w in hits:
        line = p[::-1] if flipped else p
        if sum(a.from_stop == from_stop for a in chosen) < limit and \
                not _same_peak(chosen, flipped, from_stop, x + QUIET * w, w) and \
                _other_end(line, x + QUIET * w, w, from_stop):
            chosen.append(Anchor(flipped, from_stop, x + QUIET * w, w,
                                 _sharpness(line, x, w, from_stop)))
    return chosen


def _same_peak(chosen: list[Anchor], flipped: bool, from_stop: bool, x: float,
               w: float) -> bool:
    """Whether an anchor chosen already lies within a module of `x` at the width `w`."""
    return any(a.flipped == flipped and a.from_stop == from_stop and a.w == w
               and abs(a.x - x) < w for a in chosen)


@dataclass(frozen=True)
class EndPlace:
    """Where the quiet zone and an end symbol fit a line best, and how well."""

    fit: float
    flipped: bool
    from_stop: bool
    x: float  # pixels, in the line's reading order
    w: float  # module width, pixels


def end_place(p: np.ndarray, module: float) -> EndPlace:
    """The place on the line `p` that the quiet zone and an end symbol fit best, either way
    along it, at module widths near `module`."""
    best = EndPlace(-1.0, False, False, 0.0, module)
    for r, flipped, from_stop, w in _end_fits(p, module * MODULE_RANGE):
        i = int(np.argmax(r))
        if r[i] > best.fit:
            best = EndPlace(float(r[i]), flipped, from_stop, i * w / S, w)
    return best


def closed(p: np.ndarray, place: EndPlace) -> bool:
    """Whether the other end symbol closes the code that `place` begins."""
    line = p[::-1] if place.flipped else p
    return _other_end(line, place.x + QUIET * place.w, place.w, place.from_stop)


def _end_fits(p: np.ndarray, widths, shortest: int = 0):
    """For each module width `w` and each way along the line `p` (`flipped`, reading
    `from_stop`): how well the quiet zone and an end symbol fit at each place of the line
    resampled to S samples a module. Widths at which the line is shorter than `shortest`
    samples are left out."""
    for w in widths:
        grid = np.arange(0, len(p) - 1, w / S)
        if len(grid) < shortest:
            continue
        q = np.interp(grid, np.arange(len(p)), p).astype(np.float32)
        for flipped in (False, True):
            line = q[::-1] if flipped else q
            for from_stop in (False, True):
                # The middle blur finds sharp and blurred ends alike.
                search = end_templates(from_stop)[1]
                if len(line) >= len(search):
                    r = cv2.matchTemplate(line[None], search[None], cv2.TM_CCOEFF_NORMED)[0]
                    yield r, flipped, from_stop, float(w)


def _other_end(p: np.ndarray, x: float, w: float, from_stop: bool, slack: float = 5.0) -> bool:
    """Whether something like the other end symbol closes the code that begins at `x`: most
    places that look like an end symbol (text, stripes, fabric) have none, and are not
    followed."""
    first, last = (13, 11) if from_stop else (11, 13)
    end = x + (first + 11 * (DATA_SYMBOLS + 1)) * w
    lo, hi = max(int(end - slack * w), 0), min(int(end + (last + slack) * w) + 2, len(p))
    grid = np.arange(lo, hi - 1, w / S)
    if len(grid) < last * S:
        return False
    q = np.interp(grid, np.arange(len(p)), p).astype(np.float32)
    # The other end symbol alone: a thumb on the quiet zone there should not stop the reading.
    closing = start_template(1)[::-1] if from_stop else stop_template(1)
    r = cv2.matchTemplate(q[None], np.ascontiguousarray(closing)[None], cv2.TM_CCOEFF_NORMED)
    return float(r.max()) >= SYMBOL_MIN


def _sharpness(p: np.ndarray, x: float, w: float, from_stop: bool) -> int:
    """Which of BLURS the quiet zone and end symbol at `x` match best."""
    templates = np.stack(end_templates(from_stop))
    pos = x + (np.arange(templates.shape[1]) + 0.5) / S * w
    samples = np.interp(pos, np.arange(len(p)), p)
    return int(np.argmax(templates @ (samples - samples.mean())))


def _follow(p: np.ndarray, anchor: Anchor, open_end: bool = False) -> Line | None:
    """Read symbol after symbol on the lines `p` (lines × pixels) from the anchor, letting each
    one shift a little and change its module width, as keystone and bending make them do."""
    read, x, w = _walk(p, anchor)
    if len(read) < DATA_SYMBOLS + 1:
        return None
    places = range(1, DATA_SYMBOLS + 2)
    values = (START_C, *(read[k][0] for k in places))
    scores = (1.0, *(read[k][1] for k in places))
    if not _checksum_holds(values):
        return None
    stop, start = stop_template(anchor.blur)[None], start_template(anchor.blur)[None]
    if anchor.from_stop:
        stop, start = stop[:, ::-1], start[:, ::-1]
    modules = 11 if anchor.from_stop else 13
    score, _, end, _ = _best_symbol(p, x, w, start if anchor.from_stop else stop, modules)
    if score >= SYMBOL_MIN:
        return Line((*values, 106), (*scores, score), anchor.x, end)
    if open_end and _washed(p, anchor.x, x, w, modules):
        return Line((*values, 106), scores, anchor.x, x + modules * w)
    return None


def _walk(p: np.ndarray, anchor: Anchor) -> tuple[dict[int, tuple[int, float]], float, float]:
    """The data and check symbols read from the anchor, place → (value, score), up to the
    first that matches nothing (SYMBOL_MIN); and where the next symbol begins, at what module
    width."""
    symbols = (thin_templates() if anchor.thin else symbol_templates())[anchor.blur]
    order = range(1, DATA_SYMBOLS + 2)  # the digit pairs, then the checksum
    x, w = anchor.x + 11 * anchor.w, anchor.w
    if anchor.from_stop:
        symbols, order, x = symbols[..., ::-1], order[::-1], anchor.x + 13 * anchor.w
    read: dict[int, tuple[int, float]] = {}
    for pos in order:
        allowed = 100 if pos <= DATA_SYMBOLS else 103
        score, value, x, w = _best_symbol(p, x, w, symbols[..., :allowed, :], 11)
        if score < SYMBOL_MIN:
            break
        read[pos] = (value, score)
    return read, x, w


WASHED_CONTRAST = 0.4


def _washed(p: np.ndarray, begin: float, x: float, w: float, modules: int) -> bool:
    """Whether the end symbol at `x` is washed out: mostly unknown, or at a small part of the
    contrast the code has between `begin` and `x`."""
    a, b = int(x), min(int(x + modules * w) + 1, p.shape[1])
    end = p[:, a:b]
    if b - a < modules or np.isnan(end).mean() >= 0.5:
        return b - a >= modules
    code = p[:, int(begin):a]
    return float(np.nanstd(end)) < WASHED_CONTRAST * float(np.nanstd(code))


def _best_symbol(p: np.ndarray, x: float, w: float, templates: np.ndarray,
                 modules: int) -> tuple[float, int, float, float]:
    """The best-matching symbol near `x` on the lines `p` (lines × pixels): its score, value,
    where the next one starts, and the module width it was read with.

    The score is each line's correlation with the symbol, averaged with the line's contrast
    as weight: a line washed flat by glare has no say, and two lines that each show part of
    the bars add up. Templates (variants × symbols × samples) give each symbol the score of
    its best-matching variant."""
    widths = w * STEP_WIDTHS
    starts = x + STEP_SHIFTS[:, None] * w  # shifts × 1
    offsets = (np.arange(modules * S) + 0.5) / S
    pos = (starts[:, None, None] + widths[None, :, None] * offsets).reshape(-1, modules * S)
    pos = np.clip(pos, 0, p.shape[1] - 1.001)
    left = pos.astype(np.intp)
    frac = (pos - left).astype(np.float32)
    samples = p[:, left] * (1 - frac) + p[:, left + 1] * frac  # lines × windows × samples
    if templates.ndim == 3:
        r = np.max([correlations(samples, t) for t in templates], axis=0)
    else:
        r = correlations(samples, templates)
    window, value = np.unravel_index(int(np.argmax(r)), r.shape)
    shift, width = divmod(int(window), len(widths))
    chosen = widths[width]
    score = float(r[window, value])
    if len(templates) > 1 and score - np.partition(r.max(axis=0), -2)[-2] < TIE:
        score = 0.0  # two symbols fit as well: smear can make them alike; guess neither
    # The next symbol's module width: mostly the running width, a little of this one's.
    return (score, int(value), float(starts[shift, 0] + modules * chosen),
            float(0.7 * w + 0.3 * chosen))
