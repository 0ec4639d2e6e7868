"""The MCLED/1 counter LED display protocol (docs/protocols/led-counter-display.md).

Frames are printable ASCII between STX and ETX, with an address (RS-485 multi-drop), a
sequence digit, a one-letter command and a two-hex-digit XOR checksum; the board answers
ACK or NAK. The driver retries on NAK, silence or garbage, then raises a bilingual error.
The codec (frames, replies, parsers) is shared with the simulated board in fake.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from drivers.displays.base import (
    DisplayError,
    DisplayGarbled,
    DisplayNotResponding,
    DisplayRejected,
    SerialDisplay,
    SerialLink,
)
from drivers.displays.text import to_ascii, wrap

STX, ETX, ACK, NAK = 0x02, 0x03, 0x06, 0x15
BROADCAST = 0
MAX_PAYLOAD = 64
SEP = "|"

CALL, TEXT, CLEAR, PATTERN, BRIGHTNESS, QUERY = "C", "T", "X", "P", "B", "Q"
COMMANDS = frozenset({CALL, TEXT, CLEAR, PATTERN, BRIGHTNESS, QUERY})

# NAK reason digit → (Vietnamese, English).
NAK_REASONS = {
    "1": ("sai tổng kiểm tra", "checksum error"),
    "2": ("lệnh không được hỗ trợ", "unknown command"),
    "3": ("dữ liệu lệnh không hợp lệ", "invalid payload"),
    "4": ("đang bận", "busy"),
    "9": ("lỗi bên trong bảng", "internal fault"),
}


def bcc(data: bytes) -> int:
    """XOR of all bytes: the block check character."""
    value = 0
    for byte in data:
        value ^= byte
    return value


@dataclass(frozen=True)
class Frame:
    """One command frame: STX ADDR(2 hex) SEQ(digit) CMD PAYLOAD ETX BCC(2 hex)."""

    address: int
    seq: int
    command: str
    payload: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.address <= 0xFE:
            raise ValueError(f"address {self.address} outside 0–254")
        if not 0 <= self.seq <= 9 or len(self.command) != 1 or not self.command.isupper():
            raise ValueError(f"bad sequence {self.seq} or command {self.command!r}")
        if len(self.payload) > MAX_PAYLOAD or not all(" " <= c <= "~" for c in self.payload):
            raise ValueError(f"payload must be ≤{MAX_PAYLOAD} printable ASCII: {self.payload!r}")

    @property
    def fields(self) -> list[str]:
        return self.payload.split(SEP) if self.payload else []

    def encode(self) -> bytes:
        body = f"{self.address:02X}{self.seq}{self.command}{self.payload}".encode() + bytes([ETX])
        return bytes([STX]) + body + f"{bcc(body):02X}".encode()


@dataclass(frozen=True)
class Reply:
    """ACK: 06 ADDR(2 hex) SEQ; NAK: 15 ADDR(2 hex) SEQ REASON."""

    ack: bool
    address: int
    seq: int
    reason: str = ""

    def encode(self) -> bytes:
        head = bytes([ACK if self.ack else NAK])
        return head + f"{self.address:02X}{self.seq}{'' if self.ack else self.reason}".encode()


@dataclass(frozen=True)
class BadFrame:
    """A frame that arrived whole but failed its check; the board NAKs it if it is addressed."""

    address: int | None
    seq: int | None
    reason: str


class FrameParser:
    """Board side: bytes in, `Frame`s and `BadFrame`s out. STX always starts a new frame."""

    def __init__(self) -> None:
        self._buffer: bytearray | None = None

    def feed(self, data: bytes) -> list[Frame | BadFrame]:
        out: list[Frame | BadFrame] = []
        for byte in data:
            if byte == STX:
                self._buffer = bytearray()
            elif self._buffer is not None:
                self._buffer.append(byte)
                frame = self._complete()
                if frame is not None:
                    out.append(frame)
                    self._buffer = None
        return out

    def _complete(self) -> Frame | BadFrame | None:
        buf = self._buffer
        assert buf is not None
        if len(buf) > MAX_PAYLOAD + 7:  # lost ETX: give up on this frame
            return BadFrame(None, None, "3")
        end = buf.find(ETX)
        if end < 0 or len(buf) < end + 3:
            return None
        return parse_frame(bytes(buf[: end + 1]), bytes(buf[end + 1 : end + 3]))


def parse_frame(body: bytes, check: bytes) -> Frame | BadFrame:
    """`body` runs from ADDR through ETX; `check` is the two hex digits after it."""
    address, seq = _header(body)
    if check.upper() != f"{bcc(body):02X}".encode():
        return BadFrame(address, seq, "1")
    if address is None or seq is None or len(body) < 5:
        return BadFrame(address, seq, "3")
    command, payload = chr(body[3]), body[4:-1].decode("ascii", "replace")
    if command not in COMMANDS:
        return BadFrame(address, seq, "2")
    try:
        return Frame(address, seq, command, payload)
    except ValueError:
        return BadFrame(address, seq, "3")


def _header(body: bytes) -> tuple[int | None, int | None]:
    try:
        address = int(body[:2].decode("ascii"), 16)
    except (UnicodeDecodeError, ValueError):
        return None, None
    seq = body[2] - 0x30 if len(body) > 2 and 0x30 <= body[2] <= 0x39 else None
    return address, seq


class ReplyParser:
    """Driver side: bytes in, `Reply`s out; anything else is counted as noise and skipped."""

    def __init__(self) -> None:
        self._buffer = b""
        self.noise = 0

    def feed(self, data: bytes) -> list[Reply]:
        self._buffer += data
        replies = []
        while self._buffer:
            if self._buffer[0] not in (ACK, NAK):
                self._skip()
                continue
            size = 4 if self._buffer[0] == ACK else 5
            if len(self._buffer) < size:
                break
            reply = _parse_reply(self._buffer[:size])
            if reply is None:
                self._skip()
                continue
            replies.append(reply)
            self._buffer = self._buffer[size:]
        return replies

    def _skip(self) -> None:
        self.noise += 1
        self._buffer = self._buffer[1:]


def _parse_reply(raw: bytes) -> Reply | None:
    address, seq = _header(raw[1:4])
    if address is None or seq is None:
        return None
    if raw[0] == ACK:
        return Reply(True, address, seq)
    reason = chr(raw[4])
    return Reply(False, address, seq, reason) if reason.isdigit() else None


def field(text: str) -> str:
    """Text as a payload field: ASCII only, and never the field separator."""
    return to_ascii(text).replace(SEP, "/")


class LedCounterDisplay(SerialDisplay):
    """A counter LED board speaking MCLED/1, alone on its port or on a shared RS-485 bus."""

    kind_vi = "Bảng LED"
    kind_en = "LED display"

    def __init__(self, port: str | SerialLink, counter: int | None = None, *,
                 address: int | None = None, baudrate: int = 9600, timeout: float = 0.3,
                 retries: int = 2, blink: int = 5, rows: int = 2,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        super().__init__(port, counter, baudrate=baudrate, opener=opener)
        self.address = address if address is not None else (counter or 1)
        self.timeout = timeout
        self.retries = retries
        self.blink = blink
        self.rows = rows
        self._seq = 9  # the first frame goes out with sequence 0

    # --- the operations ------------------------------------------------------------------

    def show_call(self, ticket: str, counter: int | None = None) -> None:
        counter = self._counter_for(counter)
        self._transact(CALL, SEP.join((field(ticket), str(counter), str(self.blink))))

    def show_text(self, text: str) -> None:
        rows = wrap(to_ascii(text), MAX_PAYLOAD - 2, self.rows)
        for row in range(1, self.rows + 1):  # every row, so old text never lingers below
            line = rows[row - 1] if row <= len(rows) else ""
            self._transact(TEXT, f"{row}{SEP}{field(line)}")

    def clear(self) -> None:
        self._transact(CLEAR)

    def test_pattern(self) -> None:
        self._transact(PATTERN)

    def set_brightness(self, level: int) -> None:
        """1 (dimmest, for the evening) to 8 (brightest)."""
        if not 1 <= level <= 8:
            raise ValueError("brightness is 1–8")
        self._transact(BRIGHTNESS, str(level))

    def ping(self) -> bool:
        try:
            self._transact(QUERY)
        except DisplayError:
            return False
        return True

    # --- one exchange: send, wait for ACK/NAK, retry ------------------------------------------

    def _transact(self, command: str, payload: str = "") -> None:
        self._seq = (self._seq + 1) % 10
        frame = Frame(self.address, self._seq, command, payload)
        outcome: Reply | int | None = None
        with self.link.lock:
            for _attempt in range(self.retries + 1):
                outcome = self._attempt(frame)
                if isinstance(outcome, Reply) and outcome.ack:
                    return
        raise self._failure(outcome)

    def _attempt(self, frame: Frame) -> Reply | int:
        """The matching reply, or the count of stray bytes seen instead (0: silence)."""
        self.link.reset_input()
        self._send(frame.encode())
        if frame.address == BROADCAST:  # nobody answers a broadcast
            return Reply(True, BROADCAST, frame.seq)
        parser, found = ReplyParser(), []

        def done(chunk: bytes) -> bool:
            found.extend(r for r in parser.feed(chunk)
                         if (r.address, r.seq) == (frame.address, frame.seq))
            return bool(found)

        try:
            self.link.read_until(time.monotonic() + self.timeout, done)
        except (serial.SerialException, OSError) as exc:
            raise self._disconnected(exc) from exc
        return found[0] if found else parser.noise

    def _failure(self, outcome: Reply | int | None) -> DisplayError:
        tries = self.retries + 1
        if isinstance(outcome, Reply):
            vi, en = NAK_REASONS.get(outcome.reason, ("lỗi không rõ", "unknown error"))
            return self._error(DisplayRejected, f"từ chối lệnh: {vi} (mã {outcome.reason})",
                               f"rejected the command: {en} (code {outcome.reason})",
                               code=outcome.reason)
        if outcome:
            return self._error(DisplayGarbled, f"trả lời không hợp lệ sau {tries} lần thử",
                               f"sent garbled replies after {tries} attempts")
        return self._error(DisplayNotResponding, "không phản hồi",
                           f"not responding (no answer after {tries} attempts)")
