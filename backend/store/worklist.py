"""The staff worklist: cases at a unit's current step, most urgent first, one page at a time.

Counting and ordering run in the `cases_worklist` indexes alone; only the page's rows are
then read (a case row carries its procedure snapshot, too big to scan by the thousand).
Filtering by received date or searching by name has to read the unit's open rows.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime

from backend.domain.text import fold
from backend.domain.workflow import OPEN, PAUSED
from backend.store.cases import iso
from backend.store.db import Store

ACTIVE = tuple(sorted(int(s) for s in OPEN - PAUSED))
WAITING = tuple(sorted(int(s) for s in PAUSED))
PAGE_SIZE = 50
_COLUMNS = ("c.id, c.code, c.procedure_code, c.procedure_version, c.applicant_name, c.status, "
            "c.step, c.current_unit, c.received_at, c.due_at, c.new_due_at, c.paused_at, "
            "c.received_by, p.name as procedure_name")


@dataclass(frozen=True)
class Filters:
    """What the officer narrowed the list to; empty fields do not filter."""

    procedure: str = ""
    status: int | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    search: str = ""


def _where(unit: str, statuses: tuple[int, ...], filters: Filters) -> tuple[str, list]:
    wanted = statuses if filters.status is None else tuple(
        s for s in statuses if s == filters.status)
    marks = ", ".join("?" for _ in wanted) or "null"
    clauses, params = [f"c.current_unit = ? and c.status in ({marks})"], [unit, *wanted]
    for clause, value in (("c.procedure_code = ?", filters.procedure or None),
                          ("c.received_at >= ?", iso(filters.received_from)),
                          ("c.received_at < ?", iso(filters.received_to))):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    needle = fold(filters.search)
    if needle:
        # Code or name, accents ignored: "nguyen van" finds "Nguyễn Văn".
        clauses.append("(c.code like ? or motcua_fold(c.applicant_name) like ?)")
        params += [f"%{filters.search.strip().upper()}%", f"%{needle}%"]
    return " and ".join(clauses), params


def _connection(store: Store):
    conn = store.conn
    conn.create_function("motcua_fold", 1, fold, deterministic=True)
    return conn


def page(store: Store, unit: str, filters: Filters, *, waiting: bool = False,
         limit: int = PAGE_SIZE, offset: int = 0) -> tuple[list[dict], int]:
    """One page of the unit's cases (active, or paused waiting for the citizen), the most
    urgent first, and how many there are in all."""
    statuses = WAITING if waiting else ACTIVE
    where, params = _where(unit, statuses, filters)
    conn = _connection(store)
    total = conn.execute(f"select count(*) from cases c where {where}", params).fetchone()[0]
    ids = _most_urgent(conn, unit, statuses, filters, offset + limit)[offset:]
    if not ids:
        return [], total
    marks = ", ".join("?" for _ in ids)
    cursor = conn.execute(
        f"select {_COLUMNS} from cases c left join procedures p on p.code = c.procedure_code "
        f"and p.version = c.procedure_version where c.id in ({marks}) "
        "order by c.due_at, c.id", ids)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()], total


def _most_urgent(conn, unit: str, statuses: tuple[int, ...], filters: Filters,
                 count: int) -> list[int]:
    """The first `count` ids by due date: one index range per status, already in order,
    merged here rather than sorting the whole unit in SQL."""
    heads = []
    for status in statuses:
        if filters.status is not None and filters.status != status:
            continue
        where, params = _where(unit, (status,), filters)
        heads.append(conn.execute(f"select c.due_at, c.id from cases c where {where} "
                                  "order by c.due_at, c.id limit ?", [*params, count]))
    return [case_id for _, case_id in itertools.islice(heapq.merge(*heads), count)]


def procedures_at(store: Store, unit: str) -> list[dict]:
    """The procedures of the unit's open cases, for the filter's choices: one index probe
    per procedure of the catalogue."""
    marks = ", ".join("?" for _ in OPEN)
    return store.all(
        "select p.code, p.name from procedures p where p.version = (select max(version) "
        "from procedures q where q.code = p.code) and exists (select 1 from cases c "
        f"where c.current_unit = ? and c.procedure_code = p.code and c.status in ({marks})) "
        "order by p.code", [unit, *sorted(int(s) for s in OPEN)])


def overdue_without_apology(store: Store, now: datetime, limit: int = 200) -> list[dict]:
    """Open cases past their legal due date and not yet rescheduled: the candidates for an
    apology (the page keeps those the signed-in leader answers for)."""
    marks = ", ".join("?" for _ in OPEN)
    return store.all(
        f"select c.*, p.name as procedure_name from cases c left join procedures p "
        "on p.code = c.procedure_code and p.version = c.procedure_version "
        f"where c.status in ({marks}) and c.new_due_at is null and c.due_at < ? "
        "order by c.due_at limit ?", [*sorted(int(s) for s in OPEN), iso(now), limit])
