"""Schema migrations, numbered by SQLite's user_version; each runs in its own transaction."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import Protocol

from backend.domain.text import clean


class Store(Protocol):
    """What migrating needs of backend.store.db.Store; named here so db may import this module
    and not the other way round."""

    @property
    def conn(self) -> sqlite3.Connection: ...

    def tx(self) -> AbstractContextManager: ...


def _m1_core(db) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["agencies"].create({"code": str, "idx": int, "name": str}, pk="code")
    db["agencies"].create_index(["idx"], unique=True)
    db["units"].create({"code": str, "name": str, "kind": str}, pk="code")
    db["procedures"].create(
        {"code": str, "version": str, "name": str, "field_code": str, "field_name": str,
         "folded": str, "data": str, "loaded_at": str},
        pk=("code", "version"), not_null={"name", "data"},
    )
    db["calendar_overrides"].create(
        {"day": str, "working": int, "note": str, "updated_by": str, "updated_at": str}, pk="day")
    db["sequences"].create({"agency": str, "day": str, "last": int}, pk=("agency", "day"))


def _m2_cases(db) -> None:
    db["cases"].create(
        {"id": int, "code": str, "agency": str, "day": str, "seq": int,
         "procedure_code": str, "procedure_version": str, "procedure": str,
         "applicant_name": str, "applicant_id_number": str, "applicant_phone": str,
         "applicant_address": str, "documents": str, "sets": int, "return_channel": str,
         "fee": int, "status": int, "step": int, "current_unit": str, "time_unit": str,
         "received_at": str, "due_at": str, "paused_at": str, "new_due_at": str,
         "resolved_at": str, "result_class": str, "returned_at": str, "received_by": str,
         "idempotency_key": str, "request_hash": str, "updated_at": str},
        pk="id", not_null={"code", "status", "received_at", "due_at"},
    )
    db["cases"].create_index(["code"], unique=True)
    db["cases"].create_index(["idempotency_key"], unique=True)
    for column in ("status", "current_unit", "due_at", "received_at"):
        db["cases"].create_index([column])
    db["events"].create(
        {"id": int, "case_id": int, "action": str, "actor": str, "role": str, "unit": str,
         "at": str, "from_status": int, "to_status": int, "note": str, "data": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")], not_null={"case_id", "at"},
    )
    db["events"].create_index(["case_id"])
    # The event log is the audit trail the regulations ask for: no silent edits, ever.
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
            "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
        )


def _m3_accounts(db) -> None:
    db["users"].create(
        {"id": int, "username": str, "full_name": str, "role": str, "unit": str,
         "password_hash": str, "must_change": int, "failed": int, "locked_until": str,
         "active": int, "created_at": str},
        pk="id", not_null={"username", "role", "password_hash"},
    )
    db["users"].create_index(["username"], unique=True)
    db["devices"].create(
        {"id": int, "name": str, "kind": str, "station": str, "registered_at": str,
         "registered_by": str, "last_seen": str, "version": str, "hardware": str,
         "settings": str, "active": int},
        pk="id", not_null={"name", "kind"},
    )
    db["devices"].create_index(["name"], unique=True)
    db["sessions"].create(
        {"token_hash": str, "user_id": int, "device_id": int, "created_at": str,
         "expires_at": str},
        pk="token_hash",
    )
    db["audit"].create(
        {"id": int, "at": str, "actor": str, "action": str, "target": str, "detail": str},
        pk="id",
    )


def _m4_queue_and_ratings(db) -> None:
    db["tickets"].create(
        {"id": int, "day": str, "service": str, "number": int, "label": str, "priority": int,
         "priority_reason": str, "status": str, "issued_seq": int, "counter": int,
         "issued_at": str, "issued_by": str, "called_at": str, "done_at": str},
        pk="id", not_null={"day", "service", "number", "status"},
    )
    db["tickets"].create_index(["day", "service", "number"], unique=True)
    db["tickets"].create_index(["day", "status"])
    db["calls"].create(
        {"id": int, "ticket_id": int, "label": str, "counter": int, "at": str, "kind": str},
        pk="id", foreign_keys=[("ticket_id", "tickets", "id")],
    )
    db["ratings"].create(
        {"case_id": int, "rating": str, "channel": str, "at": str, "by": str},
        pk="case_id", foreign_keys=[("case_id", "cases", "id")],
    )


def _m5_leases(db) -> None:
    db["leases"].create(
        {"id": int, "station": str, "agency": str, "day": str, "first": int, "last": int,
         "leased_at": str, "leased_by": str},
        pk="id", not_null={"station", "agency", "day", "first", "last"},
    )
    db["leases"].create_index(["station", "agency", "day"])


def _m6_selftests(db) -> None:
    db["selftests"].create(
        {"id": int, "device_id": int, "at": str, "ok": int, "report": str},
        pk="id", foreign_keys=[("device_id", "devices", "id")], not_null={"device_id", "at"},
    )
    db["selftests"].create_index(["device_id", "at"])


def _m7_rating_requests(db) -> None:
    db["rating_requests"].create(
        {"id": int, "case_id": int, "counter": int, "requested_at": str, "requested_by": str,
         "status": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")], not_null={"case_id", "status"},
    )
    db["rating_requests"].create_index(["status", "requested_at"])


def _m8_integrity(db) -> None:
    # The last line of defence for the national four-digit sequence: no code past 9999.
    db.execute(
        "CREATE TRIGGER cases_seq_range BEFORE INSERT ON cases "
        "WHEN NEW.seq IS NULL OR NEW.seq NOT BETWEEN 1 AND 9999 "
        "BEGIN SELECT RAISE(ABORT, 'case sequence outside 1..9999'); END")
    _chain_events(db)
    db["personal_data_access"].create(
        {"id": int, "at": str, "actor": str, "role": str, "unit": str, "case_id": int,
         "code": str, "purpose": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")], not_null={"at", "actor", "case_id"})
    db["personal_data_access"].create_index(["case_id"])
    db["personal_data_access"].create_index(["actor", "at"])


def _chain_events(db) -> None:
    """Hash-chain the event log, existing rows included. Chaining them is the one sanctioned
    rewrite, so the no-update trigger steps aside for it and comes straight back."""
    from backend.domain.chain import GENESIS, event_hash

    db.execute("DROP TRIGGER events_no_update")
    db.execute("ALTER TABLE events ADD COLUMN prev_hash TEXT")
    db.execute("ALTER TABLE events ADD COLUMN hash TEXT")
    prev = GENESIS
    for row in list(db.query("select * from events order by id")):
        digest = event_hash(row, prev)
        db.execute("update events set prev_hash = ?, hash = ? where id = ?",
                   [prev, digest, row["id"]])
        prev = digest
    db.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
               "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")
    # REPLACE INTO deletes without firing the delete trigger: refuse any insert that does not
    # extend the chain at its end, which also refuses reusing an existing id.
    db.execute(
        "CREATE TRIGGER events_chained BEFORE INSERT ON events WHEN "
        "NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM events) OR NEW.prev_hash IS NOT "
        f"coalesce((SELECT hash FROM events ORDER BY id DESC LIMIT 1), '{GENESIS}') "
        "BEGIN SELECT RAISE(ABORT, 'events are append-only and hash-chained'); END")


def _m9_access(db) -> None:
    """Lockout per (name, client address), so a guesser elsewhere cannot lock staff out; the
    last use of each device; who issued a ticket (so only they may confirm or cancel it);
    names stored before text was normalised, brought to NFC."""
    db["login_failures"].create(
        {"username": str, "client": str, "failed": int, "locked_until": str, "updated_at": str},
        pk=("username", "client"), not_null={"failed", "updated_at"},
    )
    db["login_failures"].create_index(["updated_at"])
    db["sessions"].create_index(["expires_at"])
    db["sessions"].create_index(["user_id"])
    db["sessions"].create_index(["device_id"])
    db["devices"].add_column("last_used", str)
    db["devices"].add_column("revoked_at", str)
    db["tickets"].add_column("issuer", str)
    db.conn.create_function("motcua_clean", 1, lambda t: t if t is None else clean(t))
    for table, column in (("cases", "applicant_name"), ("cases", "applicant_address"),
                          ("users", "full_name")):
        db.execute(f"update {table} set {column} = motcua_clean({column}) "
                   f"where {column} is not motcua_clean({column})")


def _m10_staffweb(db) -> None:
    # The staff worklist: a unit's open cases by urgency, counted, filtered and sorted in
    # the index alone (a case row carries its procedure snapshot, too big to scan per page).
    # Each status's entries come out already in due order (rowid breaks ties).
    db["cases"].create_index(["current_unit", "status", "due_at"], index_name="cases_worklist")
    db["cases"].create_index(["current_unit", "procedure_code", "status", "due_at"],
                             index_name="cases_worklist_procedure")


def _m11_reports(db) -> None:
    # The period report reads only these columns, one procedure version at a time: from this
    # index it never touches the wide rows (each holds a procedure snapshot) nor sorts.
    db.execute("CREATE INDEX cases_report ON cases (procedure_code, procedure_version, "
               "received_at, status, resolved_at, result_class, returned_at, updated_at, "
               "due_at, paused_at)")
    db.execute("CREATE INDEX cases_rated ON cases (id, procedure_code, procedure_version)")


def _m12_admin(db) -> None:
    # An abolished procedure takes no new intake from `from_day`; its versions stay for old
    # cases, so this is a date beside them rather than a deletion.
    db["procedure_abolitions"].create(
        {"code": str, "from_day": str, "note": str, "by": str, "at": str},
        pk="code", not_null={"from_day"})


def _m13_sync(db) -> None:
    # One row per provincial hub: where it is, this site's credentials there, the last event
    # the hub acknowledged (the cursor the sync agent resumes from) and the time of the last
    # rating it was sent (ratings are not events, yet the lookup shows them).
    db["sync_hubs"].create(
        {"url": str, "token": str, "last_event_id": int, "ratings_at": str, "last_ok_at": str,
         "last_error": str},
        pk="url", not_null={"url", "token"}, defaults={"last_event_id": 0, "ratings_at": ""})


def _m14_enrol(db) -> None:
    # One-time enrolment codes for first boot: only the hash is kept, like device tokens.
    db["enrol_codes"].create(
        {"code_hash": str, "station": str, "kind": str, "created_at": str, "created_by": str,
         "expires_at": str, "used_at": str, "device_id": int},
        pk="code_hash", not_null={"kind", "created_at", "expires_at"})


def _m15_notify(db) -> None:
    # The citizen's consent to be told by SMS, given at intake (off unless ticked), and the
    # outbox the notices wait in: written in the same transaction as the event they announce,
    # sent later by the process that owns the modem, retried with backoff.
    db["cases"].add_column("notify_sms", int, not_null_default=0)
    db["sms_outbox"].create(
        {"id": int, "case_id": int, "event_id": int, "phone": str, "kind": str, "text": str,
         "parts": int, "alphabet": str, "status": str, "attempts": int, "created_at": str,
         "next_at": str, "sent_at": str, "last_error": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "phone", "text", "status", "created_at", "next_at"},
        defaults={"attempts": 0})
    db["sms_outbox"].create_index(["status", "next_at"])
    db["sms_outbox"].create_index(["phone", "sent_at"])


def _m15_channel(db) -> None:
    """How each case came in (in person, by post, online) and the report's daily tallies,
    which count received cases by channel among the rest."""
    from backend.store.tallies import install

    db.execute("ALTER TABLE cases ADD COLUMN channel TEXT NOT NULL DEFAULT 'in_person'")
    install(db)


def _m16_hubreport(db) -> None:
    """Which version of a case's view the hub holds: 0 for a site that synced before the
    version was kept, whose views may lack the channel and the rating (see
    backend.store.sync.VIEW_VERSION)."""
    db["sync_hubs"].add_column("views_version", int, not_null_default=0)


MIGRATIONS = [_m1_core, _m2_cases, _m3_accounts, _m4_queue_and_ratings, _m5_leases,
              _m6_selftests, _m7_rating_requests, _m8_integrity, _m9_access, _m10_staffweb,
              _m11_reports, _m12_admin, _m13_sync, _m14_enrol, _m15_notify,
              _m15_channel, _m16_hubreport]


def apply(store: Store) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    applied = 0
    while (version := _version(store)) < len(MIGRATIONS):
        with store.tx() as db:
            if _version(store) != version:  # another process migrated meanwhile
                continue
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version={version + 1}")
        applied += 1
    return applied


def _version(store: Store) -> int:
    return store.conn.execute("PRAGMA user_version").fetchone()[0]
