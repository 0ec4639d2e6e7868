"""Where the kiosk's configuration comes from: a JSON file, the environment, and the backend.

The file and environment say what is wired to this unit (backend URL, printer, camera, scanner,
screen orientation, admin PIN). The backend's device settings (heartbeat answer) say how it
behaves (idle time, language, services offered, ratings, read-aloud) and change at run time.

    MOTCUA_KIOSK_CONFIG=/etc/motcua/kiosk.json   # optional; keys as in KioskConfig
    MOTCUA_BACKEND_URL, MOTCUA_DEVICE_NAME, MOTCUA_STATION, MOTCUA_KIOSK_ORIENTATION,
    MOTCUA_KIOSK_DATA, MOTCUA_KIOSK_PRINTER, MOTCUA_KIOSK_CAMERA, MOTCUA_KIOSK_SCANNER,
    MOTCUA_KIOSK_AUDIO, MOTCUA_KIOSK_TOKEN (the demo; units keep theirs in data_dir/device-token),
    MOTCUA_KIOSK_PIN (hashed at once, never kept), MOTCUA_AGENCY_CODE
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from kiosk_app.admin import hash_pin

ENV = {
    "backend_url": "MOTCUA_BACKEND_URL", "device_name": "MOTCUA_DEVICE_NAME",
    "station": "MOTCUA_STATION", "orientation": "MOTCUA_KIOSK_ORIENTATION",
    "data_dir": "MOTCUA_KIOSK_DATA", "printer": "MOTCUA_KIOSK_PRINTER",
    "camera": "MOTCUA_KIOSK_CAMERA", "scanner": "MOTCUA_KIOSK_SCANNER",
    "agency_code": "MOTCUA_AGENCY_CODE", "site_name": "MOTCUA_SITE_NAME",
    "audio": "MOTCUA_KIOSK_AUDIO", "token": "MOTCUA_KIOSK_TOKEN",
}
TOKEN_FILE = "device-token"


@dataclass(frozen=True)
class Settings:
    """What an admin sets for this device on the backend (PUT /devices/{name}/settings)."""

    idle_seconds: int = 45
    language: str = "vi"
    services: tuple[str, ...] = ()  # empty: every service of the site
    rating_enabled: bool = True
    read_aloud: bool = False

    @classmethod
    def from_backend(cls, data: dict | None, base: Settings | None = None) -> Settings:
        """Unset or odd values keep the unit's own defaults (`base`): a bad setting must not
        break the lobby."""
        data, base = data or {}, base or cls()
        idle = data.get("idle_seconds", base.idle_seconds)
        language = data.get("language", base.language)
        return cls(
            idle_seconds=idle if isinstance(idle, int) and 10 <= idle <= 600
            else base.idle_seconds,
            language=language if language in ("vi", "en") else base.language,
            services=tuple(s for s in data.get("services") or () if isinstance(s, str)),
            rating_enabled=bool(data.get("rating_enabled", base.rating_enabled)),
            read_aloud=bool(data.get("read_aloud", base.read_aloud)))


@dataclass(frozen=True)
class KioskConfig:
    backend_url: str = "http://127.0.0.1:8000"
    device_name: str = "kiosk"
    station: str = ""
    orientation: str = "portrait"  # portrait 1080×1920 or landscape 1920×1080
    data_dir: Path = Path("var/kiosk")
    token: str | None = None  # else read from data_dir/device-token
    agency_code: str = ""  # pre-typed on the code keyboard: most codes are this site's
    site_name: str = ""  # shown in the header, e.g. the centre's name
    pin_hash: str = ""  # admin PIN (see admin.hash_pin); empty: no admin screen
    idle_seconds: int = 45  # until the backend's device settings say otherwise
    language: str = "vi"  # the language each citizen starts in
    printer: str = "none"  # none | virtual:DIR | tcp:HOST[:PORT] | serial:DEV[:BAUD] | usb:VID:PID
    printer_model: str = ""  # a printer device profile (code pages, native symbols, width)
    paper_mm: int = 80
    camera: str = "none"  # none | index | /dev/videoN | csi:N | rtsp://… | fake | images (fake)
    audio: str = "none"  # none | alsa[:DEVICE] | fake: the speaker for reading aloud
    scanner: str = "none"  # none | evdev:VID:PID | evdev:PATH | evdev:NAME | serial:DEV[:BAUD]
    heartbeat_seconds: float = 60.0
    printer_check_seconds: float = 30.0
    retry_delays: tuple[float, ...] = (2.0, 5.0, 10.0, 30.0)
    catalog_ttl: float = 600.0
    fullscreen: bool = True
    window: str = ""  # WxH of a window (fullscreen off); empty: the orientation's full size
    rotation: int = 0  # 0/90/180/270: a panel mounted turned (the picture is turned back)
    hide_cursor: bool = True  # a touch kiosk shows no mouse pointer
    screen_blank_s: int | None = None  # None: the screen never blanks; else after N idle s

    @classmethod
    def load(cls, environ: dict[str, str] | None = None) -> KioskConfig:
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("MOTCUA_KIOSK_CONFIG"):
            values.update(json.loads(Path(env["MOTCUA_KIOSK_CONFIG"]).read_text("utf-8")))
        values.update({key: env[name] for key, name in ENV.items() if env.get(name)})
        if env.get("MOTCUA_KIOSK_PIN"):
            values["pin_hash"] = hash_pin(env["MOTCUA_KIOSK_PIN"])
        if values.get("station"):  # the station profile fills in what was not set here
            from kiosk_app.station import station_values

            values = {**station_values(values["station"]), **values}
        return cls.from_dict(values)

    @classmethod
    def from_dict(cls, values: dict) -> KioskConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"Khóa cấu hình không biết / unknown config keys: {unknown}")
        config = cls(**values)
        if config.language not in ("vi", "en") or not 10 <= config.idle_seconds <= 600:
            raise ValueError("language vi|en, idle_seconds 10..600 / ngôn ngữ vi|en, "
                             "thời gian chờ 10..600 giây")
        if config.orientation not in ("portrait", "landscape"):
            raise ValueError(f"orientation phải là portrait hoặc landscape / must be portrait or "
                             f"landscape: {config.orientation!r}")
        _check_screen(config)
        return replace(config, data_dir=Path(config.data_dir),
                       retry_delays=tuple(config.retry_delays) or (5.0,))

    @property
    def settings(self) -> Settings:
        """This unit's own defaults, before the backend's device settings arrive."""
        return Settings(idle_seconds=self.idle_seconds, language=self.language)

    @property
    def window_size(self) -> tuple[int, int]:
        """The app's size as it draws (before any rotation of the panel)."""
        if self.window:
            width, height = self.window.split("x")
            return int(width), int(height)
        return (1080, 1920) if self.orientation == "portrait" else (1920, 1080)

    # --- the device token -------------------------------------------------------------------

    @property
    def token_path(self) -> Path:
        return self.data_dir / TOKEN_FILE

    def device_token(self) -> str | None:
        if self.token:
            return self.token
        try:
            return self.token_path.read_text("ascii").strip() or None
        except FileNotFoundError:
            return None

    def save_token(self, token: str) -> None:
        """Written readable by the kiosk user only: the token lets anyone act as this kiosk."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.token_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(token)


def _check_screen(config: KioskConfig) -> None:
    if config.window and not re.fullmatch(r"[1-9]\d{2,3}x[1-9]\d{2,3}", config.window):
        raise ValueError(f"kích thước cửa sổ phải như 1280x800 / window size must look like "
                         f"1280x800: {config.window!r}")
    if config.rotation not in (0, 90, 180, 270):
        raise ValueError(f"rotation phải là 0, 90, 180 hoặc 270 / must be 0, 90, 180 or 270: "
                         f"{config.rotation!r}")
    blank = config.screen_blank_s
    if blank is not None and (not isinstance(blank, int) or blank < 10):
        raise ValueError(f"screen_blank_s phải là số giây từ 10 trở lên, hoặc null / must be "
                         f"10 seconds or more, or null: {blank!r}")
