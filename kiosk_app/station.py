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
from drivers.station import role_address


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
        values.update(_device_values(role, spec, device))
    return values


def _device_values(role: str, spec, device) -> dict:
    if role == "ticket_printer":
        profile = printer_profile(device)
        return {"printer": str(role_address(spec, device)), "printer_model": device.name,
                "paper_mm": 58 if profile.paper_width_dots <= 384 else 80}
    if role == "camera":
        return {"camera": camera_spec(spec.path)}
    if role == "audio":
        return {"audio": "fake" if spec.path.startswith("fake:") else spec.path}
    if role == "scanner":
        return {"scanner": str(role_address(spec, device))}
    return {}


def camera_spec(path: str) -> str:
    if path.startswith("fake:"):
        return parse_qs(urlparse(path).query).get("dir", [""])[0] or "fake"
    return path  # csi:N, /dev/videoN, /dev/motcua/camera-…, rtsp://…
