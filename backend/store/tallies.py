"""The report's daily tallies (`report_days`): the table, the triggers on `cases` and
`ratings` that keep it in the same transaction as every write, and the recount the migration
fills it from. Apart from `backend.store.reports`, which reads them, so the migration that
installs them imports no other store module."""

from __future__ import annotations

# Withdrawn, stopped and refused are final: nothing acts on such a case again, so the time it
# was last written is the time it ended. Open cases sort last ('9999'), so one index range
# holds every case not finished by a moment.
CLOSED_AT = ("coalesce({r}resolved_at, case when {r}status in (3, 7, 8) "
              "then {r}updated_at end, '9999')")
OPENED = "{r}status not in (1, 3)"
# Vietnam keeps +07:00 all year; a stored time in any offset still lands on its local day.
_DAY = "coalesce(date({r}{column}, '+7 hours'), '')"
_CHANNEL = ("case {r}channel when 'post' then 'received_by_post' when 'online' "
            "then 'received_online' else 'received_in_person' end")
# (day, fact, when) of each fact a case row states; a report period counts a fact by its day.
_CASE_FACTS = (
    ("received_at", "'received'", OPENED),
    ("received_at", _CHANNEL, OPENED),
    (None, "'finished'", f"{OPENED} and {CLOSED_AT} < '9999'"),
    ("resolved_at", "'resolved_' || {r}result_class",
     "{r}result_class in ('early', 'on_time', 'late')"),
    ("returned_at", "'returned'", "{r}returned_at is not null"),
    ("updated_at", "case {r}status when 3 then 'refused' when 7 then 'withdrawn' "
     "else 'stopped' end", "{r}status in (3, 7, 8)"),
)
# A finished case counts as finished no earlier than the day it was received, so "received
# before D minus finished before D" is exactly the cases open at D.
_FINISHED_DAY = (f"max({_DAY.format(r='{r}', column='received_at')}, "
                 f"coalesce(date({CLOSED_AT}, '+7 hours'), ''))")
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


def recounted(store) -> set[tuple]:
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
    db.execute(f"create index cases_open_until on cases ({CLOSED_AT.format(r='')}, "
               "status, received_at, updated_at, due_at, paused_at, procedure_code, "
               "procedure_version)")
    # The index the one-pass report read is no longer read; keeping it would only slow intake.
    db.execute("drop index if exists cases_report")
    db.execute("drop index if exists cases_rated")
