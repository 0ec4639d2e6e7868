"""The province report, first version: cases per national status, grouped by site, unit,
field or procedure. Status names come from the one place that holds them."""

from __future__ import annotations

from backend.domain.workflow import Status
from backend.hub.db import HubStore

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
