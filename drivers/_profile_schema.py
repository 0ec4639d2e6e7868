"""The hardware profile schema (pydantic models, path forms, problems). The public API in
drivers/profiles.py and the reader in drivers/_profile_load.py both use it; kept apart from
both, the reader need not import the module that calls it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from drivers.message import BilingualError, Message

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "hardware_profiles"
DRIVERS_DIR = Path(__file__).resolve().parent
KINDS = ("printer", "scanner", "camera", "display", "modem", "audio")
ROLES = {"receipt_printer": "printer", "ticket_printer": "printer", "scanner": "scanner",
         "camera": "camera", "counter_display": "display", "pole_display": "display",
         "audio": "audio", "modem": "modem"}
_INJECTED = ("name", "source", "lineage")  # set by the loader, never written in a file


# --- problems ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One mistake in one file; str() is the bilingual line a technician reads."""

    file: str
    line: int | None
    vi: str
    en: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.vi} / {self.en}"
        return f"{self.file} dòng {self.line}: {self.vi} / line {self.line}: {self.en}"


    @property
    def message(self) -> Message:
        if self.line is None:
            return Message(f"{self.file}: {self.vi}", f"{self.file}: {self.en}", "error")
        return Message(f"{self.file} dòng {self.line}: {self.vi}",
                       f"{self.file} line {self.line}: {self.en}", "error")


class ProfileError(BilingualError, ValueError):
    """Invalid profiles; `problems` holds every one found, str() lists them one per line."""

    key = "invalid_profile"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [p.message for p in self.problems]
        super().__init__("\n".join(m.vi for m in lines), "\n".join(m.en for m in lines))
        self.args = ("\n".join(map(str, self.problems)),)


class BadValue(BilingualError, ValueError):
    """A rule a profile model checks itself; pydantic keeps the error, so both halves survive."""

    key = "bad_value"


# --- schema --------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _hex_id(value: Any) -> Any:
    # lsusb prints "04b8"; YAML reads 0x04b8 as a number already. Accept both spellings.
    if isinstance(value, str) and re.fullmatch(r"(0x)?[0-9a-fA-F]{4}", value):
        return int(value, 16)
    return value


