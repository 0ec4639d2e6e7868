"""Procedures and units in the database; every version ever loaded is kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from backend.domain.errors import NotFound
from backend.domain.procedures import Catalog, Procedure
from backend.domain.text import fold, vn_sort_key
from backend.store.db import Store
from backend.store.site import bump_version


def load_catalog_into(store: Store, catalog: Catalog) -> tuple[int, int]:
    """Insert new procedure versions and refresh units; returns (new versions, units)."""
    now = datetime.now(UTC).isoformat()
    added = 0
    with store.tx() as db:
        for unit in catalog.units.values():
            db["units"].upsert({"code": unit.code, "name": unit.name, "kind": unit.kind},
                               pk="code")
        for proc in catalog.procedures.values():
            if _has_version(db, proc):
                continue  # a loaded version is frozen: old cases may point at it
            db["procedures"].insert(_row(proc, now))
            added += 1
        bump_version(db)
    return added, len(catalog.units)


def _has_version(db, proc: Procedure) -> bool:
    return bool(db["procedures"].count_where("code = ? and version = ?",
                                             [proc.code, str(proc.version)]))


def _row(proc: Procedure, now: str) -> dict:
    return {
        "code": proc.code, "version": str(proc.version), "name": proc.name,
        "field_code": proc.field.code, "field_name": proc.field.name,
        "folded": fold(f"{proc.code} {proc.name} {proc.field.name}"),
        "data": json.dumps(proc.model_dump(mode="json"), ensure_ascii=False), "loaded_at": now,
    }


def current(store: Store, code: str) -> Procedure:
    row = store.one("select data from procedures where code = ? order by version desc limit 1",
                    [code])
    if row is None:
        raise NotFound(f"Không có thủ tục mã '{code}'", f"No procedure with code '{code}'")
    return Procedure.from_snapshot(json.loads(row["data"]))


def search(store: Store, query: str = "", field: str | None = None) -> list[Procedure]:
    """Newest version of each procedure whose folded text holds every folded query word."""
    sql = ("select data, max(version) from procedures group by code "
           "having 1=1" + (" and field_code = ?" if field else "") +
           "".join(" and folded like ?" for _ in fold(query).split()) + " order by code")
    params = ([field] if field else []) + [f"%{w}%" for w in fold(query).split()]
    return [Procedure.from_snapshot(json.loads(r["data"])) for r in store.all(sql, params)]


def fields(store: Store) -> list[dict]:
    """In Vietnamese alphabet order (SQLite's order would put "Đất đai" after "Lý lịch")."""
    rows = store.all("select field_code as code, field_name as name, count(distinct code) as "
                     "procedures from procedures group by field_code")
    return sorted(rows, key=lambda row: vn_sort_key(row["name"]))


def units(store: Store) -> dict[str, dict]:
    return {r["code"]: r for r in store.all("select code, name, kind from units")}
