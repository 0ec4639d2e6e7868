"""Blocks of case numbers leased to a counter station for offline intake.

While the network is down the counter keeps receiving cases (Quảng Nam art. 7.2): it numbers
them from a block it leased while online, so offline codes keep the official format and can
never collide with the server's. Unused numbers of a block stay unused: a known gap.
"""

from __future__ import annotations

from datetime import date, datetime

from backend.domain.codes import CaseCode, make_token
from backend.domain.errors import Conflict, InvalidInput
from backend.store.cases import iso
from backend.store.db import Store
from backend.store.site import Site


def lease(store: Store, site: Site, station: str, days: int, count: int, by: str,
          now: datetime) -> list[dict]:
    """Lease `count` numbers on each of the next `days` working days, today included."""
    blocks = []
    with store.tx() as db:
        for day in _working_days(site, now.date(), days):
            key = f"{day:%y%m%d}"
            last = db.execute(
                "insert into sequences (agency, day, last) values (?, ?, ?) on conflict "
                "(agency, day) do update set last = last + ? returning last",
                [site.agency_code, key, count, count]).fetchone()[0]
            block = {"station": station, "agency": site.agency_code, "day": day.isoformat(),
                     "first": last - count + 1, "last": last, "leased_at": iso(now),
                     "leased_by": by}
            db["leases"].insert(block)
            blocks.append(block | _receipt_symbols(site, day, block["first"], last))
    return blocks


def _receipt_symbols(site: Site, day: date, first: int, last: int) -> dict:
    """Tokens for every leased number, so offline receipts carry full QR and Code 128 symbols
    while the site secret itself never leaves the server."""
    tokens = {seq: make_token(CaseCode(site.agency_code, day, seq), site.secret)
              for seq in range(first, last + 1)}
    return {"agency_index": site.agency_index, "tokens": {str(k): v for k, v in tokens.items()}}


def _working_days(site: Site, start: date, days: int) -> list[date]:
    found, day = [], start
    if not site.calendar.is_working_day(day):
        day = site.calendar.next_working_day(day)
    while len(found) < days:
        found.append(day)
        day = site.calendar.next_working_day(day)
    return found


def check_leased(db, station: str, code: CaseCode) -> None:
    """An offline code must come from a block this station holds; anything else is refused."""
    rows = list(db.query(
        "select 1 from leases where station = ? and agency = ? and day = ? and "
        "first <= ? and last >= ?",
        [station, code.agency, code.day.isoformat(), code.seq, code.seq]))
    if not rows:
        raise Conflict(f"Mã {code} không thuộc dải số đã cấp cho quầy '{station}'",
                       f"Code {code} is not in a block leased to station '{station}'",
                       key="code_not_leased")


def check_offline_time(received_at: datetime, now: datetime) -> None:
    if received_at > now:
        raise InvalidInput("Thời điểm tiếp nhận không thể ở tương lai",
                           "The time received cannot be in the future", field="received_at")
