"""The station's settings: which counter it is, where the backend is, what devices it has.

Read from a JSON file (`--config`, or `$MOTCUA_COUNTER_CONFIG`); every key is optional so a
laptop runs with fake devices and no file at all. Device specs are plain strings so a station
profile can name them: printer "virtual", "tcp://10.0.0.9:9100", "usb:0x04b8:0x0202",
"serial:/dev/ttyUSB0@9600" or a device file path; display "fake", "none" or a serial port.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from counter_app.texts import CounterError

WINDOW_MODES = ("maximized", "fullscreen", "window")
SIZE = re.compile(r"^(\d{3,4})[x×X*](\d{3,4})$")
MIN_SIZE = (1024, 600)  # the screens are laid out for 1024x768 and up
DEFAULT_SIZE = (1366, 768)  # before maximising, or with --window and no --size


@dataclass(frozen=True)
class StationConfig:
    station: str = "quay-1"  # the name leases are held under at the backend
    counter: int = 1  # the counter number the queue calls to
    backend_url: str = "http://127.0.0.1:8000"
    data_dir: str = "var/counter"  # local outbox, print jobs, receipts of the virtual printer
    timeout: float = 3.0  # seconds before the backend counts as unreachable
    probe_interval: float = 5.0  # seconds between reachability checks and outbox sends
    # -- the receipt ----------------------------------------------------------------------
    place: str = "Tân Ninh"  # "Tân Ninh, ngày 23 tháng 11 năm 2026"
    issuer: str = "UBND PHƯỜNG TÂN NINH"  # the body above the centre's name
    collect_at: str = "Quầy trả kết quả, Bộ phận Một cửa"  # where results are handed back
    # The lookup page printed when the site has no public address, if citizens can open it.
    lookup_web: str = ""
    lookup_sms: str = "Soạn TTHC <mã hồ sơ> gửi 8188"
    copies: int = 1  # 2 prints a second copy for the paper file
    # -- the window ------------------------------------------------------------------------
    window: str = "maximized"  # maximized, fullscreen (a dedicated station) or window
    size: str = ""  # WxH, e.g. 1366x768: the window's size (and its size when un-maximised)
    # -- devices --------------------------------------------------------------------------
    profile: str = ""  # a station profile (hardware_profiles/stations): wins over the specs
    printer: str = "virtual"
    paper_mm: int = 80
    # tcvn3, cp1258 or raster. Raster unless the printer is known to have the code page at
    # Epson's number: a clone prints TCVN-3 sent to page 31 as Hebrew.
    text_encoding: str = "raster"
    display: str = "fake"
    audio: str = "none"  # none, fake, or alsa[:DEVICE] (espeak-ng voice through aplay)
    scanner: str = "keyboard"  # keyboard (a wedge typing into the focused field) or serial:DEV@BAUD
    # -- offline numbering ------------------------------------------------------------------
    lease_days: int = 2
    lease_count: int = 30
    lease_low_water: int = 10  # lease more when fewer numbers than this are left for today

    def __post_init__(self) -> None:
        if not 1 <= self.counter <= 99:
            raise CounterError(f"Số quầy {self.counter} không hợp lệ (1-99)",
                               f"Counter number {self.counter} is invalid (1-99)", "config")
        if self.paper_mm not in (58, 80):
            raise CounterError(f"Khổ giấy {self.paper_mm} mm không hỗ trợ (58 hoặc 80)",
                               f"Paper width {self.paper_mm} mm unsupported (58 or 80)", "config")
        if self.window not in WINDOW_MODES:
            raise CounterError(f"Chế độ cửa sổ '{self.window}' không có "
                               f"({', '.join(WINDOW_MODES)})",
                               f"Unknown window mode '{self.window}' "
                               f"({', '.join(WINDOW_MODES)})", "config")
        parse_size(self.size)  # a mistake is reported now, not when the window opens
        if self.copies not in (1, 2):
            raise CounterError("Số liên biên nhận phải là 1 hoặc 2",
                               "Receipt copies must be 1 or 2", "config")

    @property
    def lookup_page(self) -> str:
        return self.lookup_web or self.backend_url.rstrip("/") + "/tra-cuu"

    def kivy_graphics(self) -> dict[str, str]:
        """Kivy's [graphics] settings for this window, set before the window exists."""
        width, height = parse_size(self.size) or DEFAULT_SIZE
        return {"width": str(width), "height": str(height),
                "fullscreen": "auto" if self.window == "fullscreen" else "0",
                "window_state": "maximized" if self.window == "maximized" else "visible"}

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    def with_(self, **changes: object) -> StationConfig:
        return replace(self, **changes)


def parse_size(size: str) -> tuple[int, int] | None:
    """'1366x768' -> (1366, 768); '' -> None; anything else is explained."""
    if not size:
        return None
    match = SIZE.match(size.strip())
    width, height = (int(match[1]), int(match[2])) if match else (0, 0)
    if not (MIN_SIZE[0] <= width <= 7680 and MIN_SIZE[1] <= height <= 4320):
        raise CounterError(
            f"Kích thước cửa sổ '{size}' không hợp lệ: viết RỘNGxCAO, ít nhất "
            f"{MIN_SIZE[0]}x{MIN_SIZE[1]} (ví dụ 1366x768)",
            f"Window size '{size}' is invalid: write WIDTHxHEIGHT, at least "
            f"{MIN_SIZE[0]}x{MIN_SIZE[1]} (e.g. 1366x768)", "config", "size")
    return width, height


def load(path: str | Path | None = None, **overrides: object) -> StationConfig:
    """The file's settings (unknown keys are an error, not a silent typo) plus overrides."""
    path = path or os.environ.get("MOTCUA_COUNTER_CONFIG")
    values: dict[str, object] = {}
    if path:
        values = _read(Path(path))
    known = {f.name for f in fields(StationConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise CounterError(f"Tệp cấu hình có khóa không biết: {', '.join(unknown)}",
                           f"Unknown keys in the configuration file: {', '.join(unknown)}",
                           "config")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return StationConfig(**values)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CounterError(f"Không đọc được tệp cấu hình {path}: {exc}",
                           f"Cannot read the configuration file {path}: {exc}",
                           "config") from None
