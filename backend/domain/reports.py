"""What the period report counts (the national reporting template), and when. Pure.

A period runs from 00:00 of its first day to 00:00 after its last day, Vietnam time. A case
counts in a group by its procedure (its field, the unit that first handles it after the desk,
or the procedure itself). For each group:

- carried_over: received before the period and not finished when it began;
- received: received in the period (online registrations only once accepted at the desk);
  then split by how the file came in: in person at the desk, by post, or online;
- resolved_early / on_time / late: resolved in the period, by the class fixed at resolution;
- in_progress_in_time / in_progress_overdue: received before the period ended and not finished
  at its end, judged as `workflow.is_late` would have judged it at that moment: the deadline as
  it stood then (a supplement supplied later has not moved it yet), and a case waiting for the
  citizen at that moment is overdue only if it was already late when it paused;
- returned: results handed back in the period;
- withdrawn / stopped / refused: cases that ended so in the period;
- rated_*: satisfaction ratings given in the period.

A case is finished when it is resolved, withdrawn, stopped or refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backend.domain import vocabulary
from backend.domain.calendar import VN_TZ
from backend.domain.errors import InvalidInput

COLUMNS = ("carried_over", "received", "resolved_early", "resolved_on_time", "resolved_late",
           "in_progress_in_time", "in_progress_overdue", "returned", "withdrawn", "stopped",
           "refused", "rated_very_satisfied", "rated_satisfied", "rated_unsatisfied",
           "received_in_person", "received_by_post", "received_online")
# How the printed form lays them out: how cases came in right beside the number received.
LAYOUT = (*COLUMNS[:2], *COLUMNS[-3:], *COLUMNS[2:-3])
CHANNELS = ("in_person", "post", "online")
HEADERS_VI = {
    "carried_over": "Kỳ trước chuyển qua",
    "received": "Mới tiếp nhận",
    "received_in_person": "Tiếp nhận trực tiếp",
    "received_by_post": "Tiếp nhận qua bưu chính",
    "received_online": "Tiếp nhận trực tuyến",
    "resolved_early": "Đã giải quyết trước hạn",
    "resolved_on_time": "Đã giải quyết đúng hạn",
    "resolved_late": "Đã giải quyết quá hạn",
    "in_progress_in_time": "Đang giải quyết trong hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    **{key: vocabulary.STATUSES[key][0] for key in ("returned", "withdrawn", "stopped", "refused")},
    **{f"rated_{key}": vi for key, (vi, _) in vocabulary.RATINGS.items()},
}
# Short, as they stand under the form's bands ("Resolved": early, on time, late).
HEADERS_EN = {
    "carried_over": "Carried over", "received": "Received", "received_in_person": "In person",
    "received_by_post": "By post", "received_online": "Online", "resolved_early": "Early",
    "resolved_on_time": "On time", "resolved_late": "Late", "in_progress_in_time": "In time",
    "in_progress_overdue": "Overdue", "returned": "Returned", "withdrawn": "Withdrawn",
    "stopped": "Stopped", "refused": "Refused", "rated_very_satisfied": "Very satisfied",
    "rated_satisfied": "Satisfied", "rated_unsatisfied": "Not satisfied",
}
BY = {"unit": ("Đơn vị", "Unit"), "field": ("Lĩnh vực", "Field"),
      "procedure": ("Thủ tục", "Procedure")}
TOTAL = "TOTAL"
FORMATS = ("csv", "xlsx", "pdf", "html", "json")  # the files a period report comes as
PAUSES = ("request_supplement", "request_payment")
RESUMES = ("supplied", "paid")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), VN_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), VN_TZ)

    def label(self) -> str:
        return f"từ ngày {self.first:%d/%m/%Y} đến ngày {self.last:%d/%m/%Y}"


def period(first: str | date, last: str | date) -> Period:
    """A period from the user's dates, refused clearly when they make no sense."""
    begin, end = _day(first, "from"), _day(last, "to")
    if end < begin:
        raise InvalidInput("Ngày kết thúc phải từ ngày bắt đầu trở đi",
                           "The end date must not be before the start date", field="to")
    if (end - begin).days > 3660:
        raise InvalidInput("Kỳ báo cáo dài tối đa 10 năm",
                           "A report period is at most 10 years", field="to")
    return Period(begin, end)


