"""Stand-ins for counter displays, for tests and for running the apps on a laptop.

- `FakeLedBoard`: an MCLED/1 board on a pty; parses the driver's frames with the same codec,
  keeps what it shows, answers ACK/NAK, and can be made silent, NAK-ing, garbling or unplugged.
- `FakePoleDisplay`: a 2×20 customer display on a pty that interprets the ESC/POS display
  command stream into a character grid (what a citizen would read), with garble/silent faults.
- `FakeQueueDisplay`: a `QueueDisplay` without any port, recording what the app asked for.

`display` / `rows` return copies taken under the simulator's lock: the simulator updates them
on its own thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from drivers.displays.base import DisplayError, QueueDisplay
from drivers.displays.led_counter import (
    BRIGHTNESS,
    BROADCAST,
    CALL,
    CLEAR,
    PATTERN,
    QUERY,
    TEXT,
    BadFrame,
    Frame,
    FrameParser,
    Reply,
)
from drivers.displays.pty import PtyDevice
from drivers.displays.text import fit

log = logging.getLogger(__name__)

FAULTS = ("silent", "nak", "garble", "busy")


class _Faults:
    """A fault that lasts for the next `times` frames, or until healed (times=None)."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.left: int | None = None

    def set(self, kind: str | None, times: int | None = None) -> None:
        if kind is not None and kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; one of {FAULTS}")
        self.kind, self.left = (None, None) if times == 0 else (kind, times)

    def take(self) -> str | None:
        """The fault for the frame being handled now, counting it down."""
        kind = self.kind
        if kind is not None and self.left is not None:
            self.left -= 1
            if self.left <= 0:
                self.kind, self.left = None, None
        return kind


class FakeLedBoard(PtyDevice):
    """An MCLED/1 counter board with `rows` × `width` characters at bus `address`."""

    def __init__(self, address: int = 1, rows: int = 2, width: int = 16) -> None:
        self.address, self.width = address, width
        self._rows = [""] * rows
        self.call: tuple[str, int] | None = None
        self.blink = 0
        self.pattern = False
        self.brightness = 8
        self.frames: list[Frame] = []  # executed, in order
        self.rejected: list[BadFrame] = []
        self.faults = _Faults()
        self._last: bytes | None = None
        self._lock = threading.Lock()
        self._parser = FrameParser()
        self._attach(f"ttyLED{address}")

    @property
    def display(self) -> list[str]:
        """The rows as a person would read them (pattern: every pixel lit, shown as '#')."""
        with self._lock:
            if self.pattern:
                return ["#" * self.width for _ in self._rows]
            return [fit(row, self.width) for row in self._rows]

    def inject(self, fault: str | None, times: int | None = None) -> None:
        """'silent' (no answer), 'nak', 'busy' (NAK 4) or 'garble' for the next `times` frames."""
        self.faults.set(fault, times)

    def heal(self) -> None:
        self.faults.set(None)

    # --- on the pty thread -------------------------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        for item in self._parser.feed(data):
            if isinstance(item, Frame):
                self._on_frame(item)
            else:
                self._on_bad_frame(item)

    def _on_frame(self, frame: Frame) -> None:
        if frame.address not in (self.address, BROADCAST):
            return  # another board's frame on the shared bus
        fault = self.faults.take()
        if frame.address == BROADCAST:  # executed by every board, answered by none
            if fault != "silent":
                self._execute(frame)
        elif fault == "silent":
            pass
        elif fault in ("nak", "busy"):
            self._reply(Reply(False, self.address, frame.seq, "4" if fault == "busy" else "9"))
        elif fault == "garble":  # the command arrived, its answer is lost in noise
            self._execute(frame)
            self._garble(Reply(True, self.address, frame.seq))
        else:
            self._execute(frame)
            self._reply(Reply(True, self.address, frame.seq))

    def _on_bad_frame(self, bad: BadFrame) -> None:
        with self._lock:
            self.rejected.append(bad)
        if bad.address == self.address and bad.seq is not None:
            self._reply(Reply(False, self.address, bad.seq, bad.reason))

    def _execute(self, frame: Frame) -> None:
        raw = frame.encode()
        with self._lock:
            if raw == self._last:  # a retransmission whose ACK was lost: ACK again only
                return
            self._last = raw
            self.frames.append(frame)
            self._apply(frame)

    def _apply(self, frame: Frame) -> None:
        args = frame.fields
        if frame.command != QUERY:
            self.pattern = False
        if frame.command == CALL:
            self._show_call(args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0)
        elif frame.command == TEXT:
            self._rows[int(args[0]) - 1] = args[1]
        elif frame.command == CLEAR:
            self._rows = [""] * len(self._rows)
            self.call = None
        elif frame.command == PATTERN:
            self.pattern = True
        elif frame.command == BRIGHTNESS:
            self.brightness = int(args[0])

    def _show_call(self, ticket: str, counter: int, blink: int) -> None:
        self.call, self.blink = (ticket, counter), blink
        if len(self._rows) == 1:
            self._rows[0] = f"{ticket} > {counter}"
        else:
            self._rows[:2] = [ticket.center(self.width).rstrip(),
                              f"QUAY {counter}".center(self.width).rstrip()]

    def _reply(self, reply: Reply) -> None:
        self.peer.write(reply.encode())

    def _garble(self, reply: Reply) -> None:
        # Line noise at the wrong baud rate: every bit of the answer inverted.
        self.peer.write(bytes(b ^ 0xFF for b in reply.encode()))


