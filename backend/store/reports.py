"""The SQL behind the period report and the registers; what is counted is `domain.reports`.

Each case's report facts (received on day D through channel C, finished on D, resolved early
on D, returned, withdrawn, stopped, refused, rated) are tallied per day and procedure version
in `report_days` by triggers on `cases` and `ratings`, in the same transaction as the write
(and so as the event `cases._append_event` adds with it). A report sums a few thousand tally
rows instead of reading a million cases; only the split of cases still open at the period's
end into in time / overdue needs the cases themselves, read from a narrow index of the cases
not finished by then, and the event log of those written since.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta

from backend.domain import reports
from backend.domain.procedures import Procedure
from backend.domain.reports import Period
from backend.store.cases import iso, parse_time, procedure_of
from backend.store.db import Store
from backend.store.tallies import CLOSED_AT, OPENED

_TALLIES = """
select procedure_code, procedure_version, fact, sum(n) from report_days
where day >= :first and day < :after group by 1, 2, 3
"""
_OPEN_AT_END = f"""
select procedure_code, procedure_version,
  sum(updated_at < :e and coalesce(paused_at, :e) <= due_at),
  sum(updated_at < :e and coalesce(paused_at, :e) > due_at),
  group_concat(case when updated_at >= :e then id end)
from cases indexed by cases_open_until
where {CLOSED_AT.format(r='')} >= :e and {OPENED.format(r='')} and received_at < :e
group by 1, 2
"""


def period_report(store: Store, period: Period, by: str) -> list[tuple[str, dict[str, int]]]:
    """The national template's rows for the period, one per group, then TOTAL."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(reports.empty_row)
    _add_tallies(store, counts, period)
    _add_open_at_end(store, counts, period.end)
    return reports.with_total(_grouped(store, counts, by))


def _tallies(store: Store, first: str, after: str):
    return store.conn.execute(_TALLIES, {"first": first, "after": after})


def _add_tallies(store: Store, counts, period: Period) -> None:
    first, after = period.first.isoformat(), (period.last + timedelta(days=1)).isoformat()
    for code, version, fact, n in _tallies(store, first, after):
        if fact in reports.COLUMNS:
            counts[code, version][fact] += n
    for code, version, fact, n in _tallies(store, "", first):
        if fact in ("received", "finished"):
            counts[code, version]["carried_over"] += n if fact == "received" else -n


def _add_open_at_end(store: Store, counts, end: datetime) -> None:
    """Cases open at the end, in time or overdue then: by their row when nothing has been
    written since, else by their event log."""
    touched: dict[tuple[str, str], list[int]] = {}
    for code, version, in_time, overdue, ids in store.conn.execute(
            _OPEN_AT_END, {"e": iso(end)}):
        counts[code, version]["in_progress_in_time"] += in_time
        counts[code, version]["in_progress_overdue"] += overdue
        if ids:
            touched[code, version] = [int(i) for i in ids.split(",")]
    states = states_at(store, [i for ids in touched.values() for i in ids], end)
    for key, ids in touched.items():
        for case_id in ids:
            late = reports.overdue_at(end, *states[case_id])
            counts[key]["in_progress_overdue" if late else "in_progress_in_time"] += 1


DEADLINE_ACTIONS = "('intake', 'request_supplement', 'request_payment', 'supplied', 'paid')"


def states_at(store: Store, case_ids: list[int], moment: datetime
              ) -> dict[int, tuple[datetime, datetime | None]]:
    """(deadline, paused since) of each case as they stood at `moment`, from the event log
    (one query for all of them): the intake sets the deadline, each supplement or payment
    received moves it."""
    events: dict[int, list[dict]] = defaultdict(list)
    for event in store.all(
            "select case_id, action, at, data from events where case_id in "
            f"(select value from json_each(?)) and at < ? and action in {DEADLINE_ACTIONS} "
            "order by id", [json.dumps(case_ids), iso(moment)]):
        events[event["case_id"]].append(event)
    return {case_id: state_from(case_events) for case_id, case_events in events.items()}


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
    """The version cases were received under: from the catalogue, which keeps every version
    loaded (a key lookup), else from one such case's own copy (a scan, for versions that
    never passed through this catalogue)."""
    row = store.one("select data as procedure from procedures where code = ? and version = ?",
                    [code, version]) or store.one(
        "select procedure from cases where procedure_code = ? and procedure_version = ? "
        "limit 1", [code, version])
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
