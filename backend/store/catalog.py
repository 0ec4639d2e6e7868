"""Procedures and units in the database; every version ever loaded is kept."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from backend.catalog import parse_procedure
from backend.domain.calendar import VN_TZ
from backend.domain.errors import Conflict, InvalidInput, NotFound
from backend.domain.procedures import Catalog, CatalogError, Procedure, Unit
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


def current(store: Store, code: str, on: date | None = None) -> Procedure:
    """The version in force on `on` (default: today in Vietnam): the newest whose date has
    come, unless the procedure was abolished by then."""
    on = on or today()
    _check_not_abolished(store, code, on)
    row = store.one("select data from procedures where code = ? and version <= ? "
                    "order by version desc limit 1", [code, on.isoformat()])
    if row is not None:
        return Procedure.from_snapshot(json.loads(row["data"]))
    if store.one("select 1 from procedures where code = ?", [code]):
        raise NotFound(f"Thủ tục mã '{code}' chưa có hiệu lực ngày {on:%d/%m/%Y}",
                       f"Procedure '{code}' is not yet in force on {on}",
                       key="procedure_not_in_force", field="procedure_code")
    raise NotFound(f"Không có thủ tục mã '{code}'", f"No procedure with code '{code}'")


def _check_not_abolished(store: Store, code: str, on: date) -> None:
    row = store.one("select from_day from procedure_abolitions where code = ? and from_day <= ?",
                    [code, on.isoformat()])
    if row:
        since = date.fromisoformat(row["from_day"])
        raise NotFound(f"Thủ tục mã '{code}' đã bị bãi bỏ từ ngày {since:%d/%m/%Y}",
                       f"Procedure '{code}' was abolished from {since}",
                       key="procedure_abolished", field="procedure_code")


# The rows in force on a day: the newest version whose date has come, of procedures not yet
# abolished. Bare columns next to max() come from the max row (SQLite guarantees this).
_IN_FORCE = ("select code, data, field_code, field_name, folded, max(version) from procedures "
             "where version <= :on and code not in (select code from procedure_abolitions "
             "where from_day <= :on) group by code")


def search(store: Store, query: str = "", field: str | None = None,
           on: date | None = None) -> list[Procedure]:
    """Procedures in force on `on` whose folded text holds every folded query word."""
    words = fold(query).split()
    params: dict = {"on": (on or today()).isoformat(), "field": field}
    params |= {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
    sql = (f"select data from ({_IN_FORCE}) where 1=1"
           + (" and field_code = :field" if field else "")
           + "".join(f" and folded like :w{i}" for i in range(len(words))) + " order by code")
    return [Procedure.from_snapshot(json.loads(r["data"])) for r in store.all(sql, params)]


def fields(store: Store, on: date | None = None) -> list[dict]:
    """In Vietnamese alphabet order (SQLite's order would put "Đất đai" after "Lý lịch")."""
    rows = store.all(f"select field_code as code, field_name as name, count(*) as procedures "
                     f"from ({_IN_FORCE}) group by field_code",
                     {"on": (on or today()).isoformat()})
    return sorted(rows, key=lambda row: vn_sort_key(row["name"]))


def today() -> date:
    return datetime.now(VN_TZ).date()


def units(store: Store) -> dict[str, dict]:
    return {r["code"]: r for r in store.all("select code, name, kind from units")}


# --- administration: versions, uploads, abolition ---------------------------------------------


def versions(store: Store, on: date | None = None) -> list[dict]:
    """Every procedure with each loaded version, the one in force on `on`, and its abolition."""
    on = on or today()
    rows = store.all("select p.code, p.version, p.name, p.field_name, p.loaded_at, "
                     "(select count(*) from cases c where c.procedure_code = p.code and "
                     "c.procedure_version = p.version) as cases from procedures p "
                     "order by p.code, p.version")
    gone = {r["code"]: r for r in store.all("select * from procedure_abolitions")}
    out: dict[str, dict] = {}
    for row in rows:
        entry = out.setdefault(row["code"], _entry(row, gone.get(row["code"])))
        entry["name"] = row["name"]  # the newest version's name
        entry["versions"].append({"version": row["version"], "effective_from": row["version"],
                                  "loaded_at": row["loaded_at"], "cases": row["cases"]})
        if row["version"] <= on.isoformat():
            entry["in_force_version"] = row["version"]
    for entry in out.values():
        _mark_in_force(entry, on)
    return list(out.values())


def _entry(row: dict, abolition: dict | None) -> dict:
    return {"code": row["code"], "name": row["name"], "field": row["field_name"],
            "versions": [], "in_force_version": None,
            "abolished_from": abolition["from_day"] if abolition else None,
            "abolition_note": abolition["note"] if abolition else ""}


def _mark_in_force(entry: dict, on: date) -> None:
    abolished = entry["abolished_from"] and entry["abolished_from"] <= on.isoformat()
    if abolished:
        entry["in_force_version"] = None
    for version in entry["versions"]:
        version["in_force"] = version["version"] == entry["in_force_version"]
        version["upcoming"] = version["version"] > on.isoformat() and not abolished


def load_file(store: Store, text: str, file_name: str) -> tuple[Procedure, bool]:
    """Check an uploaded procedure file against the site's units and add it as a new version;
    returns (procedure, added). A loaded version is frozen: different content is refused."""
    unit_objects = {code: Unit(**row) for code, row in units(store).items()}
    try:
        proc = parse_procedure(text, file_name, unit_objects)
    except CatalogError as exc:
        raise InvalidInput(*_both_languages(exc, file_name), key="invalid_procedure_file",
                           field="file") from None
    with store.tx() as db:
        existing = list(db.query("select data from procedures where code = ? and version = ?",
                                 [proc.code, str(proc.version)]))
        if existing:
            _check_same(proc, existing[0]["data"])
            return proc, False
        db["procedures"].insert(_row(proc, datetime.now(UTC).isoformat()))
        bump_version(db)
    return proc, True


def _both_languages(exc: CatalogError, file_name: str) -> tuple[str, str]:
    """Field problems as all the Vietnamese, then all the English, each naming the file."""
    if not exc.problems:
        return exc.vi, f"{file_name}: {exc.en}"
    en = "; ".join(f"{file_name}: {p.path} {p.en}".replace(":  ", ": ") for p in exc.problems)
    return exc.vi, en


def _check_same(proc: Procedure, stored: str) -> None:
    if json.loads(stored) != proc.model_dump(mode="json"):
        raise Conflict(f"Thủ tục {proc.code} phiên bản {proc.version} đã nạp và không được sửa "
                       "(hồ sơ cũ dùng nó); hãy đặt version là ngày có hiệu lực mới",
                       f"Procedure {proc.code} version {proc.version} is already loaded and "
                       "frozen (old cases use it); give the new version its effective date",
                       key="version_frozen", field="file")


def abolish(store: Store, code: str, from_day: date, note: str, actor: str,
            now: datetime) -> dict:
    """No new intake from `from_day` on; cases already received keep their version."""
    if not store.one("select 1 from procedures where code = ?", [code]):
        raise NotFound(f"Không có thủ tục mã '{code}'", f"No procedure with code '{code}'",
                       field="code")
    row = {"code": code, "from_day": from_day.isoformat(), "note": note, "by": actor,
           "at": now.isoformat()}
    with store.tx() as db:
        db["procedure_abolitions"].upsert(row, pk="code")
        bump_version(db)
    return row


def restore(store: Store, code: str) -> None:
    """Withdraw an abolition entered by mistake."""
    with store.tx() as db:
        if not db["procedure_abolitions"].count_where("code = ?", [code]):
            raise NotFound(f"Thủ tục mã '{code}' không bị bãi bỏ",
                           f"Procedure '{code}' is not abolished", field="code")
        db.execute("delete from procedure_abolitions where code = ?", [code])
        bump_version(db)