# --- the pole display ------------------------------------------------------------------------

ESC, US = 0x1B, 0x1F
# Sequence → number of argument bytes that follow it.
_ARGS = {(ESC, 0x40): 0, (ESC, 0x74): 1, (ESC, 0x52): 1, (ESC, 0x3D): 1,
         (US, 0x24): 2, (US, 0x58): 1, (US, 0x43): 1, (US, 0x45): 1,
         (US, 0x01): 0, (US, 0x02): 0, (US, 0x03): 0, (US, 0x40): 0, (US, 0x42): 0}


@dataclass
class PoleState:
    """The screen of a pole display: grid, cursor (0-based), mode and settings."""

    width: int = 20
    rows: int = 2
    grid: list[list[str]] = field(default_factory=list)
    x: int = 0
    y: int = 0
    mode: int = 1  # 1 overwrite, 2 vertical scroll, 3 horizontal scroll (treated as 1)
    brightness: int = 4
    cursor_visible: bool = True
    blink: int = 0
    self_tests: int = 0
    unknown: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.grid = [[" "] * self.width for _ in range(self.rows)]
        self.x = self.y = 0
        self.mode, self.brightness, self.cursor_visible, self.blink = 1, 4, True, 0

    def clear(self) -> None:
        self.grid = [[" "] * self.width for _ in range(self.rows)]
        self.x = self.y = 0

    def put(self, char: str) -> None:
        self.grid[self.y][self.x] = char
        self.x += 1
        if self.x == self.width:
            self.x = 0
            self.line_feed()

    def line_feed(self) -> None:
        if self.y + 1 < self.rows:
            self.y += 1
        elif self.mode == 2:  # scroll: the bottom row moves up, a blank one appears
            self.grid = [*self.grid[1:], [" "] * self.width]
        else:  # overwrite mode wraps to the top row
            self.y = 0

    def text(self) -> list[str]:
        return ["".join(row) for row in self.grid]


