"""What every counter display looks like to the apps: `QueueDisplay`.

A display shows the ticket being called at a counter, free text, a blank screen, or a test
pattern for the weekly equipment self-test. How that becomes bytes is the protocol's business
(one class per protocol); how the bytes reach the board is a `SerialLink` (any pyserial URL:
a device path, a pty in tests, `rfc2217://` for a networked serial server).

Errors are `DisplayError`s with the Vietnamese text first and the English beside it, naming the
board ("Bảng LED quầy 3 không phản hồi / Counter 3 LED display not responding"), because the
clerk reads the first half and the technician greps the log for the second.
"""

from __future__ import annotations

import contextlib
import os
import termios
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import serial

from drivers.closing import Closing
from drivers.message import BilingualError


class DisplayError(BilingualError):
    """A display failed; `vi` for the clerk, `en` for the log, `str()` gives both."""

    key = "display_error"


class DisplayNotResponding(DisplayError):
    """No valid answer within the timeout, after every retry."""


class DisplayGarbled(DisplayNotResponding):
    """Bytes came back, but never a valid answer: wrong baud rate, noise, wrong protocol."""


class DisplayRejected(DisplayError):
    """The board answered NAK to every attempt."""

    def __init__(self, vi: str, en: str, code: str = "") -> None:
        super().__init__(vi, en)
        self.code = code


class DisplayDisconnected(DisplayError):
    """The port cannot be opened or went away (USB adapter unplugged)."""


class SerialLink:
    """A serial port opened on first use and reopened after a failure.

    Reopening matters on a kiosk: a USB-serial adapter that is unplugged and plugged back keeps
    its /dev/serial/by-id name, and the next call should simply work again.
    """

    def __init__(self, port: str, baudrate: int = 9600, *, write_timeout: float = 1.0,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        self.port = port
        self.baudrate = baudrate
        self.write_timeout = write_timeout
        self._opener = opener
        self._serial: Any = None
        # Several boards on one RS-485 bus share a link; one exchange at a time.
        self.lock = threading.RLock()

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self) -> Any:
        if self._serial is None:
            # A short read timeout: waiting for an answer is done against the caller's deadline.
            self._serial = self._opener(self.port, baudrate=self.baudrate, timeout=0.02,
                                        write_timeout=self.write_timeout)
        return self._serial

    def write(self, data: bytes) -> None:
        port = self.open()
        try:
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError):
            self.close()
            raise

    def read_until(self, deadline: float, done: Callable[[bytes], bool]) -> bool:
        """Feed each chunk read to `done` until it says so (True) or the deadline passes."""
        port = self.open()
        while time.monotonic() < deadline:
            try:
                chunk = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError):
                self.close()
                raise
            if chunk and done(chunk):
                return True
        return False

    def reset_input(self) -> None:
        """Drop stale bytes (a late ACK of an earlier attempt) before a new exchange."""
        try:
            self.open().reset_input_buffer()
        except (serial.SerialException, OSError, termios.error):
            self.close()  # a dead port (termios.error is not an OSError); the write reopens it

    def close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()


class QueueDisplay(Closing, ABC):
    """A display at a counter. Subclasses implement the four operations for one protocol."""

    kind_vi = "Màn hình"
    kind_en = "display"

    def __init__(self, counter: int | None = None) -> None:
        self.counter = counter

    # --- the operations ------------------------------------------------------------------

    @abstractmethod
    def show_call(self, ticket: str, counter: int | None = None) -> None:
        """Show that `ticket` (e.g. "A012") is called to `counter` (default: this counter)."""

    @abstractmethod
    def show_text(self, text: str) -> None:
        """Show free text; "\\n" separates rows, long rows are word-wrapped or cut."""

    @abstractmethod
    def clear(self) -> None:
        """Blank the display."""

    @abstractmethod
    def test_pattern(self) -> None:
        """Light every segment/position so a technician can spot dead pixels."""

    def ping(self) -> bool:
        """True if the display is reachable. One-way devices can only say the port opens."""
        return True

    def close(self) -> None:  # displays without a port have nothing to release
        """Release the port; the next operation reopens it."""

    # --- helpers -------------------------------------------------------------------------

    @property
    def name_vi(self) -> str:
        return f"{self.kind_vi} quầy {self.counter}" if self.counter else self.kind_vi

    @property
    def name_en(self) -> str:
        if self.counter:
            return f"Counter {self.counter} {self.kind_en}"
        return self.kind_en[:1].upper() + self.kind_en[1:]

    def _error(self, cls: type[DisplayError], vi: str, en: str, **extra: Any) -> DisplayError:
        """An error naming this display: `vi`/`en` are the predicate ("không phản hồi")."""
        return cls(f"{self.name_vi} {vi}", f"{self.name_en} {en}", **extra)

    def _counter_for(self, counter: int | None) -> int:
        counter = self.counter if counter is None else counter
        if counter is None:
            raise ValueError("show_call needs a counter number (none configured for this display)")
        return counter


class SerialDisplay(QueueDisplay):
    """A `QueueDisplay` on a serial line: turns port failures into bilingual errors."""

    def __init__(self, port: str | SerialLink, counter: int | None = None, *,
                 baudrate: int = 9600, opener: Callable[..., Any] = serial.serial_for_url) -> None:
        super().__init__(counter)
        self.link = port if isinstance(port, SerialLink) else SerialLink(port, baudrate,
                                                                          opener=opener)

    def close(self) -> None:
        self.link.close()

    def _send(self, data: bytes) -> None:
        try:
            self.link.write(data)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise self._disconnected(exc) from exc

    def _disconnected(self, exc: BaseException) -> DisplayError:
        port = self.link.port
        errno_ = getattr(exc, "errno", None)
        reason = os.strerror(errno_) if isinstance(errno_, int) else str(exc)
        return self._error(DisplayDisconnected, f"mất kết nối (cổng {port})",
                           f"disconnected (port {port}: {reason})")
