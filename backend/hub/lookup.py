"""The public lookup at the hub: any centre's code, the same answer that centre gives.

The answer is built by the site's own builder (`backend.store.lookup.build_answer`) from the
case view the site sent; a receipt token is checked against the site's per-case digest
(`backend.hub.tokens`), never against a site secret.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from backend.api import deps
from backend.domain import codes
from backend.domain.errors import InvalidInput
from backend.hub import tokens
from backend.hub.db import HubStore
from backend.store.cases import _event_data
from backend.store.lookup import build_answer, case_not_found, unreadable


def hub_lookup(store: HubStore, text: str, token: str | None, now: datetime) -> dict:
    scan = codes.parse_scan(text)
    if scan.compact is not None:
        # The compact barcode numbers agencies per site, so only its own centre can read it.
        raise InvalidInput("Mã vạch rút gọn chỉ tra được tại trung tâm cấp biên nhận; hãy "
                           "quét mã QR hoặc nhập mã hồ sơ",
                           "The short barcode is read only at the centre that issued the "
                           "receipt; scan the QR code or type the case code",
                           key="compact_at_hub")
    code, token = str(scan.code), scan.token or token
    found = store.one(
        "select c.view, p.snapshot, s.units, s.lookup_key from cases c "
        "join procedures p on p.digest = c.procedure_digest "
        "join sites s on s.agency = c.site where c.code = %s", [code])
    if found is None:
        raise case_not_found(code)
    row = {**found["view"], "procedure": found["snapshot"]}
    try:
        return _answer(store, found, row, token, now)
    except (ValueError, KeyError, TypeError):  # a damaged view: say so, not a 500
        raise unreadable(row) from None


def _answer(store: HubStore, found: dict, row: dict, token: str | None,
            now: datetime) -> dict:
    units, key = found["units"], bytes(found["lookup_key"] or b"")
    if not tokens.verify(key, row["code"], token, row.get("token_digest")):
        return build_answer(units, row, now, handler=row["handler"])
    return build_answer(units, row, now, handler=row["handler"], applicant=row["applicant"],
                        events=_events(store, row["code"]), rated=row["rated"])


def _events(store: HubStore, code: str) -> list[dict]:
    rows = store.all("select at, action, unit, to_status, data from events "
                     "where case_code = %s order by id", [code])
    # Read as the site reads them: a damaged data column does not hide the rest.
    return [{**r, "data": _event_data(r["data"])} for r in rows]


def lookup_route(request: Request, code: str, token: str | None) -> dict:
    """What the shared lookup route (`backend.api.lookup`) calls on the hub."""
    state = request.app.state
    state.limiter.check(deps.client(request), state.lookup_rate_per_minute)
    return hub_lookup(state.hub, code, token, state.clock())
