"""Shared types of the receipt-printer drivers: profile, status, job result, errors, connection.

Everything a user may read (status reasons, error messages) is a `Message`: Vietnamese first
with the English beside it ("Máy in hết giấy" / "Printer out of paper") and the reason's code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal

from drivers.message import BilingualError, Message

TextEncoding = Literal["tcvn3", "cp1258", "raster"]


# Reasons a printer is not ready or a job failed (code -> (Vietnamese, English)).
MESSAGES: dict[str, tuple[str, str]] = {
    "paper_out": ("Máy in hết giấy", "Printer out of paper"),
    "paper_out_mid_job": (
        "Máy in hết giấy giữa chừng, phiếu in chưa xong",
        "Printer ran out of paper during the job; the receipt is incomplete",
    ),
    "paper_near_end": ("Giấy in sắp hết", "Paper is nearly out"),
    "cover_open": ("Nắp máy in đang mở", "Printer cover is open"),
    "offline": ("Máy in đang ngoại tuyến", "Printer is offline"),
    "error": (
        "Máy in báo lỗi (dao cắt hoặc lỗi cơ khí)",
        "Printer reports an error (cutter or mechanism)",
    ),
    "no_response": ("Máy in không phản hồi", "Printer does not respond"),
    "not_ready_after": (
        "Máy in không sẵn sàng sau khi in, không chắc phiếu đã ra",
        "Printer not ready after the job; the receipt may not have come out",
    ),
}


def message(code: str, level: str = "error") -> Message:
    vi, en = MESSAGES[code]
    return Message(vi, en, level, code)


class PrinterError(BilingualError):
    """A printer problem with a bilingual message; ``code`` is a stable machine key."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(vi, en, key=code)
        self.code = code

    @classmethod
    def of(cls, code: str) -> PrinterError:
        vi, en = MESSAGES[code]
        return cls(code, vi, en)


@dataclass(frozen=True)
class PrinterProfile:
    """What the driver needs to know about one printer model (YAML profiles map onto this)."""

    name: str = "generic-58mm"
    paper_width_dots: int = 384  # 384 = 58 mm, 576 = 80 mm paper at 203 dpi
    chars_per_line: int = 32  # font A (12x24 dots): 32 on 58 mm, 48 on 80 mm
    # The defaults describe a printer nobody has checked: text and symbols drawn as images,
    # which every ESC/POS printer prints right. Code pages and native symbols only for models
    # known to have them (see drivers/profiles.py: only verified capabilities get here).
    text_encoding: TextEncoding = "raster"
    native_barcode: bool = False  # GS k Code 128 (set C)
    native_qr: bool = False  # GS ( k QR model 2
    tcvn3_codepages: tuple[int, int] = (30, 31)  # ESC t n: TCVN-3 lower case, upper case
    cp1258_codepage: int = 52  # ESC t n for Windows-1258 (Epson: 52; some clones: 27 or 94)
    # Prints a CP1258 tone byte over the letter before it. Printers without this give the
    # tone a cell of its own, so a line holds fewer letters.
    cp1258_combining: bool = False
    cut: bool = True  # has an auto-cutter (GS V)
    status: bool = True  # answers DLE EOT real-time status requests

    def __post_init__(self) -> None:
        if self.text_encoding not in ("tcvn3", "cp1258", "raster"):
            raise ValueError(f"unknown text_encoding {self.text_encoding!r}")
        if self.paper_width_dots % 8 or not 0 < self.paper_width_dots <= 832:
            raise ValueError(f"paper_width_dots must be a multiple of 8: {self.paper_width_dots}")

    @classmethod
    def for_paper(cls, mm: int, **overrides: object) -> PrinterProfile:
        """A 58 mm (384 dots, 32 columns) or 80 mm (576 dots, 48 columns) profile."""
        sizes = {58: (384, 32), 80: (576, 48)}
        if mm not in sizes:
            raise ValueError(f"paper width must be 58 or 80 mm, not {mm}")
        dots, cols = sizes[mm]
        base: dict[str, object] = {"name": f"generic-{mm}mm", "paper_width_dots": dots,
                                   "chars_per_line": cols}
        return cls(**{**base, **overrides})  # type: ignore[arg-type]


@dataclass(frozen=True)
class PrinterStatus:
    """Real-time status (DLE EOT 1-4) decoded into what matters at a counter."""

    online: bool = True
    paper_near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    error: bool = False
    raw: dict[int, int] = field(default_factory=dict, compare=False)

    @property
    def problem(self) -> str | None:
        """Machine key of what stops printing (most specific first), or None when ready."""
        for code in ("paper_out", "cover_open", "error"):
            if getattr(self, code):
                return code
        return None if self.online else "offline"

    @property
    def ready(self) -> bool:
        return self.problem is None

    @property
    def reason(self) -> Message | None:
        """The message of :attr:`problem` (None when ready)."""
        return message(self.problem) if self.problem else None


@dataclass(frozen=True)
class JobResult:
    """The honest outcome of one print job.

    ``ok`` means the printer took the whole job and was fine afterwards. ``verified`` says
    the printer confirmed it had worked through the job (its GS r reply came back) - False on
    write-only connections. ``reason`` says why a job failed, or warns on a good one
    (the ``paper_near_end`` message); ``code`` is the failure's machine key.
    """

    ok: bool
    reason: Message | None = None
    code: str | None = None
    bytes_sent: int = 0
    before: PrinterStatus | None = None
    after: PrinterStatus | None = None
    verified: bool = False
    seconds: float = 0.0


class Connection(ABC):
    """A byte pipe to a printer: USB, serial, TCP 9100, a device file or the virtual printer."""

    #: True when :meth:`read` can return status bytes from the printer.
    readable: bool = True
    #: Link speed where it limits a job (serial), so the driver waits long enough.
    bytes_per_second: float | None = None

    def open(self) -> None:  # noqa: B027 - optional hook
        """Open the underlying device (idempotent)."""

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send bytes; raise :class:`PrinterError` on failure."""

    @abstractmethod
    def read(self, size: int, timeout: float) -> bytes:
        """Return up to ``size`` bytes, or b"" when nothing arrives within ``timeout`` seconds."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device."""

    def __enter__(self) -> Connection:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
