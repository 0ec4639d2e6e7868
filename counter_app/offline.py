"""Working through a network outage: leased case numbers, the outbox, sending it later.

The regulations say: when the system is down, keep receiving and enter everything once it is
back (Quảng Nam art. 7.2, Ia Pa art. 9.2). So while online the station leases blocks of case
numbers (`client.lease`); offline, an intake takes the next number of today's block, which keeps
the official code format and can never collide with the server's numbering. The case waits in
the outbox, and on reconnection the outbox is sent in order, each entry with its own
idempotency key and original time: a resend after a lost answer lands nothing twice, and the
backend keeps `received_at` and computes the due date from it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backend.client import ApiError
from backend.domain.codes import CaseCode, make_compact, qr_payload
from counter_app.config import StationConfig
from counter_app.link import Link
from counter_app.localstore import LocalStore
from counter_app.strings import fail, msg
from counter_app.texts import Msg, OfflineError

# -- leased numbers ---------------------------------------------------------------------------


class Leases:
    def __init__(self, store: LocalStore, link: Link, station: StationConfig,
                 clock: Callable[[], datetime]) -> None:
        self.store, self.link, self.station, self.clock = store, link, station, clock

    def remaining(self, day: date | None = None) -> int:
        day = day or self.clock().date()
        row = self.store.one("select coalesce(sum(last - next + 1), 0) as n from leases "
                             "where day = ? and next <= last", [day.isoformat()])
        return row["n"]

    def top_up(self) -> int:
        """Lease more while online when today's numbers run low; returns how many were added."""
        if self.remaining() >= self.station.lease_low_water:
            return 0
        blocks = self.link.call(self.link.client.lease, self.station.station,
                                self.station.lease_days, self.station.lease_count)
        with self.store.tx() as db:
            for block in blocks:
                db["leases"].insert({**{k: block[k] for k in ("station", "agency", "day",
                                                              "first", "last", "leased_at")},
                                     "next": block["first"],
                                     "tokens": json.dumps(block.get("tokens") or {}),
                                     "agency_index": block.get("agency_index")}, ignore=True)
        return sum(b["last"] - b["first"] + 1 for b in blocks)

    def take(self, db, day: date) -> CaseCode:
        """The next unused number of `day`, inside the caller's transaction."""
        rows = list(db.query("select * from leases where day = ? and next <= last "
                             "order by first limit 1", [day.isoformat()]))
        if not rows:
            raise fail("no_lease")
        block = rows[0]
        db["leases"].update(block["id"], {"next": block["next"] + 1})
        return CaseCode(block["agency"], day, block["next"])

    def symbols(self, db, code: CaseCode) -> tuple[str | None, str | None]:
        """(compact Code 128, QR) for a leased number: the server sent each number's token
        with the block, so an offline receipt reads at the kiosk like any other."""
        rows = list(db.query("select tokens, agency_index from leases where agency = ? and "
                             "day = ? and first <= ? and last >= ?",
                             [code.agency, code.day.isoformat(), code.seq, code.seq]))
        token = json.loads(rows[0]["tokens"] or "{}").get(str(code.seq)) if rows else None
        if not token or rows[0]["agency_index"] is None:
            return None, None  # a block from a server that sent no tokens: code only
        compact = make_compact(code, rows[0]["agency_index"], token)
        return str(compact), qr_payload(code, token)

    def agency(self) -> str | None:
        row = self.store.one("select agency from leases order by id desc limit 1")
        return row["agency"] if row else None


# -- the outbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str  # intake, action, rating
    key: str
    code: str | None
    body: dict
    status: str  # pending, sent, rejected, duplicate
    attempts: int
    last_error: str | None
    result: dict | None
    created_at: str
    sent_at: str | None
    local_due_at: str | None
    server_due_at: str | None

    @property
    def due_changed(self) -> bool:
        return bool(self.server_due_at and self.local_due_at and
                    datetime.fromisoformat(self.server_due_at) !=
                    datetime.fromisoformat(self.local_due_at))


def _entry(row: dict) -> Entry:
    row = dict(row)
    row["body"] = json.loads(row["body"])
    row["result"] = json.loads(row["result"]) if row["result"] else None
    return Entry(**row)


