"""Cases and their event log: intake, workflow actions, queries. Every write is one transaction."""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from backend.domain import workflow
from backend.domain.calendar import VN_TZ, iso, parse_time
from backend.domain.chain import GENESIS, event_hash
from backend.domain.codes import MAX_SEQ, CaseCode
from backend.domain.errors import Conflict, InvalidInput, NotFound
from backend.domain.privacy import may_see_personal_data
from backend.domain.procedures import Procedure
from backend.domain.workflow import Actor, CaseState, Event, Status, Step
from backend.store import outbox
from backend.store.db import Store
from backend.store.site import Site

_STATE_TIMES = ("due_at", "paused_at", "new_due_at", "resolved_at", "returned_at")


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Intake:
    procedure: Procedure
    applicant: Applicant
    documents: dict[str, int]  # document id -> number of papers received
    sets: int = 1
    return_channel: str = "counter"
    received: bool = True  # False: registered online, not yet checked at the desk
    offline_code: CaseCode | None = None  # numbered offline from a leased block
    station: str | None = None  # the counter station that holds the block
    notify_sms: bool = False  # the citizen agreed to be told of results and new dates by SMS
    channel: str = "in_person"  # how the file came in: in_person, post or online


def steps_of(procedure: Procedure) -> list[Step]:
    return [Step(s.unit, frozenset(s.roles)) for s in procedure.workflow]


def next_sequence(db, agency: str, day: str) -> int:
    """Atomic under BEGIN IMMEDIATE: concurrent intakes never share or skip a number.

    A full day raises before the case is written; the caller's transaction rolls back the bump.
    """
    row = db.execute(
        "insert into sequences (agency, day, last) values (?, ?, 1) "
        "on conflict (agency, day) do update set last = last + 1 returning last",
        [agency, day],
    ).fetchone()
    if row[0] > MAX_SEQ:
        raise numbers_exhausted(day)
    return row[0]


def numbers_exhausted(day: str) -> Conflict:
    shown = f"{day[4:6]}/{day[2:4]}/20{day[:2]}"
    return Conflict(
        f"Đã hết số hồ sơ của ngày {shown} (tối đa {MAX_SEQ}); hồ sơ chưa được ghi. "
        "Vui lòng báo quản trị hệ thống.",
        f"No case numbers left for {shown} ({MAX_SEQ} at most); nothing was recorded. "
        "Please tell the system administrator.",
        key="numbers_exhausted")


def check_documents(procedure: Procedure, documents: dict[str, int]) -> list[str]:
    """Refuse unknown papers; return the names of required ones missing (Mẫu 02 material)."""
    known = {d.id: d for d in procedure.documents}
    for doc_id, count in documents.items():
        if doc_id not in known:
            raise InvalidInput(f"Thủ tục không có giấy tờ '{doc_id}'",
                               f"The procedure has no document '{doc_id}'", field="documents")
        if count < 1:
            raise InvalidInput(f"Số lượng giấy tờ '{doc_id}' phải từ 1 trở lên",
                               f"Count of document '{doc_id}' must be at least 1",
                               field="documents")
    return [d.name for d in procedure.documents if d.required and d.id not in documents]


def intake(store: Store, site: Site, data: Intake, actor: Actor, now: datetime, *,
           key: str | None = None, request_hash: str | None = None) -> tuple[dict, bool]:
    """Open a case; returns (case, created). A retried idempotency key returns the first case."""
    proc = data.procedure
    missing = check_documents(proc, data.documents)
    if missing and data.received:
        raise InvalidInput("Hồ sơ chưa đủ giấy tờ: " + "; ".join(missing),
                           "The file is incomplete: " + "; ".join(missing),
                           key="incomplete_file", field="documents")
    if data.notify_sms and not data.applicant.phone:
        raise InvalidInput("Muốn nhận tin nhắn thì cần số điện thoại của người nộp",
                           "SMS notices need the applicant's phone number",
                           key="phone_needed", field="applicant.phone")
    with store.tx() as db:
        if key and (earlier := _by_key(db, key)) is not None:
            if earlier["request_hash"] != request_hash:
                raise Conflict("Khoá chống trùng đã dùng cho một hồ sơ khác",
                               "This idempotency key was used for a different case",
                               key="idempotency_mismatch")
            return get(store, earlier["code"]), False
        if data.offline_code is not None:
            _check_offline(db, data, now)
        case_id = _insert_case(db, site, data, actor, now, key, request_hash)
        row = get_by_id(store, case_id)
        _log_own_write(store, db, actor, row, now, "intake")
    return row, True


def _check_offline(db, data: Intake, received_at: datetime) -> None:
    from backend.store.leases import check_leased

    code = data.offline_code
    if code.day != received_at.astimezone(VN_TZ).date():
        raise InvalidInput(f"Ngày trong mã {code} khác ngày tiếp nhận",
                           f"The date in code {code} differs from the day received",
                           field="received_at")
    check_leased(db, data.station or "", code)
    if db["cases"].count_where("code = ?", [str(code)]):
        raise Conflict(f"Mã hồ sơ {code} đã được dùng", f"Case code {code} is already used",
                       key="code_taken")


