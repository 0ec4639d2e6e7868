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

    .venv/bin/python bench/receipt_photos.py --out /tmp/photos   # write them as JPEG files
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import qrcode
from barcode.codex import Code128
from PIL import Image, ImageDraw, ImageFont

FRAME_W, FRAME_H = 1280, 720
DOTS_PER_MM = 8
PAPER_DOTS = 464  # 58 mm paper
PRINT_DOTS = 384  # 48 mm printable width
QR_DOTS_PER_MODULE = 8  # version 2 (25 modules) → 200 dots = 25 mm
C128_DOTS_PER_MODULE = 2
C128_HEIGHT_DOTS = 80
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
AGENCIES = ["000.00.06.H56", "000.00.11.H56", "000.00.23.H29", "000.00.04.H01"]


@dataclass(frozen=True)
class Payload:
    """What the two symbols of one receipt carry."""

    case_code: str
    token: str
    url: str = ""  # the site's public address: the QR then holds the lookup URL

    @property
    def qr(self) -> str:
        # Upper case: QR alphanumeric mode has no lower case (backend.domain.codes.qr_payload).
        if self.url:
            return f"{self.url.upper()}/L/{self.case_code}/{self.token}"
        return f"{self.case_code}/{self.token}"

    @property
    def code128(self) -> str:
        # Compact form: agency index (2) + yymmdd (6) + sequence (4) + token (8) = 20 digits.
        agency, day, seq = self.case_code.rsplit("-", 2)
        return f"{AGENCIES.index(agency) + 1:02d}{day}{seq}{self.token}"


@dataclass(frozen=True)
class Shot:
    """How one photo is taken. Zero means "effect off" for every degradation."""

    angle: float = 0.0  # in-plane rotation, degrees
    px_per_mm: float = 8.0  # receipt scale in the frame (8 = one camera pixel per printer dot)
    offset: tuple[float, float] = (0.0, 0.0)  # code block centre from frame centre, pixels
    perspective: float = 0.0  # corner jitter, fraction of receipt size
    keystone: float = 0.0  # paper tilted away: 1 − far edge / near edge (0.2 = ratio 0.8)
    keystone_dir: float = 0.0  # direction, in the frame, in which the paper recedes (degrees)
    bend: float = 0.0  # 1/R of the cylinder in 1/dots
    curl: bool = False  # bent along the length (paper off a roll) instead of across the width
    blur: float = 0.0  # gaussian sigma, pixels
    motion: int = 0  # motion blur length, pixels
    motion_angle: float = 0.0  # direction of the hand's movement, degrees
    glare: float = 0.0  # peak brightness added by each highlight (0..255)
    glare_spots: int = 1
    dark: float = 1.0  # exposure gain (1 = well lit)
    black: float = 0.0  # black-level offset added after the gain, 0..255 units
    noise: float = 0.0  # sensor noise sigma in 0..255 units
    jpeg: int = 0  # JPEG quality, 0 = lossless
    ink: int = 20  # thermal print darkness (0 = black)
    qr_lost: str = ""  # "" | "torn" (torn off above the barcode) | "folded" (folded back)


@dataclass
class Photo:
    index: int
    kind: str  # "receipt" or a code-free kind
    image: np.ndarray  # BGR uint8, FRAME_H × FRAME_W
    payload: Payload | None
    shot: Shot


def make_payload(i: int, url: str = "") -> Payload:
    rng = np.random.default_rng(10_000 + i)
    day = f"26{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    code = f"{AGENCIES[i % len(AGENCIES)]}-{day}-{rng.integers(1, 10_000):04d}"
    return Payload(code, f"{rng.integers(0, 10**8):08d}", url)


SITE_URL = "https://motcua.tanninh.gov.vn"


# --- the printed receipt ------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_BOLD if bold else FONT, size)


def qr_modules(text: str) -> np.ndarray:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(text.upper())
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def code128_modules(digits: str) -> np.ndarray:
    return np.array([c == "1" for c in Code128(digits).build()[0]], dtype=bool)


