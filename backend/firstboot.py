"""Provisioning at boot: read `motcua.toml` from the boot partition, set hostname, time zone,
Wi-Fi and the apps' settings, and on the first boot trade the one-time enrolment code for this
unit's device token, kept on the data partition. The image holds no secret.

The root file system is read-only under a tmpfs overlay, so /etc forgets at every reboot: the
settings are applied at every boot; only the token (and what it was issued for) persists.
`motcua.toml` (docs/technician-units.md): top-level keys serve every unit; a table
`[units."<mac>"]` overrides them for the unit with that MAC address, so one card serves a batch.
`root` stands for `/` (tests use a temporary folder); nothing is written until the file checks.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
import tomllib
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from backend.domain.errors import InvalidInput, MotcuaError

APP_USER = "motcua"  # systemd/lockdown/etc/sysusers.d/motcua.conf
STATUS = Path("/run/motcua/firstboot.json")  # what the first-boot screen shows (unit file)
KEYS = ("backend_url", "station", "hostname", "timezone", "enrol_code", "wifi", "counter")
HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class Provision:
    backend_url: str
    station: str
    hostname: str
    timezone: str
    enrol_code: str
    wifi: dict
    counter: int = 1  # on a counter station: the number the queue calls citizens to


class EnrolFailed(MotcuaError):
    """Why the exchange failed, in words a technician at the unit can act on."""


def _bad(vi: str, en: str, field: str) -> InvalidInput:
    return InvalidInput(f"motcua.toml: {vi}", f"motcua.toml: {en}", key="bad_provision",
                        field=field)


def read_provision(path: Path, macs: list[str]) -> Provision:
    """The settings for this unit: the defaults, then its MAC's table if there is one."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise _bad(f"không có tệp {path}", f"no file {path}", "file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _bad(f"sai cú pháp ({error})", f"syntax error ({error})", "file") from None
    units = {mac.lower(): v for mac, v in data.pop("units", {}).items()}
    mine = next((units[m] for m in macs if m in units), {})
    values = {**data, **mine}
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise _bad(f"khoá không biết: {', '.join(unknown)}", f"unknown keys: {', '.join(unknown)}",
                   unknown[0])
    return _checked(values)


def _checked(v: dict) -> Provision:
    for key in ("backend_url", "station", "hostname"):
        if not isinstance(v.get(key), str) or not v[key].strip():
            raise _bad(f"thiếu '{key}'", f"'{key}' is missing", key)
    if not re.match(r"^https?://[^\s/]+", v["backend_url"]):
        raise _bad("backend_url phải bắt đầu bằng http:// hoặc https://",
                   "backend_url must start with http:// or https://", "backend_url")
    if not HOSTNAME.match(v["hostname"]):
        raise _bad("hostname chỉ gồm chữ thường, số và '-'",
                   "hostname may hold only lower-case letters, digits and '-'", "hostname")
    if not isinstance(v.get("enrol_code", ""), str):
        raise _bad("enrol_code phải là chuỗi", "enrol_code must be a string", "enrol_code")
    timezone = v.get("timezone", "Asia/Ho_Chi_Minh")
    if timezone not in zoneinfo.available_timezones():
        raise _bad(f"múi giờ '{timezone}' không tồn tại", f"unknown time zone '{timezone}'",
                   "timezone")
    wifi = v.get("wifi", {})
    if wifi and not (isinstance(wifi, dict) and wifi.get("ssid")):
        raise _bad("[wifi] cần 'ssid'", "[wifi] needs 'ssid'", "wifi")
    counter = v.get("counter", 1)
    if not isinstance(counter, int) or not 1 <= counter <= 99:
        raise _bad("counter phải là số quầy 1–99", "counter must be a counter number 1-99",
                   "counter")
    return Provision(v["backend_url"].rstrip("/"), v["station"], v["hostname"], timezone,
                     v.get("enrol_code", ""), wifi, counter)


