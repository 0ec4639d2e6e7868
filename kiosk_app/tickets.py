"""The paper the kiosk prints: queue tickets and the admin's test slip.

A ticket carries the number, the service, the counters that serve it, the time and the people
ahead (BRIEF: queue practice). Never a name. Vietnamese first, English in small print below.
"""

from __future__ import annotations

from datetime import datetime

from drivers.printers import Cut, Document, Feed, Rule, Text
from kiosk_app.strings import TEXTS, msg
from kiosk_app.views import when


def _both(key: str, **values: object) -> list[Text]:
    text = msg(key, **values)
    return [Text(text.vi, align="center"), Text(text.en, align="center")]


def ticket_document(ticket: dict, service: str, counters: str, site_name: str = "") -> Document:
    doc = Document()
    if site_name:
        doc.add(Text(site_name, align="center", bold=True))
    vi, en = TEXTS["t_header"]
    doc.add(Text(vi, align="center", bold=True), Text(en, align="center"), Rule(),
            Text(ticket["label"], align="center", bold=True, size=4), Feed(1))
    if f"prio_{ticket.get('priority_reason')}" in TEXTS:  # the counter calls it first
        doc.add(*_both("t_priority", reason=msg(f"prio_{ticket['priority_reason']}")))
    doc.add(*_both("t_service", service=service))
    doc.add(*_both("t_ahead", n=ticket.get("people_ahead", 0)))
    if counters:
        doc.add(*_both("t_counters", counters=counters))
    doc.add(*_both("t_time", at=when(ticket.get("issued_at"))), Rule())
    doc.add(*_both("t_note"), Feed(2), Cut())
    return doc


def self_test_slip(device_name: str, now: datetime) -> Document:
    text = msg("test_slip", name=device_name)
    return Document([Text(text.vi, align="center", bold=True), Text(text.en, align="center"),
                     Text(now.strftime("%H:%M:%S %d/%m/%Y"), align="center"),
                     Text("ÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ Đ ƯỪỨỬỮỰ ƠỜỚỞỠỢ", align="center"), Feed(2), Cut()])
