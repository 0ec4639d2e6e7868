"""Our receipts' Code 128 read through a hand's smear: the smear measured on the cut-out, undone,
then read by the row scan.

A hand moving while the shutter is open smears every bar across its neighbours by the same box:
at two modules or more, neighbouring symbols bleed into each other and the row scan's templates,
blurred by a Gaussian of at most a module, no longer fit. Matching against templates smeared by
a bank of box lengths read more but misread on fresh photos: with several lengths to choose
from, a wrong symbol finds one that fits. This pass instead *measures* one smear length per
cut-out, from the spectrum of its rows (a box's spectrum is a sinc, with zeros at multiples of
one over its length), undoes that one box on the bands of the cut-out (Wiener filter), and the
row scan reads the result with all its checks (end symbols, every symbol matched, checksum,
bands agreeing). Like every reading, it is kept only when the digits are a plausible compact
case code (symbols.plausible): a wrong path must fail that too before it could send a citizen
to someone else's case.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from drivers.cameras import rowscan
from drivers.cameras.symbols import CODE128, Decoded

# Smear lengths tried when measuring, in modules: below about 1.2 modules the row scan's own
# blurred templates read the bars, beyond 4.5 too little of the code is left to read.
SMEAR_MODULES = np.arange(1.25, 4.51, 0.25)
MIN_FIT = 0.8  # an end symbol's fit after undoing the smear, as the row scan's START_MIN
NOISE = 0.02  # Wiener filter: noise-to-signal power


def read_smeared(image: np.ndarray, formats: Sequence[str] = (CODE128,),
                 module: float | None = None) -> list[Decoded]:
    """A Backend: the Code 128 in a cut-out (bars upright, modules about `module` px wide)
    smeared across the bars, read once its smear is measured and undone."""
    if CODE128 not in formats or module is None:
        return []
    length = smear_length(image, module)
    if length is None:
        return []
    lines = unsmear(rowscan.bands(image), length)
    mean = lines.mean(axis=0)
    place = rowscan.end_place(mean, module)
    # Most cut-outs of code-free frames stop here, before the row scan's costlier search.
    if place.fit < MIN_FIT or not rowscan.closed(mean, place):
        return []
    return rowscan.read_lines(lines, module, image.shape[0] - 1.0, both_ends=True)


def smear_length(image: np.ndarray, module: float) -> float | None:
    """The length (pixels) of the box across the bars that smeared them, or None when the
    shortest length fits best (no smear worth undoing: the row scan has read what it could; it
    is also what most code-free cut-outs show, and they stop here). A box blur's spectrum is a
    sinc, zero at every multiple of 1/length; a barcode's is broad over the frequencies of its
    bars. The length is the one whose sinc's shape (log power) follows the power spectrum of
    the rows (every fourth: they are much alike) closest over those frequencies."""
    f = image[::4].astype(np.float32)
    f -= f.mean(axis=1, keepdims=True)
    power = (np.abs(np.fft.rfft(f * np.hanning(f.shape[1]), axis=1)) ** 2).mean(axis=0)
    freq = np.fft.rfftfreq(f.shape[1])
    bars = (freq > 1 / (16 * module)) & (freq < 0.6 / module)
    observed = _centred(np.log(power[bars] + 1e-6 * power.max()))
    lengths = SMEAR_MODULES * module
    fits = [_centred(np.log(np.sinc(freq[bars] * length) ** 2 + 1e-3)) @ observed
            for length in lengths]
    best = int(np.argmax(fits))
    return float(lengths[best]) if best else None


def _centred(v: np.ndarray) -> np.ndarray:
    v = v - v.mean()
    return v / (np.linalg.norm(v) + 1e-9)


def unsmear(lines: np.ndarray, length: float) -> np.ndarray:
    """Undo a box blur `length` pixels long along each line (Wiener filter). Lines are padded
    by their end values so that the filter's wrap-around does not ring into the code."""
    pad = int(4 * length) + 8
    padded = np.pad(lines.astype(np.float32), ((0, 0), (pad, pad)), mode="edge")
    n = padded.shape[1]
    spectrum = np.fft.rfft(_box(n, length))
    gain = np.conj(spectrum) / (np.abs(spectrum) ** 2 + NOISE)
    mean = padded.mean(axis=1, keepdims=True)
    flat = np.fft.irfft(np.fft.rfft(padded - mean, axis=1) * gain, n=n, axis=1)
    return (flat + mean)[:, pad:-pad].astype(np.float32)


def _box(n: int, length: float) -> np.ndarray:
    """A box `length` pixels long (fractional ends), centred on sample 0 of an `n`-long ring."""
    xs = np.arange(n, dtype=np.float64)
    xs = np.minimum(xs, n - xs)  # distance from 0 around the ring
    box = np.clip(length / 2 + 0.5 - xs, 0.0, 1.0)
    return (box / box.sum()).astype(np.float32)
