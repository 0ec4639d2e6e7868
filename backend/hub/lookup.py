"""The public lookup at the hub: any centre's code, the same answer that centre gives.

The answer is built by the site's own builder (`backend.store.lookup.build_answer`) from the
case view the site sent; a receipt token is checked against the site's per-case digest
(`backend.domain.hub_tokens`), never against a site secret.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from backend.api import deps
from backend.domain import codes
from backend.domain.errors import InvalidInput, NotFound
from backend.hub import tokens
from backend.hub.db import HubStore
from backend.store.cases import _event_data
from backend.store.lookup import build_answer, case_not_found, unreadable

# One round trip whatever the answer needs: the history comes along (a case has a handful of
# events) and is shown only when the token proves the receipt.
FOUND = ("select c.view, p.snapshot, s.units, s.lookup_key, (select coalesce(json_agg("
         "json_build_object('at', e.at, 'action', e.action, 'unit', e.unit, 'to_status', "
         "e.to_status, 'data', e.data) order by e.id), '[]') from events e "
         "where e.case_code = c.code) as events from cases c "
         "join procedures p on p.digest = c.procedure_digest "
         "join sites s on s.agency = c.site ")


def hub_lookup(store: HubStore, text: str, token: str | None, now: datetime) -> dict:
    scan = codes.parse_scan(text)
    if scan.compact is not None:
        found, token = _from_compact(store, scan.compact), scan.compact.token
    else:
        code, token = str(scan.code), scan.token or token
        found = store.one(FOUND + "where c.code = %s", [code])
        if found is None:
            raise case_not_found(code)
    row = {**found["view"], "procedure": found["snapshot"]}
    try:
        return _answer(found, row, token, now)
    except (ValueError, KeyError, TypeError):  # a damaged view: say so, not a 500
        raise unreadable(row) from None


def _from_compact(store: HubStore, compact: codes.Compact) -> dict:
    """The numeric barcode names its agency by the issuing site's own two-digit number, which
    other sites use too: of the cases with that number, day and sequence, the one whose
    receipt token the barcode carries is the one; a single candidate is answered as its site
    answers a wrong token (without the private part)."""
    tail = f"-{compact.day:%y%m%d}-{compact.seq:04d}"
    found = store.all(FOUND + "where s.agency_index = %s and c.code = s.agency || %s",
                      [compact.agency_index, tail])
    proved = [f for f in found if tokens.verify(
        bytes(f["lookup_key"] or b""), f["view"]["code"], compact.token,
        f["view"].get("token_digest"))]
    if len(proved) == 1 or len(found) == 1:
        return (proved or found)[0]
    if not found:
        raise NotFound(f"Không tìm thấy hồ sơ có mã vạch {compact}. Vui lòng kiểm tra lại "
                       "giấy biên nhận.",
                       f"No case with barcode {compact}. Please check your receipt.",
                       key="case_not_found")
    raise InvalidInput("Mã vạch số này trùng ở nhiều trung tâm; hãy quét mã QR hoặc nhập mã "
                       "hồ sơ", "This numeric barcode matches cases at several centres; scan "
                       "the QR code or type the case code", key="compact_ambiguous")


def _answer(found: dict, row: dict, token: str | None, now: datetime) -> dict:
    units, key = found["units"], bytes(found["lookup_key"] or b"")
    if not tokens.verify(key, row["code"], token, row.get("token_digest")):
        return build_answer(units, row, now, handler=row["handler"])
    # Read as the site reads them: a damaged data column does not hide the rest.
    events = [{**e, "data": _event_data(e["data"])} for e in found["events"]]
    return build_answer(units, row, now, handler=row["handler"], applicant=row["applicant"],
                        events=events, rated=row["rated"])


def lookup_route(request: Request, code: str, token: str | None) -> dict:
    """What the shared lookup route (`backend.api.lookup`) calls on the hub."""
    state = request.app.state
    state.limiter.check(deps.client(request), state.lookup_rate_per_minute)
    return hub_lookup(state.hub, code, token, state.clock())
