"""An AT command channel: one command at a time, answers matched to it, unsolicited codes apart.

A reader thread splits the modem's output into lines. While a command is in flight its answer
lines go to that command; unsolicited result codes (+CMTI for a new SMS, RING, RDY after a
reboot …) can arrive at any moment — even between the lines of an answer — and go to
`on_urc` instead. The "> " prompt of AT+CMGS has no line ending and is recognised on its own.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from drivers.modems.base import (
    ModemDisconnected,
    ModemError,
    ModemNotResponding,
    cme_error,
    cms_error,
)
from drivers.serial_port import cancel_read

log = logging.getLogger(__name__)

PROMPT = "<prompt>"
_GONE = "<disconnected>"
URC_PREFIXES = ("+CMTI:", "+CDSI:", "+CMT:", "+CDS:", "RING", "+CLIP:", "NO CARRIER", "RDY",
                "Call Ready", "SMS Ready", "+CFUN:", "+CPIN:", "+CREG:", "+QIND:",
                "UNDER-VOLTAGE", "OVER-VOLTAGE", "NORMAL POWER DOWN")
CTRL_Z, ESCAPE = b"\x1a", b"\x1b"
_LINE_END = re.compile(rb"\r\n|\r|\n")


def _prefix(command: str) -> str | None:
    """"AT+CMGR=3" → "+CMGR": answer lines with this prefix are never unsolicited."""
    match = re.match(r"AT(\+\w+)", command, re.IGNORECASE)
    return match.group(1).upper() if match else None


class AtChannel:
    """The serial line to a modem, with `command()` for request/answer exchanges."""

    def __init__(self, port: str, *, baudrate: int = 115200, name: str = "modem",
                 on_urc: Callable[[str], None] = lambda line: None,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        self.port, self.baudrate, self.name = port, baudrate, name
        self.on_urc = on_urc
        self._opener = opener
        self._serial: Any = None
        self._lock = threading.Lock()
        self._answers: queue.Queue[str] = queue.Queue()
        self._pending: tuple[str, str | None] | None = None  # (command, its +PREFIX)
        self._buffer = b""
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return bool(self._reader and self._reader.is_alive())

    def open(self) -> None:
        try:
            # Short read timeout: the reader checks for close() between reads.
            self._serial = self._opener(self.port, baudrate=self.baudrate, timeout=0.05,
                                        write_timeout=2)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise self._disconnected(exc) from exc
        self._stop.clear()
        self._buffer = b""
        self._reader = threading.Thread(target=self._read_loop, name=f"at:{self.port}",
                                        daemon=True)
        self._reader.start()

    def close(self) -> None:
        self._stop.set()
        cancel_read(self._serial)  # the reader need not wait out its 50 ms read
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(2.0)
        self._reader = None
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    # --- commands ----------------------------------------------------------------------------

    def command(self, command: str, timeout: float = 5.0, *, then: bytes | None = None,
                then_timeout: float | None = None) -> list[str]:
        """Send `command`; return its answer lines (without the final OK).

        With `then`, wait for the "> " prompt, send `then` (text or PDU ending in Ctrl-Z) and
        return the answer to that. Errors raise the mapped `ModemError`.
        """
        with self._lock:
            self._drain()
            self._pending = (command, _prefix(command))
            try:
                self._write(command.encode("ascii") + b"\r")
                lines = self._collect(command, timeout, until_prompt=then is not None)
                if then is not None:
                    self._write(then)
                    lines = self._collect(command, then_timeout or timeout)
                return lines
            finally:
                self._pending = None

    def _collect(self, command: str, timeout: float, until_prompt: bool = False) -> list[str]:
        deadline, lines = time.monotonic() + timeout, []
        while True:
            try:
                line = self._answers.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                if until_prompt:  # leave the modem's text-entry mode, or it eats what follows
                    with contextlib.suppress(ModemError):
                        self._write(ESCAPE)
                raise self._no_answer(command, timeout) from None
            if line == _GONE:
                raise self._disconnected("port closed")
            if line == PROMPT:
                if until_prompt:
                    return lines
                continue
            if line == "OK":
                return lines
            self._check_error(command, line)
            if line != command:  # the echo, before ATE0 has taken effect
                lines.append(line)

    def _check_error(self, command: str, line: str) -> None:
        for prefix, mapper in (("+CMS ERROR:", cms_error), ("+CME ERROR:", cme_error)):
            if line.startswith(prefix):
                value = line[len(prefix):].strip()
                if value.isdigit():
                    raise mapper(int(value))
                raise ModemError(f"Modem báo lỗi: {value}", f"Modem error: {value}")
        if line in ("ERROR", "NO CARRIER", "COMMAND NOT SUPPORT"):
            raise ModemError(f"Modem từ chối lệnh {command}", f"Modem answered {line} to {command}")

    def _write(self, data: bytes) -> None:
        port = self._serial
        if port is None:
            raise self._disconnected("not open")
        try:
            port.write(data)
        except (serial.SerialException, OSError) as exc:
            raise self._disconnected(exc) from exc

    def _drain(self) -> None:
        """Drop answer lines nobody waited for (a late answer to a timed-out command)."""
        while True:
            try:
                line = self._answers.get_nowait()
            except queue.Empty:
                return
            if line == _GONE:
                self._answers.put(line)
                return

    # --- the reader thread ------------------------------------------------------------------

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                port = self._serial
                data = port.read(port.in_waiting or 1) if port else b""
            except (serial.SerialException, OSError, TypeError) as exc:
                log.warning("%s: %s lost: %s", self.name, self.port, exc)
                self._answers.put(_GONE)
                return
            if data:
                self._feed(data)

    def _feed(self, data: bytes) -> None:
        *lines, self._buffer = _LINE_END.split(self._buffer + data)
        for raw in lines:
            line = raw.decode("ascii", "replace").strip()
            if line == ">":  # the prompt, with a URC's line break right behind it
                self._answers.put(PROMPT)
            elif line:
                self._route(line)
        if self._buffer.strip() == b">":
            self._buffer = b""
            self._answers.put(PROMPT)

    def _route(self, line: str) -> None:
        pending = self._pending
        mine = pending is not None and pending[1] is not None and line.startswith(pending[1])
        if not mine and line.startswith(URC_PREFIXES):
            try:
                self.on_urc(line)
            except Exception:  # the SMS layer's bug must not stop the line reader
                log.exception("%s: handling %r failed", self.name, line)
        elif pending is not None:
            self._answers.put(line)
        else:
            log.debug("%s: unexpected %r", self.name, line)

    # --- errors ----------------------------------------------------------------------------

    def _no_answer(self, command: str, timeout: float) -> ModemError:
        return ModemNotResponding(f"Modem không phản hồi lệnh {command} sau {timeout:g} giây",
                                  f"Modem did not answer {command} within {timeout:g} s")

    def _disconnected(self, detail: object) -> ModemError:
        return ModemDisconnected(f"Mất kết nối với modem (cổng {self.port})",
                                 f"Modem disconnected (port {self.port}: {detail})")
