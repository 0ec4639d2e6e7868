"""Officer and leader work: "Hồ sơ cần xử lý" (the cases at my unit's current step), the
case page with exactly the actions this account may take, and the actions themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from backend.api import deps
from backend.api.cases import staff_view
from backend.domain import codes
from backend.domain.calendar import VN_TZ, WorkingCalendar
from backend.domain.errors import InvalidInput, MotcuaError
from backend.domain.workflow import (
    ACTIONS,
    PAUSED,
    Actor,
    Status,
    check_allowed,
    happened,
    responsible_leader_unit,
)
from backend.store import accounts, cases, worklist
from backend.store.accounts import Principal
from backend.store.cases import parse_time, state_of, steps_of
from backend.web.staff.layout import StaffRoute, render
from backend.web.staff.session import form_data, require_staff

router = APIRouter(prefix="/staff/cases", route_class=StaffRoute, include_in_schema=False)
caseworker = require_staff("officer", "leader", "clerk")
# Printouts made by the reports module: the action whose event each form prints. Each is
# offered only once its event exists (a form without it is an error page); the control sheet
# (Mẫu 05) always is.
FORMS = {"request_supplement": "mau02", "refuse": "mau03", "apologize": "mau04"}
ARRIVALS = {"in_person": ("Trực tiếp tại Bộ phận Một cửa", "In person at the desk"),
            "post": ("Qua dịch vụ bưu chính", "By post"), "online": ("Trực tuyến", "Online")}
LIST_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT)


@dataclass(frozen=True)
class Urgency:
    """How pressing a case is, in working time, for the list's colour and "time left"."""

    level: str  # "overdue", "soon" (within one working day), "ok", "paused"
    vi: str
    en: str


def working_offsets(calendar: WorkingCalendar, moments: list[datetime],
                    now: datetime) -> dict[datetime, timedelta]:
    """Working time from now to each moment (negative when past). Sorted and summed between
    neighbours, so the calendar is walked once over the whole span, not once per case: a
    page of cases overdue by months stays cheap."""
    offsets: dict[datetime, timedelta] = {}
    later = sorted({m for m in moments if m >= now})
    earlier = sorted({m for m in moments if m < now}, reverse=True)
    for direction, chain in ((1, later), (-1, earlier)):
        total, previous = timedelta(), now
        for moment in chain:
            start, end = sorted((previous, moment))
            total += calendar.working_time_between(start, end)
            offsets[moment], previous = direction * total, moment
    return offsets


def urgency(calendar: WorkingCalendar, row: dict, left: timedelta | None) -> Urgency:
    """`left`: working time from now to the due date (see `working_offsets`)."""
    if row["status"] in PAUSED:
        since = parse_time(row["paused_at"])
        when = f"{since:%d/%m %H:%M}" if since else "?"
        return Urgency("paused", f"Tạm dừng từ {when}", f"Paused since {when}")
    day = calendar.hours.day_length
    if left is None or left <= timedelta():
        text_vi, text_en = _span(-left if left else timedelta(), day)
        return Urgency("overdue", f"Quá hạn {text_vi}", f"Overdue by {text_en}")
    text_vi, text_en = _span(left, day)
    return Urgency("soon" if left <= day else "ok", f"Còn {text_vi}", f"{text_en} left")


def _span(span: timedelta, day: timedelta) -> tuple[str, str]:
    """Working time as working days and hours: '2 ngày 3 giờ' / '2 d 3 h'."""
    days, rest = divmod(span, day)
    hours = round(rest.total_seconds() / 3600)
    if days:
        return f"{days} ngày {hours} giờ", f"{days} d {hours} h"
    minutes = round(rest.total_seconds() / 60)
    if hours:
        return f"{hours} giờ", f"{hours} h"
    return f"{minutes} phút", f"{minutes} min"


def _date(value: str, field: str, *, end: bool = False) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(f"Ngày '{value}' không hợp lệ (cần dạng năm-tháng-ngày)",
                           f"'{value}' is not a valid date (year-month-day)",
                           field=field) from exc
    moment = datetime.combine(day, time(), tzinfo=VN_TZ)
    return moment + timedelta(days=1) if end else moment


