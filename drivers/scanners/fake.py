"""Stand-ins for scanners, for tests and for running the apps on a laptop.

- `FakeScanner`: a `Scanner` the test (or a demo button) makes "read" a code.
- `key_events()` / `FakeInputDevice`: the key events a wedge scanner types, and an evdev-like
  device to replay them — with unplug and busy-grab faults — into `EvdevWedgeScanner`.
- `UInputScanner`: the same keystrokes through a real kernel input device (/dev/uinput).
- `FakeSerialScanner`: the device end of a serial scanner, on a pty pair or a pyserial port.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import tty
from collections import deque
from collections.abc import Iterable
from typing import Any

from evdev import DeviceInfo, InputEvent, ecodes

from drivers.scanners.base import Scanner
from drivers.scanners.evdev_wedge import ENTER_KEYS, KEY_DOWN, KEY_UP, US_KEYMAP
from drivers.scanners.serial_scanner import parse_terminator


def _keys_for() -> dict[str, tuple[int, bool]]:
    """character → (key code, needs shift): the driver's US map inverted, main row first."""
    keys: dict[str, tuple[int, bool]] = {}
    # Keypad codes are higher; going high to low lets the main row win "8" over keypad "8".
    for code, (plain, shifted) in sorted(US_KEYMAP.items(), reverse=True):
        keys[shifted] = (code, shifted != plain)
        keys[plain] = (code, False)
    return keys


_KEYS_FOR = _keys_for()


class FakeScanner(Scanner):
    """A scanner that reads whatever `scan()` is given, through the usual duplicate filter."""

    source = "fake"

    def scan(self, text: str, symbology: str | None = None) -> bool:
        """Pretend the device read `text`; False if it was held back as a duplicate."""
        return self._emit(text, symbology)

    def _run(self) -> None:
        self._set_connected(True)
        self._stopping.wait()


def key_strokes(text: str, terminator: int = ENTER_KEYS[0]) -> list[tuple[int, int]]:
    """(key code, value) pairs a US-layout wedge scanner sends for `text` and its terminator."""
    strokes: list[tuple[int, int]] = []
    for char in text:
        code, shift = _KEYS_FOR[char]
        if shift:
            strokes.append((ecodes.KEY_LEFTSHIFT, KEY_DOWN))
        strokes += [(code, KEY_DOWN), (code, KEY_UP)]
        if shift:
            strokes.append((ecodes.KEY_LEFTSHIFT, KEY_UP))
    return [*strokes, (terminator, KEY_DOWN), (terminator, KEY_UP)]


def key_events(text: str, start: float = 1_000.0, gap: float = 0.002,
               terminator: int = ENTER_KEYS[0]) -> list[InputEvent]:
    """`key_strokes()` as evdev events, each followed by a SYN_REPORT as the kernel sends them."""
    events = []
    for n, (code, value) in enumerate(key_strokes(text, terminator)):
        sec, usec = divmod(round((start + n * gap) * 1e6), 1_000_000)
        events.append(InputEvent(sec, usec, ecodes.EV_KEY, code, value))
        events.append(InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0))
    return events


class FakeInputDevice:
    """Enough of `evdev.InputDevice` for `EvdevWedgeScanner`, with a selectable file descriptor.

    `feed()` queues events, `unplug()` makes the next read fail with ENODEV as the kernel does,
    `busy=True` makes `grab()` fail with EBUSY as when another program holds the device.
    """

    def __init__(self, name: str = "Fake Barcode Scanner", vid: int = 0x0C2E,
                 pid: int = 0x0B61, path: str = "/dev/input/event99", busy: bool = False) -> None:
        self.name, self.path, self.busy = name, path, busy
        self.info = DeviceInfo(bustype=ecodes.BUS_USB, vendor=vid, product=pid, version=1)
        self.grabbed = False
        self.closed = False
        self.plugged = True
        self._events: deque[Any] = deque()
        self._lock = threading.Lock()
        self._rfd, self._wfd = os.pipe()
        os.set_blocking(self._rfd, False)

    @property
    def fd(self) -> int:
        return self._rfd

    def capabilities(self) -> dict[int, list[int]]:
        return {ecodes.EV_KEY: sorted({*US_KEYMAP, *ENTER_KEYS, ecodes.KEY_LEFTSHIFT})}

    def feed(self, events: Iterable[Any]) -> None:
        with self._lock:
            self._events.extend(events)
        os.write(self._wfd, b".")

    def type(self, text: str) -> None:
        self.feed(key_events(text))

    def unplug(self) -> None:
        self.plugged = False
        os.write(self._wfd, b"!")

    def read(self):
        if not self.plugged:
            raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
        with contextlib.suppress(BlockingIOError):
            os.read(self._rfd, 4096)
        with self._lock:
            events, self._events = list(self._events), deque()
        if not events:
            raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
        return iter(events)

    def grab(self) -> None:
        if self.busy:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
        self.grabbed = True

    def ungrab(self) -> None:
        if not self.plugged:
            raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
        self.grabbed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self._rfd)
            os.close(self._wfd)


class UInputScanner:
    """A virtual keyboard in the kernel that types codes like a wedge scanner.

    Needs a writable /dev/uinput; `available()` says whether this machine has one.
    """

    def __init__(self, name: str = "motcua virtual scanner", vid: int = 0x0C2E,
                 pid: int = 0x0B61) -> None:
        from evdev import UInput

        keys = sorted({*US_KEYMAP, *ENTER_KEYS, ecodes.KEY_LEFTSHIFT})
        self.device = UInput({ecodes.EV_KEY: keys}, name=name, vendor=vid, product=pid)

    @staticmethod
    def available(devnode: str = "/dev/uinput") -> tuple[bool, str]:
        if not os.path.exists(devnode):
            return False, f"{devnode} does not exist (no uinput module in this kernel/container)"
        if not os.access(devnode, os.W_OK):
            return False, f"{devnode} is not writable by uid {os.getuid()}"
        return True, ""

    def type(self, text: str) -> None:
        for code, value in key_strokes(text):
            self.device.write(ecodes.EV_KEY, code, value)
            self.device.syn()

    def close(self) -> None:
        self.device.close()


class FakeSerialScanner:
    """The scanner's end of a serial line: writes each code and its terminator.

    With no `port`, opens a pty pair; the driver opens `port_name` (the pty's slave side).
    Given a pyserial port (e.g. `serial_for_url("loop://")`), writes to that instead.
    """

    def __init__(self, terminator: str | bytes = "CR", port: Any = None) -> None:
        self.terminator = parse_terminator(terminator)
        self.port = port
        self.master = self.slave = -1
        self.port_name = getattr(port, "name", None)
        if port is None:
            self.master, self.slave = os.openpty()
            # Raw from the start: a cooked pty would turn CR into LF before the driver opens it.
            tty.setraw(self.slave)
            self.port_name = os.ttyname(self.slave)

    def write(self, data: bytes) -> None:
        if self.port is not None:
            self.port.write(data)
        else:
            os.write(self.master, data)

    def scan(self, text: str) -> None:
        self.write(text.encode() + self.terminator)

    def unplug(self) -> None:
        """Hang up the line: reads on the driver's side fail from now on."""
        self.close()

    def close(self) -> None:
        for fd in (self.master, self.slave):
            if fd >= 0:
                os.close(fd)
        self.master = self.slave = -1
