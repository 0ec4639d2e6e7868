"""Which devices are plugged in, and which hardware profile each one is.

Where the facts come from (each source injectable, so tests run on a fake /sys tree):

- sysfs, /sys/bus/usb/devices/*/idVendor …: readable by any user, so detection works before
  the udev rules have given anyone libusb access; also says which /dev nodes (tty, video, lp,
  input, hidraw) hang off each USB device;
- pyusb (libusb): the same devices, for machines without sysfs and strings sysfs lacks;
- pyserial's list_ports: serial ports with their USB identity and location, plus the
  /dev/serial/by-id links udev makes (stable across reboots, unlike ttyUSB numbers);
- /sys/class/video4linux: video nodes and camera sensors (the Pi camera has no USB identity).

Matching follows Home Assistant: the profiles' `match` rules are data. The most specific rule
wins (vid+pid+product beats vid+pid beats a bare USB class); between equally specific rules
the deeper profile in the `inherits` chain wins (a model beats the generic profile it extends).

    for found in discover(load_profiles()):
        print(found.ident, found.profile or "không khớp hồ sơ nào / no matching profile")
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from drivers.profiles import DeviceProfile, ModemDevice, ProfileSet

_HUB_CLASS = 9
_LINUX_ROOT_HUB_VID = 0x1D6B
_USB_INTERFACE = re.compile(r"(\d+-[\d.]+):\d+\.(\d+)")  # "1-1.2:1.0" -> device, interface


# --- what was found ------------------------------------------------------------------------


@dataclass(frozen=True)
class UsbDevice:
    vid: int
    pid: int
    manufacturer: str | None = None
    product: str | None = None
    serial: str | None = None
    bus: int | None = None
    address: int | None = None
    sysname: str | None = None  # "1-1.2" under /sys/bus/usb/devices
    device_class: int = 0
    interface_classes: tuple[int, ...] = ()
    nodes: tuple[str, ...] = ()  # /dev nodes of its interfaces, as sysfs lists them

    @property
    def ident(self) -> str:
        return f"{self.vid:04x}:{self.pid:04x}"

    @property
    def label(self) -> str:
        return " ".join(s for s in (self.manufacturer, self.product) if s) or self.ident


@dataclass(frozen=True)
class SerialPort:
    device: str  # /dev/ttyUSB0
    by_id: str | None = None  # /dev/serial/by-id/usb-…-if02-port0
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    location: str | None = None  # "1-1.2:1.2": USB device 1-1.2, interface 2
    description: str | None = None

    @property
    def usb_sysname(self) -> str | None:
        found = _USB_INTERFACE.fullmatch(self.location or "")
        return found.group(1) if found else None

    @property
    def interface(self) -> int | None:
        found = _USB_INTERFACE.fullmatch(self.location or "")
        return int(found.group(2)) if found else None

    @property
    def stable(self) -> str:
        return self.by_id or self.device


@dataclass(frozen=True)
class VideoNode:
    path: str  # /dev/video0, /dev/v4l-subdev2
    name: str  # "HD Pro Webcam C920", "imx708 10-001a"
    index: int = 0  # 0 = the capture node; UVC cameras add a metadata node with index 1
    usb_sysname: str | None = None
    by_id: str | None = None


@dataclass(frozen=True)
class Detection:
    """One connected device and the profile it matched (None: no profile fits)."""

    source: str  # "usb", "serial" or "video"
    ident: str  # "04b8:0e28", "/dev/ttyAMA0", "/dev/v4l-subdev2"
    label: str
    paths: tuple[str, ...] = ()  # its /dev nodes, by-id links first
    profile: str | None = None
    kind: str | None = None
    confidence: str | None = None  # of the rule that matched: verified / assumed
    also: tuple[str, ...] = ()  # other profiles that matched just as well
    station_path: str | None = None  # what to write as `path:` in a station file

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- sources -------------------------------------------------------------------------------


def _comports() -> list[Any]:
    from serial.tools import list_ports

    return list(list_ports.comports())


@dataclass
class Sources:
    """Where discovery looks; tests point these at a fake tree and fake enumerators."""

    sys_root: Path = Path("/sys")
    dev_root: Path = Path("/dev")
    list_ports: Callable[[], Iterable[Any]] | None = _comports
    pyusb: Callable[[], Iterable[UsbDevice]] | None = field(
        default_factory=lambda: pyusb_devices)  # None: skip libusb

    def __post_init__(self) -> None:
        self.sys_root, self.dev_root = Path(self.sys_root), Path(self.dev_root)


def default_sources() -> Sources:
    """This machine's hardware (tests replace this function)."""
    return Sources()


