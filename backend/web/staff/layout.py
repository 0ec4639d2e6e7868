"""Rendering of staff pages: one Jinja environment, the layout's context (who, CSRF token,
language, navigation), and the router class that shows failures as pages, not JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from backend.domain import vocabulary
from backend.domain.errors import MotcuaError
from backend.domain.vocabulary import label
from backend.store.accounts import Principal
from backend.web.staff.session import StaffRedirect, csrf_for, current, session_token

LANG_COOKIE = "motcua_lang"
LANGS = ("vi", "en")


# The same template folder as the public pages: staff templates extend its base.html.
templates = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "vi")
    return lang if lang in LANGS else "vi"


def bilingual(lang: str) -> Callable[[str, str], Markup]:
    """`t(vi, en)`: the chosen language first, the other beside it in small type."""

    def t(vi: str, en: str) -> Markup:
        first, second = (vi, en) if lang == "vi" else (en, vi)
        return Markup('{} <small lang="{}">{}</small>').format(
            first, "en" if lang == "vi" else "vi", second)

    return t


def pick(lang: str) -> Callable[[str, str], str]:
    """`tt(vi, en)`: one language only, for attributes and titles."""
    return lambda vi, en: vi if lang == "vi" else en


def nav_items(who: Principal | None) -> list[dict]:
    if who is None or who.must_change:
        return []
    items = []
    if who.role in ("officer", "leader", "clerk"):
        items.append({"href": "/staff/cases", "vi": "Hồ sơ cần xử lý", "en": "My work"})
    if who.role in ("leader", "admin"):
        items.append({"href": "/staff/dashboard", "vi": "Tổng hợp", "en": "Dashboard"})
    if who.role == "admin":
        items.append({"href": "/staff/admin", "vi": "Quản trị", "en": "Admin"})
    return items


def acted(act: Callable[[], object], then: str,
          refused: Callable[[MotcuaError], Response]) -> Response:
    """A form's POST: `act()`, then a 303 to `then` (so a reload does not post again); when the
    store refuses, the page again with the reason, `refused(error)`."""
    try:
        act()
    except MotcuaError as exc:
        return refused(exc)
    return RedirectResponse(then, status_code=303)


def render(request: Request, template: str, context: dict | None = None, *,
           who: Principal | None = None, status_code: int = 200) -> HTMLResponse:
    """Every staff page goes through here so the layout always has what it needs."""
    lang = lang_of(request)
    token = session_token(request)
    base = {"who": who, "lang": lang, "t": bilingual(lang), "tt": pick(lang), "words": label,
            "channels": vocabulary.RETURN_CHANNELS,
            "csrf": csrf_for(token) if token and who else "", "nav": nav_items(who),
            "path": request.url.path, "here": _here(request)}
    return templates.TemplateResponse(request, template, base | (context or {}),
                                      status_code=status_code)


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def error_page(request: Request, exc: MotcuaError) -> HTMLResponse:
    return render(request, "staff/error.html", {"error": exc}, who=current(request),
                  status_code=exc.status)


class StaffRoute(APIRoute):
    """Staff pages answer a failure with a page in both languages (or a redirect to sign in),
    never the API's JSON."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except StaffRedirect as redirect:
                return RedirectResponse(redirect.location, status_code=303)
            except MotcuaError as exc:
                return error_page(request, exc)

        return guarded

