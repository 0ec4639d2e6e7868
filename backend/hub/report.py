"""The province reports: cases per national status now (`by_group`), and the national
template for a period (`period_report`), grouped by site, unit, field or procedure. Status
names and what the template counts come from the one place that holds each."""

from __future__ import annotations

from collections import defaultdict

from backend import forms
from backend.domain import reports
from backend.domain.errors import InvalidInput
from backend.domain.reports import Period
from backend.domain.workflow import Status
from backend.forms import Output
from backend.forms.case_forms import Context
from backend.hub.db import HubStore
from backend.store.cases import iso, procedure_of
from backend.store.reports import DEADLINE_ACTIONS, state_from

# group -> (key expression, label expression); all read from cases c, sites s, procedures p.
GROUPS = {
    "site": ("c.site", "s.name"),
    "unit": ("c.site || ' ' || coalesce(c.current_unit, '')",
             "coalesce(s.units -> c.current_unit ->> 'name', c.current_unit) || ' — ' || s.name"),
    "field": ("coalesce(p.field_code, '?')", "coalesce(p.field_name, '?')"),
    "procedure": ("coalesce(p.code, c.procedure_code)", "coalesce(p.name, c.procedure_code)"),
}


def by_group(store: HubStore, by: str) -> dict:
    key, label = GROUPS[by]
    rows = store.all(
        f"select {key} as key, min({label}) as label, c.status, count(*) as n from cases c "
        "join sites s on s.agency = c.site "
        "join procedures p on p.digest = c.procedure_digest "
        f"group by {key}, c.status order by 1, 3")
    groups: dict[str, dict] = {}
    for row in rows:
        group = groups.setdefault(row["key"], {"key": row["key"], "label": row["label"],
                                               "total": 0, "statuses": {}})
        group["statuses"][_status_key(row["status"])] = row["n"]
        group["total"] += row["n"]
    return {"by": by, "statuses": {s.key: s.label for s in Status},
            "groups": list(groups.values()), "total": sum(g["total"] for g in groups.values())}


def _status_key(value: int) -> str:
    try:
        return Status(value).key
    except ValueError:
        return str(value)


# --- the national template (the site's `motcua report`), for the province -------------------

def _text(key: str) -> str:
    # ISO times with one offset sort like the times they name, under byte order ("C").
    return f"(c.view ->> '{key}') collate \"C\" as {key}"


_CASES = f"""
with v as (
  select c.site, c.procedure_digest, c.code, c.status, c.received_at collate "C" as received_at,
    {_text('resolved_at')}, {_text('result_class')}, {_text('returned_at')},
    {_text('paused_at')}, {_text('due_at')}, coalesce(c.view ->> 'channel', 'in_person') as channel,
    coalesce(c.view ->> 'updated_at', (select max(e.at) from events e
                                       where e.case_code = c.code)) collate "C" as updated_at
  from cases c where c.received_at < %(e)s),
w as (
  select *, status not in (1, 3) as opened, coalesce(resolved_at, case when status in (3, 7, 8)
         then updated_at end) as closed_at from v),
x as (select *, opened and (closed_at is null or closed_at >= %(e)s) as open_at_end from w)
select site, procedure_digest,
  count(*) filter (where opened and received_at < %(s)s
                   and (closed_at is null or closed_at >= %(s)s)) as carried_over,
  count(*) filter (where opened and received_at >= %(s)s) as received,
  count(*) filter (where opened and received_at >= %(s)s and channel = 'in_person')
    as received_in_person,
  count(*) filter (where opened and received_at >= %(s)s and channel = 'post') as received_by_post,
  count(*) filter (where opened and received_at >= %(s)s and channel = 'online') as received_online,
  count(*) filter (where result_class = 'early' and {{resolved}}) as resolved_early,
  count(*) filter (where result_class = 'on_time' and {{resolved}}) as resolved_on_time,
  count(*) filter (where result_class = 'late' and {{resolved}}) as resolved_late,
  count(*) filter (where returned_at >= %(s)s and returned_at < %(e)s) as returned,
  count(*) filter (where status = 7 and {{updated}}) as withdrawn,
  count(*) filter (where status = 8 and {{updated}}) as stopped,
  count(*) filter (where status = 3 and {{updated}}) as refused,
  count(*) filter (where open_at_end and updated_at < %(e)s
                   and coalesce(paused_at, %(e)s) <= due_at) as in_progress_in_time,
  count(*) filter (where open_at_end and updated_at < %(e)s
                   and coalesce(paused_at, %(e)s) > due_at) as in_progress_overdue,
  array_agg(code) filter (where open_at_end and updated_at >= %(e)s) as touched
from x group by site, procedure_digest
""".format(resolved="resolved_at >= %(s)s and resolved_at < %(e)s",
           updated="updated_at >= %(s)s and updated_at < %(e)s")
