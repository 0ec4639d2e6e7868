"""The provisioning file (`motcua.toml`) a unit finds on its boot partition at first boot.

Either one unit's settings at the top level, or a `[units."<MAC>"]` table per unit so that one
card serves a batch (the first-boot agent picks the table matching its network card). The image
itself holds no secrets: everything unit-specific arrives here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from images.errors import FlashRefused

FILE_NAME = "motcua.toml"
_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TEXT_KEYS = ("backend_url", "station", "hostname", "timezone", "enrol_code")


def _bad(path: Path, vi: str, en: str) -> FlashRefused:
    return FlashRefused(f"Tệp cấu hình {path} không hợp lệ: {vi}",
                        f"the provisioning file {path} is not valid: {en}", key="bad_provision")


def _check_unit(path: Path, unit: dict, where: str) -> None:
    for key in _TEXT_KEYS:
        if key in unit and not isinstance(unit[key], str):
            raise _bad(path, f"{where}{key} phải là chuỗi", f"{where}{key} must be a string")
    url = unit.get("backend_url", "")
    if not url.startswith(("http://", "https://")):
        raise _bad(path, f"{where}backend_url phải là địa chỉ http(s)://, đang là {url!r}",
                   f"{where}backend_url must be an http(s):// address, got {url!r}")
    name = unit.get("hostname")
    if name is not None and not _HOST.match(name):
        raise _bad(path, f"{where}hostname {name!r} không hợp lệ (chữ thường, số, dấu -)",
                   f"{where}hostname {name!r} is not valid (lower-case letters, digits, -)")
    wifi = unit.get("wifi")
    if wifi is not None and not (isinstance(wifi, dict) and isinstance(wifi.get("ssid"), str)):
        raise _bad(path, f"{where}[wifi] cần ssid", f"{where}[wifi] needs an ssid")


def load(path: Path) -> bytes:
    """The file's bytes, once it is known to be a provisioning file a unit can use."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        why = exc.strerror
        raise _bad(path, f"không đọc được ({why})", f"cannot be read ({why})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _bad(path, f"không phải TOML UTF-8 ({exc})", f"not UTF-8 TOML ({exc})") from None
    units = data.get("units")
    if units is None:
        _check_unit(path, data, "")
        return raw
    if not isinstance(units, dict) or not units:
        raise _bad(path, "[units] phải là bảng theo địa chỉ MAC", "[units] must be keyed by MAC")
    shared = {k: v for k, v in data.items() if k != "units"}
    for mac, unit in units.items():
        if not _MAC.match(mac) or not isinstance(unit, dict):
            raise _bad(path, f"khoá {mac!r} không phải địa chỉ MAC dạng aa:bb:cc:dd:ee:ff",
                       f"key {mac!r} is not a MAC address like aa:bb:cc:dd:ee:ff")
        _check_unit(path, {**shared, **unit}, f"[units.\"{mac}\"] ")
    return raw
