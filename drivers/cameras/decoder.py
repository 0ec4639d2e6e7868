"""Read the receipt symbols (QR code, Code 128) from camera frames.

A decoder is a backend (zxing-cpp or pyzbar) run through a *strategy*: an ordered list of cheap
passes over the frame that stops at the first pass that reads anything. The passes exist because
a single full-frame read is not enough at a kiosk (bench/decode.py has the numbers):

- 1D readers scan rows; a Code 128 as long as ours (145 modules, 290 × 80 dots) is crossed end to
  end by a row only while tilted less than atan(80/290) ≈ 15°, so receipts held at ±30° need the
  frame turned back by about that much first. zxing-cpp's ``try_rotate`` only adds 90°/270°.
- Glare washes the dark modules out to light grey; a gamma curve stretches the highlights so the
  binarizer can separate them again.

QR codes are read at any rotation by both backends, so the rotated passes look for Code 128 only.
Results are restricted to the two receipt formats: fewer readers run and nothing else (EAN, ITF…)
can be mistaken for a receipt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import cv2
import numpy as np

QR = "QRCode"
CODE128 = "Code128"
FORMATS = (QR, CODE128)

Point = tuple[float, float]


@dataclass(frozen=True)
class Decoded:
    """One symbol read from a frame; corners are in the frame's pixel coordinates."""

    format: str  # QR or CODE128
    text: str
    corners: tuple[Point, ...] = ()
    stage: str = ""  # the strategy pass that read it (for benchmarks and logs)


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
        return [Decoded(b.format.name, b.text, _zxing_corners(b.position)) for b in found]

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
        return [Decoded(name[r.type], r.data.decode("utf-8", "replace"),
                        tuple((float(p.x), float(p.y)) for p in r.polygon)) for r in found]

    return read


BACKENDS: dict[str, Callable[[], Backend]] = {
    "zxing": zxing_backend,
    "zxing-defaults": lambda: zxing_backend(try_rotate=True, try_invert=True, try_downscale=True),
    "pyzbar": pyzbar_backend,
}


@dataclass(frozen=True)
class Stage:
    """One pass: optionally tone-map, scale and rotate the gray frame, then read `formats`."""

    name: str
    formats: tuple[str, ...] = FORMATS
    angle: float = 0.0  # degrees, counter-clockwise, about the frame centre
    scale: float = 1.0
    tone: str = ""  # "" | "gamma" (glare) | "clahe" (low light, uneven light)


def _rotations(*angles: float) -> tuple[Stage, ...]:
    return tuple(Stage(f"rot{a:+g}", (CODE128,), angle=a) for a in angles)


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
}
DEFAULT_BACKEND = "zxing"
DEFAULT_STRATEGY = "tiered"


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


    def decode(self, frame: np.ndarray) -> list[Decoded]:
        gray = to_gray(frame)
        for stage in self.stages:
            found = run_stage(self.backend, gray, stage)
            if found:
                return found
        return []


def _restrict(stages: Sequence[Stage], formats: Sequence[str]) -> tuple[Stage, ...]:
    """Keep only the wanted formats in each pass, and drop passes left with nothing to read."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unsupported formats: {sorted(unknown)}")
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
    return gray


@lru_cache(maxsize=1)
def _gamma_lut() -> np.ndarray:
    return np.array([255 * (i / 255) ** 2.2 for i in range(256)], np.uint8)


def _clahe() -> cv2.CLAHE:
    # Made per call: cheap, and a shared instance across decoder threads is not documented safe.
    return cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))

