"""The hub's end of the sync: sites and their tokens, and batches of events taken in order.

A batch is taken whole or not at all. Events must extend the site's hash chain exactly where
the hub's copy ends; a resent event (same site and id, same hash) is counted once; anything
else is refused with the hub's own position, so the agent resumes from what the hub holds.
"""

from __future__ import annotations

import hashlib

from psycopg.types.json import Jsonb
from pydantic_core import to_json

from backend.domain.codes import validate_agency
from backend.domain.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from backend.domain.passwords import new_token
from backend.hub import migrations
from backend.hub.db import HubStore
from backend.store.cases import event_hash, procedure_of

EVENT_COLUMNS = ("site", "id", "case_id", "case_code", "action", "actor", "role", "unit", "at",
                 "from_status", "to_status", "note", "data", "prev_hash", "hash")


class SyncGap(Conflict):
    """The batch does not start where the hub's copy ends; carries where it does end."""

    key = "sync_gap"

    def __init__(self, last_event_id: int):
        super().__init__(f"Máy chủ tỉnh đang giữ đến sự kiện #{last_event_id}; gửi tiếp từ "
                         f"#{last_event_id + 1}",
                         f"The hub holds events up to #{last_event_id}; continue from "
                         f"#{last_event_id + 1}")
        self.last_event_id = last_event_id

    def to_dict(self) -> dict:
        return {**super().to_dict(), "last_event_id": self.last_event_id}


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_site(store: HubStore, agency: str, name: str) -> str:
    """Register a centre; returns its token (shown once, only its hash is kept)."""
    validate_agency(agency)
    token = new_token()
    with store.tx() as conn:
        if conn.execute("select 1 from sites where agency = %s", [agency]).fetchone():
            raise Conflict(f"Trung tâm {agency} đã được đăng ký",
                           f"Site {agency} is already registered", key="site_exists")
        conn.execute("insert into sites (agency, name, token_hash) values (%s, %s, %s)",
                     [agency, name, _hash_token(token)])
    return token


def authenticate(store: HubStore, token: str) -> str:
    row = store.one("select agency from sites where token_hash = %s", [_hash_token(token)])
    if row is None:
        raise Unauthorized("Mã truy cập của trung tâm không đúng",
                           "Unknown site token", key="bad_site_token")
    return row["agency"]


def state(store: HubStore, agency: str) -> dict:
    row = store.one("select last_event_id, last_hash from sites where agency = %s", [agency])
    return {"site": agency, "last_event_id": row["last_event_id"], "last_hash": row["last_hash"]}


def receive(store: HubStore, agency: str, batch: dict) -> dict:
    _check_owner(agency, batch)
    with store.tx() as conn:
        site = conn.execute("select last_event_id, last_hash from sites where agency = %s "
                            "for update", [agency]).fetchone()
        fresh, seen = _split(site, batch["events"])
        _check_resent(conn, agency, seen)
        _copy_events(conn, agency, fresh)
        _upsert_procedures(conn, batch["procedures"], batch["cases"])
        _upsert_cases(conn, agency, batch["cases"])
        _write_histories(conn, {e["case_code"] for e in fresh}
                         | {c["code"] for c in batch["cases"]})
        last = fresh[-1] if fresh else {"id": site["last_event_id"],
                                         "hash": site["last_hash"]}
        header = batch["site"]
        conn.execute("update sites set name = %s, units = %s, lookup_key = %s, "
                     "agency_index = coalesce(%s, agency_index), last_event_id = %s, "
                     "last_hash = %s, last_push_at = now() where agency = %s",
                     [header["name"], Jsonb(header["units"]),
                      bytes.fromhex(header["lookup_key"]), header.get("agency_index"),
                      last["id"], last["hash"], agency])
    return {"last_event_id": last["id"], "accepted": len(fresh), "duplicates": len(seen)}


def _check_owner(agency: str, batch: dict) -> None:
    """A site writes only its own cases: its agency code heads every case code it sends."""
    codes = {e["case_code"] for e in batch["events"]} | {c["code"] for c in batch["cases"]}
    foreign = sorted(c for c in codes if not c.startswith(f"{agency}-"))
    if batch["site"]["agency"] != agency or foreign:
        shown = ", ".join(foreign[:3]) or batch["site"]["agency"]
        raise Forbidden(f"Trung tâm {agency} không được gửi hồ sơ của nơi khác ({shown})",
                        f"Site {agency} may not write another site's cases ({shown})",
                        key="foreign_cases")


def _split(site: dict, events: list[dict]) -> tuple[list[dict], list[dict]]:
    """(events that extend the chain, events the hub already holds); refuses a gap."""
    last_id, last_hash = site["last_event_id"], site["last_hash"]
    fresh, seen = [], []
    for event in sorted(events, key=lambda e: e["id"]):
        if event["id"] <= last_id and not fresh:
            seen.append(event)
            continue
        if event["id"] != last_id + 1 or event["prev_hash"] != last_hash:
            raise SyncGap(site["last_event_id"])
        if event_hash(event, last_hash) != event["hash"]:
            raise InvalidInput(f"Sự kiện #{event['id']}: mã băm không khớp nội dung",
                               f"Event #{event['id']}: hash does not match its content",
                               key="bad_event_hash", field="events")
        fresh.append(event)
        last_id, last_hash = event["id"], event["hash"]
    return fresh, seen


