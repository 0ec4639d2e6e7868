"""Devices from a station profile (hardware_profiles/stations/<name>.yaml).

The profile says which printer, counter display, speaker and scanner a unit has and where
each is found; the printer's capabilities (paper width, code pages, native symbols) come from
its device profile, so the receipt is compiled for the model actually on the desk. Paths
`fake:…` select the simulators (`fake:printer?out=DIR` writes each receipt as a PNG into DIR).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from counter_app.config import StationConfig
from counter_app.devices import (
    CounterDisplay,
    Devices,
    PrinterPort,
    RecordingAnnouncer,
    SilentAnnouncer,
    VoiceAnnouncer,
)
from counter_app.texts import CounterError
from drivers.printers import (
    EscposPrinter,
    FileConnection,
    NetworkConnection,
    UsbConnection,
    VirtualPrinter,
)
from drivers.profiles import DEFAULT_ROOT, ProfileError, load_profiles, printer_profile


def station_roles(name: str, root: Path | str = DEFAULT_ROOT) -> dict:
    try:
        profiles = load_profiles(root)
        return profiles.station_devices(name)
    except (ProfileError, KeyError) as error:
        raise CounterError(f"Không dùng được hồ sơ trạm '{name}': {error}",
                           f"Cannot use station profile '{name}': {error}", "profile") from None


def devices_from_profile(name: str, config: StationConfig,
                         root: Path | str = DEFAULT_ROOT) -> Devices:
    roles = station_roles(name, root)
    if "receipt_printer" not in roles:
        raise CounterError(f"Hồ sơ trạm '{name}' không có máy in biên nhận",
                           f"Station profile '{name}' has no receipt printer", "profile")
    return Devices(_printer(*roles["receipt_printer"], config),
                   _display(roles.get("counter_display"), config.counter),
                   _announcer(roles.get("audio"), config))


def scanner_spec(name: str, root: Path | str = DEFAULT_ROOT) -> str:
    """How the app reads the profile's scanner: a serial port, or keys typed (USB wedge)."""
    role = station_roles(name, root).get("scanner")
    if role is None or not role[0].path.startswith("/dev/"):
        return "keyboard"
    return f"serial:{role[0].path}@{role[1].link.baudrate or 9600}"


def _printer(role, device, config: StationConfig) -> PrinterPort:
    profile = printer_profile(device)
    path = role.path
    if path.startswith("fake:"):
        # A `virtual:DIR` printer given to the station wins over the profile's folder (the
        # demo keeps everything under its own folder).
        given = config.printer.partition(":")[2] if config.printer.startswith("virtual:") else ""
        fallback = str(config.data_path / "receipts")
        out = given or parse_qs(urlparse(path).query).get("out", [fallback])[0]
        virtual = VirtualPrinter.from_profile(profile, out_dir=out)
        return PrinterPort(EscposPrinter(virtual.connection(), profile), virtual)
    if path.startswith("usb:"):
        vendor, product = path.split(":")[1:3]
        connection = UsbConnection(int(vendor, 16), int(product, 16))
    elif path.startswith("/dev/"):
        connection = FileConnection(path)
    else:
        host, _, port = path.removeprefix("tcp://").partition(":")
        connection = NetworkConnection(host, int(port or 9100))
    return PrinterPort(EscposPrinter(connection, profile))


def _display(entry, counter: int) -> CounterDisplay:
    if entry is None:
        return CounterDisplay(None, counter)
    role, _device = entry
    if role.path.startswith("fake:"):
        from drivers.displays import FakeQueueDisplay

        return CounterDisplay(FakeQueueDisplay(counter), counter)
    from drivers.displays import LedCounterDisplay

    return CounterDisplay(LedCounterDisplay(role.path, counter, address=role.address), counter)


def _announcer(entry, config: StationConfig):
    if entry is None:
        return SilentAnnouncer()
    if entry[0].path.startswith("fake:"):
        return RecordingAnnouncer()
    device = entry[0].path.partition(":")[2]  # alsa:default, alsa:hw:1,0
    return VoiceAnnouncer(config.data_path / "voice", None if device == "default" else device)


def config_from_profile(name: str, config: StationConfig,
                        root: Path | str = DEFAULT_ROOT) -> StationConfig:
    """The printer's paper width and the scanner, as the profile says."""
    roles = station_roles(name, root)
    printer = roles.get("receipt_printer")
    paper = config.paper_mm
    if printer is not None:
        paper = 58 if printer_profile(printer[1]).paper_width_dots <= 384 else 80
    return replace(config, paper_mm=paper, scanner=scanner_spec(name, root))