def _read(directory: Path, name: str) -> str | None:
    try:
        return (directory / name).read_text(encoding="utf-8", errors="replace").strip() or None
    except OSError:  # absent, or a string the device refuses to give
        return None


def _hex(text: str | None) -> int | None:
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


def _links(directory: Path) -> dict[str, str]:
    """realpath of the target -> the link, for udev's by-id folders."""
    if not directory.is_dir():
        return {}
    return {os.path.realpath(link): str(link) for link in sorted(directory.iterdir())
            if link.is_symlink()}


# --- USB through sysfs ---------------------------------------------------------------------


def sysfs_usb_devices(sys_root: Path, dev_root: Path) -> list[UsbDevice]:
    """Every USB device under <sys_root>/bus/usb/devices (interfaces folded into their device)."""
    folder = Path(sys_root) / "bus" / "usb" / "devices"
    if not folder.is_dir():
        return []
    devices = []
    for entry in sorted(folder.iterdir()):
        vid, pid = _hex(_read(entry, "idVendor")), _hex(_read(entry, "idProduct"))
        if ":" not in entry.name and vid is not None and pid is not None:
            devices.append(_sysfs_device(entry, folder, vid, pid, Path(dev_root)))
    return devices


def _sysfs_device(entry: Path, folder: Path, vid: int, pid: int, dev_root: Path) -> UsbDevice:
    interfaces = sorted(folder.glob(f"{entry.name}:*"))
    classes = tuple(c for i in interfaces if (c := _hex(_read(i, "bInterfaceClass"))) is not None)
    nodes = tuple(node for i in interfaces for node in _interface_nodes(i, dev_root))
    return UsbDevice(vid, pid, _read(entry, "manufacturer"), _read(entry, "product"),
                     _read(entry, "serial"), _int(_read(entry, "busnum")),
                     _int(_read(entry, "devnum")), entry.name,
                     _hex(_read(entry, "bDeviceClass")) or 0, classes, nodes)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _interface_nodes(interface: Path, dev_root: Path) -> list[str]:
    """The /dev nodes a USB interface's drivers created, read from its sysfs children."""
    names = [(p.name, dev_root / p.name) for p in interface.glob("tty?*")]  # ttyUSB0
    names += [(p.name, dev_root / p.name) for p in interface.glob("tty/*")]  # ttyACM0
    names += [(p.name, dev_root / p.name) for p in interface.glob("video4linux/*")]
    names += [(p.name, dev_root / "usb" / p.name) for p in interface.glob("usbmisc/*")]  # lp0
    names += [(p.name, dev_root / "input" / p.name)
              for p in interface.glob("*/input/input*/event*")]
    names += [(p.name, dev_root / p.name) for p in interface.glob("*/hidraw/hidraw*")]
    return [str(path) for _, path in sorted(names)]


# --- USB through pyusb ---------------------------------------------------------------------


def pyusb_devices() -> list[UsbDevice]:
    """USB devices through libusb; empty when pyusb or a libusb backend is missing."""
    try:
        import usb.core

        found = list(usb.core.find(find_all=True))
    except Exception:  # ImportError, NoBackendError, a USB stack that will not list
        return []
    return [_pyusb_device(device) for device in found]


def _pyusb_device(device: Any) -> UsbDevice:
    try:
        return _pyusb_fields(device)
    finally:
        _dispose(device)  # reading strings opened the device; a driver may want it next


def _dispose(device: Any) -> None:
    try:
        import usb.util

        usb.util.dispose_resources(device)
    except Exception:
        pass


def _pyusb_fields(device: Any) -> UsbDevice:
    return UsbDevice(device.idVendor, device.idProduct, _usb_string(device, "iManufacturer"),
                     _usb_string(device, "iProduct"), _usb_string(device, "iSerialNumber"),
                     device.bus, device.address, None, device.bDeviceClass,
                     _pyusb_classes(device))


def _usb_string(device: Any, attribute: str) -> str | None:
    try:
        import usb.util

        index = getattr(device, attribute)
        return usb.util.get_string(device, index) if index else None
    except Exception:  # strings need the device opened: no permission, busy, gone
        return None


def _pyusb_classes(device: Any) -> tuple[int, ...]:
    try:
        return tuple(intf.bInterfaceClass for cfg in device for intf in cfg)
    except Exception:
        return ()


def merge_usb(sysfs: list[UsbDevice], pyusb: list[UsbDevice]) -> list[UsbDevice]:
    """One entry per device (by bus and address): sysfs first, pyusb fills in what it lacks."""
    by_place = {(d.bus, d.address): d for d in pyusb}
    merged = [_fill(d, by_place.pop((d.bus, d.address), None)) for d in sysfs]
    return merged + list(by_place.values())


