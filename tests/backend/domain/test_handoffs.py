"""Mẫu 05: each stay at a step timed against the step's share of the legal time."""

from datetime import datetime, timedelta

from backend.catalog import load_catalog
from backend.cli import CATALOG_DIR
from backend.domain.calendar import VN_TZ, WorkingCalendar
from backend.domain.reports import handoffs

CALENDAR = WorkingCalendar()
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=VN_TZ)


def _procedure():
    # 1.001612: 3 working days; desk 0.5, KT 1.5, KT leader 0.5, return 0.5.
    return next(p for p in load_catalog(CATALOG_DIR).procedures.values()
                if p.code == "1.001612")


def _event(action, at, unit, official, **data):
    return {"action": action, "at": at, "unit": unit, "official": official, "data": data}


def test_each_stay_has_its_holder_times_and_result():
    proc = _procedure()
    kt_in = MONDAY + timedelta(days=1, hours=1)  # Tue 09:00: the desk took a day, half allowed
    asked, supplied = kt_in + timedelta(hours=1), kt_in + timedelta(days=7)  # a week waiting
    events = [
        _event("intake", MONDAY, "MOTCUA", "Lê Thị Thu"),
        _event("transfer", kt_in, "MOTCUA", "Lê Thị Thu", to_step=1, to_unit="KT"),
        _event("request_supplement", asked, "KT", "Trần Văn Nam"),
        _event("supplied", supplied, "MOTCUA", "Lê Thị Thu",
               waited_from=asked.isoformat(), due_at="x"),
        _event("transfer", supplied + timedelta(hours=2), "KT", "Trần Văn Nam", to_step=2),
    ]
    desk, kt, signing = handoffs(proc, events, CALENDAR)
    assert (desk.unit, desk.official, desk.result) == ("MOTCUA", "Lê Thị Thu", "late")
    assert desk.due_at == datetime(2026, 11, 23, 14, 0, tzinfo=VN_TZ)  # 4 working hours
    # KT held it 8 days, but 7 of them the citizen was finding papers: within its 1.5 days.
    assert (kt.unit, kt.official, kt.result) == ("KT", "Trần Văn Nam", "early")
    assert kt.handed_at == supplied + timedelta(hours=2)
    assert kt.due_at > supplied + timedelta(hours=2)
    assert signing.handed_at is None and signing.result is None and signing.official is None


def test_without_the_wait_the_same_stay_is_late():
    proc = _procedure()
    kt_in = MONDAY + timedelta(hours=2)
    events = [
        _event("intake", MONDAY, "MOTCUA", "Lê Thị Thu"),
        _event("transfer", kt_in, "MOTCUA", "Lê Thị Thu", to_step=1, to_unit="KT"),
        _event("transfer", kt_in + timedelta(days=7), "KT", "Trần Văn Nam", to_step=2),
    ]
    desk, kt, _ = handoffs(proc, events, CALENDAR)
    assert desk.result == "on_time" and kt.result == "late"
