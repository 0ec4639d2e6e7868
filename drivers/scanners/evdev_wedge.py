"""USB barcode scanners in keyboard-wedge mode, read through Linux evdev.

A wedge scanner is a USB keyboard that types the code and presses Enter. Left alone, those keys
would land in whatever widget has focus on the kiosk, so the driver takes the device for itself
with an exclusive grab (EVIOCGRAB) and turns the key events back into text with a US layout map
(scanners are configured for US layout; it is their factory default).

The device is found by name, USB vid:pid or path, and found again after it is unplugged: reads
fail with ENODEV, the driver lets go and looks for it every `retry_interval` seconds.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from evdev import InputDevice, ecodes, list_devices

from drivers.scanners.base import ScanEvent, Scanner

log = logging.getLogger(__name__)

_ROW = "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./ "
_SHIFTED_ROW = '!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:"~|ZXCVBNM<>? '
_ROW_KEYS = [
    *(f"KEY_{c}" for c in "1234567890"), "KEY_MINUS", "KEY_EQUAL",
    *(f"KEY_{c}" for c in "QWERTYUIOP"), "KEY_LEFTBRACE", "KEY_RIGHTBRACE",
    *(f"KEY_{c}" for c in "ASDFGHJKL"), "KEY_SEMICOLON", "KEY_APOSTROPHE", "KEY_GRAVE",
    "KEY_BACKSLASH", *(f"KEY_{c}" for c in "ZXCVBNM"), "KEY_COMMA", "KEY_DOT", "KEY_SLASH",
    "KEY_SPACE",
]
# key code → (unshifted, shifted) character, US layout.
US_KEYMAP: dict[int, tuple[str, str]] = {
    ecodes.ecodes[k]: (a, b) for k, a, b in zip(_ROW_KEYS, _ROW, _SHIFTED_ROW, strict=True)
}
# Scanners set to "numeric keypad" output send digits from the keypad, NumLock or not.
US_KEYMAP.update({ecodes.ecodes[f"KEY_KP{d}"]: (str(d), str(d)) for d in range(10)})
US_KEYMAP.update({ecodes.KEY_KPMINUS: ("-", "-"), ecodes.KEY_KPPLUS: ("+", "+"),
                  ecodes.KEY_KPASTERISK: ("*", "*"), ecodes.KEY_KPSLASH: ("/", "/"),
                  ecodes.KEY_KPDOT: (".", ".")})
SHIFT_KEYS = frozenset({ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT})
ENTER_KEYS = (ecodes.KEY_ENTER, ecodes.KEY_KPENTER)
KEY_DOWN, KEY_UP, KEY_HOLD = 1, 0, 2


class KeyDecoder:
    """Turns evdev key events (anything with type/code/value) into completed scans.

    A partial scan is dropped when the next key comes more than `max_gap` seconds later: a
    scanner types a whole code within milliseconds, so a long pause means the rest was lost (an
    unplug mid-scan) and the fragment must not be glued to the next code.
    """

    def __init__(self, terminators: Iterable[int] = ENTER_KEYS, max_gap: float = 1.0,
                 max_length: int = 1024) -> None:
        self.terminators = frozenset(terminators)
        self.max_gap = max_gap
        self.max_length = max_length
        self._chars: list[str] = []
        self._shift: set[int] = set()
        self._caps = False
        self._last: float | None = None

    def reset(self) -> None:
        self._chars.clear()
        self._shift.clear()
        self._last = None

    def feed(self, event: Any) -> str | None:
        """Feed one event; returns the scanned text when it completes a scan.

        Takes `evdev.InputEvent`s, what `evdev.categorize()` makes of them, or anything else
        with `type`, `code` and `value`.
        """
        event = getattr(event, "event", event)  # categorize() wraps the InputEvent
        if event.type != ecodes.EV_KEY:
            return None
        if event.code in SHIFT_KEYS:
            (self._shift.add if event.value != KEY_UP else self._shift.discard)(event.code)
            return None
        if event.value != KEY_DOWN:  # releases, and auto-repeat a scanner never means
            return None
        self._drop_stale(_timestamp(event))
        if event.code in self.terminators:
            text, self._chars = "".join(self._chars), []
            return text or None
        if event.code == ecodes.KEY_CAPSLOCK:
            self._caps = not self._caps
        elif event.code in US_KEYMAP and len(self._chars) < self.max_length:
            self._chars.append(self._char(event.code))
        return None

    def _char(self, code: int) -> str:
        plain, shifted = US_KEYMAP[code]
        upper = bool(self._shift)
        if plain.isalpha() and self._caps:
            upper = not upper
        return shifted if upper else plain

    def _drop_stale(self, at: float | None) -> None:
        if at is not None and self._last is not None and at - self._last > self.max_gap:
            if self._chars:
                log.warning("dropping partial scan %r after a %.1f s gap", "".join(self._chars),
                            at - self._last)
            self._chars.clear()
        self._last = at


def _timestamp(event: Any) -> float | None:
    stamp = getattr(event, "timestamp", None)
    return stamp() if callable(stamp) else None


@dataclass(frozen=True)
class DeviceMatch:
    """Which input device is the scanner; every field given must match.

    `name` is a case-insensitive substring of the device name; `path` may be a stable symlink
    such as /dev/input/by-id/usb-…-event-kbd.
    """

    name: str | None = None
    vid: int | None = None
    pid: int | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        # An empty match would grab the first keyboard it finds, the technician's included.
        if not any((self.name, self.vid, self.pid, self.path)):
            raise ValueError("DeviceMatch needs a name, vid/pid or path")

    def __str__(self) -> str:
        ids = f"{self.vid or 0:04x}:{self.pid or 0:04x}" if self.vid or self.pid else None
        return " ".join(str(v) for v in (self.path, self.name, ids) if v)

    def matches(self, device: Any) -> bool:
        info = device.info
        return all((
            self.name is None or self.name.casefold() in device.name.casefold(),
            self.vid is None or info.vendor == self.vid,
            self.pid is None or info.product == self.pid,
            self.path is None or os.path.realpath(self.path) == os.path.realpath(device.path),
        ))


def types_keys(device: Any) -> bool:
    """A wedge scanner also shows up as consumer-control and mouse interfaces; skip those."""
    keys = device.capabilities().get(ecodes.EV_KEY, [])
    return ecodes.KEY_ENTER in keys and ecodes.KEY_5 in keys


def find_device(match: DeviceMatch) -> InputDevice | None:
    """Open the first input device that matches (None if it is not plugged in)."""
    for path in list_devices():
        try:
            device = InputDevice(path)
        except OSError:  # vanished, or not ours to read
            continue
        if match.matches(device) and types_keys(device):
            return device
        device.close()
    return None


class EvdevWedgeScanner(Scanner):
    """A keyboard-wedge USB scanner, grabbed so its keys never reach the UI."""

    def __init__(self, match: DeviceMatch, on_scan: Callable[[ScanEvent], None] | None = None, *,
                 grab: bool = True, retry_interval: float = 2.0, dedupe_window: float = 2.0,
                 terminators: Iterable[int] = ENTER_KEYS,
                 finder: Callable[[DeviceMatch], Any] = find_device,
                 poll_interval: float = 0.2) -> None:
        super().__init__(on_scan, dedupe_window=dedupe_window)
        self.match = match
        self.grab = grab
        self.retry_interval = retry_interval
        self.poll_interval = poll_interval  # how soon a wait for keys notices stop()
        self.keys = KeyDecoder(terminators)
        self._finder = finder
        self.source = f"evdev:{match}"

    def _run(self) -> None:
        while not self._stopping.is_set():
            device = self._connect()
            if device is None:
                self._sleep(self.retry_interval)
                continue
            try:
                self._pump(device)
            except OSError as exc:  # ENODEV on unplug; anything else is just as fatal here
                self._set_connected(False, f"read failed: {os.strerror(exc.errno or errno.EIO)}")
            finally:
                self._release(device)

    def _connect(self) -> Any | None:
        try:
            device = self._finder(self.match)
        except OSError as exc:
            device, error = None, str(exc)
        else:
            error = "not found"
        if device is None:
            self._set_connected(False, error)
            return None
        try:
            if self.grab:
                device.grab()
        except OSError as exc:  # EBUSY: another program holds the grab
            self._set_connected(False, f"cannot grab: {exc}")
            with contextlib.suppress(OSError):
                device.close()
            return None
        self.source = f"evdev:{device.path}"
        self.keys.reset()
        self._set_connected(True)
        return device

    def _pump(self, device: Any) -> None:
        while not self._stopping.is_set():
            ready, _, _ = select.select([device.fd], [], [], self.poll_interval)
            if not ready:
                continue
            try:
                events = list(device.read())
            except BlockingIOError:  # woken without events: not an unplug
                continue
            for event in events:
                text = self.keys.feed(event)
                if text:
                    self._emit(text)

    def _release(self, device: Any) -> None:
        # After an unplug both calls fail; the file descriptor still has to go.
        for step in ((device.ungrab,) if self.grab else ()) + (device.close,):
            with contextlib.suppress(OSError):
                step()
