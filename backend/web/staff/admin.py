"""The admin's pages: the overview with the calendar reminder, the working calendar and the
procedure catalogue. Each form posts, and on success redirects back (so a reload never posts
twice); a refused form comes back with the reason in both languages."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from backend.api import deps
from backend.domain.errors import InvalidInput, MotcuaError
from backend.store import accounts, catalog
from backend.store import site as settings
from backend.store.accounts import Principal
from backend.web.staff.layout import StaffRoute, render
from backend.web.staff.session import form_data, require_staff

router = APIRouter(prefix="/staff/admin", route_class=StaffRoute, include_in_schema=False)
admin = require_staff("admin")


def _today(request: Request) -> date:
    return deps.vn_day(request.app.state.clock())


def _calendar(request: Request):
    return deps.site(request).calendar


@router.get("")
def overview(request: Request, who: Principal = Depends(admin)):
    store, today = request.app.state.store, _today(request)
    year = settings.calendar_year(store, _calendar(request), today.year, today)
    procs = catalog.versions(store, today)
    counts = {
        **accounts.active_counts(store),
        "procedures": sum(1 for p in procs if p["in_force_version"]),
        "upcoming": sum(1 for p in procs for v in p["versions"] if v["upcoming"]),
        "overrides": len(year["overrides"]),
    }
    return render(request, "staff/admin/overview.html",
                  {"counts": counts, "reminder_year": year["reminder_year"], "today": today},
                  who=who)


# ---- calendar ---------------------------------------------------------------------------------


@router.get("/calendar")
def calendar_page(request: Request, year: int | None = Query(None, ge=2000, le=2100),
                  who: Principal = Depends(admin)):
    return _calendar_page(request, who, year)


def _calendar_page(request: Request, who: Principal, year: int | None,
                   error: MotcuaError | None = None, form: dict | None = None):
    today = _today(request)
    shown = settings.calendar_year(request.app.state.store, _calendar(request),
                                   year or today.year, today)
    return render(request, "staff/admin/calendar.html",
                  {**shown, "error": error, "form": form or {}, "today": today},
                  who=who, status_code=error.status if error else 200)


@router.post("/calendar")
async def add_override(request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    try:
        day = _form_day(form.get("day", ""))
        working = _form_working(form.get("working", ""))
        note = _form_note(form.get("note", ""))
    except MotcuaError as exc:
        return _calendar_page(request, who, None, exc, form)
    settings.set_override(request.app.state.store, day, working, note, who.username,
                          request.app.state.clock())
    return RedirectResponse(f"/staff/admin/calendar?year={day.year}", status_code=303)


@router.post("/calendar/{day}/delete")
async def remove_override(day: date, request: Request, who: Principal = Depends(admin)):
    settings.set_override(request.app.state.store, day, None, "", who.username,
                          request.app.state.clock())
    return RedirectResponse(f"/staff/admin/calendar?year={day.year}", status_code=303)


def _form_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text}' không phải ngày hợp lệ (YYYY-MM-DD)",
                           f"'{text}' is not a valid date (YYYY-MM-DD)", field="day") from None


def _form_working(text: str) -> bool:
    if text not in ("0", "1"):
        raise InvalidInput("Chọn ngày nghỉ hoặc ngày làm việc",
                           "Choose a rest day or a working day", field="working")
    return text == "1"


def _form_note(text: str) -> str:
    if len(text.strip()) > 200:
        raise InvalidInput("Ghi chú dài quá 200 ký tự", "The note is longer than 200 characters",
                           field="note")
    return text.strip()


# ---- procedures -------------------------------------------------------------------------------


@router.get("/procedures")
def procedures_page(request: Request, who: Principal = Depends(admin)):
    return _procedures_page(request, who)


def _procedures_page(request: Request, who: Principal, error: MotcuaError | None = None,
                     form: dict | None = None, done: dict | None = None):
    today = _today(request)
    items = catalog.versions(request.app.state.store, today)
    return render(request, "staff/admin/procedures.html",
                  {"items": items, "today": today, "error": error, "form": form or {},
                   "done": done}, who=who, status_code=error.status if error else 200)


@router.post("/procedures/load")
async def load_procedure(request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    try:
        proc, added = catalog.load_file(request.app.state.store, form.get("content", ""),
                                        form.get("file_name", "").strip() or "?")
    except MotcuaError as exc:
        return _procedures_page(request, who, exc, form)
    done = {"code": proc.code, "version": str(proc.version), "added": added}
    return _procedures_page(request, who, done=done)


@router.post("/procedures/abolish")
async def abolish(request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    try:
        day = _form_day(form.get("from_day", ""))
        catalog.abolish(request.app.state.store, form.get("code", ""), day,
                        _form_note(form.get("note", "")), who.username,
                        request.app.state.clock())
    except MotcuaError as exc:
        return _procedures_page(request, who, exc, form)
    return RedirectResponse("/staff/admin/procedures", status_code=303)


@router.post("/procedures/{code}/restore")
async def restore(code: str, request: Request, who: Principal = Depends(admin)):
    catalog.restore(request.app.state.store, code)
    return RedirectResponse("/staff/admin/procedures", status_code=303)
