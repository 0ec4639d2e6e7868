"""What every code reader looks like to the apps: a thread turning a device into `ScanEvent`s.

A scanner runs its device loop on its own thread between `start()` and `stop()`. Each read is
passed through a `DuplicateFilter` (a receipt held in front of a presentation scanner or a camera
is read many times a second) and then handed over either to the `on_scan` callback — called on
the scanner's thread, so a Kivy app hops to its main thread itself — or, without a callback, to
a small queue drained by `read()` / iterating `scans()`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanEvent:
    """One code read by one device."""

    text: str
    source: str  # e.g. "evdev:/dev/input/event3", "serial:/dev/ttyACM0", "camera:0"
    symbology: str | None = None  # "QRCode" / "Code128" when the device can tell
    at: float = field(default_factory=time.monotonic)

    def __str__(self) -> str:
        return self.text


class DuplicateFilter:
    """Lets a code through once, then holds it back while it keeps being seen.

    The window runs from the *last* sighting, not the first: a citizen who leaves the receipt in
    front of the camera for a minute gets one lookup, not one every `window` seconds, and the same
    receipt is let through again only after it has been out of sight for `window` seconds. Texts
    read together (the QR code and Code 128 of one receipt, from one frame) count as one code.

    It remembers keyed digests, never the codes: a receipt's token must not outlive the kiosk's
    idle reset in memory. Safe to use from the scanner's thread and the app's at once.
    """

    def __init__(self, window: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._key = os.urandom(16)
        self._lock = threading.Lock()
        self._seen: dict[bytes, tuple[float, frozenset[bytes]]] = {}  # digest -> (at, its group)
        self._last: frozenset[bytes] = frozenset()  # the group offered last

    def accept(self, *texts: str) -> bool:
        """True if none of `texts` was seen within the window; records them as seen either way."""
        group = frozenset(map(self._digest, texts))
        with self._lock:
            self._expire()
            fresh = not any(d in self._seen for d in group)
            self._stamp(group)
            self._last = group
            return fresh

    def still_seen(self) -> None:
        """The codes offered last are still in view (a frame too like the last one to decode)."""
        with self._lock:
            self._expire()
            if self._last and all(d in self._seen for d in self._last):
                self._stamp(self._last)

    def forget(self, text: str) -> None:
        """Let `text`, and the texts read together with it, through again at their next read."""
        digest = self._digest(text)
        with self._lock:
            _at, group = self._seen.get(digest, (0.0, frozenset({digest})))
            for d in group:
                self._seen.pop(d, None)
            if self._last & group:
                self._last = frozenset()

    def _stamp(self, group: frozenset[bytes]) -> None:
        now = self._clock()
        for d in group:  # a text seen in two groups joins them: one receipt, read two ways
            group |= self._seen.get(d, (0.0, frozenset()))[1]
        self._seen.update(dict.fromkeys(group, (now, group)))

    def _expire(self) -> None:
        now = self._clock()
        self._seen = {d: seen for d, seen in self._seen.items() if now - seen[0] < self.window}

    def _digest(self, text: str) -> bytes:
        return hashlib.blake2b(text.encode(), key=self._key, digest_size=16).digest()


class Scanner(ABC):
    """A code-reading device on its own thread. Subclasses implement `_run()`."""

    source = "scanner"

    def __init__(self, on_scan: Callable[[ScanEvent], None] | None = None, *,
                 dedupe_window: float = 2.0, queue_size: int = 32,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.on_scan = on_scan
        self.clock = clock
        self.dedupe = DuplicateFilter(dedupe_window, clock)
        self.connected = False
        self.last_error: str | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[ScanEvent] = queue.Queue(maxsize=queue_size)

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> Scanner:
        if self._thread and self._thread.is_alive():
            return self
        self._stopping.clear()
        self._thread = threading.Thread(target=self._guarded_run, name=repr(self), daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def __enter__(self) -> Scanner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.source})"

    # --- getting the scans ------------------------------------------------------------------

    def read(self, timeout: float | None = None) -> ScanEvent | None:
        """The next scan (without an `on_scan` callback), or None after `timeout` seconds."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def scans(self, timeout: float | None = None, poll: float = 0.5) -> Iterator[ScanEvent]:
        """Scans until `timeout` seconds pass without one, or until the scanner stops (noticed
        within `poll` seconds)."""
        while True:
            scan = self.read(timeout if timeout is not None else poll)
            if scan is not None:
                yield scan
            elif timeout is not None or not self.running:
                return

    # --- for subclasses ---------------------------------------------------------------------

    @abstractmethod
    def _run(self) -> None:
        """The device loop: read until `self._stopping` is set, calling `self._emit()`."""

    def _emit(self, text: str, symbology: str | None = None, *aliases: str) -> bool:
        """Report one read unless it is a duplicate. `aliases`: other texts of the same symbol."""
        if not text or not self.dedupe.accept(text, *aliases):
            return False
        scan = ScanEvent(text, self.source, symbology)
        if self.on_scan is None:
            self._offer(scan)
            return True
        try:
            self.on_scan(scan)
        except Exception:  # the app's bug must not stop the device loop
            log.exception("%r: on_scan failed for %r", self, text)
        return True

    def _offer(self, scan: ScanEvent) -> None:
        # Nobody reading: keep the newest scans, a kiosk cares about what is in front of it now.
        while True:
            try:
                self._queue.put_nowait(scan)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def _set_connected(self, connected: bool, error: str | None = None) -> None:
        if connected != self.connected or error != self.last_error:
            log.info("%r %s%s", self, "connected" if connected else "disconnected",
                     f": {error}" if error else "")
        self.connected, self.last_error = connected, error

    def _sleep(self, seconds: float) -> bool:
        """Wait, waking early on stop. True if the scanner should keep going."""
        return not self._stopping.wait(seconds)

    def _guarded_run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # a driver bug must not die silently in a kiosk thread
            log.exception("%r crashed", self)
            self._set_connected(False, f"crashed: {exc!r}")
        finally:
            self._set_connected(False, self.last_error)