def filters_from(params) -> worklist.Filters:
    status = params.get("status", "").strip()
    if status and (not status.isdigit() or int(status) not in [int(s) for s in LIST_STATUSES]):
        raise InvalidInput(f"Trạng thái '{status}' không hợp lệ", f"Unknown status '{status}'",
                           field="status")
    return worklist.Filters(
        procedure=params.get("procedure", "").strip()[:32],
        status=int(status) if status else None,
        received_from=_date(params.get("from", ""), "from"),
        received_to=_date(params.get("to", ""), "to", end=True),
        search=params.get("q", "")[:120])


def _page_number(value: str) -> int:
    return max(1, int(value)) if value.isdigit() else 1


@router.get("")
def my_work(request: Request, who: Principal = Depends(caseworker)):
    params = request.query_params
    site, store, now = deps.site(request), request.app.state.store, request.app.state.clock()
    number = _page_number(params.get("page", "1"))
    context = {"params": params, "error": None, "active": [], "waiting": [], "total": 0,
               "waiting_total": 0, "page": number, "pages": 1, "late": [],
               "procedures": worklist.procedures_at(store, who.unit or ""),
               "statuses": LIST_STATUSES, "unit": site.units.get(who.unit or "", {}),
               "page_url": lambda n: "?" + urlencode({**dict(params), "page": n})}
    try:
        filters = filters_from(params)
    except MotcuaError as exc:
        context["error"] = exc
        return render(request, "staff/worklist.html", context, who=who, status_code=exc.status)
    offset = (number - 1) * worklist.PAGE_SIZE
    active, total = worklist.page(store, who.unit or "", filters, offset=offset)
    waiting, waiting_total = worklist.page(store, who.unit or "", filters, waiting=True)
    shown = active + waiting
    cases.log_personal_data_access(
        store, deps.actor_of(who), cases.shown_in_full(store, deps.actor_of(who), shown), now,
        "worklist")
    offsets = working_offsets(site.calendar, [parse_time(r["due_at"]) for r in active], now)
    context.update(
        active=[_row(site.calendar, r, offsets) for r in active], total=total,
        waiting=[_row(site.calendar, r, {}) for r in waiting], waiting_total=waiting_total,
        pages=max(1, -(-total // worklist.PAGE_SIZE)),
        late=_apologies_due(store, who, now) if who.role == "leader" else [])
    return render(request, "staff/worklist.html", context, who=who)


def _row(calendar: WorkingCalendar, row: dict, offsets: dict) -> dict:
    due = parse_time(row["due_at"])
    return row | {"urgency": urgency(calendar, row, offsets.get(due)),
                  "status_obj": Status(row["status"]), "due": due,
                  "new_due": parse_time(row["new_due_at"]),
                  "received": parse_time(row["received_at"])}


def _apologies_due(store, who: Principal, now: datetime) -> list[dict]:
    """Late cases this leader answers for (Mẫu 04 and a new date are theirs to give)."""
    mine = []
    for row in worklist.overdue_without_apology(store, now):
        try:
            steps = steps_of(cases.procedure_of(row))
        except (ValueError, KeyError, TypeError):
            continue  # a damaged snapshot: the case page says so
        if responsible_leader_unit(steps, row["step"]) == who.unit:
            mine.append(row | {"due": parse_time(row["due_at"])})
    return mine


def offered_actions(row: dict, who: Principal) -> list[str]:
    """Exactly the actions the workflow lets this account take on this case now."""
    steps = steps_of(cases.procedure_of(row))
    state, actor = state_of(row), Actor(who.username, who.role, who.unit)
    offered = []
    for name, action in ACTIONS.items():
        if name == "apologize" and state.new_due_at is not None:
            continue  # given once (the workflow refuses a second)
        params = {"to_step": 0} if name == "transfer" and state.step else {}
        try:
            check_allowed(action, state, actor, steps, params, note="?")
        except MotcuaError:
            if name != "transfer":
                continue
            try:
                check_allowed(action, state, actor, steps, {}, note="?")
            except MotcuaError:
                continue
        offered.append(name)
    return offered


def _targets(row: dict, offered: list[str]) -> dict:
    """Where a transfer may go from here: the next step forward, earlier steps back."""
    if "transfer" not in offered:
        return {"forward": None, "back": []}
    steps = cases.procedure_of(row).workflow
    forward = row["step"] + 1
    can_forward = forward <= max(len(steps) - 2, 0)
    return {"forward": (forward, steps[forward]) if can_forward else None,
            "back": [(i, steps[i]) for i in range(row["step"])]}


def printable(history: list[dict]) -> list[str]:
    """The forms this case can print now: those whose event happened, and the control sheet."""
    done = {e["action"] for e in history}
    return [form for action, form in FORMS.items() if action in done] + ["mau05"]


@router.get("/{code}")
def case_page(code: str, request: Request, who: Principal = Depends(caseworker)):
    row = cases.get(request.app.state.store, str(codes.parse_code(code)))
    return _case_page(request, who, row, done=request.query_params.get("done", ""))


def _case_page(request: Request, who: Principal, row: dict, *, done: str = "",
               error: MotcuaError | None = None, form: dict | None = None):
    site, store, now = deps.site(request), request.app.state.store, request.app.state.clock()
    view = staff_view(row, who, site, store, now, "view")
    history = cases.events(store, row["id"])
    actors = accounts.full_names(store, {e["actor"] for e in history if e["actor"]})
    offered = offered_actions(row, who)
    names = {s.unit: site.units.get(s.unit, {}).get("name", s.unit)
             for s in cases.procedure_of(row).workflow}
    is_open = row["status"] in [int(s) for s in LIST_STATUSES]
    due = parse_time(row["due_at"])
    left = working_offsets(site.calendar, [due], now)[due]
    return render(request, "staff/case.html", {
        "case": view, "row": row, "offered": offered, "actions": ACTIONS,
        "targets": _targets(row, offered), "history": history, "actors": actors,
        "printable": printable(history), "arrivals": ARRIVALS,
        "unit_names": names, "urgency": urgency(site.calendar, row, left) if is_open else None,
        "status": Status(row["status"]), "forms": FORMS,
        "done": done if done in ACTIONS else "", "parse_time": parse_time, "error": error,
        "happened": happened,
        "form": form or {}}, who=who, status_code=error.status if error else 200)


@router.post("/{code}/{action}")
async def act(code: str, action: str, request: Request, who: Principal = Depends(caseworker)):
    site, store, now = deps.site(request), request.app.state.store, request.app.state.clock()
    form = await form_data(request)
    code = str(codes.parse_code(code))
    try:
        if action not in ACTIONS:
            raise InvalidInput(f"Thao tác '{action}' không tồn tại",
                               f"Unknown action '{action}'")
        cases.act(store, site, code, action, deps.actor_of(who), now,
                  note=form.get("note", "")[:2000], params=_params(action, form, site.calendar))
    except MotcuaError as exc:
        return _case_page(request, who, cases.get(store, code), error=exc, form=form)
    return RedirectResponse(f"/staff/cases/{code}?done={action}", status_code=303)


def _params(action: str, form: dict, calendar: WorkingCalendar) -> dict:
    if action == "transfer":
        target = form.get("to_step", "")
        if not target.isdigit():
            raise InvalidInput("Chưa chọn bước chuyển đến", "Choose the step to send to",
                               field="to_step")
        return {"to_step": int(target)}
    if action == "apologize":
        moment = _date(form.get("new_due_at", ""), "new_due_at")
        if moment is None:
            raise InvalidInput("Cần chọn ngày hẹn mới", "Choose the new date",
                               field="new_due_at")
        # A date given to a citizen means the whole of that working day.
        return {"new_due_at": datetime.combine(moment.date(), calendar.hours.afternoon_end,
                                               tzinfo=VN_TZ)}
    if action == "return":
        return {"channel": form.get("channel", "counter")}
    return {}