def _text_lines(payload: Payload | None) -> tuple[list[str], list[str]]:
    code = payload.case_code if payload else "000.00.06.H56-261123-0007"
    head = ["UBND HUYỆN THANH TRÌ", "BỘ PHẬN MỘT CỬA", "GIẤY TIẾP NHẬN HỒ SƠ",
            "VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code}", "Người nộp: Nguyễn Văn Ánh",
            "Thủ tục: Cấp giấy phép xây dựng", "Ngày nhận: 23/11/2026 09:41",
            "Hẹn trả: 08/12/2026 (10 ngày làm việc)"]
    foot = ["Quét mã tại ki-ốt để xem tiến độ", "Tra cứu: motcua.gov.vn/tra-cuu",
            "Đường dây nóng: 1900 1234"]
    return head, foot


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], y: int) -> int:
    for n, line in enumerate(lines):
        font = _font(22, bold=True) if n < 4 else _font(17)
        width = draw.textlength(line, font=font)
        draw.text(((PAPER_DOTS - width) / 2, y), line, fill=0, font=font)
        y += 30 if n < 4 else 26
    return y


@dataclass(frozen=True)
class Layout:
    """Where the codes are printed on a receipt, in dot rows."""

    top: int  # first row of the code block (the QR, or the note on a code-free receipt)
    bars: int  # first row of the Code 128
    bottom: int  # last row of the digits under the Code 128
    qr_width: int = 0  # dots


def render_receipt(payload: Payload | None) -> tuple[np.ndarray, Layout]:
    """The receipt as printed (uint8 gray, 255 paper, 0 dot) and where its codes are."""
    head, foot = _text_lines(payload)
    img = Image.new("L", (PAPER_DOTS, 900), 255)
    draw = ImageDraw.Draw(img)
    y = _draw_lines(draw, head, 24) + 20
    top = bars = y
    qr_width = 0
    if payload is not None:
        y, bars, qr_width = _paste_symbols(img, draw, payload, y)
    else:
        y = _draw_lines(draw, ["(không có mã)"] * 2 + foot * 3, y + 60)
    bottom = y
    y = _draw_lines(draw, ["", "", "", "", *foot], y + 4)
    # A thermal head prints dots or nothing: threshold the anti-aliased text.
    dots = np.where(np.asarray(img)[: y + 40] < 128, 0, 255).astype(np.uint8)
    return dots, Layout(top, bars, bottom, qr_width)


