"""View models: backend answers turned into exactly what a kiosk screen shows, in both languages.

Screens render these and nothing else, so what a citizen may see is decided here, once, and tested
without a display: e.g. the applicant's masked name and the history exist only on a lookup whose
receipt token was verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backend.domain.calendar import short_time
from backend.domain.vocabulary import event_label, label, sent
from kiosk_app.strings import Msg, msg

# Status colours: blue while the office works, amber when the citizen must act, green when the
# result is ready, grey when the case ended without one, red for refused.
STATUS_COLOURS = {
    "registered": "#546E7A", "received": "#1565C0", "processing": "#1565C0",
    "supplement": "#E65100", "payment": "#E65100", "refused": "#C62828",
    "withdrawn": "#616161", "stopped": "#616161", "resolved": "#2E7D32",
    "returned": "#00695C",
}
LATE_COLOUR = "#C62828"
LEVELS = {"Cấp xã": "Commune level", "Cấp tỉnh": "Provincial level",
          "Cấp huyện": "District level"}


def same(text: str | None) -> Msg:
    """Data shown as it is in both languages (names, codes, dates)."""
    return Msg(text or "—", text or "—")


def when(iso: str | None) -> str:
    """Backend times as Vietnamese receipts write them (hh:mm dd/mm/yyyy); a dash for none,
    as the kiosk shows an empty field."""
    return short_time(iso) or "—"


def money(amount: int) -> Msg:
    vi = f"{amount:,}".replace(",", ".")
    return Msg(f"{vi} đồng", f"{amount:,} VND")


# --- case status ------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: str
    what: Msg
    unit: str


@dataclass(frozen=True)
class StatusView:
    code: str
    status: str  # machine key, e.g. "processing"
    label: Msg
    colour: str
    late: bool
    verified: bool
    rows: tuple[tuple[Msg, Msg], ...]  # (label, value) in display order
    timeline: tuple[Event, ...]
    applicant: str | None
    rated: bool = False  # known only to the receipt's holder (a verified lookup)

    @property
    def returned(self) -> bool:
        return self.status == "returned"

    @property
    def can_rate(self) -> bool:
        """A returned case, proved by its receipt, not rated yet (one rating per case)."""
        return self.returned and self.verified and not self.rated


def status_view(answer: dict) -> StatusView:
    verified = bool(answer.get("verified"))
    applicant = answer.get("applicant") if verified else None
    return StatusView(
        code=answer["code"], status=answer["status"],
        label=sent(answer, "status_label", "status", answer["status"]),
        colour=STATUS_COLOURS.get(answer["status"], "#455A64"), late=bool(answer.get("late")),
        verified=verified, rows=_status_rows(answer, applicant),
        timeline=tuple(_event(e) for e in answer.get("history", ())) if verified else (),
        applicant=applicant, rated=verified and bool(answer.get("rated")))


def _status_rows(answer: dict, applicant: str | None) -> tuple[tuple[Msg, Msg], ...]:
    rows = [(msg("f_procedure"), same(answer.get("procedure")))]
    if applicant:
        rows.append((msg("f_applicant"), same(applicant)))
    rows += [(msg("f_received"), same(when(answer.get("received_at")))),
             (msg("f_due"), same(when(answer.get("due_at"))))]
    if answer.get("new_due_at"):
        rows.append((msg("f_new_due"), same(when(answer["new_due_at"]))))
    rows.append((msg("f_unit"), same(answer.get("current_unit"))))
    if answer.get("handler"):
        rows.append((msg("f_handler"), same(answer["handler"])))
    rows.append((msg("f_collect"), collect(answer)))
    return tuple(rows)


def collect(answer: dict) -> Msg:
    """Where and when the citizen gets the result, from the status and the return channel."""
    channel = answer.get("return_channel") or "counter"
    where = sent(answer, "return_label", "return_channel", channel)
    status = answer["status"]
    if status == "returned":
        return msg("collect_returned", "ok", at=when(answer.get("returned_at")))
    if status == "resolved":
        return msg("collect_ready", "ok", where=where)
    if status in ("refused", "withdrawn", "stopped"):
        return msg("collect_none")
    if answer.get("late"):  # an appointment already missed is no appointment
        return msg("collect_late", "warn", where=where)
    due = answer.get("new_due_at") or answer.get("due_at")
    return msg("collect_expected", where=where, at=when(due))


def _event(entry: dict) -> Event:
    what = (sent(entry, "action_label", "event", entry["action"]) if entry.get("action_label")
            else event_label(entry.get("action", ""), entry["status"]))
    return Event(when(entry.get("at")), what, entry.get("unit") or "")


# --- procedures -------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class ProcedureItem:
    code: str
    name: str
    field: str


@dataclass(frozen=True)
class ProcedureView:
    code: str
    name: str
    rows: tuple[tuple[Msg, Msg], ...]
    documents: tuple[Msg, ...]


def field_view(item: dict) -> FieldView:
    return FieldView(item["code"], item["name"], int(item.get("procedures", 0)))


def procedure_item(proc: dict) -> ProcedureItem:
    return ProcedureItem(proc["code"], proc["name"], proc["field"]["name"])


def procedure_view(proc: dict, units: dict[str, str], services: list[dict]) -> ProcedureView:
    level = proc.get("level", "")
    rows = (
        (msg("p_code"), same(proc["code"])),
        (msg("p_field"), same(proc["field"]["name"])),
        (msg("p_level"), Msg(level, LEVELS.get(level, level))),
        (msg("p_time"), processing_time(proc["processing_time"])),
        (msg("p_fee"), fee(proc["fee"])),
        (msg("p_where"), where_to_apply(proc, units, services)),
        (msg("p_results"), _channels(proc.get("result_channels", ()))),
    )
    docs = tuple(_document(d) for d in proc["documents"])
    sets = msg("p_sets", n=proc.get("sets", 1))
    return ProcedureView(proc["code"], proc["name"], rows, (*docs, sets))


def processing_time(spec: dict) -> Msg:
    amount = spec["amount"]
    number = f"{amount:g}" if isinstance(amount, float) else str(amount)
    return msg(f"time_{spec['unit']}", n=number)


def fee(spec: dict) -> Msg:
    if not spec.get("amount"):
        return msg("free")
    known = spec.get("when") in ("at_intake", "at_return")
    tail = msg(f"fee_{spec['when']}") if known else Msg("", "")
    return msg("fee_line", name=spec["name"], amount=money(spec["amount"]), when=tail)


def where_to_apply(proc: dict, units: dict[str, str], services: list[dict]) -> Msg:
    unit = units.get(proc["receiving_unit"], proc["receiving_unit"])
    service = next((s for s in services if proc["field"]["code"] in s.get("fields", ())), None)
    if service is None:
        return same(unit)
    return msg("p_where_queue", unit=unit, letter=service["letter"], service=service["name"])


def _channels(channels) -> Msg:
    parts = [label("return_channel", c) for c in channels]
    return Msg("; ".join(p.vi for p in parts), "; ".join(p.en for p in parts))


def _document(doc: dict) -> Msg:
    optional = msg("doc_optional") if not doc.get("required", True) else Msg("", "")
    parts = [msg(f"doc_{kind}", n=doc[kind]) for kind in ("originals", "copies")
             if doc.get(kind)]
    counts = Msg(", ".join(p.vi for p in parts), ", ".join(p.en for p in parts))
    return msg("doc_line", name=doc["name"], counts=counts, optional=optional)


# --- queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceView:
    letter: str
    name: str
    waiting: int
    counters: str  # "1, 2"


@dataclass(frozen=True)
class TicketView:
    label: str
    service: str
    ahead: int
    counters: str
    issued_at: str
    confirmed: bool


def service_views(services: list[dict], status: dict, offered: list[str]) -> list[ServiceView]:
    waiting = {s["letter"]: s["waiting"] for s in status.get("services", ())}
    counters = status.get("counters", ())
    return [ServiceView(s["letter"], s["name"], int(waiting.get(s["letter"], 0)),
                        counters_of(s["letter"], counters))
            for s in services if not offered or s["letter"] in offered]


def counters_of(letter: str, counters) -> str:
    return ", ".join(str(c["number"]) for c in counters if letter in c.get("services", ()))


def ticketing_closed(status: dict | None) -> Msg | None:
    """Why no ticket can be taken now and from when ("Lấy số lại lúc 13:30"), from the
    backend's queue status; None while tickets are issued (or nothing is known yet)."""
    ticketing = (status or {}).get("ticketing") or {}
    if ticketing.get("open", True) or not ticketing.get("opens_at"):
        return None
    opens = datetime.fromisoformat(ticketing["opens_at"])
    if opens.date().isoformat() == status.get("day"):
        return msg("queue_closed", at=f"{opens:%H:%M}")
    return msg("queue_closed_day", at=f"{opens:%H:%M}", day=f"{opens:%d/%m}")