_RATINGS = """
select site, procedure_digest, view ->> 'rating' as rating, count(*) as n from cases c
where (view ->> 'rated_at') collate "C" >= %(s)s and (view ->> 'rated_at') collate "C" < %(e)s
group by 1, 2, 3
"""
GROUPINGS = ("site", "unit", "field", "procedure")


def period_report(store: HubStore, period: Period, by: str) -> tuple[list, dict[str, str]]:
    """The national template's rows for the province, one per group, then TOTAL, counted as
    each site counts its own (`backend.store.reports`) from the views and events it synced;
    and the groups' names."""
    bounds = {"s": iso(period.start), "e": iso(period.end)}
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(reports.empty_row)
    for row in store.all(_CASES, bounds):
        key = row.pop("site"), row.pop("procedure_digest")
        for code in row.pop("touched") or []:
            _count_touched(store, row, code, period.end)
        counts[key].update(row)
    for row in store.all(_RATINGS, bounds):
        if f"rated_{row['rating']}" in reports.COLUMNS:
            counts[row["site"], row["procedure_digest"]][f"rated_{row['rating']}"] += row["n"]
    return _grouped(store, counts, by)


def _count_touched(store: HubStore, row: dict, code: str, end) -> None:
    """A case open at the end but written since: its events say how it stood then."""
    due, paused = state_from(store.all(
        "select action, at, data from events where case_code = %s and at collate \"C\" < %s "
        f"and action in {DEADLINE_ACTIONS} order by id", [code, iso(end)]))
    row["in_progress_overdue" if reports.overdue_at(end, due, paused)
        else "in_progress_in_time"] += 1


def _grouped(store: HubStore, counts: dict, by: str) -> tuple[list, dict[str, str]]:
    sites = {r["agency"]: r for r in store.all("select agency, name, units from sites")}
    snapshots = {r["digest"]: r["snapshot"] for r in store.all(
        "select digest, snapshot from procedures where digest = any(%s)",
        [list({digest for _, digest in counts})])} if counts else {}
    groups: dict[str, dict[str, int]] = defaultdict(reports.empty_row)
    names: dict[str, str] = {}
    for (agency, digest), row in counts.items():
        proc = procedure_of({"procedure": snapshots[digest]})
        key, names_of = _group(sites[agency], proc, by)
        names.update(names_of)
        for column, value in row.items():
            groups[key][column] += value
    return reports.with_total(groups), names


def _group(site: dict, proc, by: str) -> tuple[str, dict[str, str]]:
    """A group's key and what it is called: sites and their units by code, fields and
    procedures across the province by name, as each site names them."""
    if by == "site":
        return site["agency"], {site["agency"]: site["name"]}
    if by == "unit":
        unit = reports.group_of(proc, "unit")
        name = (site["units"].get(unit) or {}).get("name", unit)
        key = f"{site['agency']} {unit}"
        return key, {key: f"{name} — {site['name']}"}
    return reports.group_of(proc, by), {}


PROVINCE = "HỆ THỐNG GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CẤP TỈNH"


def province_rows(store: HubStore, first: str, last: str, by: str) -> tuple[Period, list, dict]:
    """The period (refused clearly when it makes no sense), its rows and the groups' names:
    what the route, the page and `motcua hub report` all show."""
    the_period = reports.period(first, last)
    if by not in GROUPINGS:
        raise InvalidInput(f"Cách nhóm '{by}' không hợp lệ (site, unit, field hoặc procedure)",
                           f"Grouping '{by}' is not valid (site, unit, field or procedure)",
                           field="by")
    rows, names = period_report(store, the_period, by)
    return the_period, rows, names


def period_output(store: HubStore, first: str, last: str, by: str, fmt: str, now) -> Output:
    """The province's rows in the site report's formats."""
    forms.check_format(fmt, reports.FORMATS)
    the_period, rows, names = province_rows(store, first, last, by)
    return forms.period_output(rows, the_period, by, fmt, PROVINCE, names,
                               Context(PROVINCE, {}).dated(now))