def _day(value: str | date, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"Ngày '{value}' không hợp lệ (cần dạng YYYY-MM-DD)",
                           f"Date '{value}' is not valid (expected YYYY-MM-DD)",
                           field=field) from None


def check_by(by: str) -> str:
    if by not in BY:
        raise InvalidInput(f"Cách nhóm '{by}' không hợp lệ (unit, field hoặc procedure)",
                           f"Grouping '{by}' is not valid (unit, field or procedure)",
                           field="by")
    return by


def group_of(procedure, by: str) -> str:
    """The group a case counts in, from the procedure version it was received under."""
    if by == "field":
        return procedure.field.name
    if by == "procedure":
        return f"{procedure.code} {procedure.name}"
    return procedure.workflow[1].unit  # the first unit to handle it after the desk


def overdue_at(end: datetime, due_then: datetime, paused_since: datetime | None) -> bool:
    """Whether a case not finished at `end` was overdue then (see `workflow.is_late`)."""
    return (paused_since or end) > due_then


def empty_row() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


def with_total(groups: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    """Groups in Vietnamese-friendly order, then the TOTAL row."""
    total = empty_row()
    for row in groups.values():
        for column in COLUMNS:
            total[column] += row[column]
    return [*sorted(groups.items()), (TOTAL, total)]


# --- Mẫu 05: each hand-off against the step's share of the deadline ------------------------

MOVES = ("transfer", "resolve")


@dataclass(frozen=True)
class Handoff:
    """One stay of a case at a workflow step: who held it, from when to when, and whether it
    left within the step's share of the legal time (None: still there)."""

    step: int
    unit: str
    task: str
    received_at: datetime
    due_at: datetime
    handed_at: datetime | None = None
    official: str | None = None
    result: str | None = None


def step_due(calendar, start: datetime, amount: float, time_unit: str) -> datetime:
    """When a step's share runs out, counted from when the step got the case."""
    if time_unit == "calendar_days":
        return start + timedelta(days=amount)
    hours = amount if time_unit == "working_hours" else amount * _day_hours(calendar)
    return calendar.add_working_time(calendar.effective_start(start), timedelta(hours=hours))


def _day_hours(calendar) -> float:
    return calendar.hours.day_length.total_seconds() / 3600


def handoffs(procedure, events: list[dict], calendar) -> list[Handoff]:
    """The stays of a case, from its events (dicts with action, at as datetime, actor's full
    name in `official`, unit and data). Time waiting for the citizen extends the step's due."""
    stays: list[dict] = []
    for event in events:
        if event["action"] == "intake":
            stays.append(_stay(procedure, 0, event["at"]))
        elif event["action"] in MOVES and stays:
            _note(stays[-1], event, calendar)
            stays[-1]["handed_at"] = event["at"]
            target = event["data"].get("to_step", len(procedure.workflow) - 1)
            stays.append(_stay(procedure, target, event["at"]))
        elif stays:
            _note(stays[-1], event, calendar)
    return [_finish(s, procedure, calendar) for s in stays]


def _stay(procedure, step: int, at: datetime) -> dict:
    return {"step": step, "unit": procedure.workflow[step].unit, "received_at": at,
            "handed_at": None, "official": None, "waited": timedelta(),
            "waited_days": timedelta()}


def _note(stay: dict, event: dict, calendar) -> None:
    """The holder is the last official of the holding unit to act during the stay; a wait
    for the citizen that ends during the stay is added to the step's time."""
    if event["unit"] == stay["unit"] and event["action"] not in RESUMES:
        stay["official"] = event["official"]
    since = event["data"].get("waited_from") if event["action"] in RESUMES else None
    if since:
        since = datetime.fromisoformat(since)
        stay["waited"] += calendar.working_time_between(since, event["at"])
        stay["waited_days"] += event["at"] - since


def _finish(stay: dict, procedure, calendar) -> Handoff:
    step = procedure.workflow[stay["step"]]
    time_unit = procedure.processing_time.unit
    due = step_due(calendar, stay["received_at"], step.time, time_unit)
    due = due + stay["waited_days"] if time_unit == "calendar_days" else \
        calendar.add_working_time(due, stay["waited"])
    handed = stay["handed_at"]
    return Handoff(stay["step"], step.unit, step.name, stay["received_at"], due, handed,
                   stay["official"], calendar.classify(handed, due) if handed else None)
