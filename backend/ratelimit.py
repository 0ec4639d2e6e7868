"""Sliding one-minute windows per client: codes are guessable, so guessing must be slow.

Kept in memory per server process: enough to slow a guesser; a restart forgets it.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from backend.domain.errors import TooManyRequests


class RateLimiter:
    """Sliding one-minute window per client address; codes are guessable, so guessing is slow."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str, per_minute: int) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= per_minute:
                raise TooManyRequests(
                    "Tra cứu quá nhiều lần, vui lòng thử lại sau một phút",
                    "Too many lookups, please try again in a minute")
            hits.append(now)
            if len(self._hits) > 10000:
                self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or now - v[-1] > 60]:
            del self._hits[key]
