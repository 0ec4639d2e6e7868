"""Receipt symbols read under the lamp's glare.

A glare spot saturates what it covers: nothing is left of the bars in those pixels, but the spot
is round, so rows above or below it still cross the same bars. The located cut-outs are at most
CUTOUT_ROWS tall and centred on the patch of bars found, which glare splits and shortens: on a
receipt held close they show only the middle of the bars, where the spot usually sits. This
pass reads a *tall* cut-out (cutout.cut_out: the code's whole height, squeezed along the bars)
with the row scan in GLARE_BANDS thin bands, and with the saturated stretches unknown rather
than white (`washed_out`): each symbol is then matched on the pixels glare left it, in the bands
that still show it, and a symbol glare washed out in every band is not read at all.

It runs only on cut-outs glare washed out in part (WASHED_SHARE), so code-free frames and
receipts without glare pay a morphology pass on a cut-out and nothing more. Where the QR code is
still on the receipt, `qr_glare_backend` reads it on the frame equalised locally (CLAHE), only
when glare saturated a spot of the frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from drivers.cameras.symbols import CODE128, QR, Decoded

GLARE_BANDS = 8
SATURATED = 245
# The pass runs on a cut-out only where glare washed out this much of it. Without glare it is
# the row scan on a taller cut-out, and that misread a photo (smear and keystone, 1.5 % washed
# out) that the pass read 11 of 52 glare photos of the tuning sets beside (3.6 % or more).
WASHED_SHARE = 0.03


def read_glare(image: np.ndarray, formats: Sequence[str] = (CODE128,),
               module: float | None = None) -> list[Decoded]:
    """A Backend for tall cut-outs: the row scan in thin bands with the saturated stretches
    unknown, only where glare washed out part of the cut-out."""
    from drivers.cameras.rowscan import read_rows

    if CODE128 not in formats:
        return []
    washed = washed_out(image, module or 3.0)
    if not _washed_share_reached(washed):
        return []
    return read_rows(washed, formats, module, count=GLARE_BANDS)


def glared(image: np.ndarray, module: float, share: float = WASHED_SHARE) -> bool:
    """Whether glare washed out part of a cut-out (`share` of it, as `washed_out` sees)."""
    return _washed_share_reached(washed_out(image, module), share)


def _washed_share_reached(washed: np.ndarray, share: float = WASHED_SHARE) -> bool:
    return np.count_nonzero(np.isnan(washed)) >= share * washed.size


GLARE_RUN = 4  # modules: white longer than a Code 128 space (at most 4 modules) is glare


def washed_out(image: np.ndarray, module: float) -> np.ndarray:
    """The cut-out as floats, NaN (unknown) where glare saturated it: white longer than the
    widest space of a Code 128 (white paper between bars is not glare), and a pixel around it
    (JPEG rings at its edge). As white, a saturated bar would favour the symbols with wide
    spaces there; unknown, it pulls no symbol's match either way."""
    run = int(GLARE_RUN * module) | 1
    washed = cv2.morphologyEx((image >= SATURATED).astype(np.uint8), cv2.MORPH_OPEN,
                              np.ones((1, run), np.uint8))
    washed = cv2.dilate(washed, np.ones((1, 3), np.uint8))
    return np.where(washed > 0, np.nan, image.astype(np.float32)).astype(np.float32)


FRAME_SATURATED_SHARE = 0.005  # of a frame: a glare spot of 40 px radius or more


def frame_glared(gray: np.ndarray) -> bool:
    """Whether glare saturated a spot of the frame (FRAME_SATURATED_SHARE of it)."""
    return np.count_nonzero(gray >= SATURATED) >= FRAME_SATURATED_SHARE * gray.size


def qr_glare_backend(read: Callable[[np.ndarray, Sequence[str]], list[Decoded]]):
    """A Backend for whole frames: where glare saturated a spot of the frame, the QR code read
    by `read` after local contrast equalisation (CLAHE), which brings back the modules glare has
    washed to light grey around the spot. A QR code's own error correction keeps this from
    misreading; it only costs, so it runs only on glared frames."""

    def read_qr(gray: np.ndarray, formats: Sequence[str]) -> list[Decoded]:
        if QR not in formats or not frame_glared(gray):
            return []
        clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))
        return read(clahe.apply(gray), [QR])

    return read_qr
