"""The patterns the row scan (rowscan.py) matches along a scan line: the Code 128 symbols and
end symbols as a line sees them (light +1, dark −1, S samples a module, blurred as focus or a
moving hand blurs them, or with their bars thinned as glare thins them), and the correlation of
lines with them, which brightness and contrast leave alone."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from barcode.charsets.code128 import CODES

START_C = 105
QUIET = 6  # modules of quiet zone matched beyond the end symbols
STOP = "1100011101011"  # the stop symbol with its final bar, 13 modules
S = 4  # samples per module
BLURS = (0.0, 0.45, 0.6, 0.75, 0.95)  # focus or motion blur of the templates, in modules


def correlations(samples: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """Windows × templates: each line's correlation with each template, averaged over the
    lines with the line's contrast as weight. Unknown (NaN) samples count on neither side; a
    line knowing less than half of a window has no say in it."""
    known = np.isfinite(samples)
    if known.all():
        samples = samples - samples.mean(axis=2, keepdims=True)
        contrast = np.linalg.norm(samples, axis=2).sum(axis=0)  # windows
        return (samples.sum(axis=0) @ templates.T) / np.maximum(contrast, 1e-3)[:, None]
    k = known.astype(np.float32)
    n = k.sum(axis=2, keepdims=True)
    k *= n >= 0.5 * samples.shape[2]
    n = k.sum(axis=2, keepdims=True)
    samples = np.where(known, samples, 0.0)
    samples = (samples - (samples * k).sum(axis=2, keepdims=True) / np.maximum(n, 1)) * k
    # The template's own norm over the known samples (its mean there taken out).
    spread = np.sqrt(np.maximum(k @ (templates**2).T - (k @ templates.T) ** 2
                                / np.maximum(n, 1), 0.0))
    weight = np.linalg.norm(samples, axis=2)[..., None] * spread  # lines × windows × templates
    return (samples @ templates.T).sum(axis=0) / np.maximum(weight.sum(axis=0), 1e-3)


def pattern(bits: str, blur: float, left: float = 1.0, right: float = -1.0,
             clip: float = 1.0) -> np.ndarray:
    """A symbol as a scan line sees it: light +1, dark −1, `S` samples a module, blurred by
    `blur` modules, lighter than `clip` nowhere; a symbol is preceded by a space and followed
    by a bar."""
    line = np.repeat([1.0 if b == "0" else -1.0 for b in bits], S).astype(np.float32)
    if blur:
        pad = 3 * S
        line = np.concatenate([np.full(pad, left, np.float32), line,
                               np.full(pad, right, np.float32)])
        line = cv2.GaussianBlur(line[None], (0, 0), blur * S, borderType=cv2.BORDER_REPLICATE)
        line = line[0, pad:-pad]
    return unit(np.minimum(line, clip))


def unit(v: np.ndarray) -> np.ndarray:
    v = v - v.mean()
    return (v / np.linalg.norm(v)).astype(np.float32)


@lru_cache(maxsize=1)
def symbol_templates() -> tuple[np.ndarray, ...]:
    return tuple(np.stack([pattern(c, b) for c in CODES[:103]]) for b in BLURS)


# Glare added to the paper saturates the sensor where the paper was lightest: the blurred
# edges of the bars go up to white with it and the bars look thinner, their dark cores
# unchanged (a symbol then matches the one with narrower bars better, e.g. 30 read as 3:
# second model 350750 #164). Such a bar is the blurred pattern cut off at these levels
# (+1 paper, -1 ink).
THIN_CLIPS = (0.3, -0.1)


@lru_cache(maxsize=1)
def thin_templates() -> tuple[np.ndarray, ...]:
    """Per blur of BLURS: the symbols as they are, and with their bars thinned (THIN_CLIPS),
    variants × symbols × samples."""
    return tuple(np.stack([plain, *(np.stack([pattern(c, b, clip=k) for c in CODES[:103]])
                                    for k in THIN_CLIPS)])
                 for plain, b in zip(symbol_templates(), BLURS, strict=True))


@lru_cache(maxsize=len(BLURS))
def stop_template(blur: int) -> np.ndarray:
    return pattern(STOP, BLURS[blur], right=1.0)


@lru_cache(maxsize=len(BLURS))
def start_template(blur: int) -> np.ndarray:
    return pattern(CODES[START_C], BLURS[blur])


@lru_cache(maxsize=2)
def end_templates(stop: bool) -> tuple[np.ndarray, ...]:
    """The quiet zone and the start symbol, or the quiet zone and the stop symbol as read from
    the code's far end, at each of BLURS."""
    if stop:
        return tuple(np.ascontiguousarray(pattern(STOP + "0" * QUIET, b, right=1.0)[::-1])
                     for b in BLURS)
    return tuple(pattern("0" * QUIET + CODES[START_C], b) for b in BLURS)
