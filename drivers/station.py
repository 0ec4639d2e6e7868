"""Build a station's drivers from its hardware profile: role -> driver object.

`fake:` paths start the simulator from drivers/*/fake.py and wire the real driver to it, so a
laptop or CI runs the same driver code as the kiosk, over the same bytes. The simulators are
kept with the station and closed with it.
"""

from __future__ import annotations

from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from drivers.profiles import ProfileSet, load_profiles, path_form, printer_profile


class StationError(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


@dataclass
class Station:
    name: str
    devices: dict[str, Any] = field(default_factory=dict)  # role -> driver
    fakes: dict[str, Any] = field(default_factory=dict)  # role -> simulator (fake: paths)
    errors: dict[str, str] = field(default_factory=dict)  # role -> why it could not open
    _stack: ExitStack = field(default_factory=ExitStack)

    def close(self) -> None:
        for device in self.devices.values():
            _quietly_close(device)
        self._stack.close()

    def __enter__(self) -> Station:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _quietly_close(thing: Any) -> None:
    close = getattr(thing, "close", None) or getattr(thing, "stop", None)
    if close:
        with suppress(Exception):  # closing a dead device must not hide the report
            close()


def open_station(name: str, profiles: ProfileSet | None = None) -> Station:
    """Open every role of the station; a role that fails is recorded, not fatal."""
    profiles = profiles or load_profiles()
    if name not in profiles.stations:
        raise StationError(f"Không có trạm '{name}'", f"No station '{name}'")
    station = Station(name)
    for role, (spec, device) in profiles.station_devices(name).items():
        try:
            station.devices[role] = _open_role(station, role, spec, device)
        except Exception as exc:  # every failure becomes a line in the report, not a crash
            station.errors[role] = str(exc)
    return station


def _open_role(station: Station, role: str, spec, device):
    kind = device.kind
    opener = _FAKES if path_form(spec.path) == "fake" else _REAL
    if kind not in opener:
        raise StationError(f"Chưa hỗ trợ loại thiết bị '{kind}'", f"Unsupported kind '{kind}'")
    return opener[kind](station, role, spec, device)


def _query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def _hold(station: Station, role: str, fake):
    station.fakes[role] = station._stack.enter_context(fake) if hasattr(fake, "__enter__") \
        else fake
    return station.fakes[role]


# --- simulators ---------------------------------------------------------------------------
def _fake_printer(station, role, spec, device):
    from drivers.printers.escpos import EscposPrinter
    from drivers.printers.fake import VirtualPrinter

    profile = printer_profile(device)
    out = _query(spec.path).get("out")
    virtual = _hold(station, role, VirtualPrinter.from_profile(profile, out_dir=out))
    return EscposPrinter(virtual.connection(), profile)


def _fake_display(station, role, spec, device):
    from drivers.displays import EpsonPoleDisplay, LedCounterDisplay
    from drivers.displays.fake import FakeLedBoard, FakePoleDisplay

    if role == "pole_display":
        fake = _hold(station, role, FakePoleDisplay())
        return EpsonPoleDisplay(fake.port_name)
    fake = _hold(station, role, FakeLedBoard(address=spec.address or 1))
    return LedCounterDisplay(fake.port_name, address=spec.address or 1)


def _fake_camera(station, role, spec, device):
    from drivers.cameras.fake import FakeCamera

    return FakeCamera([test_card()], fps=None, loop=True, name="fake:camera")


def _fake_scanner(station, role, spec, device):
    from drivers.scanners.fake import FakeScanner

    return FakeScanner()


def _fake_modem(station, role, spec, device):
    from drivers.modems import AtModem
    from drivers.modems.fake import FakeModem

    fake = _hold(station, role, FakeModem())
    return AtModem(fake.port_name, register_timeout=5, timeout=2)


def _fake_audio(station, role, spec, device):
    from drivers.audio.fake import FakePlayer

    return FakePlayer()


_FAKES = {"printer": _fake_printer, "display": _fake_display, "camera": _fake_camera,
          "scanner": _fake_scanner, "modem": _fake_modem, "audio": _fake_audio}


# --- real devices -------------------------------------------------------------------------
def _real_printer(station, role, spec, device):
    from drivers.printers import connections
    from drivers.printers.escpos import EscposPrinter

    form, path = path_form(spec.path), spec.path
    if form == "usb":
        _, vid, pid, *_ = path.split(":")
        link = connections.UsbConnection(int(vid, 16), int(pid, 16))
    elif form == "tcp":
        host, port = path.removeprefix("tcp://").rsplit(":", 1)
        link = connections.NetworkConnection(host, int(port))
    elif "/tty" in path or "/serial/" in path:
        link = connections.SerialConnection(path)
    else:
        link = connections.FileConnection(path)
    return EscposPrinter(link, printer_profile(device))


def _real_display(station, role, spec, device):
    from drivers.displays import EpsonPoleDisplay, LedCounterDisplay

    if role == "pole_display":
        return EpsonPoleDisplay(spec.path)
    return LedCounterDisplay(spec.path, address=spec.address or 1)


def _real_camera(station, role, spec, device):
    if path_form(spec.path) == "csi":  # Pi camera: libcamera only, through rpicam-vid
        from drivers.cameras.picamera2_camera import Picamera2Camera

        return Picamera2Camera.from_profile(device, spec.path)
    from drivers.cameras.opencv_camera import OpenCVCamera

    return OpenCVCamera(spec.path)


def _real_scanner(station, role, spec, device):
    if path_form(spec.path) == "usb":
        from drivers.scanners.evdev_wedge import DeviceMatch, EvdevWedgeScanner

        _, vid, pid, *_ = spec.path.split(":")
        return EvdevWedgeScanner(DeviceMatch(vid=int(vid, 16), pid=int(pid, 16)))
    from drivers.scanners.serial_scanner import SerialScanner

    return SerialScanner(spec.path)


def _real_modem(station, role, spec, device):
    from drivers.modems import AtModem

    return AtModem(spec.path)


def _real_audio(station, role, spec, device):
    from drivers.audio.alsa import AlsaPlayer

    name = spec.path.removeprefix("alsa:")
    return AlsaPlayer(None if name == "default" else name)


_REAL = {"printer": _real_printer, "display": _real_display, "camera": _real_camera,
         "scanner": _real_scanner, "modem": _real_modem, "audio": _real_audio}


def test_card(text: str = "MOTCUA-SELFTEST"):
    """A 1280x720 frame holding a QR code, what the fake camera shows during the self-test."""
    import numpy as np
    import qrcode

    qr = qrcode.make(text, box_size=8, border=4).convert("L")
    frame = np.full((720, 1280), 235, np.uint8)
    tile = np.asarray(qr)
    top, left = (720 - tile.shape[0]) // 2, (1280 - tile.shape[1]) // 2
    frame[top:top + tile.shape[0], left:left + tile.shape[1]] = tile
    return np.dstack([frame] * 3)


def default_report_dir() -> Path:
    return Path("var") / "selftest"
