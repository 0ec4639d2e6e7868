"""Barcode scanners: USB keyboard-wedge (evdev), serial, and fakes. See base.py for the API.

Driver classes load on first use, so importing the package does not pull in evdev (Linux only)
or pyserial on a machine that has no such scanner.
"""

from drivers.lazy import lazy_attributes
from drivers.scanners.base import DuplicateFilter, ScanEvent, Scanner

_LAZY = {
    "DeviceMatch": "evdev_wedge", "EvdevWedgeScanner": "evdev_wedge", "KeyDecoder": "evdev_wedge",
    "SerialScanner": "serial_scanner", "LineSplitter": "serial_scanner",
    "FakeScanner": "fake", "FakeInputDevice": "fake", "FakeSerialScanner": "fake",
}
__all__ = ["DuplicateFilter", "ScanEvent", "Scanner", *_LAZY]


__getattr__ = lazy_attributes(__name__, _LAZY)
