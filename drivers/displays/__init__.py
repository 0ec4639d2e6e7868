"""Counter displays: MCLED/1 LED boards, Epson-style pole displays, and fakes. See base.py.

Protocol and simulator modules load on first use; the package itself only defines the API.
"""

from importlib import import_module

from drivers.displays.base import (
    DisplayDisconnected,
    DisplayError,
    DisplayGarbled,
    DisplayNotResponding,
    DisplayRejected,
    QueueDisplay,
)

_LAZY = {
    "SerialLink": "base", "SerialDisplay": "base",
    "LedCounterDisplay": "led_counter", "EpsonPoleDisplay": "epson_pole",
    "FakeLedBoard": "fake", "FakePoleDisplay": "fake", "FakeQueueDisplay": "fake",
    "PtyPeer": "pty", "to_ascii": "text",
}
__all__ = ["DisplayDisconnected", "DisplayError", "DisplayGarbled", "DisplayNotResponding",
           "DisplayRejected", "QueueDisplay", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"drivers.displays.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'drivers.displays' has no attribute {name!r}")
