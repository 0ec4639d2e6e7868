"""Public case lookup by code (coarse) or by receipt scan (code + token), rate-limited."""

from __future__ import annotations

import threading
import time
from collections import deque

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from backend.api import deps
from backend.domain.errors import TooManyRequests
from backend.store.lookup import public_lookup

router = APIRouter(prefix="/api/v1", tags=["lookup"])


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


@router.get("/lookup/{code:path}")
async def lookup(code: str, request: Request,
                 t: str | None = Query(None, max_length=16)) -> JSONResponse:
    # async and a ready JSONResponse: a lookup is one indexed read (~0.2 ms), cheaper than the
    # thread-pool hop and the generic encoder it would otherwise pay for on every request.
    site = deps.site(request)
    client = request.client.host if request.client else "unknown"
    request.app.state.limiter.check(client, site.lookup_rate_per_minute)
    return JSONResponse(public_lookup(request.app.state.store, site, code, t,
                                      request.app.state.clock()))