def _paste_symbols(img: Image.Image, draw: ImageDraw.ImageDraw, p: Payload,
                   y: int) -> tuple[int, int, int]:
    qr = np.kron(qr_modules(p.qr), np.ones((QR_DOTS_PER_MODULE,) * 2, dtype=bool))
    img.paste(Image.fromarray(np.where(qr, 0, 255).astype(np.uint8)),
              ((PAPER_DOTS - qr.shape[1]) // 2, y))
    y += qr.shape[0] + 28
    bars_top = y
    bars = np.repeat(code128_modules(p.code128), C128_DOTS_PER_MODULE)
    strip = np.tile(np.where(bars, 0, 255).astype(np.uint8), (C128_HEIGHT_DOTS, 1))
    img.paste(Image.fromarray(strip), ((PAPER_DOTS - strip.shape[1]) // 2, y))
    y += C128_HEIGHT_DOTS + 4
    width = draw.textlength(p.code128, font=_font(17))
    draw.text(((PAPER_DOTS - width) / 2, y), p.code128, fill=0, font=_font(17))
    return y + 24, bars_top, qr.shape[1]


def lose_qr(shape: tuple[int, int], layout: Layout, how: str,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
    """Paper coverage (1 where paper remains) after the QR was torn off or folded back.

    Torn: a ragged edge in the gap above the Code 128. Folded: a straight crease there, the
    paper darkening towards it as it turns away from the light. Also returns that shading.
    """
    rows = np.arange(shape[0], dtype=np.float32)[:, None]
    xs = np.arange(shape[1], dtype=np.float32)
    base = layout.bars - rng.uniform(4, 22)
    if how == "torn":
        walk = np.cumsum(rng.normal(0, 1.2, size=shape[1])).astype(np.float32)
        edge = np.clip(base + walk - walk.mean(), layout.bars - 27, layout.bars - 2)
        return (rows >= edge[None, :]).astype(np.float32), None
    edge = base + math.tan(math.radians(rng.uniform(-3, 3))) * (xs - shape[1] / 2)
    past = rows - edge[None, :]
    shade = 1.0 - 0.3 * np.exp(-np.maximum(past, 0) / 6.0)
    return (past >= 0).astype(np.float32), shade.astype(np.float32)


# --- the scene -----------------------------------------------------------------------------


def clutter(rng: np.random.Generator) -> np.ndarray:
    """A lobby-ish background: a lit gradient, furniture-like shapes, posters with text."""
    base = rng.integers(40, 200, size=3).astype(np.float32)
    ramp = np.linspace(0.6, 1.2, FRAME_W, dtype=np.float32)[None, :, None]
    img = np.clip(base * ramp * np.ones((FRAME_H, 1, 1), np.float32), 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(6, 16))):
        _shape(img, rng)
    for _ in range(int(rng.integers(2, 6))):
        org = (int(rng.integers(0, FRAME_W - 200)), int(rng.integers(20, FRAME_H)))
        cv2.putText(img, "THU TUC HANH CHINH 2026", org, cv2.FONT_HERSHEY_SIMPLEX,
                    float(rng.uniform(0.5, 1.4)), _colour(rng), int(rng.integers(1, 3)))
    return img


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(c) for c in rng.integers(0, 256, size=3))


def _shape(img: np.ndarray, rng: np.random.Generator) -> None:
    x, y = int(rng.integers(0, FRAME_W)), int(rng.integers(0, FRAME_H))
    w, h = int(rng.integers(20, 400)), int(rng.integers(20, 300))
    kind = rng.integers(0, 3)
    if kind == 0:
        cv2.rectangle(img, (x, y), (x + w, y + h), _colour(rng), -1)
    elif kind == 1:
        cv2.circle(img, (x, y), w // 3, _colour(rng), -1)
    else:
        cv2.line(img, (x, y), (x + w, y + h), _colour(rng), int(rng.integers(1, 8)))


def _receipt_homography(size: tuple[int, int], code_y: float, shot: Shot,
                        rng: np.random.Generator) -> np.ndarray:
    """Frame pixel ← centred receipt dots: rotation, scale, offset, then perspective."""
    s = shot.px_per_mm / DOTS_PER_MM
    a = math.radians(shot.angle)
    cx, cy = FRAME_W / 2 + shot.offset[0], FRAME_H / 2 + shot.offset[1]
    # Put the code block (not the receipt centre) where the citizen aims it.
    dy = code_y - size[0] / 2
    sim = np.array([[s * math.cos(a), -s * math.sin(a), 0], [s * math.sin(a), s * math.cos(a), 0],
                    [0, 0, 1]], np.float64)
    shift = sim @ np.array([0, dy, 1.0])
    sim[:2, 2] = [cx - shift[0], cy - shift[1]]
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float32) * PAPER_DOTS / 2
    src = (sim[:2, :2] @ half.T).T + sim[:2, 2]
    jitter = rng.uniform(-1, 1, size=(4, 2)) * shot.perspective * PAPER_DOTS * s
    dst = _keystone(src, np.array([cx, cy]), shot) + jitter
    persp = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    return persp @ sim


def _keystone(square: np.ndarray, centre: np.ndarray, shot: Shot) -> np.ndarray:
    """The paper-wide square as a trapezoid: the side tilted away shrinks to 1 − keystone."""
    if not shot.keystone:
        return square
    a = math.radians(shot.keystone_dir)
    away, side = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
    rel = square - centre
    along, across = rel @ away, rel @ side
    k = 2 * shot.keystone / (2 - shot.keystone)  # (1 − k/2) / (1 + k/2) = 1 − keystone
    across = across * (1 - k * along / np.abs(along).max() / 2)
    return centre + np.outer(along, away) + np.outer(across, side)


def _frame_box(h: np.ndarray, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The frame rectangle the receipt can cover (bending only narrows it)."""
    rh, rw = shape
    corners = np.array([[-rw / 2, -rh / 2], [rw / 2, -rh / 2], [rw / 2, rh / 2], [-rw / 2, rh / 2]])
    pts = cv2.perspectiveTransform(corners[None].astype(np.float64), h)[0]
    x0, y0 = np.clip(np.floor(pts.min(axis=0)), 0, [FRAME_W, FRAME_H]).astype(int)
    x1, y1 = np.clip(np.ceil(pts.max(axis=0)) + 1, 0, [FRAME_W, FRAME_H]).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def _inverse_maps(shape: tuple[int, int], h: np.ndarray, shot: Shot, box: tuple[int, ...]):
    """For every pixel of the box, the receipt dot it sees, and the paper's shading there."""
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    hi = np.linalg.inv(h).astype(np.float32)
    w = hi[2, 0] * xs + hi[2, 1] * ys + hi[2, 2]
    fx = (hi[0, 0] * xs + hi[0, 1] * ys + hi[0, 2]) / w
    fy = (hi[1, 0] * xs + hi[1, 1] * ys + hi[1, 2]) / w
    shade = None
    if shot.bend > 0:
        # A cylinder seen face-on: a dot at arc length u shows at R·sin(u/R).
        r = 1.0 / shot.bend
        across = fy if shot.curl else fx
        theta = np.arcsin(np.clip(across / r, -1.0, 1.0))
        across = np.where(np.abs(across) < r, theta * r, np.float32(1e6)).astype(np.float32)
        fx, fy = (fx, across) if shot.curl else (across, fy)
        shade = (0.75 + 0.25 * np.cos(theta * 1.4 - 0.3)).astype(np.float32)
    rh, rw = shape
    return fx + np.float32(rw / 2), fy + np.float32(rh / 2), shade


def _paste_receipt(frame: np.ndarray, receipt: np.ndarray, code_y: float, shot: Shot,
                   rng: np.random.Generator, layout: Layout | None = None) -> None:
    """Put the receipt in the frame with row `code_y` where the citizen aims; with its layout,
    a shot that lost the QR code shows the receipt torn or folded there."""
    h = _receipt_homography(receipt.shape, code_y, shot, rng)
    box = _frame_box(h, receipt.shape)
    x0, y0, x1, y1 = box
    if x1 <= x0 or y1 <= y0:
        return
    mx, my, shade = _inverse_maps(receipt.shape, h, shot, box)
    ink = np.where(receipt < 128, shot.ink, 255).astype(np.float32)
    cover = _ones(receipt.shape)
    if shot.qr_lost and layout is not None and layout.qr_width:
        cover, crease = lose_qr(receipt.shape, layout, shot.qr_lost, rng)
        if crease is not None:
            ink *= crease
    paper = cv2.remap(ink, mx, my, cv2.INTER_LINEAR, borderValue=0)
    alpha = cv2.remap(cover, mx, my, cv2.INTER_LINEAR, borderValue=0)
    if shade is not None:
        paper *= shade
    tint = np.array([0.93, 0.97, 1.0], np.float32)  # thermal paper is a little warm
    paper_bgr = cv2.merge([paper * t for t in tint])
    region = frame[y0:y1, x0:x1]
    region[:] = cv2.blendLinear(paper_bgr, region.astype(np.float32), alpha, 1 - alpha)
    _fingers(frame, h, receipt.shape, rng)


@lru_cache(maxsize=4)
def _ones(shape: tuple[int, int]) -> np.ndarray:
    return np.ones(shape, np.float32)


def _fingers(frame: np.ndarray, h: np.ndarray, shape: tuple[int, int],
             rng: np.random.Generator) -> None:
    """Thumbs on the receipt's long edges, below the codes, as people hold it."""
    rh, rw = shape
    for side in (-1, 1):
        if rng.random() < 0.5:
            continue
        pt = h @ np.array([side * rw / 2, rh * 0.35, 1.0])
        centre = (int(pt[0] / pt[2]), int(pt[1] / pt[2]))
        axes = (int(rng.integers(25, 45)), int(rng.integers(50, 80)))
        cv2.ellipse(frame, centre, axes, float(rng.uniform(0, 180)), 0, 360,
                    (int(rng.integers(90, 150)), int(rng.integers(120, 170)), 200), -1)


def degrade(frame: np.ndarray, shot: Shot, rng: np.random.Generator) -> np.ndarray:
    """Camera-side effects: optics and the moving hand blur the scene, then exposure (gain and
    black level, saturating at both ends), the lamp's glare, sensor noise, JPEG."""
    img = frame
    if shot.blur:
        img = cv2.GaussianBlur(img, (0, 0), shot.blur)
    if shot.motion:
        img = cv2.filter2D(img, -1, _motion_kernel(shot.motion, shot.motion_angle))
    if shot.dark != 1.0 or shot.black:
        img = cv2.addWeighted(img, shot.dark, img, 0.0, shot.black)
    for spot in range(shot.glare_spots if shot.glare else 0):
        # A specular highlight saturates whatever the ambient light is. The first is the ceiling
        # lamp's; the others, smaller, come from the lobby's other lights.
        radius = rng.uniform(50, 140) if spot == 0 else rng.uniform(20, 60)
        img = cv2.add(img, cv2.merge([_glare(rng, shot.glare, radius)] * 3))
    if shot.noise:
        img = _add_noise(img, shot.noise, rng)
    if shot.jpeg:
        _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, shot.jpeg])
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return img


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2] = 1.0 / length
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5,) * 2, angle, 1)
    return cv2.warpAffine(kernel, rot, kernel.shape)


