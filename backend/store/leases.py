"""Blocks of case numbers leased to a counter station for offline intake.

While the network is down the counter keeps receiving cases (Quảng Nam art. 7.2): it numbers
them from a block it leased while online, so offline codes keep the official format and can
never collide with the server's. Unused numbers of a block stay unused: a known gap.
"""

from __future__ import annotations

from datetime import date, datetime

from backend.domain.calendar import iso
from backend.domain.codes import MAX_SEQ, CaseCode, make_token
from backend.domain.errors import Conflict, InvalidInput
from backend.store.db import Store
from backend.store.site import Site

# Leases may never take the top of a day's numbers: those stay for live intake at the desk.
LEASE_CEILING = 8999
LEASE_CAP_PER_STATION_DAY = 300


def lease(store: Store, site: Site, station: str, days: int, count: int, by: str,
          now: datetime) -> list[dict]:
    """Lease `count` numbers on each of the next `days` working days, today included."""
    blocks = []
    with store.tx() as db:
        ceiling, cap = lease_limits(db)
        for day in _working_days(site, now.date(), days):
            key = f"{day:%y%m%d}"
            _check_station_cap(db, site, station, day, count, cap)
            last = db.execute(
                "insert into sequences (agency, day, last) values (?, ?, ?) on conflict "
                "(agency, day) do update set last = last + ? returning last",
                [site.agency_code, key, count, count]).fetchone()[0]
            if last > ceiling:
                raise _over_ceiling(day, ceiling)
            block = {"station": station, "agency": site.agency_code, "day": day.isoformat(),
                     "first": last - count + 1, "last": last, "leased_at": iso(now),
                     "leased_by": by}
            db["leases"].insert(block)
            blocks.append(block | _receipt_symbols(site, day, block["first"], last))
    return blocks


def lease_limits(db) -> tuple[int, int]:
    """(ceiling, cap per station and day) from the site settings, each kept to a sane range."""
    values = {r["key"]: r["value"] for r in db.query(
        "select key, value from settings where key in ('lease_ceiling', "
        "'lease_cap_per_station_day')")}
    ceiling = _setting_int(values.get("lease_ceiling"), LEASE_CEILING)
    cap = _setting_int(values.get("lease_cap_per_station_day"), LEASE_CAP_PER_STATION_DAY)
    return min(ceiling, MAX_SEQ - 1), cap


def _setting_int(text: str | None, default: int) -> int:
    try:
        return max(0, int(text)) if text is not None else default
    except ValueError:
        return default


def _check_station_cap(db, site: Site, station: str, day: date, count: int, cap: int) -> None:
    held = db.execute(
        "select coalesce(sum(last - first + 1), 0) from leases where station = ? and "
        "agency = ? and day = ?", [station, site.agency_code, day.isoformat()]).fetchone()[0]
    if held + count > cap:
        left = max(0, cap - held)
        raise Conflict(
            f"Quầy '{station}' xin {count} số cho ngày {day:%d/%m/%Y}, đã được cấp {held}; mỗi "
            f"quầy tối đa {cap} số một ngày, còn được xin {left} số",
            f"Station '{station}' asked for {count} numbers for {day:%d/%m/%Y} and holds "
            f"{held}; a station may lease at most {cap} a day, {left} left",
            key="lease_cap_reached", field="count")


def _over_ceiling(day: date, ceiling: int) -> Conflict:
    return Conflict(
        f"Không cấp thêm số dự phòng cho ngày {day:%d/%m/%Y}: các số sau {ceiling} dành cho "
        "tiếp nhận trực tiếp",
        f"No more offline numbers for {day:%d/%m/%Y}: numbers above {ceiling} are kept for "
        "live intake", key="lease_ceiling_reached", field="count")


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
