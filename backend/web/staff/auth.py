"""Sign-in, sign-out, the forced first password change and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from backend.domain.errors import MotcuaError
from backend.store import accounts
from backend.store.accounts import Principal
from backend.web.staff.layout import LANG_COOKIE, LANGS, StaffRoute, render
from backend.web.staff.session import (
    LOGIN_CSRF_COOKIE,
    clear_session_cookie,
    current,
    form_data,
    new_login_csrf,
    require_staff,
    session_token,
    set_session_cookie,
)

router = APIRouter(prefix="/staff", route_class=StaffRoute, include_in_schema=False)
may_change_password = require_staff(allow_must_change=True)


def safe_next(target: str | None) -> str:
    """Only a path on this site: a crafted link cannot bounce a fresh sign-in elsewhere."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") \
            or target.startswith("//"):
        return "/staff"
    return target


def home_of(who: Principal) -> str:
    return {"admin": "/staff/dashboard", "leader": "/staff/cases",
            "officer": "/staff/cases", "clerk": "/staff/cases"}.get(who.role, "/staff/login")


@router.get("")
def staff_home(request: Request):
    who = current(request)
    if who is None:
        return RedirectResponse("/staff/login", status_code=303)
    return RedirectResponse("/staff/password" if who.must_change else home_of(who),
                            status_code=303)


def _login_page(request: Request, next_url: str, error: MotcuaError | None = None,
                username: str = ""):
    token = new_login_csrf()
    response = render(request, "staff/login.html",
                      {"next": next_url, "error": error, "username": username,
                       "login_csrf": token}, status_code=error.status if error else 200)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, path="/staff/login", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.get("/login")
def login_form(request: Request, next: str = Query("/staff", max_length=500)):
    return _login_page(request, safe_next(next))


@router.post("/login")
async def login(request: Request):
    form = await form_data(request)
    next_url = safe_next(form.get("next"))
    username = form.get("username", "").strip()[:64]
    if not form.get("csrf") or form.get("csrf") != request.cookies.get(LOGIN_CSRF_COOKIE):
        return _login_page(request, next_url, _stale_form(), username)
    state = request.app.state
    try:
        token, user = accounts.login(state.store, username, form.get("password", "")[:256],
                                     state.clock())
    except MotcuaError as exc:
        return _login_page(request, next_url, exc, username)
    target = "/staff/password" if user["must_change_password"] else next_url
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token, secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff/login")
    return response


def _stale_form() -> MotcuaError:
    return MotcuaError("Trang đăng nhập đã cũ; vui lòng nhập lại",
                       "The sign-in page was stale; please sign in again", key="csrf")


@router.post("/logout")
def logout(request: Request, who: Principal = Depends(may_change_password)):
    accounts.logout(request.app.state.store, session_token(request))
    response = RedirectResponse("/staff/login?bye=1", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/password")
def password_form(request: Request,
                  who: Principal = Depends(may_change_password)):
    return render(request, "staff/password.html", {"error": None}, who=who)


@router.post("/password")
async def change_password(request: Request,
                          who: Principal = Depends(may_change_password)):
    form = await form_data(request)
    state = request.app.state
    try:
        if form.get("new_password", "") != form.get("confirm", ""):
            raise MotcuaError("Hai lần nhập mật khẩu mới không giống nhau",
                              "The two new passwords differ", key="password_mismatch")
        accounts.change_password(state.store, who, form.get("old_password", "")[:256],
                                 form.get("new_password", "")[:256], state.clock())
    except MotcuaError as exc:
        return render(request, "staff/password.html", {"error": exc}, who=who,
                      status_code=exc.status)
    return RedirectResponse(home_of(who) + "?changed=1", status_code=303)


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = Query("/staff", max_length=500)):
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/",
                            samesite="lax")
    return response
