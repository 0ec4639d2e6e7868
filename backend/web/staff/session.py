"""The staff web's session: an HttpOnly, SameSite=Strict cookie holding an ordinary login
token (the same sessions table as the API), a CSRF token derived from it for every POST form,
and `require_staff(role...)` for pages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import parse_qsl, quote

from fastapi import Request

from backend.domain.errors import Forbidden, InvalidInput, MotcuaError
from backend.store import accounts
from backend.store.accounts import SESSION_TTL, Principal

COOKIE = "motcua_staff"
LOGIN_CSRF_COOKIE = "motcua_login_csrf"
STAFF_ROLES = ("clerk", "officer", "leader", "admin")


class StaffRedirect(Exception):
    """Raised from a dependency to send the browser elsewhere (to sign in, to change the
    password); the staff router turns it into a 303."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


def set_session_cookie(response, token: str, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=int(SESSION_TTL.total_seconds()), path="/",
                        httponly=True, samesite="strict", secure=secure)


def clear_session_cookie(response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def csrf_for(token: str) -> str:
    """Bound to the session: a page from another site can neither read nor guess it."""
    return hmac.new(token.encode(), b"motcua-staff-csrf", hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def session_token(request: Request) -> str | None:
    return request.cookies.get(COOKIE) or None


def current(request: Request) -> Principal | None:
    """The signed-in staff member, or None (no cookie, expired, signed out, disabled)."""
    token = session_token(request)
    if not token:
        return None
    try:
        who = accounts.authenticate(request.app.state.store, token, request.app.state.clock())
    except MotcuaError:
        return None
    return None if who.role == "device" else who


def _login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/staff/login?next={quote(target, safe='')}"


MAX_FORM_BYTES = 64 * 1024


async def form_data(request: Request) -> dict[str, str]:
    """A url-encoded form (the only kind these pages send), read once and cached."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInput("Biểu mẫu quá lớn", "The form is too large", key="form_too_large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise InvalidInput("Biểu mẫu không đọc được", "The form cannot be read") from exc
    return dict(pairs)


async def check_csrf(request: Request) -> None:
    """Every state-changing form carries the session's CSRF token."""
    form = await form_data(request)
    token = session_token(request) or ""
    sent = str(form.get("csrf", ""))
    if not token or not hmac.compare_digest(sent, csrf_for(token)):
        raise Forbidden("Biểu mẫu đã hết hạn hoặc không hợp lệ; vui lòng tải lại trang",
                        "The form has expired or is not valid; please reload the page",
                        key="csrf")


def require_staff(*roles: str, allow_must_change: bool = False) -> Callable[..., Principal]:
    """A page dependency: signed in, past the forced password change, one of `roles` (any
    staff role when none are given). On POST it also checks the CSRF token."""
    wanted = roles or STAFF_ROLES

    async def check(request: Request) -> Principal:
        who = current(request)
        if who is None:
            raise StaffRedirect(_login_url(request))
        if who.must_change and not allow_must_change:
            raise StaffRedirect("/staff/password")
        if who.role not in wanted:
            raise Forbidden(f"Vai trò '{who.role}' không được dùng trang này",
                            f"Role '{who.role}' may not use this page", key="wrong_role")
        if request.method not in ("GET", "HEAD"):
            await check_csrf(request)
        return who

    return check

