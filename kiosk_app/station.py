"""What a station profile (hardware_profiles/stations/<name>.yaml) says about a kiosk.

The profile gives the screen (orientation, size, rotation, cursor, blanking), the backend,
fullscreen, the idle time and where each device is; `station_values()` turns that into
KioskConfig fields. Values set in the kiosk's own file or environment win over the profile
(a technician's override on one unit).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from drivers.profiles import DEFAULT_ROOT, ProfileError, load_profiles, printer_profile


def station_values(name: str, root: Path | str = DEFAULT_ROOT) -> dict:
    """KioskConfig fields from station `name`; {} when no such profile exists."""
    try:
        profiles = load_profiles(root)
    except ProfileError as error:
        raise ValueError(f"Hồ sơ thiết bị lỗi / hardware profiles invalid: {error}") from None
    station = profiles.stations.get(name)
    if station is None or "kiosk" not in station.apps:
        return {}
    values = {"orientation": station.screen.orientation,
              "backend_url": station.kiosk.backend_url,
              "fullscreen": station.kiosk.fullscreen,
              "window": station.screen.resolution, "rotation": station.screen.rotation,
              "hide_cursor": station.kiosk.hide_cursor,
              "screen_blank_s": station.kiosk.screen_blank_s,
              "idle_seconds": min(600, station.kiosk.idle_reset_s),
              "language": station.kiosk.language}
    for role, (spec, device) in profiles.station_devices(name).items():
        values.update(_device_values(role, spec.path, device))
    return values


def _device_values(role: str, path: str, device) -> dict:
    if role == "ticket_printer":
        profile = printer_profile(device)
        return {"printer": printer_spec(path), "printer_model": device.name,
                "paper_mm": 58 if profile.paper_width_dots <= 384 else 80}
    if role == "camera":
        return {"camera": camera_spec(path)}
    if role == "audio":
        return {"audio": "fake" if path.startswith("fake:") else path}
    if role == "scanner":
        serial = device.capabilities.interface == "serial"
        return {"scanner": scanner_spec(path, serial, device.link.baudrate or 9600)}
    return {}


def _fake_option(path: str, key: str) -> str:
    return parse_qs(urlparse(path).query).get(key, [""])[0]


def printer_spec(path: str) -> str:
    if path.startswith("fake:"):
        return f"virtual:{_fake_option(path, 'out')}"
    if path.startswith(("usb:", "/dev/")):
        return path if path.startswith("usb:") else f"file:{path}"
    return "tcp:" + path.removeprefix("tcp://")


def camera_spec(path: str) -> str:
    if path.startswith("fake:"):
        return _fake_option(path, "dir") or "fake"
    return path  # csi:N, /dev/videoN, /dev/motcua/camera-…, rtsp://…


def scanner_spec(path: str, serial: bool, baudrate: int) -> str:
    if path.startswith("fake:"):
        return "fake"
    if serial:
        return f"serial:{path}:{baudrate}"
    if path.startswith("usb:"):
        return "evdev:" + ":".join(path.split(":")[1:3])
    return f"evdev:{path}"  # /dev/input/by-id/… or /dev/motcua/scanner-…
