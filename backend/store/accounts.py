"""Staff accounts, sessions and device tokens.

Tokens are random and only their SHA-256 is stored, so a copied database unlocks nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerifyMismatchError

from backend.domain import names
from backend.domain.errors import Conflict, InvalidInput, NotFound, Unauthorized
from backend.domain.passwords import make_hasher, new_token
from backend.domain.text import clean
from backend.store.cases import iso, parse_time
from backend.store.db import Store

ROLES = ("clerk", "officer", "leader", "admin")
DEVICE_KINDS = ("kiosk", "counter", "display")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
KEEP_FAILURES = timedelta(days=1)
LAST_USE_STEP = timedelta(minutes=1)
_hasher = make_hasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff member or a device. `must_change` limits a fresh account."""

    username: str
    role: str
    unit: str | None
    user_id: int | None = None
    device_id: int | None = None
    must_change: bool = False
    full_name: str = ""
    kind: str | None = None  # a device's kind: kiosk, counter or display


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: str, username: str) -> None:
    if len(password) < 8 or password.isdigit() or password.isalpha():
        raise InvalidInput("Mật khẩu phải dài ít nhất 8 ký tự, gồm cả chữ và số",
                           "The password needs at least 8 characters, letters and digits",
                           key="weak_password", field="password")
    if username.lower() in password.lower():
        raise InvalidInput("Mật khẩu không được chứa tên đăng nhập",
                           "The password must not contain the username",
                           key="weak_password", field="password")


def add_user(store: Store, username: str, password: str, role: str, *, full_name: str = "",
             unit: str | None = None, must_change: bool = True, actor: str = "system",
             now: datetime) -> dict:
    if role not in ROLES:
        raise InvalidInput(f"Vai trò '{role}' không hợp lệ", f"Unknown role '{role}'",
                           field="role")
    username, password, full_name = names.username(username), clean(password), clean(full_name)
    check_password_rules(password, username)
    row = {"username": username, "full_name": full_name, "role": role, "unit": unit,
           "password_hash": _hasher.hash(password), "must_change": int(must_change),
           "failed": 0, "active": 1, "created_at": iso(now)}
    with store.tx() as db:
        if db["users"].count_where("username = ?", [username]):
            raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại",
                           f"Username '{username}' already exists", field="username")
        db["users"].insert(row)
        _audit(db, now, actor, "user.add", username, {"role": role, "unit": unit})
    return public_user(store.one("select * from users where username = ?", [username]))


def list_users(store: Store, *, active_first: bool = False) -> list[dict]:
    order = "active desc, username" if active_first else "username"
    return [public_user(r) for r in store.all(f"select * from users order by {order}")]


def full_names(store: Store, usernames) -> dict[str, str]:
    """Full names of a set of users, in one query rather than one per user."""
    wanted = sorted(set(usernames))
    marks = ", ".join("?" for _ in wanted)
    rows = store.all(f"select username, full_name from users where username in ({marks})",
                     wanted) if wanted else []
    return {r["username"]: r["full_name"] or "" for r in rows}


def active_counts(store: Store) -> dict[str, int]:
    """How many staff accounts and devices are active (the admin overview)."""
    return {table: store.one(f"select count(*) as n from {table} where active")["n"]
            for table in ("users", "devices")}


def public_user(row: dict) -> dict:
    return {k: row[k] for k in ("id", "username", "full_name", "role", "unit", "active")} | {
        "must_change_password": bool(row["must_change"])}


def _audit(db, now: datetime, actor: str, action: str, target: str, detail: dict) -> None:
    db["audit"].insert({"at": iso(now), "actor": actor, "action": action, "target": target,
                        "detail": json.dumps(detail, ensure_ascii=False)})