def _by_key(db, key: str) -> dict | None:
    rows = list(db.query("select code, request_hash from cases where idempotency_key = ?", [key]))
    return rows[0] if rows else None


def _insert_case(db, site: Site, data: Intake, actor: Actor, now: datetime, key, request_hash):
    proc, now = data.procedure, now.astimezone(VN_TZ)
    day = f"{now:%y%m%d}"
    code = data.offline_code or CaseCode(site.agency_code, now.date(),
                                         next_sequence(db, site.agency_code, day))
    unit = proc.processing_time.unit
    due = site.calendar.due_at(now, proc.processing_time.amount, unit, site.deadline_mode)
    status = Status.RECEIVED if data.received else Status.REGISTERED
    row = {
        "code": str(code), "agency": code.agency, "day": day, "seq": code.seq,
        "procedure_code": proc.code, "procedure_version": str(proc.version),
        "procedure": json.dumps(proc.model_dump(mode="json"), ensure_ascii=False),
        "applicant_name": data.applicant.name, "applicant_id_number": data.applicant.id_number,
        "applicant_phone": data.applicant.phone, "applicant_address": data.applicant.address,
        "documents": json.dumps(data.documents), "sets": data.sets,
        "return_channel": data.return_channel, "channel": data.channel,
        "fee": proc.fee.amount, "status": int(status),
        "step": 0, "current_unit": proc.workflow[0].unit, "time_unit": unit,
        "received_at": iso(now), "due_at": iso(due), "received_by": actor.username,
        "idempotency_key": key, "request_hash": request_hash, "updated_at": iso(now),
        "notify_sms": int(data.notify_sms),
    }
    case_id = db["cases"].insert(row).last_pk
    extra = {"offline": True, "station": data.station} if data.offline_code else {}
    event = Event("intake", actor.username, actor.role, actor.unit, now, None, status,
                  None, {"due_at": iso(due), "channel": data.channel, **extra})
    _append_event(db, case_id, event)
    return case_id


def _append_event(db, case_id: int, event: Event) -> None:
    """The one way into the event log: each row carries the hash of the one before it, read
    inside the caller's write transaction so two processes on one file still chain in order."""
    last = db.execute("select id, hash from events order by id desc limit 1").fetchone()
    last_id, prev = last if last else (0, GENESIS)
    row = {
        "id": last_id + 1, "case_id": case_id, "action": event.action, "actor": event.actor,
        "role": event.role, "unit": event.unit, "at": iso(event.at),
        "from_status": int(event.from_status) if event.from_status else None,
        "to_status": int(event.to_status), "note": event.note,
        "data": json.dumps(event.data, ensure_ascii=False),
    }
    db["events"].insert({**row, "prev_hash": prev, "hash": event_hash(row, prev)})
    outbox.enqueue(db, case_id, row["id"], event)  # same transaction: no event loses its SMS


@dataclass(frozen=True)
class Break:
    """The first place the event chain does not hold."""

    event_id: int
    vi: str
    en: str


def verify_events(store: Store) -> tuple[int, Break | None]:
    """Walk the chain from the first event: (events checked, first break or None)."""
    return verify_chain(store.db)


def verify_chain(db) -> tuple[int, Break | None]:
    """`verify_events` on any sqlite_utils database, e.g. a backup opened without `Store`."""
    prev, last_id, count = GENESIS, 0, 0
    for row in db.query("select * from events order by id"):
        problem = _break_at(row, prev, last_id)
        if problem:
            return count, problem
        prev, last_id, count = row["hash"], row["id"], count + 1
    return count, None


def _break_at(row: dict, prev: str, last_id: int) -> Break | None:
    event_id = row["id"]
    if row["prev_hash"] != prev and event_id != last_id + 1:
        return Break(event_id, f"thiếu sự kiện trước #{event_id} (sau #{last_id})",
                     f"row missing before event #{event_id} (after #{last_id})")
    if row["prev_hash"] != prev:
        return Break(event_id, f"sự kiện #{event_id}: mắt xích bị đứt (không khớp sự kiện "
                     "trước)", f"event #{event_id}: link broken (does not match the event "
                     "before it)")
    if row["hash"] != event_hash(row, prev):
        return Break(event_id, f"sự kiện #{event_id}: nội dung đã bị sửa",
                     f"event #{event_id}: content changed")
    return None


def get(store: Store, code: str) -> dict:
    return store.found("select * from cases where code = ?", [code],
                       NotFound(f"Không tìm thấy hồ sơ '{code}'", f"No case with code '{code}'"))


def get_by_id(store: Store, case_id: int) -> dict:
    return store.one("select * from cases where id = ?", [case_id])


def state_of(row: dict) -> CaseState:
    values = {f.name: row.get(f.name) for f in fields(CaseState)}
    values["status"] = Status(row["status"])
    for name in _STATE_TIMES:
        values[name] = parse_time(row[name])
    return CaseState(**values)


