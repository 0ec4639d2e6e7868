"""Counter displays: MCLED/1 LED boards, Epson-style pole displays, and fakes. See base.py.

Protocol and simulator modules load on first use; the package itself only defines the API.
"""

from drivers.displays.base import (
    DisplayDisconnected,
    DisplayError,
    DisplayGarbled,
    DisplayNotResponding,
    DisplayRejected,
    QueueDisplay,
)
from drivers.lazy import lazy_attributes

_LAZY = {
    "SerialLink": "base", "SerialDisplay": "base",
    "LedCounterDisplay": "led_counter", "EpsonPoleDisplay": "epson_pole",
    "FakeLedBoard": "fake", "FakePoleDisplay": "fake", "FakeQueueDisplay": "fake",
    "PtyPeer": "pty", "to_ascii": "text",
}
__all__ = ["DisplayDisconnected", "DisplayError", "DisplayGarbled", "DisplayNotResponding",
           "DisplayRejected", "QueueDisplay", *_LAZY]


__getattr__ = lazy_attributes(__name__, _LAZY)
