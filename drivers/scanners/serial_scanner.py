"""Barcode scanners on a serial line (RS-232, or USB CDC-ACM such as /dev/ttyACM0).

The scanner sends each code followed by a terminator — CR by default on most models, LF or
CRLF on others — so the terminator is configurable. Whichever is configured, stray CR/LF around
a code are stripped, so a CRLF scanner still works when set to CR. The port may be any pyserial
URL (`loop://` in tests, `rfc2217://` for a networked serial server). A port that goes away
(USB unplugged) is reopened every `retry_interval` seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import serial

from drivers.scanners.base import ScanEvent, Scanner
from drivers.serial_port import cancel_read

TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


class LineSplitter:
    """Bytes in, complete codes out. Over-long garbage without a terminator is dropped."""

    def __init__(self, terminator: bytes = b"\r", encoding: str = "utf-8",
                 max_length: int = 4096) -> None:
        if not terminator:
            raise ValueError("empty terminator")
        self.terminator = terminator
        self.encoding = encoding
        self.max_length = max_length
        self._buffer = b""

    def reset(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[str]:
        *lines, self._buffer = (self._buffer + data).split(self.terminator)
        if len(self._buffer) > self.max_length:
            self._buffer = b""
        texts = (line.strip(b"\r\n").decode(self.encoding, "replace") for line in lines)
        return [text for text in texts if text]


def parse_terminator(value: str | bytes) -> bytes:
    """"CR", "LF", "CRLF" (as hardware profiles name them) or the raw bytes."""
    if isinstance(value, bytes):
        return value
    return TERMINATORS.get(value.upper(), value.encode())


class SerialScanner(Scanner):
    """A line-terminated serial barcode scanner."""

    def __init__(self, port: str, on_scan: Callable[[ScanEvent], None] | None = None, *,
                 baudrate: int = 9600, terminator: str | bytes = "CR", encoding: str = "utf-8",
                 retry_interval: float = 2.0, dedupe_window: float = 2.0,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        super().__init__(on_scan, dedupe_window=dedupe_window)
        self.port = port
        self.baudrate = baudrate
        self.lines = LineSplitter(parse_terminator(terminator), encoding)
        self.retry_interval = retry_interval
        self._opener = opener
        self.source = f"serial:{port}"
        self._port: Any = None  # the open port, for stop() to wake its read

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        cancel_read(self._port)  # rather than waiting out the read's 0.2 s timeout
        super().stop(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            port = self._port = self._open()
            if port is None:
                self._sleep(self.retry_interval)
                continue
            try:
                self._pump(port)
            except (serial.SerialException, OSError) as exc:
                self._set_connected(False, f"read failed: {exc}")
            finally:
                self._port = None
                with contextlib.suppress(serial.SerialException, OSError):
                    port.close()

    def _open(self) -> Any | None:
        try:
            # A short timeout keeps the loop responsive to stop() between codes.
            port = self._opener(self.port, baudrate=self.baudrate, timeout=0.2)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._set_connected(False, f"cannot open: {exc}")
            return None
        self.lines.reset()  # a fragment from before an unplug is not the start of a code
        self._set_connected(True)
        return port

    def _pump(self, port: Any) -> None:
        while not self._stopping.is_set():
            data = port.read(port.in_waiting or 1)
            for text in self.lines.feed(data):
                self._emit(text)
