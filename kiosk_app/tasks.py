"""Keeping the screen responsive: blocking work runs on threads, results come back to one thread.

The core is single-threaded on purpose: every change to its state happens on the thread that
drains the `Inbox` (the Kivy main thread in the app, the test itself in tests). HTTP calls and
printer jobs run on the `Worker`'s threads and post their outcome back; scanner threads post their
reads. `Timers` hold the few delayed things (retries, heartbeats, search-as-you-type).
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class Inbox:
    """Callbacks for the core's thread: any thread posts, the owner drains."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable, tuple]] = queue.SimpleQueue()

    def post(self, fn: Callable, *args: Any) -> None:
        self._queue.put((fn, args))

    def drain(self, limit: int = 200) -> int:
        """Run what is waiting (at most `limit`, so a flood cannot starve drawing)."""
        done = 0
        while done < limit and self.run_next(None):
            done += 1
        return done

    def run_next(self, timeout: float | None) -> bool:
        """Run one callback, waiting up to `timeout` seconds for it (None: do not wait)."""
        try:
            fn, args = (self._queue.get_nowait() if timeout is None
                        else self._queue.get(timeout=timeout))
        except queue.Empty:
            return False
        fn(*args)
        return True


class Worker:
    """A small thread pool for blocking calls; each outcome is posted to the inbox."""

    def __init__(self, inbox: Inbox, threads: int = 2) -> None:
        self.inbox = inbox
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="kiosk-io")
        self.in_flight = 0  # read and written on the inbox's thread only

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None]) -> Future:
        self.in_flight += 1

        def run() -> None:
            try:
                result = fn()
            except Exception as error:  # every failure goes back to the core, none is lost
                self.inbox.post(self._finish, on_error, error)
                return
            self.inbox.post(self._finish, on_done, result)

        return self._pool.submit(run)

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        self.in_flight -= 1
        callback(value)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Timers:
    """Named one-shot timers on a monotonic clock, fired by `run_due()` from the core's thread."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._due: dict[str, tuple[float, Callable[[], None]]] = {}

    def after(self, seconds: float, name: str, fn: Callable[[], None]) -> None:
        """(Re)start timer `name`: a newer call replaces the older one."""
        self._due[name] = (self.clock() + seconds, fn)

    def cancel(self, name: str) -> None:
        self._due.pop(name, None)

    def left(self, name: str) -> float | None:
        entry = self._due.get(name)
        return None if entry is None else max(0.0, entry[0] - self.clock())

    def run_due(self) -> None:
        now = self.clock()
        for name, (at, fn) in list(self._due.items()):
            if at <= now and self._due.get(name, (None,))[0] == at:
                del self._due[name]
                fn()
