"""The public lookup: the one function behind kiosk, web page and SMS, so they never disagree.

A typed code alone shows only the coarse status; personal data (masked) and the history need the
receipt's token. Never shown: date of birth, documents, reasons, staff comments, ID numbers.
"""

from __future__ import annotations

from datetime import datetime

from backend.domain import codes, vocabulary, workflow
from backend.domain.errors import Conflict, InvalidInput, NotFound
from backend.domain.privacy import mask_name
from backend.domain.vocabulary import fields, label
from backend.domain.workflow import Status
from backend.store import cases
from backend.store.db import Store
from backend.store.site import Site, agency_by_index


def resolve_scan(store: Store, text: str, token: str | None) -> tuple[str, str | None]:
    """Turn whatever the citizen scanned or typed into (code, token)."""
    scan = codes.parse_scan(text)
    if scan.compact is not None:
        return _from_compact(store, scan.compact), scan.compact.token
    return str(scan.code), scan.token or token


def _from_compact(store: Store, compact: codes.Compact) -> str:
    agency = agency_by_index(store, compact.agency_index)
    if agency is None:
        raise InvalidInput("Mã vạch không thuộc cơ quan này",
                           "This barcode does not belong to this agency", key="invalid_code")
    return str(codes.CaseCode(agency, compact.day, compact.seq))


def public_lookup(store: Store, site: Site, text: str, token: str | None,
                  now: datetime) -> dict:
    code, token = resolve_scan(store, text, token)
    try:
        row = cases.get(store, code)
    except NotFound:
        raise case_not_found(code) from None
    try:
        return _answer(store, site, row, codes.verify_token(code, token, site.secret), now)
    except (ValueError, KeyError, TypeError):  # a damaged row or event: say so, not a 500
        raise unreadable(row) from None


def _answer(store: Store, site: Site, row: dict, verified: bool, now: datetime) -> dict:
    if not verified:
        return build_answer(site.units, row, now, handler=responsible_official(store, row))
    # Only to the receipt's holder: whether the case was rated is theirs to know, and the
    # kiosk must not ask twice.
    rated = store.one("select 1 from ratings where case_id = ?", [row["id"]]) is not None
    return build_answer(site.units, row, now, handler=responsible_official(store, row),
                        applicant=mask_name(row["applicant_name"] or ""),
                        events=cases.events(store, row["id"]), rated=rated)


def build_answer(units: dict, row: dict, now: datetime, *, handler: str | None,
                 applicant: str | None = None, events: list[dict] | None = None,
                 rated: bool = False) -> dict:
    """The answer every channel shows, at the site and at the provincial hub alike. With
    `applicant` (already masked) the receipt was proved: the masked name and history join."""
    answer = _coarse(units, row, now)
    answer["handler"] = handler
    if applicant is not None:
        answer["verified"] = True
        answer["applicant"] = applicant
        answer["history"] = public_history(units, events or [])
        answer["rated"] = rated
    return answer


def case_not_found(code: str) -> NotFound:
    return NotFound(f"Không tìm thấy hồ sơ có mã {code}. Vui lòng kiểm tra lại mã trên "
                    "giấy biên nhận.",
                    f"No case with code {code}. Please check the code on your receipt.",
                    key="case_not_found")


def unreadable(row: dict) -> Conflict:
    return Conflict(
        f"Chưa hiển thị được hồ sơ {row['code']}; vui lòng liên hệ Bộ phận Một cửa",
        f"Case {row['code']} cannot be shown right now; please ask at the one-stop desk",
        key="case_unreadable")


def _coarse(units: dict, row: dict, now: datetime) -> dict:
    status = Status(row["status"])
    proc = cases.procedure_of(row)
    return {
        "code": row["code"],
        "status": status.key,
        "status_code": int(status),
        **fields("status_label", label("status", status.key)),
        # Sensitive procedures (criminal records) reveal only their field to a code alone.
        "procedure": proc.field.name if proc.sensitive else proc.name,
        "procedure_code": None if proc.sensitive else proc.code,
        "field": proc.field.name,
        "received_at": row["received_at"],
        "due_at": row["due_at"],
        "new_due_at": row["new_due_at"],
        "late": workflow.is_late(cases.state_of(row), now),
        "result_class": row["result_class"],
        "receiving_unit": _unit_name(units, proc.workflow[0].unit),
        "current_unit": _unit_name(units, row["current_unit"]),
        "return_channel": row["return_channel"],
        **_return_labels(row["return_channel"]),
        "returned_at": row["returned_at"],
        "verified": False,
    }


def _return_labels(channel: str | None) -> dict[str, str]:
    if channel not in vocabulary.RETURN_CHANNELS:
        return {"return_label": "", "return_label_en": ""}
    return fields("return_label", label("return_channel", channel))


def responsible_official(store: Store, row: dict) -> str | None:
    """The official answering for the current step (Tây Ninh art. 5.3): the latest one of the
    current unit to act since the case reached that step. A clerk who only sent it on is not
    responsible for it, so until someone there takes it up only the unit is named."""
    return responsible_officials(store, [row["id"]]).get(row["id"])


def responsible_officials(store: Store, case_ids: list[int]) -> dict[int, str | None]:
    """`responsible_official` for many cases in one query (the sync reads a thousand at once)."""
    if not case_ids:
        return {}
    marks = ", ".join("?" for _ in case_ids)
    found: dict[int, str | None] = {}
    for case_id, name in store.conn.execute(
            "select e.case_id, u.full_name from events e join cases c on c.id = e.case_id "
            "join users u on u.username = e.actor "
            f"where e.case_id in ({marks}) and e.unit = c.current_unit "
            "and e.id >= coalesce((select max(m.id) from events m where m.case_id = e.case_id "
            "and m.action in ('transfer', 'resolve')), 0) order by e.id desc", case_ids):
        found.setdefault(case_id, name or None)
    return found


def _unit_name(units: dict, code: str | None) -> str | None:
    return units[code]["name"] if code in units else code


def public_history(units: dict, events: list[dict]) -> list[dict]:
    """Steps with time, status and unit; notes and actor accounts stay internal. An event
    whose status cannot be read is left out rather than hiding the others."""
    known = {int(s) for s in Status}
    return [
        {"at": e["at"], "action": e["action"], "status": Status(e["to_status"]).key,
         **fields("status_label", label("status", Status(e["to_status"]).key)),
         **fields("action_label", workflow.happened(e)),
         "unit": _unit_name(units, e["data"].get("to_unit") or e["unit"])}
        for e in events if e["to_status"] in known
    ]
