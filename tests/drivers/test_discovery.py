"""Discovery on a fake /sys and /dev tree and fake pyserial ports: the right profile for each
device, stable paths, and the specificity rules (vid+pid+product > vid+pid > USB class)."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from drivers import discovery as dd
from drivers.profiles import load_profiles


class FakeMachine:
    """A small fake sysfs + /dev tree, built the way the kernel and udev lay them out."""

    def __init__(self, root: Path) -> None:
        self.sys, self.dev = root / "sys", root / "dev"
        self.usb_dir = self.sys / "bus" / "usb" / "devices"
        self.usb_dir.mkdir(parents=True)
        self.dev.mkdir()
        self.ports: list[SimpleNamespace] = []

    def usb(self, sysname: str, vid: int, pid: int, interfaces: dict[str, tuple[int, list[str]]],
            *, product: str | None = None, manufacturer: str | None = None,
            device_class: int = 0, devnum: int = 2) -> None:
        """interfaces: "1.0" -> (interface class, sysfs children such as "usbmisc/lp0")."""
        attrs = {"idVendor": f"{vid:04x}", "idProduct": f"{pid:04x}", "busnum": "1",
                 "devnum": str(devnum), "bDeviceClass": f"{device_class:02x}",
                 "product": product, "manufacturer": manufacturer}
        self._write(self.usb_dir / sysname, attrs)
        for number, (cls, children) in interfaces.items():
            folder = self.usb_dir / f"{sysname}:{number}"
            self._write(folder, {"bInterfaceClass": f"{cls:02x}"})
            for child in children:
                (folder / child).mkdir(parents=True)

    def node(self, relative: str, by_id: tuple[str, str] | None = None) -> str:
        """A /dev node, optionally with a udev by-id link (folder, link name)."""
        path = self.dev / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        if by_id:
            folder = self.dev / by_id[0] / "by-id"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / by_id[1]).symlink_to(os.path.relpath(path, folder))
            return str(folder / by_id[1])
        return str(path)

    def video(self, name: str, label: str, index: int = 0, parent: str | None = None) -> None:
        folder = self.sys / "class" / "video4linux" / name
        self._write(folder, {"name": label, "index": str(index)})
        target = self.usb_dir / parent if parent else self.sys / "devices" / "platform" / "csi"
        target.mkdir(parents=True, exist_ok=True)
        (folder / "device").symlink_to(target)

    def port(self, device: str, location: str | None = None, vid: int | None = None,
             pid: int | None = None, description: str = "n/a") -> None:
        self.ports.append(SimpleNamespace(device=str(self.dev / device), vid=vid, pid=pid,
                                          serial_number=None, location=location,
                                          description=description))

    def sources(self, pyusb: list[dd.UsbDevice] | None = None) -> dd.Sources:
        return dd.Sources(self.sys, self.dev, lambda: list(self.ports),
                          (lambda: pyusb) if pyusb is not None else None)

    @staticmethod
    def _write(folder: Path, attrs: dict[str, str | None]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, value in attrs.items():
            if value is not None:
                (folder / name).write_text(value + "\n")


SIM7600_ID = "usb-SimTech__Incorporated_SimTech__Incorporated_0123456789ABCDEF"


def counter_pc(root: Path) -> FakeMachine:
    """An intake counter with one of each device, plus the things that must not match."""
    m = FakeMachine(root)
    m.usb("usb1", 0x1D6B, 0x0002, {"1.0": (9, [])}, device_class=9)  # root hub
    m.usb("1-1", 0x05E3, 0x0608, {"1.0": (9, [])}, device_class=9)  # a hub
    m.usb("1-1.1", 0x04B8, 0x0E28, {"1.0": (7, ["usbmisc/lp0"])}, product="TM-T82III",
          manufacturer="EPSON")
    m.node("usb/lp0")
    m.usb("1-1.2", 0x0C2E, 0x0B61, {"1.0": (3, ["0003:0C2E:0B61.0001/input/input5/event3",
                                                "0003:0C2E:0B61.0001/hidraw/hidraw0"])},
          product="Honeywell Scanning and Mobility Scanner")
    m.node("input/event3", ("input", "usb-Honeywell_Scanner-event-kbd"))
    m.node("hidraw0")
    m.usb("1-1.3", 0x1E0E, 0x9001, {f"1.{i}": (0xFF, [f"ttyUSB{i}"]) for i in range(5)},
          product="SimTech, Incorporated")
    for i in range(5):
        m.node(f"ttyUSB{i}", ("serial", f"{SIM7600_ID}-if0{i}-port0"))
        m.port(f"ttyUSB{i}", f"1-1.3:1.{i}", 0x1E0E, 0x9001, "SimTech, Incorporated")
    m.usb("1-1.4", 0x046D, 0x082D, {"1.0": (14, ["video4linux/video0", "video4linux/video1"]),
                                    "1.1": (14, []), "1.2": (1, [])}, product="HD Pro Webcam C920")
    m.video("video0", "HD Pro Webcam C920", 0, "1-1.4:1.0")
    m.video("video1", "HD Pro Webcam C920", 1, "1-1.4:1.0")
    m.node("video0", ("v4l", "usb-046d_HD_Pro_Webcam_C920_ABC-video-index0"))
    m.node("video1", ("v4l", "usb-046d_HD_Pro_Webcam_C920_ABC-video-index1"))
    m.usb("1-1.5", 0x1A86, 0x7523, {"1.0": (0xFF, ["ttyUSB5"])}, product="USB Serial")
    m.node("ttyUSB5", ("serial", "usb-1a86_USB_Serial-if00-port0"))
    m.port("ttyUSB5", "1-1.5:1.0", 0x1A86, 0x7523, "USB Serial")
    m.port("ttyAMA0", None, None, None, "ttyAMA0")  # a UART: no USB identity
    m.node("ttyAMA0")
    return m


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


@pytest.fixture
def machine(tmp_path):
    return counter_pc(tmp_path)


def by_ident(found: list[dd.Detection]) -> dict[str, dd.Detection]:
    return {d.ident: d for d in found}


# --- enumeration ---------------------------------------------------------------------------


def test_sysfs_enumeration_reads_ids_strings_classes_and_nodes(machine):
    devices = {d.sysname: d for d in dd.sysfs_usb_devices(machine.sys, machine.dev)}
    printer = devices["1-1.1"]
    assert (printer.vid, printer.pid, printer.label) == (0x04B8, 0x0E28, "EPSON TM-T82III")
    assert printer.interface_classes == (7,)
    assert printer.nodes == (str(machine.dev / "usb" / "lp0"),)
    scanner = devices["1-1.2"]
    assert set(scanner.nodes) == {str(machine.dev / "hidraw0"),
                                  str(machine.dev / "input" / "event3")}
    assert devices["1-1"].device_class == 9


def test_serial_ports_get_their_by_id_link_and_interface(machine):
    ports = {Path(p.device).name: p for p in dd.serial_ports(machine.sources().list_ports,
                                                             machine.dev)}
    at = ports["ttyUSB2"]
    assert at.by_id == str(machine.dev / "serial" / "by-id" / f"{SIM7600_ID}-if02-port0")
    assert (at.usb_sysname, at.interface) == ("1-1.3", 2)
    assert ports["ttyAMA0"].by_id is None and ports["ttyAMA0"].interface is None


def test_video_nodes_know_their_usb_parent(machine):
    machine.video("v4l-subdev0", "imx708 10-001a")
    nodes = {Path(v.path).name: v for v in dd.video_nodes(machine.sys, machine.dev)}
    assert nodes["video0"].usb_sysname == "1-1.4" and nodes["video0"].by_id.endswith("index0")
    assert nodes["video1"].index == 1
    assert nodes["v4l-subdev0"].usb_sysname is None


def test_missing_sysfs_gives_nothing(tmp_path):
    assert dd.sysfs_usb_devices(tmp_path / "sys", tmp_path / "dev") == []
    assert dd.video_nodes(tmp_path / "sys", tmp_path / "dev") == []
    assert dd.discover([], dd.Sources(tmp_path, tmp_path, None, None)) == []


def test_pyusb_enumeration_never_raises(monkeypatch):
    import usb.core

    assert isinstance(dd.pyusb_devices(), list)  # whatever this machine has

    def no_backend(**_):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    assert dd.pyusb_devices() == []


def test_pyusb_enumeration_reads_ids_and_interface_classes(monkeypatch):
    import usb.core

    class FakeUsb(SimpleNamespace):
        def __iter__(self):  # configurations, each a list of interfaces
            return iter([[SimpleNamespace(bInterfaceClass=7)]])

    device = FakeUsb(idVendor=0x04B8, idProduct=0x0E28, iManufacturer=1, iProduct=0,
                     iSerialNumber=0, bus=1, address=4, bDeviceClass=0)
    monkeypatch.setattr(usb.core, "find", lambda **_: [device])
    [found] = dd.pyusb_devices()
    assert (found.ident, found.bus, found.address) == ("04b8:0e28", 1, 4)
    assert found.interface_classes == (7,)
    assert found.manufacturer is None  # the fake cannot be opened: strings stay unknown


# --- matching ------------------------------------------------------------------------------


def test_each_device_matches_its_profile(machine, profiles):
    found = by_ident(dd.discover(profiles, machine.sources()))
    assert {ident: d.profile for ident, d in found.items()} == {
        "04b8:0e28": "epson-tm-t82iii", "0c2e:0b61": "honeywell-voyager-1250g",
        "1e0e:9001": "simcom-sim7600", "046d:082d": "logitech-c920", "1a86:7523": None,
        str(machine.dev / "ttyAMA0"): None}


def test_hubs_are_not_listed(machine, profiles):
    idents = {d.ident for d in dd.discover(profiles, machine.sources())}
    assert not idents & {"1d6b:0002", "05e3:0608"}


def test_station_paths_and_stable_paths(machine, profiles):
    found = by_ident(dd.discover(profiles, machine.sources()))
    assert found["04b8:0e28"].station_path == "usb:04b8:0e28"
    assert found["04b8:0e28"].paths == (str(machine.dev / "usb" / "lp0"),)
    assert found["0c2e:0b61"].station_path == "usb:0c2e:0b61"
    assert str(machine.dev / "input" / "by-id" / "usb-Honeywell_Scanner-event-kbd") in \
        found["0c2e:0b61"].paths
    modem = found["1e0e:9001"]
    assert modem.station_path == str(machine.dev / "serial" / "by-id" /
                                     f"{SIM7600_ID}-if02-port0")
    assert len(modem.paths) == 5 and all("/by-id/" in p for p in modem.paths)
    camera = found["046d:082d"]
    assert camera.station_path.endswith("usb-046d_HD_Pro_Webcam_C920_ABC-video-index0")
    assert not any("index1" in p or p.endswith("video1") for p in camera.paths)
    assert found["1a86:7523"].paths == (
        str(machine.dev / "serial" / "by-id" / "usb-1a86_USB_Serial-if00-port0"),)


def test_usb_serial_ports_are_listed_once_with_their_device(machine, profiles):
    found = dd.discover(profiles, machine.sources())
    serial_rows = [d.ident for d in found if d.source == "serial"]
    assert serial_rows == [str(machine.dev / "ttyAMA0")]


def test_product_string_beats_plain_vid_pid(tmp_path, profiles):
    m = FakeMachine(tmp_path)
    m.usb("1-1", 0x04B8, 0x0E28, {"1.0": (7, [])}, product="TM-T20III")
    m.usb("1-2", 0x04B8, 0x0E28, {"1.0": (7, [])}, product="TM-T82III", devnum=3)
    m.usb("1-3", 0x04B8, 0x0E28, {"1.0": (7, [])}, devnum=4)  # strings unreadable
    found = dd.discover(profiles, m.sources())
    assert [d.profile for d in found] == ["epson-tm-t20iii", "epson-tm-t82iii",
                                          "epson-tm-t20iii"]
    assert found[1].confidence == "assumed" and found[0].confidence == "verified"


def test_vid_pid_beats_the_usb_class_fallback(tmp_path, profiles):
    m = FakeMachine(tmp_path)
    m.usb("1-1", 0x0416, 0x5011, {"1.0": (7, [])})  # a POS-58
    m.usb("1-2", 0x0FE6, 0x811E, {"1.0": (7, [])}, devnum=3)  # an unprofiled printer
    m.usb("1-3", 0x0416, 0x5011, {"1.0": (2, []), "1.1": (10, [])}, devnum=4)  # not a printer
    m.usb("1-4", 0x0C45, 0x6366, {"1.0": (14, [])}, devnum=5)  # an unprofiled webcam
    assert [d.profile for d in dd.discover(profiles, m.sources())] == [
        "generic-pos-58", "generic-escpos-80mm", None, "generic-uvc-webcam"]


def test_csi_camera_is_found_by_its_sensor_and_platform_nodes_are_not_listed(tmp_path,
                                                                             profiles):
    m = FakeMachine(tmp_path)
    m.video("video0", "unicam-image")
    m.video("video1", "bcm2835-codec-decode")
    m.video("v4l-subdev0", "imx708 10-001a")
    [camera] = dd.discover(profiles, m.sources())
    assert (camera.source, camera.profile, camera.station_path) == (
        "video", "raspberrypi-camera-module-3", "csi:0")


def test_serial_by_id_rule_matches_without_sysfs(tmp_path, profiles):
    # A machine where only pyserial can tell (no sysfs USB tree): the by-id rule still works.
    m = FakeMachine(tmp_path)
    m.node("ttyUSB2", ("serial", f"{SIM7600_ID}-if02-port0"))
    m.port("ttyUSB2", "1-1:1.2", 0x1E0E, 0x9001)
    [found] = dd.discover(profiles, m.sources())
    assert (found.source, found.profile) == ("serial", "simcom-sim7600")
    assert found.station_path.endswith("-if02-port0")


def test_equally_good_matches_are_reported_as_ties(tmp_path, profiles):
    m = FakeMachine(tmp_path)
    m.usb("1-1", 0x046D, 0x0825, {"1.0": (14, [])})
    c270 = profiles.devices["logitech-c270"]
    clone = c270.model_copy(update={"name": "logitech-c270-clone"})
    [found] = dd.discover([c270, clone], m.sources())
    assert (found.profile, found.also) == ("logitech-c270", ("logitech-c270-clone",))


def test_deeper_profile_wins_an_equal_rule(tmp_path, profiles):
    m = FakeMachine(tmp_path)
    m.usb("1-1", 0x046D, 0x0825, {"1.0": (14, [])})
    c270 = profiles.devices["logitech-c270"]
    shallow = c270.model_copy(update={"name": "a-shallow", "lineage": ("a-shallow",)})
    [found] = dd.discover([shallow, c270], m.sources())
    assert (found.profile, found.also) == ("logitech-c270", ())


# --- pyusb alongside sysfs -----------------------------------------------------------------


def test_pyusb_fills_in_strings_and_adds_devices_sysfs_missed(tmp_path, profiles):
    m = FakeMachine(tmp_path)
    m.usb("1-1", 0x04B8, 0x0E28, {"1.0": (7, [])})  # sysfs without strings
    m.node("ttyACM0", ("serial", "usb-Quectel_EC25-if02-port0"))
    m.port("ttyACM0", None, 0x2C7C, 0x0125)
    pyusb = [dd.UsbDevice(0x04B8, 0x0E28, "EPSON", "TM-T82III", None, 1, 2),
             dd.UsbDevice(0x2C7C, 0x0125, None, None, None, 3, 7, interface_classes=(255,))]
    found = dd.discover(profiles, m.sources(pyusb))
    assert [(d.ident, d.profile) for d in found] == [
        ("04b8:0e28", "epson-tm-t82iii"), ("2c7c:0125", "quectel-ec25")]
    assert found[1].paths == (str(m.dev / "serial" / "by-id" / "usb-Quectel_EC25-if02-port0"),)


def test_detection_as_json(machine, profiles):
    found = by_ident(dd.discover(profiles, machine.sources()))
    data = found["04b8:0e28"].to_json()
    assert data["profile"] == "epson-tm-t82iii" and data["kind"] == "printer"
    assert data["paths"] == (str(machine.dev / "usb" / "lp0"),)