def _check_resent(conn, agency: str, seen: list[dict]) -> None:
    if not seen:
        return
    rows = conn.execute("select id, hash from events where site = %s and id = any(%s)",
                        [agency, [e["id"] for e in seen]]).fetchall()
    held = {r["id"]: r["hash"] for r in rows}
    for event in seen:
        if held.get(event["id"]) != event["hash"]:
            raise Conflict(f"Sự kiện #{event['id']} ở trung tâm khác bản ở máy chủ tỉnh: "
                           "cần kiểm tra bằng `motcua sync check`",
                           f"Event #{event['id']} differs between the site and the hub: "
                           "run `motcua sync check`", key="sync_diverged")


def _copy_events(conn, agency: str, events: list[dict]) -> None:
    if not events:
        return
    with conn.cursor().copy(f"copy events ({', '.join(EVENT_COLUMNS)}) from stdin") as copy:
        for event in events:
            copy.write_row([agency if c == "site" else event[c] for c in EVENT_COLUMNS])


def _upsert_procedures(conn, snapshots: dict[str, str], views: list[dict]) -> None:
    """Each snapshot once, checked against its digest; every case must name a known one."""
    for digest, text in snapshots.items():
        if _digest(text) != digest:
            raise InvalidInput("Bản chụp thủ tục không khớp mã băm",
                               "A procedure snapshot does not match its digest",
                               key="bad_procedure_digest", field="procedures")
    if snapshots:
        conn.cursor().executemany(
            "insert into procedures (digest, snapshot, code, name, field_code, field_name) "
            "values (%s, %s, %s, %s, %s, %s) on conflict do nothing",
            [[digest, text, *_procedure_names(text)] for digest, text in snapshots.items()])
    wanted = list({v["procedure_digest"] for v in views} - set(snapshots))
    known = conn.execute("select count(*) as n from procedures where digest = any(%s)",
                         [wanted]).fetchone()["n"] if wanted else 0
    if known != len(wanted):
        raise InvalidInput("Hồ sơ dẫn chiếu thủ tục chưa gửi", "A case names a procedure "
                           "snapshot the hub does not hold", key="unknown_procedure",
                           field="cases")


CASE_COLUMNS = ("code", "site", "day", "procedure_code", "procedure_digest", "status",
                "current_unit", "received_at", "view", "last_event_id")


def _upsert_cases(conn, agency: str, views: list[dict]) -> None:
    """Cases the hub does not hold yet go straight in by COPY (a first catch-up is all new
    cases); the others through a scratch table and one upsert, where a view never replaces
    one sent after it (last_event_id). The site's row lock keeps its batches in turn."""
    if not views:
        return
    held = {r["code"] for r in conn.execute("select code from cases where code = any(%s)",
                                            [[v["code"] for v in views]])}
    fresh = [v for v in views if v["code"] not in held]
    _copy_cases(conn, "cases", agency, fresh)
    if len(fresh) == len(views):
        return
    # Made once per connection and emptied at each commit: no catalogue churn per batch.
    conn.execute("create temp table if not exists incoming (like cases) on commit delete rows")
    _copy_cases(conn, "incoming", agency, [v for v in views if v["code"] in held])
    columns = ", ".join(CASE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in CASE_COLUMNS if c != "code")
    conn.execute(f"insert into cases ({columns}) select {columns} from incoming "
                 f"on conflict (code) do update set {updates} "
                 "where cases.last_event_id <= excluded.last_event_id")


def _write_histories(conn, codes: set[str]) -> None:
    """The kept history of every case the batch wrote or gave events to, from the events the
    hub holds (so a case's row that comes after its events gets it too)."""
    if codes:
        conn.execute(f"update cases set history = {migrations.HISTORY} "
                     "where code = any(%s)", [sorted(codes)])


def _copy_cases(conn, table: str, agency: str, views: list[dict]) -> None:
    if not views:
        return
    with conn.cursor().copy(f"copy {table} ({', '.join(CASE_COLUMNS)}) from stdin") as copy:
        for view in views:
            copy.write_row(_case_row(agency, view))


def _case_row(agency: str, view: dict) -> list:
    return [view["code"], agency, view["day"], view["procedure_code"],
            view["procedure_digest"], view["status"], view["current_unit"],
            view["received_at"], to_json(view).decode(), view["last_event_id"]]


def _procedure_names(text: str) -> list:
    """Code, name and field for the province report; a snapshot it cannot read is kept
    as sent (the lookup says it cannot show such a case)."""
    try:
        proc = procedure_of({"procedure": text})
    except (ValueError, KeyError, TypeError):
        return [None, None, None, None]
    return [proc.code, proc.name, proc.field.code, proc.field.name]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def day_digests(store: HubStore, agency: str, day: str | None) -> dict[str, dict]:
    """The hub's side of `motcua sync check`, computed as the site computes its own."""
    where = "and substr(at, 1, 10) = %s" if day else ""
    rows = store.all(
        "select substr(at, 1, 10) as day, count(*) as count, encode(sha256(convert_to("
        "string_agg(hash, '' order by id), 'UTF8')), 'hex') as digest from events "
        f"where site = %s {where} group by 1", [agency, day] if day else [agency])
    return {r["day"]: {"count": r["count"], "digest": r["digest"]} for r in rows}



def add_reader(store: HubStore, name: str) -> str:
    """A token for reading the province report (leaders, the province's lookup system)."""
    token = new_token()
    with store.tx() as conn:
        conn.execute("insert into readers (name, token_hash) values (%s, %s) on conflict (name) "
                     "do update set token_hash = excluded.token_hash", [name, _hash_token(token)])
    return token


def authenticate_reader(store: HubStore, token: str) -> str:
    row = store.one("select name from readers where token_hash = %s", [_hash_token(token)])
    if row is None:
        raise Unauthorized("Mã truy cập báo cáo không đúng", "Unknown report token",
                           key="bad_reader_token")
    return row["name"]
