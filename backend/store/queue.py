"""Queue tickets and calls. A ticket is reserved, printed, then waits; only printed ones count.

The kiosk or counter reserves a number, prints it, and confirms; a print failure cancels the
reservation, so no citizen waits for a number nobody holds.
"""

from __future__ import annotations

from datetime import datetime

from backend.domain import queue
from backend.domain.calendar import VN_TZ, WorkingCalendar
from backend.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from backend.domain.queue import QueueConfig, Waiting
from backend.store.cases import iso
from backend.store.db import Store

OPEN_STATES = ("waiting",)


def _day(now: datetime) -> str:
    return now.astimezone(VN_TZ).date().isoformat()


def is_open(calendar: WorkingCalendar, now: datetime) -> bool:
    local = now.astimezone(VN_TZ)
    return calendar.is_working_day(local.date()) and any(
        start <= local.time() < end for start, end in calendar.hours.periods)


def next_opening(calendar: WorkingCalendar, now: datetime) -> datetime:
    """When tickets are issued again: after lunch today, or the next working morning."""
    local = now.astimezone(VN_TZ)
    day = local.date()
    if calendar.is_working_day(day):
        for start, _end in calendar.hours.periods:
            if local.time() < start:
                return datetime.combine(day, start, tzinfo=VN_TZ)
    day = calendar.next_working_day(day)
    return datetime.combine(day, calendar.hours.morning_start, tzinfo=VN_TZ)


def ticketing(calendar: WorkingCalendar, now: datetime) -> dict:
    """Whether tickets are issued now and, if not, from when: the kiosk says it before a tap."""
    if is_open(calendar, now):
        return {"open": True, "opens_at": None}
    return {"open": False, "opens_at": iso(next_opening(calendar, now))}


def check_open(calendar: WorkingCalendar, now: datetime) -> None:
    if not is_open(calendar, now):
        raise Conflict("Ngoài giờ làm việc, chưa cấp số thứ tự",
                       "Outside opening hours: no queue tickets now", key="queue_closed")


def reserve(store: Store, config: QueueConfig, calendar: WorkingCalendar, letter: str,
            priority_reason: str | None, by: str, now: datetime, issuer: str | None = None
            ) -> dict:
    """`issuer` ("device:7", "user:3") is the only one who may confirm or cancel it later."""
    service = config.service(letter)
    check_open(calendar, now)
    if priority_reason and priority_reason not in queue.PRIORITY_REASONS:
        raise InvalidInput(f"Lý do ưu tiên '{priority_reason}' không hợp lệ",
                           f"Unknown priority reason '{priority_reason}'", field="priority")
    day = _day(now)
    with store.tx() as db:
        number = _next_number(db, day, letter)
        if number > service.daily_limit:
            raise Conflict(f"Dịch vụ '{service.name}' đã hết số hôm nay",
                           f"Service '{service.name}' has no tickets left today",
                           key="queue_full")
        ticket_id = db["tickets"].insert({
            "day": day, "service": letter, "number": number,
            "label": queue.label(letter, number), "priority": int(bool(priority_reason)),
            "priority_reason": priority_reason, "status": "reserved",
            "issued_seq": _next_seq(db, day), "issued_at": iso(now), "issued_by": by,
            "issuer": issuer,
        }).last_pk
    return ticket_view(store, ticket_id)


def _next_number(db, day: str, letter: str) -> int:
    row = db.execute("select coalesce(max(number), 0) + 1 from tickets where day = ? and "
                     "service = ?", [day, letter]).fetchone()
    return row[0]


def _next_seq(db, day: str) -> int:
    return db.execute("select coalesce(max(issued_seq), 0) + 1 from tickets where day = ?",
                      [day]).fetchone()[0]


def _ticket(store: Store, ticket_id: int) -> dict:
    return store.found("select * from tickets where id = ?", [ticket_id],
                       NotFound(f"Không có vé số {ticket_id}", f"No ticket {ticket_id}"))


def _waiting(store: Store, day: str) -> list[Waiting]:
    rows = store.all("select id, service, priority, issued_seq, counter from tickets "
                     "where day = ? and status = 'waiting'", [day])
    return [Waiting(r["id"], r["service"], bool(r["priority"]), r["issued_seq"], r["counter"])
            for r in rows]


def ticket_view(store: Store, ticket_id: int) -> dict:
    row = _ticket(store, ticket_id)
    waiting = _waiting(store, row["day"])
    me = next((w for w in waiting if w.id == ticket_id), None)
    ahead = queue.people_ahead(waiting, me) if me else (
        sum(1 for w in waiting if w.service == row["service"]) if row["status"] == "reserved"
        else 0)
    return {**row, "priority": bool(row["priority"]), "people_ahead": ahead}


