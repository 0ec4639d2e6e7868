"""The one way from a device address or a profile entry to a driver object.

`open_station` builds a whole station from its hardware profile (role -> driver); the apps ask
`open_printer` and `open_scanner` for theirs, and turn a profile entry into an address with
`role_address`, so one address opens the same kind of connection in the self-test, the counter
and the kiosk (the grammar is in drivers/address.py).

`fake:` paths start the simulator from drivers/*/fake.py and wire the real driver to it, so a
laptop or CI runs the same driver code as the kiosk, over the same bytes. The simulators are
kept with the station and closed with it.
"""

from __future__ import annotations

from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from drivers.address import Address, AddressError, parse_address
from drivers.closing import Closing
from drivers.profiles import ProfileSet, load_profiles, path_form, printer_profile


class StationError(AddressError):
    """A station or device that cannot be opened (vi / en), bad addresses among them."""


@dataclass
class Station(Closing):
    name: str
    devices: dict[str, Any] = field(default_factory=dict)  # role -> driver
    fakes: dict[str, Any] = field(default_factory=dict)  # role -> simulator (fake: paths)
    errors: dict[str, str] = field(default_factory=dict)  # role -> why it could not open
    _stack: ExitStack = field(default_factory=ExitStack)

    def close(self) -> None:
        for device in self.devices.values():
            _quietly_close(device)
        self._stack.close()


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


def _hold(station: Station, role: str, fake):
    station.fakes[role] = station._stack.enter_context(fake) if hasattr(fake, "__enter__") \
        else fake
    return station.fakes[role]


# --- addresses ----------------------------------------------------------------------------
def role_address(spec, device) -> Address:
    """A profile entry's address, with the device profile's baud rate or TCP port filled in.
    A device file of a model that talks serial (a udev name such as /dev/motcua/scanner-…)
    is a serial port; a scanner's other USB ids or device files are a keyboard wedge."""
    address = parse_address(spec.path)
    if address.kind == "file" and device.connection == "serial":
        address = replace(address, kind="serial")
    if device.kind == "scanner" and address.kind in ("usb", "file"):
        address = replace(address, kind="evdev")  # a keyboard wedge, read through evdev
    default = {"serial": device.link.baudrate, "tcp": device.link.tcp_port}.get(address.kind)
    if address.number is None and default is not None:
        return replace(address, number=default)
    return address


def printer_link(address: Address | str, profile, out_dir: Path | str | None = None):
    """(connection, simulator or None) for a printer address; None for `none`.
    `out_dir` is where a `virtual` printer without a folder of its own writes its PNGs."""
    from drivers.printers import connections
    from drivers.printers.fake import VirtualPrinter

    address = parse_address(address) if isinstance(address, str) else address
    kind, target, number = address.kind, address.target, address.number
    if kind == "none":
        return None
    if kind == "virtual":
        virtual = VirtualPrinter.from_profile(profile, out_dir=target or out_dir or None)
        return virtual.connection(), virtual
    links = {"usb": lambda: connections.UsbConnection(address.vid, address.pid),
             "tcp": lambda: connections.NetworkConnection(target, number or 9100),
             "serial": lambda: connections.SerialConnection(target, number or 9600),
             "file": lambda: connections.FileConnection(target)}
    if kind not in links:
        raise StationError(f"'{address}' không phải địa chỉ máy in", f"'{address}' is not a "
                           "printer address (usb:, tcp:, serial:, file:, virtual)")
    return links[kind](), None


def open_printer(address: Address | str, profile, out_dir: Path | str | None = None):
    """A PrinterPort (the printer shared by an app's threads) for an address; None for `none`."""
    from drivers.printers.escpos import EscposPrinter
    from drivers.printers.port import PrinterPort

    link = printer_link(address, profile, out_dir)
    if link is None:
        return None
    connection, virtual = link
    return PrinterPort(EscposPrinter(connection, profile), virtual)


def open_scanner(address: Address | str):
    """A scanner driver for an address (not started); None for `none`. `usb:` and device
    files other than serial ports are keyboard-wedge scanners read through evdev."""
    from drivers import scanners

    address = parse_address(address) if isinstance(address, str) else address
    kind, target = address.kind, address.target
    if kind == "none":
        return None
    if kind == "virtual":
        return scanners.FakeScanner()
    if kind == "serial":
        return scanners.SerialScanner(target, baudrate=address.number or 9600)
    if kind in ("usb", "evdev", "file"):
        return scanners.EvdevWedgeScanner(_device_match(scanners.DeviceMatch, address))
    raise StationError(f"'{address}' không phải địa chỉ máy quét", f"'{address}' is not a "
                       "scanner address (serial:, evdev:, usb:, /dev/input/…, fake)")


def _device_match(cls, address: Address):
    # Never match "any keyboard": the technician's keyboard would be grabbed as a scanner.
    if address.vid is not None:
        return cls(vid=address.vid, pid=address.pid)
    if address.target.startswith("/"):
        return cls(path=address.target)
    return cls(name=address.target or None)


def _printer(station, role, spec, device):
    from drivers.printers.escpos import EscposPrinter

    profile = printer_profile(device)
    connection, virtual = printer_link(role_address(spec, device), profile)
    if virtual is not None:
        _hold(station, role, virtual)
    return EscposPrinter(connection, profile)


# --- simulators ---------------------------------------------------------------------------
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


_FAKES = {"printer": _printer, "display": _fake_display, "camera": _fake_camera,
          "scanner": _fake_scanner, "modem": _fake_modem, "audio": _fake_audio}


# --- real devices -------------------------------------------------------------------------
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
    return open_scanner(role_address(spec, device))


def _real_modem(station, role, spec, device):
    from drivers.modems import AtModem

    return AtModem(spec.path)


def _real_audio(station, role, spec, device):
    from drivers.audio.alsa import AlsaPlayer

    name = spec.path.removeprefix("alsa:")
    return AlsaPlayer(None if name == "default" else name)


_REAL = {"printer": _printer, "display": _real_display, "camera": _real_camera,
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