def _glare(rng: np.random.Generator, peak: float, r: float) -> np.ndarray:
    """A soft bright blob near the middle of the frame (uint8, added with saturation)."""
    cx = FRAME_W / 2 + rng.uniform(-250, 250)
    cy = FRAME_H / 2 + rng.uniform(-200, 200)
    xs = np.exp(-(((np.arange(FRAME_W, dtype=np.float32) - cx) / r) ** 2) / 2)
    ys = np.exp(-(((np.arange(FRAME_H, dtype=np.float32) - cy) / r) ** 2) / 2)
    return (peak * np.outer(ys, xs)).astype(np.uint8)


@lru_cache(maxsize=1)
def _noise_bank() -> np.ndarray:
    # Fresh gaussian noise per frame costs more than the rest of the photo; a shifted window of
    # one larger field is as good for a decoder and keeps the set fast to make.
    field = np.random.default_rng(7).normal(0, 1, size=(FRAME_H + 64, FRAME_W + 64))
    return field.astype(np.float32)


def _add_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    dy, dx = (int(v) for v in rng.integers(0, 64, size=2))
    noise = _noise_bank()[dy : dy + FRAME_H, dx : dx + FRAME_W] * sigma
    return cv2.add(img, cv2.merge([noise] * 3), dtype=cv2.CV_8U)


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
    _, layout = _cached_receipt(payload)
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
    receipt, layout = _cached_receipt(payload)
    frame = clutter(rng)
    _paste_receipt(frame, receipt, _aim_row(layout, shot), shot, rng, layout)
    return degrade(frame, shot, rng)


