"""The site's own settings: agency, secret, deadline mode, public address, working calendar.

The public address (`public_base_url`, e.g. "https://tracuu.tanninh.gov.vn") is where citizens
reach the lookup page from outside: the receipt's QR opens `<address>/L/CODE/TOKEN` and the
receipt prints `<address>/tra-cuu`. Without one, neither carries a web address: a backend URL
on the centre's network is no use on a citizen's phone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from backend.domain.calendar import SpecialDay, WorkingCalendar, special_days, swap_reminder_year
from backend.domain.codes import public_address, validate_agency
from backend.domain.errors import InvalidInput
from backend.store.db import Store

DEFAULTS = {
    "agency_code": "000.00.06.H56",
    "agency_name": "Trung tâm Phục vụ hành chính công phường Tân Ninh",
    "deadline_mode": "days",
    "lookup_rate_per_minute": "30",
    "public_base_url": "",
}


@dataclass(frozen=True)
class Site:
    agency_code: str
    agency_name: str
    agency_index: int
    secret: bytes
    deadline_mode: str
    lookup_rate_per_minute: int
    public_base_url: str
    calendar: WorkingCalendar
    units: dict[str, dict]  # unit code -> {code, name, kind}


# Settings an operator may change later (`motcua site set NAME VALUE`): name -> stored key.
SETTABLE = {"public_address": "public_base_url"}


def init_settings(store: Store, defaults: dict | None = None, **overrides: str | None) -> None:
    """First start: write defaults once and a fresh site secret; only `overrides` overwrite."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    values = {**DEFAULTS, **(defaults or {}), **overrides}
    validate_agency(values["agency_code"])
    if "public_base_url" in overrides:
        overrides["public_base_url"] = values["public_base_url"] = public_address(
            overrides["public_base_url"])
    with store.tx() as db:
        existing = {row["key"] for row in db.query("select key from settings")}
        if "secret" not in existing:
            db["settings"].insert({"key": "secret", "value": secrets.token_hex(32)})
        for key, value in values.items():
            if key not in existing or key in overrides:
                db["settings"].upsert({"key": key, "value": value}, pk="key")
        _ensure_agency(db, values["agency_code"], values["agency_name"])


def _ensure_agency(db, code: str, name: str) -> None:
    if db["agencies"].count_where("code = ?", [code]):
        return
    row = next(iter(db.query("select coalesce(max(idx), -1) + 1 as n from agencies")))
    db["agencies"].insert({"code": code, "idx": row["n"], "name": name})


def catalog_defaults(catalog) -> dict:
    """The agency named in units.yaml is the site's unless the operator says otherwise."""
    return {"agency_code": catalog.agency.code, "agency_name": catalog.agency.name}


def set_public(store: Store, name: str, value: str) -> str:
    """An operator's change to a SETTABLE setting, checked; returns the value stored."""
    if name not in SETTABLE:
        raise InvalidInput(f"Không có thiết lập '{name}' (có: {', '.join(SETTABLE)})",
                           f"No setting '{name}' (there are: {', '.join(SETTABLE)})",
                           key="unknown_setting", field="name")
    value = public_address(value)
    set_setting(store, SETTABLE[name], value)
    return value


def set_setting(store: Store, key: str, value: str) -> None:
    with store.tx() as db:
        db["settings"].upsert({"key": key, "value": value}, pk="key")
        bump_version(db)


def load_site(store: Store) -> Site:
    values = {r["key"]: r["value"] for r in store.all("select key, value from settings")}
    if "secret" not in values:
        raise RuntimeError("database not initialised: run `motcua db init` first")
    agency = store.one("select idx from agencies where code = ?", [values["agency_code"]])
    return Site(
        agency_code=values["agency_code"],
        agency_name=values["agency_name"],
        agency_index=agency["idx"],
        secret=bytes.fromhex(values["secret"]),
        deadline_mode=values.get("deadline_mode", "days"),
        lookup_rate_per_minute=int(values.get("lookup_rate_per_minute", "30")),
        public_base_url=values.get("public_base_url", ""),
        calendar=WorkingCalendar(overrides=load_overrides(store)),
        units={r["code"]: r for r in store.all("select code, name, kind from units")},
    )


def load_overrides(store: Store) -> dict[date, bool]:
    rows = store.all("select day, working from calendar_overrides")
    return {date.fromisoformat(r["day"]): bool(r["working"]) for r in rows}


def agency_by_index(store: Store, idx: int) -> str | None:
    row = store.one("select code from agencies where idx = ?", [idx])
    return row["code"] if row else None


def version(store: Store) -> str:
    """The settings version bump_version last set ("0" before the first change)."""
    row = store.one("select value from settings where key = 'site_version'")
    return row["value"] if row else "0"


def list_overrides(store: Store) -> list[dict]:
    return store.all("select * from calendar_overrides order by day")


def bump_version(db) -> None:
    """Tell every server process that settings, calendar or units changed: reload the site."""
    db.execute("insert into settings (key, value) values ('site_version', '1') on conflict "
               "(key) do update set value = cast(value as integer) + 1")


def set_override(store: Store, day: date, working: bool | None, note: str, actor: str,
                 now) -> None:
    """Set (or with working=None remove) a day's override; bump the version so servers reload."""
    with store.tx() as db:
        if working is None:
            db.execute("delete from calendar_overrides where day = ?", [day.isoformat()])
        else:
            db["calendar_overrides"].upsert(
                {"day": day.isoformat(), "working": int(working), "note": note,
                 "updated_by": actor, "updated_at": now.isoformat()}, pk="day")
        bump_version(db)


def calendar_year(store: Store, calendar: WorkingCalendar, year: int, today: date) -> dict:
    """What the admin's calendar page shows: the year's special days, its overrides, and the
    year whose swapped days still need entering (None when nothing is due)."""
    rows = store.all("select * from calendar_overrides where day like ? order by day",
                     [f"{year}-%"])
    notes = {date.fromisoformat(r["day"]): r["note"] or "" for r in rows}
    return {"year": year, "overrides": rows,
            "days": [_day_json(d) for d in special_days(calendar, year, notes)],
            "reminder_year": swap_reminder_year(today, load_overrides(store))}


def _day_json(day: SpecialDay) -> dict:
    return {"day": day.day.isoformat(), "weekday": day.day.isoweekday(), "working": day.working,
            "source": day.source, "vi": day.name_vi, "en": day.name_en}
