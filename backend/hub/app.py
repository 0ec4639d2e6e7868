"""The hub's ASGI app: the shared lookup route and API error handling over PostgreSQL."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import datetime

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from backend import __version__
from backend.api import deps, errors, lookup
from backend.hub import api, migrations, report_pages
from backend.hub.db import HubStore
from backend.hub.lookup import lookup_route, page_lookup
from backend.ratelimit import RateLimiter, parse_proxies
from backend.web import pages


def create_hub_app(dsn: str, *, lookup_rate_per_minute: int = 30,
                   clock: Callable[[], datetime] = deps.system_clock,
                   limits: str | None = None, trusted_proxies: str | None = None) -> FastAPI:
    """`limits`: the file of lookup counters every worker shares (None: this process only);
    `trusted_proxies`: addresses or networks whose X-Forwarded-For is believed, as at a site."""
    app = FastAPI(title="motcua hub", version=__version__, lifespan=_lifespan,
                  description="Máy chủ tỉnh: tra cứu và báo cáo hồ sơ của mọi trung tâm")
    hub = HubStore(dsn)
    hub.migrate()
    app.state.hub, app.state.clock, app.state.reads = hub, clock, None
    app.state.lookup, app.state.lookup_async = page_lookup, lookup_route
    app.state.limiter = RateLimiter(limits)
    app.state.lookup_rate_per_minute = lookup_rate_per_minute
    app.state.trusted_proxies = parse_proxies(trusted_proxies)
    errors.install(app)
    app.add_exception_handler(psycopg.OperationalError, _database_away)
    app.include_router(lookup.router)
    app.include_router(api.router)
    app.include_router(report_pages.router)  # the leaders' report, in a browser
    # The citizens' lookup page, as each centre serves it (the hall display stays local).
    app.add_api_route("/tra-cuu", pages.lookup_page, methods=["GET"], include_in_schema=False)
    app.add_api_route("/L/{code}/{token}", pages.receipt_qr, methods=["GET"],
                      include_in_schema=False)
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    app.add_api_route("/healthz", _health, methods=["GET"], tags=["health"])
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    if app.state.reads is not None:
        await app.state.reads.close()


async def _database_away(request: Request, exc: Exception) -> JSONResponse:
    vi = "Cơ sở dữ liệu của máy chủ tỉnh tạm thời không phản hồi, vui lòng thử lại sau"
    en = "The hub's database is not answering right now; please try again later"
    return JSONResponse({"error": "hub_database_unavailable", "vi": vi, "en": en,
                         "message": f"{vi} / {en}"}, status_code=503,
                        headers={"Retry-After": "5"})


def _health(request: Request) -> dict:
    hub = request.app.state.hub
    return {"ok": True, "version": __version__,
            "database": {"schema_version": migrations.version(hub),
                         "schema_latest": len(migrations.MIGRATIONS)}}


def hub_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` with several workers: settings come from the env."""
    return create_hub_app(os.environ["MOTCUA_HUB_DATABASE"], lookup_rate_per_minute=int(
        os.environ.get("MOTCUA_HUB_LOOKUP_RATE", "30")),
        limits=os.environ.get("MOTCUA_HUB_LIMITS") or None,
        trusted_proxies=os.environ.get("MOTCUA_TRUSTED_PROXIES"))