UsbId = Annotated[int, BeforeValidator(_hex_id), Field(ge=0, le=0xFFFF)]
Glob = Annotated[str, Field(min_length=1)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
DriverName = Annotated[str, Field(pattern=r"^drivers(\.[a-z_][a-z0-9_]*)+(\.[A-Z][A-Za-z0-9]*)?$")]
Resolution = Annotated[str, Field(pattern=r"^[1-9][0-9]{2,3}x[1-9][0-9]{2,3}$")]


class UsbMatch(_Model):
    """One USB identity; every field given must match. Globs are case-insensitive."""

    vid: UsbId | None = None
    pid: UsbId | None = None
    product: Glob | None = None  # the device's USB product string
    manufacturer: Glob | None = None
    interface_class: int | None = Field(None, ge=0, le=255)  # 7 = printer class
    confidence: Literal["verified", "assumed"] = "assumed"

    @model_validator(mode="after")
    def _something_to_match(self) -> UsbMatch:
        if self.vid is None and self.interface_class is None:
            raise BadValue("cần 'vid' hoặc 'interface_class'", "needs 'vid' or 'interface_class'")
        if self.pid is not None and self.vid is None:
            raise BadValue("'pid' cần đi cùng 'vid'", "'pid' needs 'vid'")
        return self

    @property
    def score(self) -> int:
        """How specific the rule is: vid+pid beats vid alone beats a bare interface class."""
        weights = ((self.vid, 4), (self.pid, 8), (self.product, 2), (self.manufacturer, 1),
                   (self.interface_class, 1))
        return sum(weight for value, weight in weights if value is not None)


class SerialMatch(_Model):
    """A serial port by its /dev/serial/by-id name (glob), optionally one USB interface."""

    by_id: Glob
    interface: int | None = Field(None, ge=0, le=31)
    score: int = Field(6, exclude=True)


class V4l2Match(_Model):
    """A video4linux node (or sensor sub-device, e.g. the Pi camera's imx708) by its name."""

    name: Glob
    score: int = Field(6, exclude=True)


class Match(_Model):
    usb: list[UsbMatch] = []
    serial: list[SerialMatch] = []
    v4l2: list[V4l2Match] = []


Baudrate = Literal[1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]


class Link(_Model):
    """Connection defaults a station may rely on (a station path says *where*, not how fast)."""

    baudrate: Baudrate | None = None
    tcp_port: int | None = Field(None, ge=1, le=65535)


class PrinterCaps(_Model):
    """Field for field the printer driver's PrinterProfile (drivers/printers/base.py)."""

    paper_width_dots: Literal[384, 576]
    chars_per_line: int = Field(ge=16, le=72)
    text_encoding: Literal["tcvn3", "cp1258", "raster"]
    native_barcode: bool
    native_qr: bool
    tcvn3_codepages: tuple[int, int] = (30, 31)
    cp1258_codepage: int = Field(52, ge=0, le=255)
    cp1258_combining: bool = False  # prints a CP1258 tone byte over the letter before it
    cut: bool
    status: bool


Confidence = Literal["verified", "assumed"]


class PrinterConfidence(_Model):
    """How far each printer capability can be trusted, one mark per capability: verified
    (the maker's specification for this exact model, or a unit in hand) or assumed."""

    paper_width_dots: Confidence
    chars_per_line: Confidence
    text_encoding: Confidence
    native_barcode: Confidence
    native_qr: Confidence
    tcvn3_codepages: Confidence
    cp1258_codepage: Confidence
    cp1258_combining: Confidence
    cut: Confidence
    status: Confidence

    def trusted(self, capability: str) -> bool:
        return getattr(self, capability) == "verified"


Symbology = Literal["code128", "code39", "code93", "codabar", "ean13", "ean8", "upca", "upce",
                    "itf", "gs1_databar", "qr", "datamatrix", "pdf417", "aztec"]


class ScannerCaps(_Model):
    interface: Literal["keyboard", "serial"]
    symbologies: list[Symbology] = Field(min_length=1)
    terminator: Literal["CR", "LF", "CRLF", "TAB"] = "CR"


class CameraCaps(_Model):
    resolution: Resolution
    fps: int = Field(ge=1, le=120)
    autofocus: bool
    fourcc: Annotated[str, Field(pattern=r"^[A-Z0-9]{4}$")] | None = None


class DisplayCaps(_Model):
    protocol: Literal["mcled1", "epson_customer_display"]
    lines: int = Field(ge=1, le=8)
    columns: int = Field(ge=1, le=80)
    charset: Literal["digits", "ascii"] = "ascii"


class ModemCaps(_Model):
    sms_pdu: bool
    sms_text: bool
    ucs2: bool  # Vietnamese SMS needs UCS-2 (70 characters a part)
    networks: list[Literal["2g", "3g", "4g"]] = Field(min_length=1)
    at_interface: int | None = Field(None, ge=0, le=31)  # USB interface of the AT port


class AudioCaps(_Model):
    alsa_device: Annotated[str, Field(min_length=1)] = "default"  # aplay -D name
    mixer_control: str | None = None  # amixer control for the volume, e.g. "PCM", "Master"


class DeviceProfile(_Model):
    """What every device profile has; one subclass per kind adds its capabilities."""

    name: str
    source: str
    lineage: tuple[str, ...]  # this profile, its parent, the parent's parent, ...
    inherits: Slug | None = None
    kind: str
    vendor: Annotated[str, Field(min_length=1)]
    model: Annotated[str, Field(min_length=1)]
    description: str = ""
    driver: DriverName
    connection: str
    link: Link = Link()
    match: Match = Match()


class PrinterDevice(DeviceProfile):
    kind: Literal["printer"]
    connection: Literal["usb", "serial", "network", "device_file"]
    capabilities: PrinterCaps
    confidence: PrinterConfidence


class ScannerDevice(DeviceProfile):
    kind: Literal["scanner"]
    connection: Literal["usb", "serial"]
    capabilities: ScannerCaps


class CameraDevice(DeviceProfile):
    kind: Literal["camera"]
    connection: Literal["v4l2", "csi", "network"]
    capabilities: CameraCaps


class DisplayDevice(DeviceProfile):
    kind: Literal["display"]
    connection: Literal["serial", "network"]
    capabilities: DisplayCaps


class ModemDevice(DeviceProfile):
    kind: Literal["modem"]
    connection: Literal["usb", "serial"]
    capabilities: ModemCaps


class AudioDevice(DeviceProfile):
    kind: Literal["audio"]
    connection: Literal["alsa"]
    capabilities: AudioCaps


DEVICE_MODELS: dict[str, type[DeviceProfile]] = {
    "printer": PrinterDevice, "scanner": ScannerDevice, "camera": CameraDevice,
    "display": DisplayDevice, "modem": ModemDevice, "audio": AudioDevice}

# Where a device may be found: the addresses of drivers/address.py (a /dev path, usb:vvvv:pppp,
# tcp:host:port, serial:DEV@BAUD, file:DEV, fake:NAME for simulators; tcp://host:port and a bare
# host:port as older profiles wrote them), and rfc2217:// (a networked serial port), rtsp://,
# csi:N, alsa:NAME for the devices the apps do not address themselves.
PATH_FORMS = {  # the bare host:port comes last: "csi:0" would pass for one
    "dev": r"/dev/\S+", "usb": r"usb:[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(:\S+)?",
    "serial": r"serial:/\S+", "file": r"file:/\S+",
    "rfc2217": r"rfc2217://[A-Za-z0-9.-]+:\d{1,5}", "rtsp": r"rtsp://\S+", "csi": r"csi:\d",
    "alsa": r"alsa:[\w:,=.-]+", "fake": r"fake:[\w./-]+(\?\S*)?",
    "tcp": r"(tcp:(//)?)?[A-Za-z0-9.-]+:\d{1,5}"}
_KIND_PATHS = {"printer": {"dev", "usb", "tcp", "serial", "file"},
               "scanner": {"dev", "usb", "rfc2217", "serial"},
               "camera": {"dev", "csi", "rtsp"}, "display": {"dev", "tcp", "rfc2217"},
               "modem": {"dev"}, "audio": {"alsa"}}
DevicePath = Annotated[str, Field(pattern="^(" + "|".join(PATH_FORMS.values()) + ")$")]


def path_form(path: str) -> str | None:
    """Which of PATH_FORMS `path` is written in (None if none)."""
    return next((name for name, rx in PATH_FORMS.items() if re.fullmatch(rx, path)), None)


class Role(_Model):
    device: Slug
    path: DevicePath
    address: int | None = Field(None, ge=1, le=99)  # RS-485 address of a shared LED bus


class Roles(_Model):
    receipt_printer: Role | None = None
    ticket_printer: Role | None = None
    scanner: Role | None = None
    camera: Role | None = None
    counter_display: Role | None = None
    pole_display: Role | None = None
    audio: Role | None = None
    modem: Role | None = None

    def assigned(self) -> dict[str, Role]:
        return {role: getattr(self, role) for role in ROLES if getattr(self, role) is not None}


class Screen(_Model):
    orientation: Literal["portrait", "landscape"]
    resolution: Resolution  # as the app sees it, after rotation
    rotation: Literal[0, 90, 180, 270] = 0  # a landscape panel mounted upright needs 90/270
    touch: bool = True

    @model_validator(mode="after")
    def _orientation_fits(self) -> Screen:
        width, height = self.size
        if (self.orientation == "portrait") != (height > width):
            raise BadValue(f"độ phân giải {self.resolution} không phải khổ {self.orientation}",
                           f"resolution {self.resolution} is not {self.orientation}")
        return self

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.resolution.split("x")
        return int(width), int(height)


class Kiosk(_Model):
    backend_url: Annotated[str, Field(pattern=r"^https?://\S+$")] = "http://127.0.0.1:8000"
    fullscreen: bool = True
    hide_cursor: bool = True
    on_screen_keyboard: bool = True
    idle_reset_s: int = Field(90, ge=10, le=3600)  # back to the start screen after this
    screen_blank_s: int | None = Field(None, ge=60)
    language: Literal["vi", "en"] = "vi"


class Station(_Model):
    name: str
    source: str
    lineage: tuple[str, ...] = ()
    description: str = ""
    platform: Literal["rpi4", "rpi5", "rpi", "x86_64", "any"]
    apps: list[Literal["kiosk", "counter"]] = Field(min_length=1)  # what runs on the unit
    screen: Screen
    kiosk: Kiosk = Kiosk()
    devices: Roles = Roles()


@dataclass
class ProfileSet:
    """Every profile under one root, with the problems found while reading them."""

    root: Path
    devices: dict[str, DeviceProfile] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def station_devices(self, station: str) -> dict[str, tuple[Role, DeviceProfile]]:
        """role -> (assignment, device profile) for one station."""
        roles = self.stations[station].devices.assigned()
        return {role: (spec, self.devices[spec.device]) for role, spec in roles.items()}