class Outbox:
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def add(self, db, kind: str, key: str, code: str | None, body: dict, created_at: str,
            local_due_at: str | None = None) -> int:
        return db["outbox"].insert({
            "kind": kind, "key": key, "code": code, "created_at": created_at,
            "body": json.dumps(body, ensure_ascii=False), "local_due_at": local_due_at}).last_pk

    def entries(self, status: str | None = None) -> list[Entry]:
        if status is None:
            return [_entry(r) for r in self.store.all("select * from outbox order by id")]
        return [_entry(r) for r in self.store.all(
            "select * from outbox where status = ? order by id", [status])]

    def pending(self) -> list[Entry]:
        return self.entries("pending")

    def counts(self) -> dict[str, int]:
        rows = self.store.all("select status, count(*) as n from outbox group by status")
        return {r["status"]: r["n"] for r in rows}

    def needs_attention(self) -> list[Entry]:
        """Entries the clerk must look at: refused, landed twice, or given a new due date."""
        return [e for e in self.entries() if e.status in ("rejected", "duplicate") or
                e.due_changed]

    def mark(self, entry: Entry, status: str, *, error: str | None = None,
             result: dict | None = None, sent_at: str | None = None) -> None:
        changes = {"status": status, "attempts": entry.attempts + 1, "last_error": error}
        if result is not None:
            changes["result"] = json.dumps(result, ensure_ascii=False)
            changes["server_due_at"] = result.get("due_at")
        if sent_at:
            changes["sent_at"] = sent_at
        with self.store.tx() as db:
            db["outbox"].update(entry.id, changes)

    def note_error(self, entry: Entry, error: str) -> None:
        with self.store.tx() as db:
            db["outbox"].update(entry.id, {"attempts": entry.attempts + 1, "last_error": error})


# -- sending it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    sent: int = 0
    rejected: int = 0
    left: int = 0

    @property
    def msg(self) -> Msg:
        return msg("outbox_sent", "warning" if self.rejected else "ok", sent=self.sent,
                   left=self.left, rejected=self.rejected)


# Answers that will not change by trying again: the entry needs the clerk, not a retry.
PERMANENT = {400, 403, 404, 409, 422}


class Syncer:
    def __init__(self, outbox: Outbox, link: Link, station: StationConfig,
                 clock: Callable[[], datetime]) -> None:
        self.outbox, self.link, self.station, self.clock = outbox, link, station, clock
        self.lock = threading.Lock()  # the worker and a "send now" button never interleave

    def run(self) -> SyncReport:
        """Send the pending entries oldest first; stop when the link drops."""
        sent = rejected = 0
        with self.lock:
            for entry in self.outbox.pending():
                outcome = self._send(entry)
                if outcome == "stop":
                    break
                sent += outcome == "sent"
                rejected += outcome == "rejected"
        return SyncReport(sent, rejected, len(self.outbox.pending()))

    def _send(self, entry: Entry) -> str:
        try:
            send = {"intake": self._intake, "action": self._action, "rating": self._rating}
            result = send[entry.kind](entry)
        except OfflineError:
            return "stop"
        except ApiError as error:
            return self._refused(entry, error)
        self.outbox.mark(entry, "sent", result=result, sent_at=self.clock().isoformat())
        return "sent"

    def _intake(self, entry: Entry) -> dict:
        body = entry.body
        return self.link.call(
            self.link.client.intake, body["procedure_code"], body["applicant"],
            body["documents"], sets=body["sets"], return_channel=body["return_channel"],
            channel=body.get("channel", "in_person"), idempotency_key=entry.key,
            notify_sms=body.get("notify_sms", False),
            offline={"code": entry.code, "received_at": body["received_at"],
                     "station": self.station.station})

    def _action(self, entry: Entry) -> dict:
        body = entry.body
        try:
            return self.link.call(self.link.client.action, entry.code, body["action"],
                                  note=body.get("note"), **body.get("params", {}))
        except ApiError as error:
            # Sent before, answer lost: the case is already where the action takes it.
            if error.key == "illegal_transition":
                case = self.link.call(self.link.client.case, entry.code)
                if case["status"] == body.get("target"):
                    return case
            raise

    def _rating(self, entry: Entry) -> dict:
        try:
            return self.link.call(self.link.client.rate, entry.code, entry.body["rating"],
                                  channel="counter")
        except ApiError as error:
            if error.key == "already_rated":  # sent before, answer lost
                return {"code": entry.code, "rating": entry.body["rating"]}
            raise

    def _refused(self, entry: Entry, error: ApiError) -> str:
        text = f"{error.vi} / {error.en}"
        if error.key == "idempotency_mismatch" and entry.body.get("attempted_online_at"):
            return self._landed_online(entry, text)
        if error.status not in PERMANENT:  # 401 (session), 429, 5xx: try again later
            self.outbox.note_error(entry, text)
            return "stop"
        self.outbox.mark(entry, "rejected", error=text)
        return "rejected"

    def _landed_online(self, entry: Entry, text: str) -> str:
        """The online attempt the station gave up on did reach the server after all.

        Its key is already used, so this offline copy must not land: find the real case so the
        clerk can give the citizen a receipt with the right code.
        """
        twin = self._find_twin(entry)
        self.outbox.mark(entry, "duplicate", error=text, result=twin)
        return "rejected"

    def _find_twin(self, entry: Entry) -> dict | None:
        started = datetime.fromisoformat(entry.body["attempted_online_at"])
        window = timedelta(seconds=self.station.timeout + 60)
        found = self.link.call(self.link.client.cases, received_from=(started - window).isoformat(),
                               received_to=(started + window).isoformat())
        for case in found:
            if (case["applicant"]["name"] == entry.body["applicant"]["name"] and
                    case["procedure"]["code"] == entry.body["procedure_code"]):
                return case
        return None