def _set_status(store: Store, ticket_id: int, expected: tuple, status: str, now,
                issuer: str | None = None) -> dict:
    with store.tx() as db:
        row = _ticket(store, ticket_id)
        if issuer is not None and row["issuer"] != issuer:
            raise Forbidden(f"Vé {row['label']} do nơi khác cấp, không thể sửa",
                            f"Ticket {row['label']} was issued elsewhere and cannot be changed",
                            key="not_your_ticket")
        if row["status"] not in expected:
            raise Conflict(f"Vé {row['label']} đang ở trạng thái '{row['status']}'",
                           f"Ticket {row['label']} is '{row['status']}'", key="ticket_state")
        changes = {"status": status}
        if status in ("done", "no_show", "cancelled"):
            changes["done_at"] = iso(now)
        db["tickets"].update(ticket_id, changes)
    return ticket_view(store, ticket_id)


def confirm_printed(store: Store, ticket_id: int, now: datetime,
                    issuer: str | None = None) -> dict:
    return _set_status(store, ticket_id, ("reserved",), "waiting", now, issuer)


def cancel(store: Store, ticket_id: int, now: datetime, issuer: str | None = None) -> dict:
    return _set_status(store, ticket_id, ("reserved",), "cancelled", now, issuer)


def current_at(store: Store, counter: int, day: str) -> dict | None:
    return store.one("select * from tickets where day = ? and status = 'called' and counter = ?"
                     " order by called_at desc limit 1", [day, counter])


def call_next(store: Store, config: QueueConfig, counter_no: int, now: datetime) -> dict | None:
    """Finish the ticket being served here and call the next one, or None when nobody waits."""
    counter, day = config.counter(counter_no), _day(now)
    with store.tx() as db:
        previous = current_at(store, counter_no, day)
        if previous:
            db["tickets"].update(previous["id"], {"status": "done", "done_at": iso(now)})
        chosen = queue.pick_next(_waiting(store, day), counter)
        if chosen is None:
            return None
        db["tickets"].update(chosen.id, {"status": "called", "counter": counter_no,
                                         "called_at": iso(now)})
        _record_call(db, chosen.id, counter_no, now, "call")
    return ticket_view(store, chosen.id)


def _record_call(db, ticket_id: int, counter: int, now: datetime, kind: str) -> None:
    label = next(db.query("select label from tickets where id = ?", [ticket_id]))["label"]
    db["calls"].insert({"ticket_id": ticket_id, "label": label, "counter": counter,
                        "at": iso(now), "kind": kind})


def _require_current(store: Store, counter: int, now: datetime) -> dict:
    current = current_at(store, counter, _day(now))
    if current is None:
        raise Conflict(f"Quầy {counter} chưa gọi số nào", f"Counter {counter} has no one called",
                       key="nobody_called")
    return current


def recall(store: Store, counter: int, now: datetime) -> dict:
    current = _require_current(store, counter, now)
    with store.tx() as db:
        _record_call(db, current["id"], counter, now, "recall")
    return ticket_view(store, current["id"])


def finish(store: Store, counter: int, status: str, now: datetime) -> dict:
    """Serve done, or skip a no-show."""
    current = _require_current(store, counter, now)
    return _set_status(store, current["id"], ("called",), status, now)


def transfer(store: Store, config: QueueConfig, counter: int, now: datetime, *,
             to_counter: int | None = None, to_service: str | None = None) -> dict:
    """Send the citizen at this counter to another counter or service, keeping their turn."""
    if (to_counter is None) == (to_service is None):
        raise InvalidInput("Chọn một quầy hoặc một dịch vụ để chuyển",
                           "Choose exactly one counter or service to transfer to", field="to")
    if to_counter is not None:
        config.counter(to_counter)
    if to_service is not None:
        config.service(to_service)
    current = _require_current(store, counter, now)
    with store.tx() as db:
        db["tickets"].update(current["id"], {
            "status": "waiting", "counter": to_counter,
            "service": to_service or current["service"], "called_at": None})
    return ticket_view(store, current["id"])


def status(store: Store, config: QueueConfig, now: datetime, recent: int = 10) -> dict:
    """What the hall display and the kiosk show: waiting per service, counters, last calls."""
    day = _day(now)
    waiting = _waiting(store, day)
    calls = store.all("select label, counter, at, kind from calls where at >= ? "
                      "order by id desc limit ?", [day, recent])
    return {
        "day": day,
        "services": [{"letter": s.letter, "name": s.name,
                      "waiting": sum(1 for w in waiting if w.service == s.letter)}
                     for s in config.services],
        "counters": [{"number": c.number, "services": list(c.services),
                      "current": (current_at(store, c.number, day) or {}).get("label")}
                     for c in config.counters],
        "calls": calls,
        "latest": calls[0] if calls else None,
    }
