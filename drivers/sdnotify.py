"""Tell systemd how an app is doing (the sd_notify protocol), for Type=notify units.

The protocol is one datagram of `KEY=value` lines to the unix socket named in
`$NOTIFY_SOCKET` (a leading `@` means the abstract namespace). Outside systemd the variable is
unset and every call does nothing, so the apps run the same on a laptop.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable


class Notifier:
    def __init__(self, address: str | None = None) -> None:
        address = os.environ.get("NOTIFY_SOCKET", "") if address is None else address
        self.address = "\0" + address[1:] if address.startswith("@") else address

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def send(self, *lines: str) -> bool:
        """Send `lines` as one message; False when there is no socket or it is gone (a
        missing watchdog ping is what systemd acts on, so the app itself must not fail)."""
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto("\n".join(lines).encode(), self.address)
        except OSError:
            return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")


def watchdog_interval(default: float = 10.0) -> float:
    """How often to ping: half the unit's WatchdogSec (`$WATCHDOG_USEC`), as systemd advises."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    return int(usec) / 2e6 if usec.isdigit() and int(usec) > 0 else default


class LoopWatch:
    """READY once the first frame is on screen, WATCHDOG from the UI loop's own clock.

    The pings ride the UI clock on purpose: a frozen loop stops them and systemd restarts the
    app, where a ping from a helper thread would keep a hung screen alive. `window` and
    `clock` are Kivy's Window and Clock (passed in: drivers do not import Kivy).
    """

    def __init__(self, notifier: Notifier | None = None) -> None:
        self.notifier = notifier or Notifier()
        self.readied = False

    def attach(self, window, clock, stop: Callable[[], object] | None = None) -> None:
        """Under systemd only; with `stop`, SIGTERM (`systemctl stop`) calls it on the
        loop, so the app leaves through its on_stop and closes its devices."""
        if not self.notifier.enabled:
            return
        window.bind(on_flip=self._flipped)
        clock.schedule_interval(self._tick, watchdog_interval())
        if stop is not None:
            signal.signal(signal.SIGTERM,
                          lambda *_: clock.schedule_once(lambda _dt: stop()))

    def _flipped(self, *_args) -> None:
        if not self.readied:
            self.readied = self.notifier.ready("first frame drawn")

    def _tick(self, *_args) -> None:
        if self.readied:
            self.notifier.watchdog()

    def stopping(self) -> None:
        self.notifier.stopping()
