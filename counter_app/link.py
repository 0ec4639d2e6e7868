"""Is the backend there? The station notices on its own, and the clerk can also say so.

Every backend call of the core goes through `Link.call`: a network failure (the client's
`BackendUnreachable`) flips the station offline at once and raises `OfflineError`, so the
intake in progress can go on from the outbox. While offline no call is attempted (a clerk must
not wait for a timeout on every keystroke). `probe()` - run by the background worker every few
seconds, online or not - asks `/healthz`, so a backend that dies while the clerk is idle is
noticed within seconds, and one that comes back brings the station back. It asks through its
own HTTP session, so a slow probe never holds up the clerk's own calls. The manual switch wins
over both: "offline by hand" stays offline until switched back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from backend.client import BackendUnreachable, Client
from counter_app.strings import msg
from counter_app.texts import Msg, OfflineError

T = TypeVar("T")


class Link:
    def __init__(self, client: Client, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        # The background health check's own session: the UI's calls never queue behind it.
        self.prober = Client(client.base_url, timeout=client.timeout)
        self.monotonic = monotonic
        self.reachable = True  # optimistic until a call fails: the first call finds out
        self.manual_offline = False
        self.since = monotonic()
        self.last_error: str | None = None
        self.listeners: list[Callable[[bool], None]] = []
        self.lock = threading.Lock()
        # One requests.Session is shared by the UI thread and the worker: one call at a time.
        self.http_lock = threading.RLock()

    @property
    def online(self) -> bool:
        return self.reachable and not self.manual_offline

    @property
    def banner(self) -> Msg | None:
        """What the offline banner says, or None when online."""
        if self.manual_offline:
            return msg("offline_by_hand", "warning")
        if not self.reachable:
            return msg("offline_lost", "warning")
        return None

    def call(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run one client call; raise OfflineError instead of waiting when offline."""
        if not self.online:
            raise OfflineError()
        try:
            with self.http_lock:
                return fn(*args, **kwargs)
        except BackendUnreachable as error:
            self._set_reachable(False, str(error))
            raise OfflineError() from error

    def probe(self) -> bool:
        """Ask the backend if it is back (skipped while switched offline by hand)."""
        if self.manual_offline:
            return False
        try:
            self.prober.health()
        except BackendUnreachable as error:
            self._set_reachable(False, str(error))
            return False
        self._set_reachable(True, None)
        return True

    def set_manual_offline(self, offline: bool) -> None:
        before = self.online
        self.manual_offline = offline
        self._notify(before)
        if not offline:
            self.probe()

    def _set_reachable(self, reachable: bool, error: str | None) -> None:
        with self.lock:
            before = self.online
            self.reachable, self.last_error = reachable, error
        self._notify(before)

    def _notify(self, before: bool) -> None:
        if before != self.online:
            self.since = self.monotonic()
            for listener in list(self.listeners):
                listener(self.online)

    def close(self) -> None:
        self.prober.session.close()
