"""The province report's pages at the hub, for a provincial leader: sign in with a reader's
token (`motcua hub reader add`), pick a month or a period and a grouping, read the national
template's table and download it. The token is kept in an HttpOnly, SameSite=Strict cookie
sent to these pages only; the figures are `backend.hub.report`'s, as the API and the CLI give
them."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from backend.api.reports import send
from backend.domain import reports
from backend.domain.errors import Forbidden, MotcuaError
from backend.forms.period import BANDS
from backend.hub import receiver, report
from backend.web.staff.layout import render
from backend.web.staff.session import LOGIN_CSRF_COOKIE, csrf_for, form_data, new_login_csrf

router = APIRouter(prefix="/bao-cao", include_in_schema=False)
COOKIE = "motcua_hub_reader"
HEADINGS = {"site": ("Trung tâm", "Centre"), **reports.BY}
BANDS_EN = ("Cases to handle", "Resolved", "In progress",
            "Returned, withdrawn, stopped, refused", "Satisfaction")
DOWNLOADS = ("xlsx", "csv", "pdf")
Day = Query("", alias="from", max_length=10)
Last = Query("", max_length=10)
By = Query("site", max_length=20)


def reader_token(request: Request) -> str | None:
    """The signed-in reader's token, or None when there is none or it is no longer valid."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        receiver.authenticate_reader(request.app.state.hub, token)
    except MotcuaError:
        return None
    return token


def months(today: date, count: int = 12) -> list[tuple[date, date]]:
    """This month so far, then the whole months before it, newest first."""
    chosen, first = [], today.replace(day=1)
    for _ in range(count):
        chosen.append((first, min(today, _month_end(first))))
        first = (first - timedelta(days=1)).replace(day=1)
    return chosen


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@router.get("")
def report_page(request: Request, first: str = Day, to: str = Last, by: str = By):
    token = reader_token(request)
    if token is None:
        return RedirectResponse("/bao-cao/dang-nhap", status_code=303)
    today = request.app.state.clock().date()
    first, to = first or today.replace(day=1).isoformat(), to or today.isoformat()
    context = {"first": first, "to": to, "by": by, "rows": [], "names": {}, "error": None,
               "months": months(today), "csrf": csrf_for(token), "headings": HEADINGS,
               "layout": reports.LAYOUT, "vi": reports.HEADERS_VI, "en": reports.HEADERS_EN,
               "bands": list(zip(BANDS, BANDS_EN, strict=True)), "downloads": DOWNLOADS}
    try:
        _, context["rows"], context["names"] = report.province_rows(
            request.app.state.hub, first, to, by)
    except MotcuaError as exc:
        context["error"] = exc
    return render(request, "hub/report.html", context,
                  status_code=context["error"].status if context["error"] else 200)


@router.get("/tai")
def download(request: Request, first: str = Day, to: str = Last, by: str = By,
             format: str = Query("xlsx", max_length=8)) -> Response:
    if reader_token(request) is None:
        return RedirectResponse("/bao-cao/dang-nhap", status_code=303)
    return send(report.period_output(request.app.state.hub, first, to, by, format,
                                     request.app.state.clock()))


def _login_page(request: Request, error: MotcuaError | None = None):
    csrf = new_login_csrf()
    response = render(request, "hub/login.html", {"error": error, "login_csrf": csrf},
                      status_code=error.status if error else 200)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, path="/bao-cao/dang-nhap", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.get("/dang-nhap")
def login_form(request: Request):
    return _login_page(request)


@router.post("/dang-nhap")
async def login(request: Request):
    form = await form_data(request)
    token = form.get("token", "").strip()[:200]
    try:
        if not form.get("csrf") or form.get("csrf") != request.cookies.get(LOGIN_CSRF_COOKIE):
            raise Forbidden("Trang đăng nhập đã cũ; vui lòng nhập lại",
                            "The sign-in page was stale; please sign in again", key="csrf")
        receiver.authenticate_reader(request.app.state.hub, token)
    except MotcuaError as exc:
        return _login_page(request, exc)
    response = RedirectResponse("/bao-cao", status_code=303)
    # No max-age: the token, which does not expire, leaves with the browser session.
    response.set_cookie(COOKIE, token, path="/bao-cao", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/bao-cao/dang-nhap")
    return response


@router.post("/dang-xuat")
async def logout(request: Request):
    form = await form_data(request)
    token = request.cookies.get(COOKIE) or ""
    if token and form.get("csrf") != csrf_for(token):
        return RedirectResponse("/bao-cao", status_code=303)
    response = RedirectResponse("/bao-cao/dang-nhap?bye=1", status_code=303)
    response.delete_cookie(COOKIE, path="/bao-cao", httponly=True, samesite="strict")
    return response