@lru_cache(maxsize=64)
def _cached_receipt(payload: Payload | None):
    return render_receipt(payload)


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
        _stripes(frame, rng)
    elif kind == "grid":
        _grid(frame, rng)
    elif kind == "noise":
        frame[:] = rng.integers(0, 256, size=frame.shape[:2], dtype=np.uint8)[..., None]
    elif kind == "text-page":
        _text_page(frame, shot, rng)
    elif kind == "texture":
        _texture(frame, rng)
    return degrade(frame, replace(shot, glare=0.0), rng)


def _stripes(frame: np.ndarray, rng: np.random.Generator) -> None:
    """Random black/white bars: the worst bait for a 1D decoder."""
    widths = rng.integers(1, 9, size=400)
    bars = np.repeat(np.arange(len(widths)) % 2 == 0, widths)[: FRAME_W - 200]
    strip = np.where(bars, 20, 235).astype(np.uint8)
    frame[200:500, 100 : 100 + len(strip)] = strip[None, :, None]


def _grid(frame: np.ndarray, rng: np.random.Generator) -> None:
    """Random square modules with finder-like blocks: bait for a 2D decoder."""
    cells = rng.random((33, 33)) < 0.5
    for r, c in ((0, 0), (0, 26), (26, 0)):
        cells[r : r + 7, c : c + 7] = True
        cells[r + 1 : r + 6, c + 1 : c + 6] = False
        cells[r + 2 : r + 5, c + 2 : c + 5] = True
    big = np.kron(cells, np.ones((12, 12), dtype=bool))
    frame[160 : 160 + big.shape[0], 440 : 440 + big.shape[1]] = np.where(big, 15, 240)[..., None]


