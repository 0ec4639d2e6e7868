"""What every endpoint needs: the store, the site, the clock, and who is calling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from fastapi import Depends, Request

from backend.domain.calendar import VN_TZ
from backend.domain.errors import Forbidden, Unauthorized
from backend.domain.workflow import Actor
from backend.ratelimit import Throttled, client_address
from backend.store import accounts
from backend.store.accounts import Principal
from backend.store.db import Store
from backend.store.site import Site, load_site
from backend.store.site import version as site_version

STAFF = ("clerk", "officer", "leader")


def system_clock() -> datetime:
    return datetime.now(VN_TZ)


def store(request: Request) -> Store:
    return request.app.state.store


def site(request: Request) -> Site:
    # The calendar overrides can change at any time, so the site is re-read when they do.
    state = request.app.state
    version = site_version(state.store)
    if state.site is None or state.site_version != version:
        state.site, state.site_version = load_site(state.store), version
    return state.site


def now(request: Request) -> datetime:
    return request.app.state.clock()


def vn_day(moment: datetime) -> date:
    """The day in Vietnam: what decides which procedure version and calendar apply."""
    return moment.astimezone(VN_TZ).date()


def today(request: Request) -> date:
    return vn_day(now(request))


# The staff web's session cookie (backend/web/staff/session.py).
STAFF_COOKIE = "motcua_staff"


def bearer(request: Request) -> str:
    """The bearer token, or the staff web's session cookie on a read: the print and report
    links open from the browser. Writes still need the header, so a cookie alone never
    changes anything through the API (no cross-site request forgery)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    cookie = request.cookies.get(STAFF_COOKIE, "")
    if not header and cookie and request.method in ("GET", "HEAD"):
        return cookie
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Cần đăng nhập để dùng chức năng này",
                           "Login is required for this function", key="login_required")
    return token.strip()


def principal(request: Request, token: str = Depends(bearer)) -> Principal:
    return accounts.authenticate(request.app.state.store, token, request.app.state.clock())


def client(request: Request) -> str:
    """The caller's address for rate limits (a trusted proxy's X-Forwarded-For, else the peer)."""
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"),
                          request.app.state.trusted_proxies)


def throttle(request: Request, key: str, limit: float, period: float, vi: str, en: str) -> None:
    """Count one request under `key` in the limiter every worker shares; past `limit`, a 429."""
    wait = request.app.state.limiter.hit(key, limit, period)
    if wait is not None:
        raise Throttled(vi, en, wait)


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting only these roles, and only after a forced password change.

    "device" admits every device; "device:kiosk" only kiosks (each kind does only its job).
    """

    def check(who: Principal = Depends(principal)) -> Principal:
        admit(who, roles)
        return who

    return check


def admit(who: Principal, roles: tuple[str, ...]) -> None:
    if who.must_change:
        raise Forbidden("Cần đổi mật khẩu trước khi làm việc",
                        "You must change your password before working",
                        key="password_change_required")
    if who.role in roles or f"{who.role}:{who.kind}" in roles:
        return
    what = f"{who.role} ({who.kind})" if who.kind else who.role
    raise Forbidden(f"Vai trò '{what}' không được dùng chức năng này",
                    f"Role '{what}' may not use this function", key="wrong_role")


def actor_of(who: Principal) -> Actor:
    return Actor(who.username, who.role, who.unit)
