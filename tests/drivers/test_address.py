"""One grammar for device addresses, read the same way by the self-test, the counter and the
kiosk: a profile entry opens the same kind of connection (and baud rate) in all three."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from counter_app.config import load
from counter_app.devices import devices_from_profile
from drivers.address import AddressError, parse_address
from drivers.profiles import DEFAULT_ROOT, ProfileError, load_profiles
from drivers.station import open_station
from kiosk_app.devices import make_printer
from kiosk_app.station import station_values


@pytest.mark.parametrize("text, kind, target, number", [
    ("usb:04b8:0e28", "usb", "", None),
    ("tcp:10.0.0.9", "tcp", "10.0.0.9", None),
    ("tcp:printer.local:9101", "tcp", "printer.local", 9101),
    ("tcp://10.0.0.9:9100", "tcp", "10.0.0.9", 9100),  # older spelling
    ("10.0.0.9:9100", "tcp", "10.0.0.9", 9100),  # a profile's bare host:port
    ("serial:/dev/ttyUSB0@19200", "serial", "/dev/ttyUSB0", 19200),
    ("serial:/dev/ttyS0:19200", "serial", "/dev/ttyS0", 19200),  # early kiosk configs
    ("serial:/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0", "serial",
     "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0", None),
    ("/dev/serial/by-id/usb-Prolific-if00-port0", "serial",
     "/dev/serial/by-id/usb-Prolific-if00-port0", None),
    ("/dev/ttyACM0", "serial", "/dev/ttyACM0", None),
    ("file:/dev/ttyUSB1", "serial", "/dev/ttyUSB1", None),  # a tty is serial, however written
    ("/dev/usb/lp0", "file", "/dev/usb/lp0", None),
    ("file:/dev/usb/lp0", "file", "/dev/usb/lp0", None),
    ("virtual", "virtual", "", None), ("virtual:/tmp/r", "virtual", "/tmp/r", None),
    ("fake:printer?out=var/demo/receipts", "virtual", "var/demo/receipts", None),
    ("none", "none", "", None), ("", "none", "", None),
])
def test_every_spelling_reads_as_one_address(text, kind, target, number):
    address = parse_address(text)
    assert (address.kind, address.target, address.number) == (kind, target, number)
    assert parse_address(str(address)) == address  # the current spelling reads back the same


@pytest.mark.parametrize("text, part", [("lpt:1", "lpt"), ("usb:04b8", "04b8"),
                                        ("tcp:10.0.0.9:91000", "91000"),
                                        ("serial:/dev/ttyUSB0@fast", "fast")])
def test_a_bad_address_names_its_bad_part_in_both_languages(text, part):
    with pytest.raises(AddressError) as bad:
        parse_address(text)
    assert f"'{part}'" in bad.value.vi and f"'{part}'" in bad.value.en
    assert str(bad.value) == f"{bad.value.vi} / {bad.value.en}"
    assert re.search(r"\([^()]*:[^()]*\)$", bad.value.en)  # and shows the spelling expected


def test_an_address_without_its_device_says_what_is_missing():
    with pytest.raises(AddressError, match=r"Thiếu đường dẫn .* / No device file"):
        parse_address("file:")


def _profiles_with(tmp_path: Path, path: str, scanner: dict | None = None) -> Path:
    """A copy of the shipped profiles plus a station whose two printers sit at `path`."""
    root = tmp_path / "profiles"
    shutil.copytree(DEFAULT_ROOT, root)
    printer = {"device": "generic-escpos-80mm", "path": path}
    station = {"description": "Thử / test", "platform": "any", "apps": ["kiosk", "counter"],
               "screen": {"orientation": "landscape", "resolution": "1920x1080"},
               "devices": {"receipt_printer": printer, "ticket_printer": printer}}
    if scanner:
        station["devices"]["scanner"] = scanner
    (root / "stations" / "both.yaml").write_text(yaml.safe_dump(station), encoding="utf-8")
    return root


def _link(connection) -> tuple[str, object]:
    return type(connection).__name__, getattr(connection, "baudrate", None)


@pytest.mark.parametrize("path, link", [
    ("/dev/serial/by-id/usb-Prolific-if00-port0", "SerialConnection"),
    ("/dev/ttyUSB0", "SerialConnection"), ("serial:/dev/ttyS0@19200", "SerialConnection"),
    ("/dev/usb/lp0", "FileConnection"), ("usb:04b8:0e28", "UsbConnection"),
    ("tcp://10.0.0.9:9100", "NetworkConnection"), ("tcp:10.0.0.9:9100", "NetworkConnection"),
])
def test_one_address_opens_one_kind_of_link_in_selftest_counter_and_kiosk(tmp_path, path, link):
    root = _profiles_with(tmp_path, path)
    with open_station("both", load_profiles(root)) as station:
        selftest = _link(station.devices["receipt_printer"].connection)
    counter = devices_from_profile("both", load(None, data_dir=str(tmp_path)), root)
    values = station_values("both", root)
    kiosk = make_printer(values["printer"], values["paper_mm"], values["printer_model"])
    assert selftest == _link(counter.printer.printer.connection) == _link(
        kiosk.printer.connection)
    assert selftest[0] == link
    if link == "SerialConnection":  # the model's baud rate, or the one the address gives
        assert selftest[1] == (19200 if "@" in path else 9600)


def _reads(scanner) -> tuple:
    return type(scanner).__name__, getattr(scanner, "port", None), \
        getattr(scanner, "baudrate", None), str(getattr(scanner, "match", ""))


@pytest.mark.parametrize("device, path, driver, counter", [
    ("generic-serial-scanner", "/dev/motcua/scanner-1", "SerialScanner",
     "serial:/dev/motcua/scanner-1@9600"),  # the model talks serial: its udev name is a port
    ("generic-serial-scanner", "serial:/dev/ttyS1@19200", "SerialScanner",
     "serial:/dev/ttyS1@19200"),
    ("honeywell-voyager-1250g", "usb:0c2e:0b61", "EvdevWedgeScanner", "keyboard"),
])
def test_one_scanner_address_reads_alike_in_selftest_kiosk_and_counter(tmp_path, device, path,
                                                                       driver, counter):
    from counter_app.profile import scanner_spec
    from kiosk_app.devices import make_scanner

    root = _profiles_with(tmp_path, "usb:04b8:0e28", {"device": device, "path": path})
    with open_station("both", load_profiles(root)) as station:
        selftest = _reads(station.devices["scanner"])
    assert selftest == _reads(make_scanner(station_values("both", root)["scanner"]))
    assert selftest[0] == driver and scanner_spec("both", root) == counter


def test_a_profile_address_the_apps_cannot_read_is_refused_at_its_line(tmp_path):
    root = _profiles_with(tmp_path, "serial:/dev/ttyUSB0@fast")
    with pytest.raises(ProfileError) as bad:
        load_profiles(root)
    assert "both.yaml dòng" in str(bad.value) and "Baud rate 'fast'" in str(bad.value)