def _fill(device: UsbDevice, other: UsbDevice | None) -> UsbDevice:
    if other is None:
        return device
    return replace(device, manufacturer=device.manufacturer or other.manufacturer,
                   product=device.product or other.product, serial=device.serial or other.serial,
                   interface_classes=device.interface_classes or other.interface_classes)


# --- serial ports and video ----------------------------------------------------------------


def serial_ports(list_ports: Callable[[], Iterable[Any]] | None,
                 dev_root: Path) -> list[SerialPort]:
    if list_ports is None:
        return []
    by_id = _links(Path(dev_root) / "serial" / "by-id")
    return [_serial_port(info, by_id) for info in list_ports()]


def _serial_port(info: Any, by_id: dict[str, str]) -> SerialPort:
    return SerialPort(info.device, by_id.get(os.path.realpath(info.device)),
                      getattr(info, "vid", None), getattr(info, "pid", None),
                      getattr(info, "serial_number", None), getattr(info, "location", None),
                      getattr(info, "description", None))


def video_nodes(sys_root: Path, dev_root: Path) -> list[VideoNode]:
    folder = Path(sys_root) / "class" / "video4linux"
    if not folder.is_dir():
        return []
    by_id = _links(Path(dev_root) / "v4l" / "by-id")
    return [_video_node(entry, Path(dev_root), by_id) for entry in sorted(folder.iterdir())]


def _video_node(entry: Path, dev_root: Path, by_id: dict[str, str]) -> VideoNode:
    path = str(dev_root / entry.name)
    parent = _USB_INTERFACE.fullmatch(Path(os.path.realpath(entry / "device")).name)
    return VideoNode(path, _read(entry, "name") or entry.name, _int(_read(entry, "index")) or 0,
                     parent.group(1) if parent else None, by_id.get(os.path.realpath(path)))


# --- matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    profile: DeviceProfile
    score: int
    confidence: str | None

    @property
    def rank(self) -> tuple[int, int]:
        return self.score, len(self.profile.lineage)


def _glob(pattern: str | None, value: str | None) -> bool:
    if pattern is None:
        return True
    return value is not None and fnmatch.fnmatchcase(value.casefold(), pattern.casefold())


def usb_candidates(device: UsbDevice, profiles: Iterable[DeviceProfile]) -> list[_Candidate]:
    return [_Candidate(p, rule.score, rule.confidence) for p in profiles
            for rule in p.match.usb if _usb_rule_fits(rule, device)]


def _usb_rule_fits(rule: Any, device: UsbDevice) -> bool:
    return all((rule.vid is None or rule.vid == device.vid,
                rule.pid is None or rule.pid == device.pid,
                _glob(rule.product, device.product),
                _glob(rule.manufacturer, device.manufacturer),
                rule.interface_class is None or rule.interface_class in device.interface_classes))


def serial_candidates(port: SerialPort, profiles: Iterable[DeviceProfile]) -> list[_Candidate]:
    name = Path(port.by_id).name if port.by_id else None
    return [_Candidate(p, rule.score, None) for p in profiles for rule in p.match.serial
            if _glob(rule.by_id, name) and rule.interface in (None, port.interface)]


def video_candidates(node: VideoNode, profiles: Iterable[DeviceProfile]) -> list[_Candidate]:
    return [_Candidate(p, rule.score, None) for p in profiles for rule in p.match.v4l2
            if _glob(rule.name, node.name)]


def _best(candidates: list[_Candidate]) -> tuple[_Candidate | None, tuple[str, ...]]:
    """The winner, and the other profiles that tie with it (reported, not guessed between)."""
    if not candidates:
        return None, ()
    ranked = sorted(candidates, key=lambda c: (-c.rank[0], -c.rank[1], c.profile.name))
    winner = ranked[0]
    ties = {c.profile.name for c in ranked[1:] if c.rank == winner.rank} - {winner.profile.name}
    return winner, tuple(sorted(ties))


# --- putting it together -------------------------------------------------------------------


def discover(profiles: ProfileSet | Iterable[DeviceProfile],
             sources: Sources | None = None) -> list[Detection]:
    """Every connected device worth listing, each with the profile it matched (or None)."""
    sources = sources or default_sources()
    devices = list(profiles.devices.values()) if isinstance(profiles, ProfileSet) else list(
        profiles)
    usb = _usb_devices(sources)
    ports = serial_ports(sources.list_ports, sources.dev_root)
    videos = video_nodes(sources.sys_root, sources.dev_root)
    usb_found = [_usb_detection(d, ports, videos, devices, sources.dev_root) for d in usb]
    claimed = {p.device for found in usb_found for p in _ports_of(found.device, ports)}
    result = [found.detection for found in usb_found]
    result += [_serial_detection(p, devices) for p in ports if p.device not in claimed]
    result += [d for v in videos if v.usb_sysname is None
               if (d := _video_detection(v, devices)) is not None]
    return result


