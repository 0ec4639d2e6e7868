"""The device end of a serial line on a pty pair, for simulators (displays, modems).

The driver opens `port_name`, a symlink to the pty's slave side — as udev's
/dev/serial/by-id/… names point at /dev/ttyUSB0 — so `replug()` can put a fresh pty under the
same name, and `unplug()` closes the master so the driver's reads and writes fail with EIO,
exactly as when a USB-serial adapter is pulled.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import shutil
import tempfile
import threading
import time
import tty
from collections.abc import Callable

from drivers.closing import Closing

log = logging.getLogger(__name__)


class PtyPeer(Closing):
    """Calls `on_data(bytes)` on its own thread for what the driver writes; `write()` answers.

    Only that thread closes or replaces the master fd (unplug/replug/close are handed to it
    through a wake-up pipe): closing an fd another thread is select()ing on could make it read
    whatever file next gets the same number.
    """

    def __init__(self, on_data: Callable[[bytes], None], name: str = "ttyFAKE") -> None:
        self._on_data = on_data
        self._lock = threading.RLock()
        self._dir = tempfile.mkdtemp(prefix="motcua-pty-")
        self.port_name = os.path.join(self._dir, name)
        self.master = self.slave = -1
        self._plug()
        self._wake_r, self._wake_w = os.pipe()
        self._requests: queue.Queue[tuple[str, threading.Event]] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name=f"pty:{name}", daemon=True)
        self._thread.start()

    @property
    def plugged(self) -> bool:
        return self.master >= 0

    def write(self, data: bytes) -> bool:
        """Send bytes to the driver; False (and nothing sent) while unplugged."""
        with self._lock:
            if self.master < 0:
                return False
            try:
                os.write(self.master, data)
            except OSError:
                return False
            return True

    def unplug(self) -> None:
        self._request("unplug")

    def replug(self) -> None:
        self._request("replug")

    def close(self) -> None:
        if self._wake_w < 0:
            return
        self._request("close")
        self._thread.join(2.0)
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._wake_r = self._wake_w = -1
        shutil.rmtree(self._dir, ignore_errors=True)

    # --- on the loop thread ----------------------------------------------------------------

    def _request(self, what: str) -> None:
        if threading.current_thread() is self._thread:  # from inside on_data
            self._handle(what)
            return
        done = threading.Event()
        self._requests.put((what, done))
        os.write(self._wake_w, b"!")
        done.wait(2.0)

    def _handle(self, what: str) -> None:
        with self._lock:
            self._close_fds()
            if what == "replug":
                self._plug()

    def _plug(self) -> None:
        self.master, self.slave = os.openpty()
        # Raw from the start: a cooked pty would echo the simulator's answers back to it and
        # turn CR into LF before the driver has opened (and set raw) the port.
        tty.setraw(self.slave)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.port_name)
        os.symlink(os.ttyname(self.slave), self.port_name)

    def _close_fds(self) -> None:
        for fd in (self.master, self.slave):
            if fd >= 0:
                os.close(fd)
        self.master = self.slave = -1

    def _loop(self) -> None:
        while True:
            fds = [self._wake_r] + ([self.master] if self.master >= 0 else [])
            ready, _, _ = select.select(fds, [], [])
            if self._wake_r in ready and self._serve_requests():
                return
            if self.master >= 0 and self.master in ready:
                self._read()

    def _serve_requests(self) -> bool:
        """Carry out unplug/replug/close; True when the loop should end."""
        os.read(self._wake_r, 64)
        stop = False
        while not self._requests.empty():
            what, done = self._requests.get()
            self._handle(what)
            stop = stop or what == "close"
            done.set()
        return stop

    def _read(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:  # EIO while no slave is open; we keep one open, so this is rare
            time.sleep(0.01)
            return
        if data:
            try:
                self._on_data(data)
            except Exception:  # a simulator bug must show in the log, not kill the line
                log.exception("%s: simulator failed on %r", self.port_name, data)


class PtyDevice(Closing):
    """A simulator on a PtyPeer: `port_name` for the driver to open, and what a test does to
    the cable (unplug, replug) and to the device (close; a `with` block closes it)."""

    def _attach(self, name: str) -> None:
        """Call at the end of `__init__`: from here on `_on_data` may run on the pty thread."""
        self.peer = PtyPeer(self._on_data, name=name)
        self.port_name = self.peer.port_name

    def unplug(self) -> None:
        self.peer.unplug()

    def replug(self) -> None:
        self.peer.replug()

    def close(self) -> None:
        self.peer.close()
