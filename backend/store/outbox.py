"""The SMS outbox: notices to citizens who agreed at intake, waiting for the modem.

A notice is queued by `enqueue` inside the transaction that writes its event, so an event the
database acknowledged always has its notice; sending happens later, elsewhere (the process that
owns the modem), so a slow or broken modem never holds up a clerk or an officer.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime

from backend.domain.calendar import iso
from backend.notices import fit, notice_text
from backend.store.db import Store

log = logging.getLogger(__name__)

# Workflow action -> kind of notice. Only these three are worth a message to the citizen.
KINDS = {"resolve": "result", "request_supplement": "supplement", "apologize": "new_date"}
PENDING, SENT, FAILED = "pending", "sent", "failed"


def enqueue(db, case_id: int, event_id: int, event) -> None:
    """Queue the notice for `event` if the case's applicant agreed to SMS. Never raises: the
    workflow action must go through even if the notice cannot be made."""
    kind = KINDS.get(event.action)
    if kind is None:
        return
    try:
        _enqueue(db, case_id, event_id, kind, event.at)
    except (sqlite3.Error, ValueError, KeyError):
        log.exception("SMS notice for event %s not queued", event_id)


def _enqueue(db, case_id: int, event_id: int, kind: str, at: datetime) -> None:
    case = db.execute("select code, applicant_phone, notify_sms, new_due_at from cases "
                      "where id = ?", [case_id]).fetchone()
    if case is None or not case[2] or not case[1]:
        return
    code, phone, _, new_due_at = case
    text, alphabet, parts = fit(notice_text(kind, code, at, new_due_at))
    db["sms_outbox"].insert({
        "case_id": case_id, "event_id": event_id, "phone": international(phone), "kind": kind,
        "text": text, "parts": parts, "alphabet": alphabet, "status": PENDING,
        "created_at": iso(at), "next_at": iso(at)})


def international(phone: str) -> str:
    """0912345678 -> +84912345678, so one number is capped once however it was typed."""
    phone = phone.strip().replace(" ", "")
    return "+84" + phone[1:] if phone.startswith("0") else phone


def due(store: Store, now: str, limit: int = 20) -> list[dict]:
    return store.all("select * from sms_outbox where status = ? and next_at <= ? "
                     "order by next_at, id limit ?", [PENDING, now, limit])


def sent_since(store: Store, phone: str, since: str) -> int:
    row = store.one("select count(*) as n from sms_outbox where phone = ? and status = ? "
                    "and sent_at >= ?", [phone, SENT, since])
    return row["n"]


def update(store: Store, message_id: int, **changes) -> None:
    with store.tx() as db:
        db["sms_outbox"].update(message_id, changes)


def for_case(store: Store, case_id: int) -> list[dict]:
    return store.all("select * from sms_outbox where case_id = ? order by id", [case_id])
