"""Reports and printable forms: from the store to bytes in the asked format, for the API and
the `motcua report` command alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backend.domain import reports
from backend.domain.errors import InvalidInput
from backend.forms import case_forms, document, period
from backend.store import cases
from backend.store import reports as store_reports
from backend.store.db import Store
from backend.store.site import Site

CASE_FORMS = ("mau02", "mau03", "mau04", "mau05")
PRINTABLE = ("html", "pdf")


@dataclass(frozen=True)
class Output:
    body: bytes
    media_type: str
    filename: str


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    if fmt not in allowed:
        raise InvalidInput(f"Định dạng '{fmt}' không hỗ trợ (chọn {', '.join(allowed)})",
                           f"Format '{fmt}' is not supported (choose {', '.join(allowed)})",
                           field="format")
    return fmt


def period_report(store: Store, site: Site, first: str, last: str, by: str, fmt: str,
                  now: datetime) -> Output:
    the_period = reports.period(first, last)
    reports.check_by(by)
    check_format(fmt, reports.FORMATS)
    rows = store_reports.period_report(store, the_period, by)
    return period_output(rows, the_period, by, fmt, site.agency_name,
                         store_reports.unit_names(store), _context(store, site).dated(now))


def period_output(rows, the_period: reports.Period, by: str, fmt: str, agency: str,
                  names: dict[str, str], place_date: str) -> Output:
    """The period report's rows in a format: the site's and the province's alike."""
    check_format(fmt, reports.FORMATS)
    name = f"bao-cao-{the_period.first:%Y%m%d}-{the_period.last:%Y%m%d}-{by}.{fmt}"
    if fmt == "csv":
        body = period.to_csv(rows).encode()
    elif fmt == "json":
        body = period.to_json(rows, the_period, by, names).encode()
    elif fmt == "xlsx":
        body = period.to_xlsx(rows, the_period, by, agency, names)
    else:
        doc = period.document(rows, the_period, by, agency, names, place_date)
        body = _printable(doc, fmt)
    return Output(body, period.MEDIA[fmt], name)


def _printable(doc: document.Document, fmt: str) -> bytes:
    return document.pdf(doc) if fmt == "pdf" else document.html(doc).encode()


def _context(store: Store, site: Site) -> case_forms.Context:
    return case_forms.Context(site.agency_name, store_reports.unit_names(store))


def case_form(store: Store, site: Site, kind: str, row: dict, fmt: str) -> Output:
    check_format(fmt, PRINTABLE)
    ctx, events = _context(store, site), _events(store, row["id"])
    if kind == "mau05":
        doc = case_forms.mau05(ctx, row, events, site.calendar)
    else:
        doc = getattr(case_forms, kind)(ctx, row, events)
    return Output(_printable(doc, fmt), period.MEDIA[fmt], f"{kind}-{row['code']}.{fmt}")


def _events(store: Store, case_id: int) -> list[dict]:
    """The case's events with times parsed and each actor's full name, for the forms."""
    rows = store.all("select e.*, coalesce(u.full_name, e.actor) as official from events e "
                     "left join users u on u.username = e.actor where e.case_id = ? "
                     "order by e.id", [case_id])
    for row in rows:
        row["at"] = cases.parse_time(row["at"])
        row["data"] = cases.event_data(row["data"])
    return rows


def register(store: Store, site: Site, first: str, last: str, unit: str, fmt: str,
             actor, now: datetime) -> Output:
    """Mẫu 06; applicants in full only for cases the reader's unit handles or handled, and
    each such view logged."""
    check_format(fmt, PRINTABLE)
    the_period = reports.period(first, last)
    if unit not in site.units:
        raise InvalidInput(f"Không có đơn vị '{unit}'", f"There is no unit '{unit}'",
                           field="unit")
    rows = store_reports.register(store, the_period, unit)
    moves = {r["id"]: store_reports.first_transfer(store, r["id"]) for r in rows}
    shown = cases.shown_in_full(store, actor, rows)
    doc = case_forms.mau06(_context(store, site), rows, the_period, unit, moves,
                           {r["id"] for r in shown})
    cases.log_personal_data_access(store, actor, shown, now, "mau06")
    return Output(_printable(doc, fmt), period.MEDIA[fmt],
                  f"mau06-{unit}-{the_period.first:%Y%m%d}-{the_period.last:%Y%m%d}.{fmt}")
