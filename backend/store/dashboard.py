"""Figures for the leaders' dashboard: today's intake, open cases by unit and urgency,
on-time rates for a period, satisfaction, queue waits, and the devices' last signs of life."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from backend.domain.calendar import VN_TZ
from backend.domain.workflow import OPEN
from backend.store.cases import iso
from backend.store.db import Store

_OPEN = ", ".join(str(int(s)) for s in sorted(OPEN))


def _day_bounds(day: date) -> tuple[str, str]:
    start = datetime.combine(day, time(), tzinfo=VN_TZ)
    return iso(start), iso(start + timedelta(days=1))


def intake_on(store: Store, day: date) -> list[dict]:
    start, end = _day_bounds(day)
    return store.all("select c.procedure_code as code, p.name, count(*) as n from cases c "
                     "left join procedures p on p.code = c.procedure_code and "
                     "p.version = c.procedure_version where c.received_at >= ? and "
                     "c.received_at < ? group by c.procedure_code order by n desc",
                     [start, end])


def channels_on(store: Store, day: date) -> dict[str, int]:
    """Cases received on `day` by how they came in, from the report's daily tallies."""
    rows = store.conn.execute(
        "select fact, sum(n) from report_days where day = ? and fact in "
        "('received_in_person', 'received_by_post', 'received_online') group by fact",
        [day.isoformat()])
    return {fact.removeprefix("received_"): n for fact, n in rows}


def open_by_unit(store: Store, now: datetime, soon: datetime) -> list[dict]:
    """Per unit: open cases within time, due before `soon` (one working day), overdue."""
    return store.all(
        "select current_unit as unit, "
        "sum(due_at >= ?) - sum(due_at >= ? and due_at < ?) as within, "
        "sum(due_at >= ? and due_at < ?) as soon, sum(due_at < ?) as overdue "
        f"from cases where status in ({_OPEN}) group by current_unit order by current_unit",
        [iso(now), iso(now), iso(soon), iso(now), iso(soon), iso(now)])


def on_time(store: Store, start: date, end: date, by: str) -> list[dict]:
    """Resolved in [start, end]: early, on time and late, by the resolving unit or by
    procedure."""
    first, _ = _day_bounds(start)
    _, last = _day_bounds(end)
    key = "e.unit" if by == "unit" else "c.procedure_code"
    return store.all(
        f"select {key} as name, sum(c.result_class = 'early') as early, "
        "sum(c.result_class = 'on_time') as on_time, sum(c.result_class = 'late') as late, "
        "count(*) as n from cases c join events e on e.case_id = c.id and e.action = 'resolve' "
        f"where e.at >= ? and e.at < ? group by {key} order by {key}", [first, last])


def satisfaction(store: Store, start: date, end: date) -> list[dict]:
    first, _ = _day_bounds(start)
    _, last = _day_bounds(end)
    return store.all("select rating, count(*) as n from ratings where at >= ? and at < ? "
                     "group by rating", [first, last])


def queue_waits(store: Store, day: date) -> list[dict]:
    """Per service today: tickets, how many were called, and the average and longest wait
    in minutes from issue to call."""
    return store.all(
        "select service, count(*) as tickets, count(called_at) as called, "
        "round(avg((julianday(called_at) - julianday(issued_at)) * 1440), 1) as avg_wait, "
        "round(max((julianday(called_at) - julianday(issued_at)) * 1440), 1) as max_wait "
        "from tickets where day = ? group by service order by service", [day.isoformat()])