class PoleParser:
    """Interprets the customer-display command stream into a `PoleState`."""

    def __init__(self, state: PoleState) -> None:
        self.state = state
        self._pending = b""

    def feed(self, data: bytes) -> None:
        self._pending += data
        while self._pending:
            used = self._step(self._pending)
            if used == 0:
                return  # an incomplete sequence: wait for the rest
            self._pending = self._pending[used:]

    def _step(self, data: bytes) -> int:
        byte = data[0]
        if byte in (ESC, US):
            return self._sequence(data)
        self._control(byte)
        return 1

    def _sequence(self, data: bytes) -> int:
        if len(data) < 2:
            return 0
        key = (data[0], data[1])
        if key not in _ARGS:
            self.state.unknown.append(data[:2])
            return 2
        size = 2 + _ARGS[key]
        if len(data) < size:
            return 0
        self._run(key, data[2:size])
        return size

    def _run(self, key: tuple[int, int], args: bytes) -> None:
        st = self.state
        if key == (ESC, 0x40):
            st.reset()
        elif key == (US, 0x24):
            st.x = min(max(args[0], 1), st.width) - 1
            st.y = min(max(args[1], 1), st.rows) - 1
        elif key == (US, 0x58):
            st.brightness = args[0]
        elif key == (US, 0x43):
            st.cursor_visible = bool(args[0])
        elif key == (US, 0x45):
            st.blink = args[0]
        elif key[0] == US and key[1] in (0x01, 0x02, 0x03):
            st.mode = key[1]
        elif key == (US, 0x40):
            st.self_tests += 1
        elif key == (US, 0x42):
            st.y = st.rows - 1

    def _control(self, byte: int) -> None:
        st = self.state
        if byte >= 0x20:
            st.put(chr(byte) if byte < 0x7F else "?")  # beyond ASCII: a glyph we can't know
        elif byte == 0x0C:
            st.clear()
        elif byte == 0x0B:
            st.x = st.y = 0
        elif byte == 0x0D:
            st.x = 0
        elif byte == 0x0A:
            st.line_feed()
        elif byte == 0x08:
            st.x = max(st.x - 1, 0)
        elif byte == 0x09:
            st.x = min(st.x + 1, st.width - 1)
        elif byte == 0x18:
            st.grid[st.y] = [" "] * st.width
            st.x = 0


class FakePoleDisplay(PtyDevice):
    """A 2×20 VFD customer display on a pty. Faults: 'silent' (powered off), 'garble'."""

    def __init__(self, width: int = 20, rows: int = 2) -> None:
        self.state = PoleState(width, rows)
        self._parser = PoleParser(self.state)
        self.fault: str | None = None
        self.received = bytearray()
        self._lock = threading.Lock()
        self._attach("ttyPOLE")

    @property
    def rows(self) -> list[str]:
        with self._lock:
            return self.state.text()

    def inject(self, fault: str | None) -> None:
        if fault not in (None, "silent", "garble"):
            raise ValueError(f"unknown fault {fault!r}")
        self.fault = fault

    def _on_data(self, data: bytes) -> None:
        if self.fault == "silent":
            return
        if self.fault == "garble":  # a wrong baud rate turns text into random glyphs
            data = bytes(0x20 + (b * 7 + 3) % 0x5F for b in data)
        with self._lock:
            self.received += data
            self._parser.feed(data)


# --- no port at all ----------------------------------------------------------------------------

class FakeQueueDisplay(QueueDisplay):
    """Records the operations; set `fail` to a `DisplayError` to make them raise it."""

    kind_vi = "Bảng hiển thị (giả lập)"
    kind_en = "display (simulated)"

    def __init__(self, counter: int | None = None, rows: int = 2, width: int = 20) -> None:
        super().__init__(counter)
        self.rows, self.width = rows, width
        self.lines: list[str] = [""] * rows
        self.history: list[tuple] = []
        self.fail: DisplayError | None = None

    def show_call(self, ticket: str, counter: int | None = None) -> None:
        counter = self._record("call", ticket, self._counter_for(counter))[2]
        self.lines = [ticket, f"Quầy {counter}", *[""] * (self.rows - 2)][: self.rows]

    def show_text(self, text: str) -> None:
        self._record("text", text)
        self.lines = ([*text.split("\n"), *[""] * self.rows])[: self.rows]

    def clear(self) -> None:
        self._record("clear")
        self.lines = [""] * self.rows

    def test_pattern(self) -> None:
        self._record("pattern")
        self.lines = ["#" * self.width] * self.rows

    def ping(self) -> bool:
        return self.fail is None

    def _record(self, *entry: object) -> tuple:
        if self.fail is not None:
            raise self.fail
        self.history.append(entry)
        return entry
