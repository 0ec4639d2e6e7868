"""The SQL behind the period report and the registers; what is counted is `domain.reports`.

One pass over the cases table counts everything but the state at the period's end, grouped by
procedure version; only the cases still open at the end are looked at one by one, and only
those touched since then need their event log.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from backend.domain import reports
from backend.domain.procedures import Procedure
from backend.domain.reports import Period
from backend.store.cases import iso, parse_time, procedure_of
from backend.store.db import Store

# Withdrawn, stopped and refused are final: nothing acts on such a case again, so the time it
# was last written is the time it ended.
_CLOSED_AT = ("coalesce(resolved_at, case when status in (3, 7, 8) then updated_at end)")
_OPENED = "status not in (1, 3)"


def _in(column: str) -> str:
    """In the period; ISO texts with one offset sort like the times they name."""
    return f"({column} >= :s and {column} < :e)"


_OPEN_AT_END = f"{_OPENED} and ({_CLOSED_AT} is null or {_CLOSED_AT} >= :e)"
# One pass over one procedure version's slice of the report index: no sort, no wide rows.
_PASS = f"""
select
  sum({_OPENED} and received_at < :s and ({_CLOSED_AT} is null or {_CLOSED_AT} >= :s)),
  sum({_OPENED} and received_at >= :s),
  sum(result_class = 'early' and {_in('resolved_at')}),
  sum(result_class = 'on_time' and {_in('resolved_at')}),
  sum(result_class = 'late' and {_in('resolved_at')}),
  sum({_in('returned_at')}),
  sum(status = 7 and {_in('updated_at')}),
  sum(status = 8 and {_in('updated_at')}),
  sum(status = 3 and {_in('updated_at')}),
  sum({_OPEN_AT_END} and updated_at < :e and coalesce(paused_at, :e) <= due_at),
  sum({_OPEN_AT_END} and updated_at < :e and coalesce(paused_at, :e) > due_at),
  group_concat(case when {_OPEN_AT_END} and updated_at >= :e then id end)
from cases indexed by cases_report
where procedure_code = :code and procedure_version = :version and received_at < :e
"""
_COUNTED = ("carried_over", "received", "resolved_early", "resolved_on_time", "resolved_late",
            "returned", "withdrawn", "stopped", "refused", "in_progress_in_time",
            "in_progress_overdue")
# Ratings are fewer than cases: walk them and look each one's case up in the narrow index
# (CROSS JOIN keeps that order).
_RATINGS = """
select c.procedure_code, c.procedure_version, r.rating, count(*) from ratings r
cross join cases c indexed by cases_rated on c.id = r.case_id where r.at >= :s and r.at < :e
group by 1, 2, 3
"""
_NEXT_VERSION = """
select procedure_code, procedure_version from cases indexed by cases_report
where (procedure_code, procedure_version) > (?, ?)
order by procedure_code, procedure_version limit 1
"""


def period_report(store: Store, period: Period, by: str) -> list[tuple[str, dict[str, int]]]:
    """The national template's rows for the period, one per group, then TOTAL."""
    bounds = {"s": iso(period.start), "e": iso(period.end)}
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(reports.empty_row)
    # One pass per procedure version, spread over the cores: sqlite3 lets go of the GIL
    # while a query runs.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        passes = pool.map(lambda key: (key, *_one_pass(store.path, bounds, key)),
                          _versions(store))
        for key, row, touched in passes:
            counts[key].update(row)
            for case_id in touched:
                _count_touched(store, counts[key], case_id, period.end)
    for code, version, rating, n in store.conn.execute(_RATINGS, bounds):
        if f"rated_{rating}" in reports.COLUMNS:
            counts[code, version][f"rated_{rating}"] += n
    return reports.with_total(_grouped(store, counts, by))


def _one_pass(path: str, bounds: dict, key: tuple[str, str]) -> tuple[dict, list[int]]:
    """The counts of one procedure version, and the cases open at the end but written since."""
    code, version = key
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        *values, touched = conn.execute(
            _PASS, {**bounds, "code": code, "version": version}).fetchone()
    row = dict(zip(_COUNTED, (v or 0 for v in values), strict=True))
    return row, [int(i) for i in touched.split(",")] if touched else []


def _versions(store: Store) -> list[tuple[str, str]]:
    """Every procedure version cases were received under: one index seek each."""
    found, last = [], ("", "")
    while (row := store.conn.execute(_NEXT_VERSION, last).fetchone()) is not None:
        found.append(last := tuple(row))
    return found


def _count_touched(store: Store, row: dict[str, int], case_id: int, end: datetime) -> None:
    """A case open at the end but written since: its row no longer shows the state it was in
    then, so its event log says."""
    due, paused = state_at(store, case_id, end)
    row["in_progress_overdue" if reports.overdue_at(end, due, paused)
        else "in_progress_in_time"] += 1


def state_at(store: Store, case_id: int, moment: datetime) -> tuple[datetime, datetime | None]:
    """(deadline, paused since) of a case as they stood at `moment`, from its event log: the
    intake sets the deadline, each supplement or payment received moves it."""
    return state_from(store.all(
        "select action, at, data from events where case_id = ? and at < ? and action in "
        f"{DEADLINE_ACTIONS} order by id", [case_id, iso(moment)]))


DEADLINE_ACTIONS = "('intake', 'request_supplement', 'request_payment', 'supplied', 'paid')"


def state_from(events: list[dict]) -> tuple[datetime, datetime | None]:
    """(deadline, paused since) after these events (in order): the site's and the hub's
    reports read the same log the same way."""
    due, paused = None, None
    for event in events:
        data = json.loads(event["data"] or "{}")
        if event["action"] in reports.PAUSES:
            paused = parse_time(event["at"])
        else:
            paused = None
            due = parse_time(data["due_at"]) if data.get("due_at") else due
    return due, paused


def _grouped(store: Store, counts, by: str) -> dict[str, dict[str, int]]:
    groups: dict[str, dict[str, int]] = defaultdict(reports.empty_row)
    for (code, version), row in counts.items():
        target = groups[reports.group_of(_procedure(store, code, version), by)]
        for column, value in row.items():
            target[column] += value
    return dict(groups)


def _procedure(store: Store, code: str, version: str) -> Procedure:
    """The version a case was received under, from one such case's own copy."""
    row = store.one("select procedure from cases where procedure_code = ? and "
                    "procedure_version = ? limit 1", [code, version])
    return procedure_of(row)


def unit_names(store: Store) -> dict[str, str]:
    return {r["code"]: r["name"] for r in store.all("select code, name from units")}


def register(store: Store, period: Period, unit: str) -> list[dict]:
    """Mẫu 06: every case received in the period whose workflow passes through `unit`."""
    rows = store.all("select * from cases where received_at >= ? and received_at < ? "
                     "order by received_at, id", [iso(period.start), iso(period.end)])
    return [r for r in rows if unit in {s.unit for s in procedure_of(r).workflow}]


def first_transfer(store: Store, case_id: int) -> str | None:
    row = store.one("select at from events where case_id = ? and action = 'transfer' "
                    "order by id limit 1", [case_id])
    return row["at"] if row else None