def _text_page(frame: np.ndarray, shot: Shot, rng: np.random.Generator) -> None:
    """A printed form held up instead of the receipt: dense lines of small text, tilted."""
    page = Image.new("L", (900, 700), 250)
    draw = ImageDraw.Draw(page)
    words = ["THỦ TỤC", "HÀNH CHÍNH", "0123456789", "||| lll III", "Mẫu 01/TTHC", "Phường",
             "giấy", "hẹn", "1900 1234", "000.00.06.H56", "Số:", "—", "ĐƠN ĐỀ NGHỊ"]
    for y in range(10, 690, 22):
        line = " ".join(words[int(k)] for k in rng.integers(0, len(words), 12))
        draw.text((10, y), line, fill=int(rng.integers(0, 60)), font=_font(16))
    m = cv2.getRotationMatrix2D((450, 350), shot.angle, float(rng.uniform(0.8, 1.3)))
    m[:, 2] += (FRAME_W - 900) / 2, (FRAME_H - 700) / 2
    warped = cv2.warpAffine(np.asarray(page), m, (FRAME_W, FRAME_H), borderValue=0)
    mask = cv2.warpAffine(np.full((700, 900), 255, np.uint8), m, (FRAME_W, FRAME_H)) > 0
    frame[mask] = warped[mask][:, None]


def _texture(frame: np.ndarray, rng: np.random.Generator) -> None:
    """Woven fabric, wood grain or blinds: fine, irregular, strongly oriented lines."""
    ys, xs = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
    a = rng.uniform(0, np.pi)
    u = xs * math.cos(a) + ys * math.sin(a)
    period = rng.uniform(2.5, 9)
    wobble = 3 * np.sin(ys / rng.uniform(20, 80)) + rng.normal(0, 0.4, size=u.shape)
    wave = np.sin(2 * np.pi * (u + wobble) / period) + 0.5 * np.sin(2 * np.pi * u / (period * 2.7))
    grain = (128 + 70 * np.tanh(2 * wave)).astype(np.uint8)
    x0, y0 = int(rng.integers(0, 400)), int(rng.integers(0, 200))
    w, h = int(rng.integers(500, FRAME_W - x0)), int(rng.integers(300, FRAME_H - y0))
    frame[y0 : y0 + h, x0 : x0 + w] = grain[y0 : y0 + h, x0 : x0 + w, None]


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
