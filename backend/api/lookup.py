"""Public case lookup by code (coarse) or by receipt scan (code + token), rate-limited."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from backend.api import deps
from backend.api.answers import Lookup
from backend.store.lookup import public_lookup

router = APIRouter(prefix="/api/v1", tags=["lookup"])


def site_lookup(request: Request, code: str, token: str | None) -> dict:
    site = deps.site(request)
    request.app.state.limiter.check(deps.client(request), site.lookup_rate_per_minute)
    return public_lookup(request.app.state.store, site, code, token, request.app.state.clock())


def answer(request: Request, code: str, token: str | None) -> dict:
    """The one entry for every web channel; the provincial hub sets app.state.lookup (and
    lookup_async) to answer from its own store with the same answer builder."""
    return getattr(request.app.state, "lookup", site_lookup)(request, code, token)


@router.get("/lookup/{code:path}", response_model=Lookup)
async def lookup(code: str, request: Request,
                 t: str | None = Query(None, max_length=16)) -> JSONResponse:
    # async and a ready JSONResponse: a lookup is one indexed read (~0.2 ms), cheaper than the
    # thread-pool hop and the generic encoder it would otherwise pay for on every request.
    # The hub's lookups are coroutines (app.state.lookup_async): the lookups one worker has
    # in hand share one read of PostgreSQL.
    waits = getattr(request.app.state, "lookup_async", None)
    if waits is not None:
        return JSONResponse(await waits(request, code, t))
    return JSONResponse(answer(request, code, t))
