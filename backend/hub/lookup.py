"""The public lookup at the hub: any centre's code, the same answer that centre gives.

The answer is built by the site's own builder (`backend.store.lookup.build_answer`) from the
case view the site sent; a receipt token is checked against the site's per-case digest
(`backend.domain.hub_tokens`), never against a site secret.

Per lookup the hub reads only the case's row: its view, its procedure's digest, its history
(kept as text at catch-up, parsed and shown only when a token proves the receipt) and the
version of its site's units and key. A procedure snapshot never changes for its digest, and
a site's units and key not for their version, so each worker reads those once and keeps
them.
Lookups arriving together share their reads (`backend.hub.db.Gathered`).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

from anyio import from_thread
from fastapi import Request

from backend.api import deps
from backend.domain import codes
from backend.domain.errors import InvalidInput, NotFound
from backend.hub import tokens
from backend.hub.db import Gathered, HubStore
from backend.store.cases import event_data
from backend.store.lookup import build_answer, case_not_found, unreadable

# The site's row by its key for each case found (a join hashed every site on each read). The
# history, kept as text beside the view, comes in the same read whether a token was given or
# not (one read for all the lookups in hand), and is parsed only when the token proves the
# receipt.
CASES = ("select c.code, c.site, c.procedure_digest, c.view, c.history, (select "
         "s.header_version from sites s where s.agency = c.site) as header_version "
         "from cases c where c.code = any(%s)")
SNAPSHOTS = "select digest, snapshot from procedures where digest = any(%s)"
HEADERS = "select agency, header_version, units, lookup_key from sites where agency = any(%s)"
NUMBERED = "select agency_index, agency from sites where agency_index = any(%s) order by agency"
KEPT_AT_MOST = 10_000  # procedure versions and site headers a worker keeps


class HubReads:
    """One event loop's reads of the hub for the public lookup."""

    def __init__(self, dsn: str):
        self.cases = Gathered(dsn, CASES, "code")
        self.snapshots = Gathered(dsn, SNAPSHOTS, "digest")
        self.headers = Gathered(dsn, HEADERS, "agency")
        self.numbered = Gathered(dsn, NUMBERED, "agency_index")
        self._snapshots: dict[str, str] = {}
        self._headers: dict[str, dict] = {}

    async def snapshot(self, digest: str) -> str:
        if digest not in self._snapshots:
            rows = await self.snapshots.get(digest)
            _keep(self._snapshots, digest, rows[0]["snapshot"])
        return self._snapshots[digest]

    async def header(self, agency: str, version: str) -> dict:
        """The site's units and lookup key as of `version` (or newer)."""
        kept = self._headers.get(agency)
        if kept is None or kept["header_version"] != version:
            kept = (await self.headers.get(agency))[0]
            _keep(self._headers, agency, kept)
        return kept

    async def close(self) -> None:
        for gathered in (self.cases, self.snapshots, self.headers, self.numbered):
            await gathered.close()


def _keep(kept: dict, key: str, value) -> None:
    if len(kept) >= KEPT_AT_MOST:
        kept.clear()
    kept[key] = value


async def lookup(reads: HubReads, text: str, token: str | None, now: datetime) -> dict:
    scan = codes.parse_scan(text)
    if scan.compact is not None:
        found, token = await _from_compact(reads, scan.compact), scan.compact.token
    else:
        code, token = str(scan.code), scan.token or token
        rows = await reads.cases.get(code)
        if not rows:
            raise case_not_found(code)
        found = rows[0]
    row = {**found["view"], "procedure": await reads.snapshot(found["procedure_digest"])}
    header = await reads.header(found["site"], found["header_version"])
    try:
        if not _proved(header, row, token):
            return build_answer(header["units"], row, now, handler=row["handler"])
        # Read as the site reads them: a damaged data column does not hide the rest.
        events = [{**e, "data": event_data(e["data"])} for e in json.loads(found["history"])]
        return build_answer(header["units"], row, now, handler=row["handler"],
                            applicant=row["applicant"], events=events, rated=row["rated"])
    except (ValueError, KeyError, TypeError):  # a damaged view: say so, not a 500
        raise unreadable(row) from None


def _proved(header: dict, view: dict, token: str | None) -> bool:
    return tokens.verify(bytes(header["lookup_key"] or b""), view["code"], token,
                         view.get("token_digest"))


async def _from_compact(reads: HubReads, compact: codes.Compact) -> dict:
    """The numeric barcode names its agency by the issuing site's own two-digit number, which
    other sites use too: of the cases with that number, day and sequence, the one whose
    receipt token the barcode carries is the one; a single candidate is answered as its site
    answers a wrong token (without the private part)."""
    tail = f"-{compact.day:%y%m%d}-{compact.seq:04d}"
    agencies = [r["agency"] for r in await reads.numbered.get(compact.agency_index)]
    found = [rows[0] for rows in await asyncio.gather(
        *(reads.cases.get(agency + tail) for agency in agencies)) if rows]
    proved = [f for f in found if _proved(
        await reads.header(f["site"], f["header_version"]), f["view"], compact.token)]
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


def hub_lookup(store: HubStore, text: str, token: str | None, now: datetime) -> dict:
    """The lookup outside a server (the SMS gateway): reads of its own, closed afterwards."""
    async def once() -> dict:
        reads = HubReads(store.dsn)
        try:
            return await lookup(reads, text, token, now)
        finally:
            await reads.close()

    return asyncio.run(once())


async def lookup_route(request: Request, code: str, token: str | None) -> dict:
    """What the shared lookup route (`backend.api.lookup`) awaits on the hub."""
    state = request.app.state
    state.limiter.check(deps.client(request), state.lookup_rate_per_minute)
    if state.reads is None:  # made on the event loop that serves the requests
        state.reads = HubReads(state.hub.dsn)
    return await lookup(state.reads, code, token, state.clock())


def page_lookup(request: Request, code: str, token: str | None) -> dict:
    """The lookup page (`backend.web.pages`) runs on a worker thread: the same lookup, on
    the server's event loop."""
    return from_thread.run(lookup_route, request, code, token)
