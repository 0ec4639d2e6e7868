"""Hardware profiles: device models and station layouts as YAML data, checked down to the line.

    hardware_profiles/devices/<kind>/<vendor>-<model>.yaml   one printer, scanner, camera, ... model
    hardware_profiles/stations/<station>.yaml                which device fills which role, where

A device profile may name a parent in `inherits` (by file name without .yaml). Mappings
deep-merge, lists and scalars replace, and `match` is never inherited: it identifies one model's
hardware, and a child is by definition another model. Every mistake names its file, line and
field, Vietnamese first, because the technician reading it at a counter reads that first:

    hardware_profiles/stations/x86-counter.yaml dòng 7: trường 'recipt_printer' không hợp lệ
    / line 7: unknown field 'recipt_printer' (trong/in 'devices')

The reading itself (YAML with line numbers, inherits, pydantic errors in two languages) is in
drivers/_profile_load.py; this module is the public API (the schema is in _profile_schema.py).

    profiles = load_profiles()                       # raises ProfileError listing every problem
    station = profiles.stations["x86-counter"]
    printer = profiles.devices[station.devices.receipt_printer.device]
    escpos_profile = printer_profile(printer)        # -> drivers.printers.PrinterProfile
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drivers._profile_load import read_all
from drivers._profile_schema import (
    DEFAULT_ROOT,
    DEVICE_MODELS,
    KINDS,
    PATH_FORMS,
    ROLES,
    AudioDevice,
    CameraDevice,
    DeviceProfile,
    DisplayDevice,
    Match,
    ModemDevice,
    PrinterCaps,
    PrinterConfidence,
    PrinterDevice,
    Problem,
    ProfileError,
    ProfileSet,
    Role,
    Roles,
    ScannerDevice,
    Screen,
    SerialMatch,
    Station,
    UsbMatch,
    V4l2Match,
    path_form,
)


def load_profiles(root: Path | str = DEFAULT_ROOT) -> ProfileSet:
    """Read and check every profile; raise ProfileError listing all problems if any."""
    profiles = read_profiles(root)
    if profiles.problems:
        raise ProfileError(profiles.problems)
    return profiles


def read_profiles(root: Path | str = DEFAULT_ROOT) -> ProfileSet:
    """Read and check every profile, collecting problems instead of raising."""
    return read_all(Path(root))


def printer_profile(device: DeviceProfile) -> Any:
    """The printer driver's PrinterProfile for a printer device profile.

    Only verified capabilities switch on what an unchecked printer would print wrong: a text
    code page (TCVN-3 sent to a clone comes out as Hebrew), native Code 128 and QR (a cheap
    58 mm printer leaves a blank where the symbol should be), tones over letters. Anything
    assumed falls back to raster, which every ESC/POS printer prints right.
    """
    from drivers.printers.base import PrinterProfile

    if not isinstance(device, PrinterDevice):
        raise TypeError(f"{device.name} is a {device.kind}, not a printer")
    return PrinterProfile(name=device.name, **usable_capabilities(device))


_PAGE_FIELD = {"tcvn3": "tcvn3_codepages", "cp1258": "cp1258_codepage"}


def usable_capabilities(device: PrinterDevice) -> dict[str, Any]:
    """The capabilities the driver may rely on: the profile's, less what is only assumed."""
    caps, marks = device.capabilities.model_dump(), device.confidence
    page = _PAGE_FIELD.get(caps["text_encoding"])
    if page and not (marks.trusted("text_encoding") and marks.trusted(page)):
        caps["text_encoding"] = "raster"
    for name in ("native_barcode", "native_qr", "cp1258_combining"):
        caps[name] = caps[name] and marks.trusted(name)
    return caps


__all__ = [
    "DEFAULT_ROOT", "DEVICE_MODELS", "KINDS", "PATH_FORMS", "ROLES", "AudioDevice",
    "CameraDevice", "DeviceProfile", "DisplayDevice", "Match", "ModemDevice", "PrinterCaps",
    "PrinterConfidence", "PrinterDevice", "Problem", "ProfileError", "ProfileSet", "Role",
    "Roles", "ScannerDevice", "Screen", "SerialMatch", "Station", "UsbMatch", "V4l2Match",
    "load_profiles", "path_form", "printer_profile", "read_profiles", "usable_capabilities",
]
