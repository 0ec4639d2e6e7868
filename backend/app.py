"""ASGI app factory: one FastAPI app over one SQLite file."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from backend import __version__
from backend.api import admin, auth, cases, deps, devices, errors, lookup, procedures, queue
from backend.api import reports as reports_api
from backend.api.inputs import BodyLimit
from backend.catalog import DEFAULT_CATALOG_DIR, load_queue_config
from backend.ratelimit import RateLimiter, limits_path, parse_proxies
from backend.store.db import Store
from backend.web import pages

DEFAULT_DB = Path("var") / "motcua.sqlite"


def default_db_path() -> Path:
    return Path(os.environ.get("MOTCUA_DB", DEFAULT_DB))


def create_app(db_path: str | Path | None = None,
               clock: Callable[[], datetime] = deps.system_clock,
               trusted_proxies: str | None = None) -> FastAPI:
    """`trusted_proxies` (default $MOTCUA_TRUSTED_PROXIES): addresses or networks whose
    X-Forwarded-For is believed; from anyone else the header is ignored."""
    app = FastAPI(title="motcua", version=__version__,
                  description="Một cửa: tiếp nhận, xử lý, tra cứu hồ sơ thủ tục hành chính")
    bind(app, db_path, clock, trusted_proxies)
    app.add_middleware(BodyLimit)
    errors.install(app)
    for module in (auth, procedures, cases, lookup, devices, admin, queue):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.include_router(reports_api.router)
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    app.add_api_route("/healthz", _health, methods=["GET"], tags=["health"])
    app.add_api_route("/", lambda: RedirectResponse("/tra-cuu"), methods=["GET"],
                      include_in_schema=False)
    return app


def bind(app: FastAPI, db_path: str | Path | None = None,
         clock: Callable[[], datetime] = deps.system_clock,
         trusted_proxies: str | None = None) -> FastAPI:
    """Point an app at its database, clock, proxies and queue settings, with nothing cached:
    all the state `create_app` starts from. FastAPI analyses every route on an app's first
    requests; the test suite re-binds one app per worker so it pays that once, not per test."""
    store = Store(db_path or default_db_path())
    store.migrate()
    app.state.store, app.state.clock = store, clock
    app.state.site, app.state.site_version = None, None
    app.state.limiter = RateLimiter(limits_path(store.path))
    app.state.trusted_proxies = parse_proxies(
        os.environ.get("MOTCUA_TRUSTED_PROXIES") if trusted_proxies is None else trusted_proxies)
    app.state.queue_config = load_queue_config(Path(os.environ.get(
        "MOTCUA_QUEUE_CONFIG", DEFAULT_CATALOG_DIR / "queue.yaml")))
    return app


async def _health(request: Request) -> JSONResponse:
    """503 unless the database can serve: a load balancer or the apps then look elsewhere.
    Two reads that never wait in WAL mode, so it stays on the event loop (and stays the cheap
    baseline bench/lookup.py compares with)."""
    state = database_state(request.app.state.store)
    ok = state["initialised"] and state["schema_version"] == state["schema_latest"]
    return JSONResponse({"ok": ok, "version": __version__, "database": state},
                        status_code=200 if ok else 503)


def database_state(store: Store) -> dict:
    """The schema version and whether `motcua db init` has written the site's settings."""
    from backend.store.migrations import MIGRATIONS

    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    initialised = version > 0 and store.one(
        "select 1 as yes from settings where key = 'secret'") is not None
    return {"schema_version": version, "schema_latest": len(MIGRATIONS),
            "initialised": initialised}


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` with several workers: the path comes from MOTCUA_DB."""
    return create_app()