def login(store: Store, username: str, password: str, now: datetime,
          client: str = "local") -> tuple[str, dict]:
    """A session for the right password. Wrong, unknown, disabled and locked all cost one hash,
    so neither the answer nor its time tells an account that exists from one that does not."""
    row = store.one("select * from users where username = ?", [username])
    known = bool(row and row["active"])
    right = _verify(row["password_hash"] if known else _DUMMY_HASH, password)
    _check_lock(store, username, client, now)
    if not (known and right):
        _record_failure(store, username, client, now)
        raise _wrong_login()
    token = new_token()
    with store.tx() as db:
        db.execute("delete from login_failures where username = ? and client = ?",
                   [username, client])
        # Expired sessions go as new ones come, so the table holds only live ones.
        db.execute("delete from sessions where expires_at < ?", [iso(now)])
        db["sessions"].insert({"token_hash": _digest(token), "user_id": row["id"],
                               "created_at": iso(now), "expires_at": iso(now + SESSION_TTL)})
    return token, public_user(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def _wrong_login() -> Unauthorized:
    return Unauthorized("Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password",
                        key="wrong_login")


def _check_lock(store: Store, username: str, client: str, now: datetime) -> None:
    """Locks are per name and client address: a guesser elsewhere cannot lock staff out."""
    row = store.one("select locked_until from login_failures where username = ? and "
                    "client = ?", [username, client])
    until = parse_time(row["locked_until"]) if row else None
    if until and until > now:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise Unauthorized(
            f"Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần; thử lại sau {minutes} phút",
            f"Account locked after repeated wrong passwords; try again in {minutes} minutes",
            key="account_locked")


def _record_failure(store: Store, username: str, client: str, now: datetime) -> None:
    """One more failure for (name, client); the fifth within 15 minutes locks that pair."""
    with store.tx() as db:
        db.execute("delete from login_failures where updated_at < ? and "
                   "coalesce(locked_until, '') < ?", [iso(now - KEEP_FAILURES), iso(now)])
        failed = db.execute(
            "insert into login_failures (username, client, failed, updated_at) values "
            "(?, ?, 1, ?) on conflict (username, client) do update set failed = case when "
            "updated_at < ? then 1 else failed + 1 end, updated_at = excluded.updated_at "
            "returning failed", [username, client, iso(now), iso(now - LOCKOUT)]).fetchone()[0]
        if failed >= MAX_FAILURES:
            db.execute("update login_failures set failed = 0, locked_until = ? where "
                       "username = ? and client = ?", [iso(now + LOCKOUT), username, client])
            _audit(db, now, username, "user.locked", username, {"client": client})


def change_password(store: Store, who: Principal, old: str, new: str, now: datetime,
                    client: str = "local", token: str = "") -> None:
    """A wrong current password counts towards the lockout like a wrong login; a change ends
    every other session of the account (a stolen one included), keeping only this one."""
    row = store.one("select * from users where id = ?", [who.user_id])
    right = _verify(row["password_hash"], old)
    _check_lock(store, row["username"], client, now)
    if not right:
        _record_failure(store, row["username"], client, now)
        raise Unauthorized("Mật khẩu hiện tại không đúng", "The current password is wrong",
                           key="wrong_password")
    if old == new:
        raise InvalidInput("Mật khẩu mới phải khác mật khẩu cũ",
                           "The new password must differ from the old one", field="new_password")
    check_password_rules(new, row["username"])
    with store.tx() as db:
        db["users"].update(row["id"], {"password_hash": _hasher.hash(new), "must_change": 0})
        db.execute("delete from sessions where user_id = ? and token_hash != ?",
                   [row["id"], _digest(token)])
        _audit(db, now, row["username"], "user.password", row["username"], {})


def set_active(store: Store, username: str, active: bool, actor: str, now: datetime) -> dict:
    """Disable (ending every session at once) or enable a staff account."""
    if not active and username == actor:
        raise Conflict("Không thể tự khoá tài khoản của mình",
                       "You cannot disable your own account", key="self_disable")
    row = user_row(store, username)
    with store.tx() as db:
        db["users"].update(row["id"], {"active": int(active)})
        if not active:
            db.execute("delete from sessions where user_id = ?", [row["id"]])
        _audit(db, now, actor, "user.enable" if active else "user.disable", username, {})
    return public_user(user_row(store, username))


def end_sessions(store: Store, username: str, actor: str, now: datetime) -> int:
    """Log a staff member out everywhere (a lost phone, a shared password)."""
    row = user_row(store, username)
    with store.tx() as db:
        ended = db.execute("delete from sessions where user_id = ?", [row["id"]]).rowcount
        _audit(db, now, actor, "user.sessions_ended", username, {"sessions": ended})
    return ended


def user_row(store: Store, username: str) -> dict:
    return store.found("select * from users where username = ?", [username],
                       NotFound(f"Không có tài khoản '{username}'", f"No user '{username}'"))


def logout(store: Store, token: str) -> None:
    with store.tx() as db:
        db.execute("delete from sessions where token_hash = ?", [_digest(token)])


def authenticate(store: Store, token: str, now: datetime) -> Principal:
    session = store.one("select * from sessions where token_hash = ?", [_digest(token)])
    if session is None:
        raise Unauthorized("Phiên đăng nhập không hợp lệ, vui lòng đăng nhập lại",
                           "Invalid session, please log in again", key="invalid_token")
    if session["device_id"] is not None:
        return _device_principal(store, session["device_id"], now)
    if parse_time(session["expires_at"]) <= now:
        with store.tx() as db:
            db.execute("delete from sessions where token_hash = ?", [session["token_hash"]])
        raise Unauthorized("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại",
                           "The session has expired, please log in again", key="expired_token")
    user = store.one("select * from users where id = ?", [session["user_id"]])
    if not user or not user["active"]:
        raise Unauthorized("Tài khoản đã bị khoá", "The account is disabled", key="disabled")
    return Principal(user["username"], user["role"], user["unit"], user_id=user["id"],
                     must_change=bool(user["must_change"]), full_name=user["full_name"] or "")


def _device_principal(store: Store, device_id: int, now: datetime) -> Principal:
    device = store.one("select * from devices where id = ?", [device_id])
    if not device or not device["active"]:
        raise Unauthorized("Thiết bị đã bị thu hồi", "The device has been revoked",
                           key="device_revoked")
    last = parse_time(device["last_used"])
    if last is None or now - last > LAST_USE_STEP:  # one write a minute, not one a request
        with store.tx() as db:
            db["devices"].update(device_id, {"last_used": iso(now)})
    return Principal(device["name"], "device", None, device_id=device_id, kind=device["kind"])


def register_device(store: Store, name: str, kind: str, station: str, actor: str,
                    now: datetime) -> tuple[str, dict]:
    name = names.device_name(name)  # before the kind, as the staff page and the API check them
    if kind not in DEVICE_KINDS:
        raise InvalidInput(f"Loại thiết bị '{kind}' không hợp lệ",
                           f"Unknown device kind '{kind}'", field="kind")
    token = new_token()
    with store.tx() as db:
        if db["devices"].count_where("name = ?", [name]):
            raise Conflict(f"Thiết bị '{name}' đã được đăng ký",
                           f"Device '{name}' is already registered", field="name")
        device_id = db["devices"].insert({
            "name": name, "kind": kind, "station": station, "registered_at": iso(now),
            "registered_by": actor, "active": 1, "settings": "{}"}).last_pk
        db["sessions"].insert({"token_hash": _digest(token), "device_id": device_id,
                               "created_at": iso(now)})
        _audit(db, now, actor, "device.register", name, {"kind": kind, "station": station})
    return token, get_device(store, device_id)


def revoke_device(store: Store, name: str, actor: str, now: datetime) -> dict:
    """The device's token stops working at once; `rotate` gives it a new one later."""
    device = device_named(store, name)
    with store.tx() as db:
        db["devices"].update(device["id"], {"active": 0, "revoked_at": iso(now)})
        db.execute("delete from sessions where device_id = ?", [device["id"]])
        _audit(db, now, actor, "device.revoke", name, {})
    return get_device(store, device["id"])


def rotate_device(store: Store, name: str, actor: str, now: datetime) -> tuple[str, dict]:
    """A new token (shown once) replaces the old one, which stops working; a revoked device
    is enrolled again this way."""
    device, token = device_named(store, name), new_token()
    with store.tx() as db:
        db.execute("delete from sessions where device_id = ?", [device["id"]])
        db["sessions"].insert({"token_hash": _digest(token), "device_id": device["id"],
                               "created_at": iso(now)})
        db["devices"].update(device["id"], {"active": 1, "revoked_at": None})
        _audit(db, now, actor, "device.rotate", name, {})
    return token, get_device(store, device["id"])


def device_named(store: Store, name: str) -> dict:
    return store.found("select id from devices where name = ?", [name],
                       NotFound(f"Không có thiết bị '{name}'", f"No device '{name}'"))


# The old private names, kept while branches that call them merge.
_user, _device_named = user_row, device_named


def get_device(store: Store, device_id: int) -> dict:
    row = store.found("select * from devices where id = ?", [device_id],
                      NotFound("Không tìm thấy thiết bị", "No such device"))
    row["hardware"] = json.loads(row["hardware"] or "{}")
    row["settings"] = json.loads(row["settings"] or "{}")
    return row


def heartbeat(store: Store, device_id: int, version: str, hardware: dict,
              now: datetime) -> dict:
    with store.tx() as db:
        db["devices"].update(device_id, {"last_seen": iso(now), "version": version,
                                         "hardware": json.dumps(hardware, ensure_ascii=False)})
    return get_device(store, device_id)


def list_devices(store: Store, now: datetime, stale_after: timedelta) -> list[dict]:
    rows = store.all("select id from devices order by name")
    devices = [get_device(store, r["id"]) for r in rows]
    for device in devices:
        seen = parse_time(device["last_seen"])
        device["online"] = bool(seen and now - seen <= stale_after)
        device["last_selftest"] = last_selftest(store, device["id"])
    return devices


def record_selftest(store: Store, device_id: int, ok: bool, report: dict,
                    now: datetime) -> dict:
    """The weekly equipment check (Tây Ninh art. 7.4), kept per device for the fleet view."""
    with store.tx() as db:
        db["selftests"].insert({"device_id": device_id, "at": iso(now), "ok": int(ok),
                                "report": json.dumps(report, ensure_ascii=False)})
    return last_selftest(store, device_id)


def last_selftest(store: Store, device_id: int) -> dict | None:
    row = store.one("select at, ok, report from selftests where device_id = ? "
                    "order by id desc limit 1", [device_id])
    if row:
        row["ok"], row["report"] = bool(row["ok"]), json.loads(row["report"])
    return row


def set_device_settings(store: Store, name: str, settings: dict, actor: str,
                        now: datetime) -> dict:
    row = device_named(store, name)
    with store.tx() as db:
        db["devices"].update(row["id"], {"settings": json.dumps(settings, ensure_ascii=False)})
        _audit(db, now, actor, "device.settings", name, settings)
    return get_device(store, row["id"])


# --- the admin's changes to an account -------------------------------------------------------

STAFF_ROLES_WITH_UNIT = ("clerk", "officer", "leader")


def reset_password(store: Store, username: str, password: str, actor: str,
                   now: datetime) -> dict:
    """A temporary password the owner must change at the next sign-in; the lock is lifted
    and every open session of the account ends, so the old password opens nothing."""
    check_password_rules(password, username)
    user_id = user_row(store, username)["id"]
    with store.tx() as db:
        db["users"].update(user_id, {"password_hash": _hasher.hash(password), "must_change": 1})
        db.execute("delete from login_failures where username = ?", [username])
        db.execute("delete from sessions where user_id = ?", [user_id])
        _audit(db, now, actor, "user.reset_password", username, {})
    return public_user(user_row(store, username))


def assign(store: Store, username: str, role: str, unit: str | None, actor: str,
           now: datetime, full_name: str | None = None) -> dict:
    """Change an account's role and unit (and name). Clerks, officers and leaders belong to a
    unit of the site; an admin may not take away his own admin role (nobody would be left to
    give it back)."""
    unit = check_assignment(store, role, unit or None)
    if username == actor and role != "admin":
        raise Conflict("Không thể tự bỏ vai trò quản trị của chính mình",
                       "You cannot remove your own admin role", key="own_role", field="role")
    changes = {"role": role, "unit": unit} | ({"full_name": full_name} if full_name else {})
    user_id = user_row(store, username)["id"]
    with store.tx() as db:
        db["users"].update(user_id, changes)
        _audit(db, now, actor, "user.assign", username, {"role": role, "unit": unit})
    return public_user(user_row(store, username))


def check_assignment(store: Store, role: str, unit: str | None) -> str | None:
    if role not in ROLES:
        raise InvalidInput(f"Vai trò '{role}' không hợp lệ", f"Unknown role '{role}'",
                           field="role")
    if role in STAFF_ROLES_WITH_UNIT and not unit:
        raise InvalidInput(f"Vai trò '{role}' cần chọn đơn vị", f"Role '{role}' needs a unit",
                           key="unit_required", field="unit")
    if unit and not store.one("select 1 from units where code = ?", [unit]):
        raise InvalidInput(f"Không có đơn vị '{unit}'", f"No unit '{unit}'", field="unit")
    return unit