def provisioning_path(root: Path) -> Path:
    """Where the image put the boot partition's motcua.toml (its /etc/motcua/image.toml)."""
    try:
        image = tomllib.loads((root / "etc" / "motcua" / "image.toml").read_text("utf-8"))
        return Path(image["provisioning"])
    except (OSError, ValueError, KeyError):
        return Path("/boot/efi/motcua.toml")


def local_macs(sys_net: Path = Path("/sys/class/net")) -> list[str]:
    found = []
    for iface in sorted(sys_net.glob("*")):
        address = iface / "address"
        if iface.name != "lo" and address.exists():
            found.append(address.read_text().strip().lower())
    return found


def apply_system(p: Provision, root: Path) -> None:
    """Hostname, time zone, Wi-Fi and the apps' environment under `root`/etc."""
    etc = root / "etc"
    (etc / "motcua").mkdir(parents=True, exist_ok=True)
    (etc / "hostname").write_text(p.hostname + "\n")
    if root == Path("/"):  # the running system too, not only the next boot
        socket.sethostname(p.hostname)
    (etc / "timezone").write_text(p.timezone + "\n")
    localtime = etc / "localtime"
    localtime.unlink(missing_ok=True)
    localtime.symlink_to(f"/usr/share/zoneinfo/{p.timezone}")
    env = {"MOTCUA_BACKEND_URL": p.backend_url, "MOTCUA_STATION": p.station,
           "MOTCUA_DEVICE_NAME": p.hostname, "TZ": p.timezone}
    _write(etc / "motcua" / "motcua.env", "".join(f"{k}={v}\n" for k, v in env.items()), 0o644)
    if p.wifi:
        _write(etc / "NetworkManager" / "system-connections" / "motcua.nmconnection",
               _nm_wifi(p.wifi), 0o600)
        if root == Path("/") and shutil.which("nmcli"):  # NetworkManager is already up
            subprocess.run(["nmcli", "connection", "reload"], check=False, timeout=30)


def apply_app(p: Provision, root: Path, kind: str) -> None:
    """The counter app's settings, once the server has said this unit is a counter."""
    if kind == "counter":
        # station: the name its offline number leases go under; profile: its hardware.
        counter = {"backend_url": p.backend_url, "station": p.hostname, "profile": p.station,
                   "counter": p.counter, "data_dir": "/var/lib/motcua/counter"}
        _write(root / "etc" / "motcua" / "counter.json", json.dumps(counter, indent=2) + "\n",
               0o644)


def _nm_wifi(wifi: dict) -> str:
    security = (f"\n[wifi-security]\nkey-mgmt=wpa-psk\npsk={wifi['psk']}\n"
                if wifi.get("psk") else "")
    return (f"[connection]\nid=motcua\ntype=wifi\nautoconnect=true\n\n[wifi]\nmode=infrastructure"
            f"\nssid={wifi['ssid']}\n{security}\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n")


