"""One-time enrolment codes: an admin makes one, a freshly flashed unit trades it for its own
device token at first boot. Short-lived, used once, stored only as a hash."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from backend.domain import names
from backend.domain.errors import Conflict, InvalidInput, Unauthorized
from backend.domain.passwords import new_token
from backend.store.accounts import DEVICE_KINDS, _audit, _digest
from backend.store.cases import iso, parse_time
from backend.store.db import Store

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: typed from paper into a file
MAX_TTL = timedelta(days=7)


def normalise(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def create_code(store: Store, station: str, kind: str, ttl: timedelta, actor: str,
                now: datetime) -> dict:
    if kind not in DEVICE_KINDS:
        raise InvalidInput(f"Loại thiết bị '{kind}' không hợp lệ",
                           f"Unknown device kind '{kind}'", field="kind")
    if not timedelta(minutes=5) <= ttl <= MAX_TTL:
        raise InvalidInput("Thời hạn mã phải từ 5 phút đến 7 ngày",
                           "The code must live between 5 minutes and 7 days", field="ttl")
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    code = "-".join(raw[i:i + 4] for i in range(0, 12, 4))
    expires = now + ttl
    with store.tx() as db:
        db["enrol_codes"].insert({"code_hash": _digest(raw), "station": station, "kind": kind,
                                  "created_at": iso(now), "created_by": actor,
                                  "expires_at": iso(expires)})
        _audit(db, now, actor, "device.enrol_code", station, {"kind": kind,
                                                               "expires_at": iso(expires)})
    return {"code": code, "station": station, "kind": kind, "expires_at": iso(expires)}


def redeem(store: Store, code: str, name: str, now: datetime) -> tuple[str, int]:
    """Create device `name` from the code, all in one transaction; (token, device id)."""
    name, token = names.device_name(name), new_token()
    with store.tx() as db:
        row = _usable(db, normalise(code), now)
        if db["devices"].count_where("name = ?", [name]):
            raise Conflict(f"Thiết bị '{name}' đã được đăng ký; đặt tên máy khác",
                           f"Device '{name}' is already registered; choose another hostname",
                           key="device_exists", field="name")
        device_id = db["devices"].insert({
            "name": name, "kind": row["kind"], "station": row["station"],
            "registered_at": iso(now), "registered_by": "enrol", "active": 1,
            "settings": "{}"}).last_pk
        db["sessions"].insert({"token_hash": _digest(token), "device_id": device_id,
                               "created_at": iso(now)})
        db["enrol_codes"].update(row["code_hash"], {"used_at": iso(now), "device_id": device_id})
        _audit(db, now, "enrol", "device.enrol", name, {"kind": row["kind"],
                                                        "station": row["station"]})
    return token, device_id


def _usable(db, code: str, now: datetime) -> dict:
    rows = list(db.query("select * from enrol_codes where code_hash = ?", [_digest(code)]))
    if not rows:
        raise Unauthorized("Mã đăng ký không đúng", "The enrolment code is wrong",
                           key="enrol_code_invalid", field="code")
    row = rows[0]
    if row["used_at"]:
        raise Conflict("Mã đăng ký đã được dùng; hãy xin mã mới",
                       "The enrolment code has been used already; ask for a new one",
                       key="enrol_code_used", field="code")
    if parse_time(row["expires_at"]) <= now:
        raise Unauthorized("Mã đăng ký đã hết hạn; hãy xin mã mới",
                           "The enrolment code has expired; ask for a new one",
                           key="enrol_code_expired", field="code")
    return row
