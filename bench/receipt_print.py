"""The receipt as a thermal printer prints it, for the synthetic kiosk photos.

58 mm paper, 384 printed dots at 8 dots/mm, with the two receipt symbols of DESIGN.md: a QR code
(alphanumeric, error correction M, 8 dots/module, ~25 mm; `CODE/TOKEN` or the lookup URL ending
in `/L/CODE/TOKEN`) and a Code 128 set C of the 20-digit compact form (2 dots/module); and how
the paper looks once its QR code was torn off or folded back. Photo models
(receipt_photos.py, receipt_photos_cv.py) put this receipt in front of a camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import qrcode
from barcode.codex import Code128
from PIL import Image, ImageDraw, ImageFont

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


def make_payload(i: int, url: str = "") -> Payload:
    rng = np.random.default_rng(10_000 + i)
    day = f"26{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}"
    code = f"{AGENCIES[i % len(AGENCIES)]}-{day}-{rng.integers(1, 10_000):04d}"
    return Payload(code, f"{rng.integers(0, 10**8):08d}", url)


SITE_URL = "https://motcua.tanninh.gov.vn"


@lru_cache(maxsize=8)
def printer_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
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
        font = printer_font(22, bold=True) if n < 4 else printer_font(17)
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
    width = draw.textlength(p.code128, font=printer_font(17))
    draw.text(((PAPER_DOTS - width) / 2, y), p.code128, fill=0, font=printer_font(17))
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



@lru_cache(maxsize=64)
def cached_receipt(payload: Payload | None) -> tuple[np.ndarray, Layout]:
    return render_receipt(payload)