def _write(path: Path, text: str, mode: int) -> None:
    """Whole or nothing: a power cut leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, path)


def exchange(p: Provision, timeout: float = 10.0) -> tuple[str, dict]:
    """The enrolment code for (device token, device), or EnrolFailed saying what is wrong."""
    url = f"{p.backend_url}/api/v1/devices/enrol"
    try:
        answer = requests.post(url, json={"code": p.enrol_code, "name": p.hostname},
                               timeout=timeout)
    except requests.RequestException:
        raise EnrolFailed(
            f"Không kết nối được máy chủ {p.backend_url}: kiểm tra cáp mạng/Wi-Fi và địa chỉ",
            f"Cannot reach the server {p.backend_url}: check the network cable/Wi-Fi "
            "and the address", key="no_network") from None
    body = _json(answer)
    if answer.status_code == 201 and "token" in body:
        return body["token"], body["device"]
    if answer.status_code not in (404, 405) and "vi" in body and "en" in body:
        # the backend's own bilingual refusal; a 404 means no enrolment here: a wrong URL
        raise EnrolFailed(body["vi"], body["en"], key=body.get("error", "refused"))
    raise EnrolFailed(
        f"Địa chỉ {p.backend_url} không phải máy chủ motcua (HTTP {answer.status_code}): "
        "sửa backend_url trong motcua.toml",
        f"{p.backend_url} is not a motcua server (HTTP {answer.status_code}): fix "
        "backend_url in motcua.toml", key="wrong_url")


def _json(answer: requests.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def save_device(data: Path, token: str, device: dict) -> Path:
    """The token, and what it was issued for (the kind decides the app's settings later)."""
    about = {k: device[k] for k in ("name", "kind", "station")}
    _write(data / "device.json", json.dumps(about, ensure_ascii=False) + "\n", 0o644)
    path = data / "device-token"
    _write(path, token + "\n", 0o600)  # last: its presence means "enrolled"
    for written in (data / "device.json", path):
        _give_to(written, APP_USER)
    return path


def _give_to(path: Path, user: str) -> None:
    """The apps run as `user` and must read the token the agent (root) wrote; systemd's
    StateDirectory= fixes ownership only when the folder itself is wrong, not a re-enrolment."""
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return  # a developer's machine: no such user, the file stays the caller's
    if os.geteuid() == 0:
        os.chown(path, entry.pw_uid, entry.pw_gid)


def enrolled_kind(data: Path) -> str | None:
    try:
        return json.loads((data / "device.json").read_text("utf-8"))["kind"]
    except (OSError, ValueError, KeyError):
        return None


def report(status: Path | None, state: str, error: MotcuaError | None = None,
           retry_in: float = 0.0) -> None:
    """Where first boot stands, for the screen (kiosk_app/maintenance.py --firstboot): the
    error in both languages and when the next try is."""
    if status is not None:
        body = {"state": state, "key": getattr(error, "key", ""),
                "vi": getattr(error, "vi", ""), "en": getattr(error, "en", ""),
                "retry_at": time.time() + retry_in if retry_in else None}
        _write(status, json.dumps(body, ensure_ascii=False) + "\n", 0o644)


def run(provisioning: Path, root: Path, data: Path, *, macs: list[str] | None = None,
        tries: int = 0, backoff: float = 5.0, say: Callable[[str], None] = print,
        status: Path | None = None) -> int:
    """Apply the settings, then enrol unless already enrolled, retrying with a backoff
    doubling up to 5 minutes: the network, the server or a fresh code may be fixed meanwhile.
    `tries` = 0: for ever. `status`: where the screen reads how it goes. Exit code."""
    try:
        p = read_provision(provisioning, local_macs() if macs is None else macs)
        apply_system(p, root)
    except MotcuaError as error:
        say(f"LỖI / ERROR: {error.vi}\n             {error.en}")
        report(status, "failed", error)
        return 2
    if (data / "device-token").exists():
        apply_app(p, root, enrolled_kind(data) or "kiosk")
        report(status, "enrolled")
        return 0
    if not p.enrol_code:
        say("motcua.toml không có enrol_code: đăng ký thiết bị bằng tay / no enrol_code in "
            "motcua.toml: register this unit by hand (python -m kiosk_app register)")
        return 0
    return _enrol(p, root, data, tries, backoff, say, status)


def _enrol(p: Provision, root: Path, data: Path, tries: int, backoff: float,
           say: Callable[[str], None], status: Path | None) -> int:
    attempt, wait = 0, backoff
    while True:
        attempt += 1
        report(status, "enrolling")
        try:
            token, device = exchange(p)
        except EnrolFailed as error:
            say(f"LỖI / ERROR: {error.vi}\n             {error.en}")
            last = bool(tries and attempt >= tries)
            report(status, "failed" if last else "retrying", error, 0 if last else wait)
            if last:
                return 1
            say(f"Thử lại sau {wait:.0f} giây / retrying in {wait:.0f} s")
            time.sleep(wait)
            wait = min(wait * 2, 300.0)
            continue
        path = save_device(data, token, device)
        apply_app(p, root, device["kind"])
        report(status, "enrolled")
        say(f"Đã đăng ký {p.hostname} ({device['kind']}, {p.station}); mã thiết bị lưu ở "
            f"{path} / enrolled {p.hostname}; device token saved in {path}")
        return 0
