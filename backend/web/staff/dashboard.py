"""The leaders' and admins' dashboard: one page of the centre's state, with bar charts drawn
as SVG on the server (no script, nothing fetched from the internet)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request

from backend.api import deps
from backend.api.devices import STALE_AFTER
from backend.domain.errors import InvalidInput, MotcuaError
from backend.domain.vocabulary import label
from backend.store import accounts, dashboard
from backend.store.accounts import Principal
from backend.store.cases import parse_time
from backend.web.staff.admin_devices import KIND_NAMES
from backend.web.staff.layout import StaffRoute, render
from backend.web.staff.session import require_staff

router = APIRouter(prefix="/staff/dashboard", route_class=StaffRoute, include_in_schema=False)
overseer = require_staff("leader", "admin")
WEEKLY_CHECK = timedelta(days=7)


def period(params, today: date) -> tuple[date, date]:
    """The chosen period (`from`, `to`, year-month-day), by default this month so far."""
    try:
        start = date.fromisoformat(params.get("from") or today.replace(day=1).isoformat())
        end = date.fromisoformat(params.get("to") or today.isoformat())
    except ValueError as exc:
        raise InvalidInput("Ngày không hợp lệ (cần dạng năm-tháng-ngày)",
                           "Not a valid date (year-month-day)", field="period") from exc
    if end < start:
        raise InvalidInput("Ngày kết thúc phải sau ngày bắt đầu",
                           "The end date must not be before the start date", field="period")
    return start, end


def rates(rows: list[dict]) -> list[dict]:
    """On-time share (early or on time) of the resolved cases, in percent."""
    return [r | {"rate": round(100 * (r["early"] + r["on_time"]) / r["n"]) if r["n"] else 0}
            for r in rows]


def devices(store, now) -> list[dict]:
    found = accounts.list_devices(store, now, STALE_AFTER)
    for device in found:
        test = device["last_selftest"]
        device["last_seen_at"] = parse_time(device["last_seen"])
        device["selftest_at"] = parse_time(test["at"]) if test else None
        device["missed_check"] = test is None or now - device["selftest_at"] > WEEKLY_CHECK
    return found


@router.get("")
def dashboard_page(request: Request, who: Principal = Depends(overseer)):
    site, store, now = deps.site(request), request.app.state.store, request.app.state.clock()
    today = now.date()
    error, (start, end) = None, (today.replace(day=1), today)
    try:
        start, end = period(request.query_params, today)
    except MotcuaError as exc:
        error = exc
    soon = site.calendar.add_working_time(now, site.calendar.hours.day_length)
    satisfaction = dashboard.satisfaction(store, start, end)
    rated = sum(r["n"] for r in satisfaction) or 1
    return render(request, "staff/dashboard.html", {
        "error": error, "start": start, "end": end, "today": today,
        "intake": dashboard.intake_on(store, today),
        "channels": dashboard.channels_on(store, today),
        "open_units": dashboard.open_by_unit(store, now, soon),
        "by_unit": rates(dashboard.on_time(store, start, end, "unit")),
        "by_procedure": rates(dashboard.on_time(store, start, end, "procedure")),
        "satisfaction": [r | {"label": label("rating", r["rating"]),
                              "share": round(100 * r["n"] / rated)} for r in satisfaction],
        "queue": dashboard.queue_waits(store, today), "devices": devices(store, now),
        "units": site.units, "kind_names": KIND_NAMES},
        who=who, status_code=error.status if error else 200)