def _usb_devices(sources: Sources) -> list[UsbDevice]:
    sysfs = sysfs_usb_devices(sources.sys_root, sources.dev_root)
    pyusb = list(sources.pyusb()) if sources.pyusb else []
    return [d for d in merge_usb(sysfs, pyusb)
            if d.device_class != _HUB_CLASS and d.vid != _LINUX_ROOT_HUB_VID]


@dataclass(frozen=True)
class _UsbFound:
    device: UsbDevice
    detection: Detection


def _ports_of(device: UsbDevice, ports: list[SerialPort]) -> list[SerialPort]:
    if device.sysname is not None:
        return [p for p in ports if p.usb_sysname == device.sysname]
    # pyusb alone gives no sysfs name: fall back to the USB identity the port reports.
    return [p for p in ports if (p.vid, p.pid) == (device.vid, device.pid)
            and (device.serial is None or p.serial_number == device.serial)]


def _usb_detection(device: UsbDevice, ports: list[SerialPort], videos: list[VideoNode],
                   profiles: list[DeviceProfile], dev_root: Path) -> _UsbFound:
    own_ports = _ports_of(device, ports)
    own_videos = [v for v in videos if device.sysname and v.usb_sysname == device.sysname]
    candidates = usb_candidates(device, profiles)
    candidates += [c for p in own_ports for c in serial_candidates(p, profiles)]
    candidates += [c for v in own_videos for c in video_candidates(v, profiles)]
    winner, also = _best(candidates)
    paths = _usb_paths(device, own_ports, own_videos, dev_root)
    detection = _detection("usb", device.ident, device.label, paths, winner, also,
                           _usb_station_path(winner, device, own_ports, own_videos))
    return _UsbFound(device, detection)


def _usb_paths(device: UsbDevice, ports: list[SerialPort], videos: list[VideoNode],
               dev_root: Path) -> tuple[str, ...]:
    """Its /dev nodes, each as its udev by-id link where there is one."""
    stable: dict[str, str] = {}
    for folder in ("serial", "input", "v4l"):
        stable.update(_links(dev_root / folder / "by-id"))
    metadata = {v.path for v in videos if v.index != 0}  # UVC metadata nodes carry no picture
    paths = [p.stable for p in ports]
    paths += [v.by_id or v.path for v in videos if v.index == 0]
    paths += [stable.get(os.path.realpath(n), n) for n in device.nodes if n not in metadata]
    return tuple(dict.fromkeys(paths))


def _usb_station_path(winner: _Candidate | None, device: UsbDevice, ports: list[SerialPort],
                      videos: list[VideoNode]) -> str | None:
    if winner is None:
        return None
    profile = winner.profile
    if profile.kind == "camera":
        capture = [v for v in videos if v.index == 0]
        return (capture[0].by_id or capture[0].path) if capture else None
    if profile.connection in ("serial",) or isinstance(profile, ModemDevice):
        return _serial_path(profile, ports)
    return f"usb:{device.ident}"


def _serial_path(profile: DeviceProfile, ports: list[SerialPort]) -> str | None:
    wanted = getattr(profile.capabilities, "at_interface", None)  # type: ignore[attr-defined]
    chosen = [p for p in ports if wanted is None or p.interface == wanted] or ports
    return chosen[0].stable if chosen else None


def _serial_detection(port: SerialPort, profiles: list[DeviceProfile]) -> Detection:
    winner, also = _best(serial_candidates(port, profiles))
    return _detection("serial", port.device, port.description or port.device, (port.stable,),
                      winner, also, port.stable if winner else None)


def _video_detection(node: VideoNode, profiles: list[DeviceProfile]) -> Detection | None:
    # Platform video nodes (codecs, ISP, the CSI receiver) are listed only when a profile
    # claims them; otherwise a Pi 5 would list a dozen nodes nobody can use directly.
    winner, also = _best(video_candidates(node, profiles))
    if winner is None:
        return None
    station_path = "csi:0" if winner.profile.connection == "csi" else node.path
    return _detection("video", node.path, node.name, (node.path,), winner, also, station_path)


def _detection(source: str, ident: str, label: str, paths: tuple[str, ...],
               winner: _Candidate | None, also: tuple[str, ...],
               station_path: str | None) -> Detection:
    if winner is None:
        return Detection(source, ident, label, paths)
    return Detection(source, ident, label, paths, winner.profile.name, winner.profile.kind,
                     winner.confidence, also, station_path)
