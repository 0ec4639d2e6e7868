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

# Withdrawn, stopped and refused are final: nothing acts on such a case again, so the time it
# was last written is the time it ended. Open cases sort last ('9999'), so one index range
# holds every case not finished by a moment.
_CLOSED_AT = ("coalesce({r}resolved_at, case when {r}status in (3, 7, 8) "
              "then {r}updated_at end, '9999')")
_OPENED = "{r}status not in (1, 3)"
# Vietnam keeps +07:00 all year; a stored time in any offset still lands on its local day.
_DAY = "coalesce(date({r}{column}, '+7 hours'), '')"
_CHANNEL = ("case {r}channel when 'post' then 'received_by_post' when 'online' "
            "then 'received_online' else 'received_in_person' end")
# (day, fact, when) of each fact a case row states; a report period counts a fact by its day.
_CASE_FACTS = (
    ("received_at", "'received'", _OPENED),
    ("received_at", _CHANNEL, _OPENED),
    (None, "'finished'", f"{_OPENED} and {_CLOSED_AT} < '9999'"),
    ("resolved_at", "'resolved_' || {r}result_class",
     "{r}result_class in ('early', 'on_time', 'late')"),
    ("returned_at", "'returned'", "{r}returned_at is not null"),
    ("updated_at", "case {r}status when 3 then 'refused' when 7 then 'withdrawn' "
     "else 'stopped' end", "{r}status in (3, 7, 8)"),
)
# A finished case counts as finished no earlier than the day it was received, so "received
# before D minus finished before D" is exactly the cases open at D.
_FINISHED_DAY = (f"max({_DAY.format(r='{r}', column='received_at')}, "
                 f"coalesce(date({_CLOSED_AT}, '+7 hours'), ''))")
_UPSERT = """insert into report_days (day, fact, procedure_code, procedure_version, n)
select day, fact, code, version, sum(n) from ({facts}) group by 1, 2, 3, 4 having sum(n) <> 0
on conflict do update set n = n + excluded.n"""


def _case_facts(r: str, sign: int, source: str = "") -> str:
    """The facts of case row `r` ("NEW." or "OLD." in a trigger; "r." with a `source`)."""
    selects = []
    for column, fact, when in _CASE_FACTS:
        day = _DAY.format(r=r, column=column) if column else _FINISHED_DAY.format(r=r)
        selects.append(f"select {day} as day, {fact.format(r=r)} as fact, "
                       f"coalesce({r}procedure_code, '') as code, "
                       f"coalesce({r}procedure_version, '') as version, {sign} as n"
                       f"{source} where {when.format(r=r)}")
    return " union all ".join(selects)


def _rating_facts(r: str, sign: int, source: str = "") -> str:
    """The fact of rating row `r`, counted in the group of its case `c`."""
    return (f"select {_DAY.format(r=r, column='at')} as day, 'rated_' || {r}rating as fact, "
            "coalesce(c.procedure_code, '') as code, coalesce(c.procedure_version, '') "
            f"as version, {sign} as n{source or f' from cases c where c.id = {r}case_id'}")


_RECOUNT = (f"{_case_facts('r.', 1, ' from cases r')} union all "
            f"{_rating_facts('r.', 1, ' from ratings r join cases c on c.id = r.case_id')}")


def recounted(store: Store) -> set[tuple]:
    """The tallies counted afresh from every case and rating, as the migration fills them in;
    the triggers must always keep `report_days` equal to this."""
    return set(store.conn.execute(
        f"select day, fact, code, version, sum(n) from ({_RECOUNT}) group by 1, 2, 3, 4"))


def install(db) -> None:
    """The tally table, its triggers, the index of cases by when they finished, and the
    tallies of the cases already there (migration `_m15_channel`)."""
    db.execute("create table report_days (day text not null, fact text not null, "
               "procedure_code text not null, procedure_version text not null, "
               "n integer not null, primary key (day, fact, procedure_code, procedure_version)"
               ") without rowid")
    for table, facts in (("cases", _case_facts), ("ratings", _rating_facts)):
        for verb, body in (("insert", facts("NEW.", 1)), ("delete", facts("OLD.", -1)),
                           ("update", f"{facts('NEW.', 1)} union all {facts('OLD.', -1)}")):
            db.execute(f"create trigger {table}_tally_{verb} after {verb} on {table} begin "
                       f"{_UPSERT.format(facts=body)}; end")
    db.execute(_UPSERT.format(facts=_RECOUNT))
    db.execute(f"create index cases_open_until on cases ({_CLOSED_AT.format(r='')}, "
               "status, received_at, updated_at, due_at, paused_at, procedure_code, "
               "procedure_version)")
    # The index the one-pass report read is no longer read; keeping it would only slow intake.
    db.execute("drop index if exists cases_report")
    db.execute("drop index if exists cases_rated")


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
where {_CLOSED_AT.format(r='')} >= :e and {_OPENED.format(r='')} and received_at < :e
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