def procedure_of(row: dict) -> Procedure:
    return _procedure_from_json(row["procedure"])


@functools.lru_cache(maxsize=256)
def _procedure_from_json(text: str) -> Procedure:
    """Snapshots repeat across thousands of cases and never change: validate each once."""
    return Procedure.from_snapshot(json.loads(text))


def act(store: Store, site: Site, code: str, action: str, actor: Actor, now: datetime, *,
        note: str | None = None, params: dict | None = None) -> dict:
    """One workflow action: re-read, decide, write state and event together."""
    with store.tx() as db:
        row = get(store, code)
        steps = steps_of(procedure_of(row))
        state, event = workflow.apply(state_of(row), action, actor, now.astimezone(VN_TZ),
                                      steps=steps, calendar=site.calendar, note=note,
                                      params=params)
        changes = _state_columns(state, steps)
        changes["updated_at"] = iso(now)
        db["cases"].update(row["id"], changes)
        _append_event(db, row["id"], event)
        row = get(store, code)
        _log_own_write(store, db, actor, row, now, action)
    return row


def _state_columns(state: CaseState, steps: list[Step]) -> dict:
    values = asdict(state)
    values["status"] = int(state.status)
    for name in _STATE_TIMES:
        values[name] = iso(getattr(state, name))
    values["current_unit"] = steps[state.step].unit
    return values


def events(store: Store, case_id: int) -> list[dict]:
    rows = store.all("select * from events where case_id = ? order by id", [case_id])
    for row in rows:
        row["data"] = event_data(row["data"])
    return rows


def event_data(text: str | None) -> dict:
    """A damaged data column is shown as found rather than failing the whole history."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {"unreadable": text}
    return data if isinstance(data, dict) else {"unreadable": text}


def handling_units(store: Store, rows: list[dict]) -> dict[int, set[str]]:
    """Per case: the receiving desk, where it is now, and every unit it was moved to or that
    acted on it — the units that handle or handled it."""
    units = {r["id"]: {r["current_unit"], _receiving_unit(r)} - {None} for r in rows}
    if units:
        marks = ", ".join("?" for _ in units)
        for event in store.all(
                "select case_id, unit, case when json_valid(data) then "
                f"json_extract(data, '$.to_unit') end as to_unit from events "
                f"where case_id in ({marks})", list(units)):
            units[event["case_id"]].update(u for u in (event["unit"], event["to_unit"]) if u)
    return units


def _receiving_unit(row: dict) -> str | None:
    try:
        return procedure_of(row).workflow[0].unit
    except (ValueError, KeyError, TypeError):
        return None  # a damaged snapshot: the events still name the desk


def shown_in_full(store: Store, actor: Actor, rows: list[dict]) -> list[dict]:
    """The rows whose personal data this actor may see unmasked."""
    handling = handling_units(store, rows)
    return [r for r in rows if may_see_personal_data(actor.unit, handling[r["id"]])]


def log_personal_data_access(store: Store, actor: Actor, rows: list[dict], now: datetime,
                             purpose: str) -> None:
    if rows:
        with store.tx() as db:
            _log_views(db, actor, rows, now, purpose)


def _log_views(db, actor: Actor, rows: list[dict], now: datetime, purpose: str) -> None:
    """Who saw a citizen's full personal data, when, on which case (Decree 13/2023)."""
    db["personal_data_access"].insert_all(
        {"at": iso(now), "actor": actor.username, "role": actor.role, "unit": actor.unit,
         "case_id": row["id"], "code": row["code"], "purpose": purpose} for row in rows)


def _log_own_write(store: Store, db, actor: Actor, row: dict, now: datetime,
                   purpose: str) -> None:
    """A write answers with the case: its view is logged in the same transaction (one fsync)."""
    _log_views(db, actor, shown_in_full(store, actor, [row]), now, purpose)


# Overdue as `workflow.is_late` sees it: the clock stands still while the citizen supplies
# papers or pays, so a paused case is overdue only if it was already late when it paused.
OVERDUE_SQL = ("(status in (2, 4) and due_at < ?) "
               "or (status in (5, 6) and paused_at > due_at)")


def list_cases(store: Store, *, status: int | None = None, unit: str | None = None,
               overdue_at: datetime | None = None, received_from: datetime | None = None,
               received_to: datetime | None = None, limit: int = 100, offset: int = 0
               ) -> list[dict]:
    where, params = ["1=1"], []
    for clause, value in (("status = ?", status), ("current_unit = ?", unit),
                          ("received_at >= ?", iso(received_from)),
                          ("received_at < ?", iso(received_to))):
        if value is not None:
            where.append(clause)
            params.append(value)
    if overdue_at is not None:
        where.append(OVERDUE_SQL)
        params.append(iso(overdue_at))
    sql = f"select * from cases where {' and '.join(where)} order by id desc limit ? offset ?"
    return store.all(sql, [*params, limit, offset])
