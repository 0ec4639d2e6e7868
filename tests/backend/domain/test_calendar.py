"""The working-day calendar. Every expected value below was counted by hand on a printed
calendar (python's `calendar` module) and is written out literally: the table is the spec.

Weekdays used (Mon=first column):
  Oct/Nov 2023: Thu 26/10, Fri 27/10, Sat 28/10, Sun 29/10, Mon 30/10, ... Fri 3/11, Mon 6/11.
  Feb 2026: Fri 13/2, Sat 14, Sun 15, Mon 16 .. Fri 20 (Tết), Sat 21, Sun 22, Mon 23.
  Feb 2027: Tue 2/2, Wed 3/2, Thu 4 .. Wed 10 (Tết: Sat 6/2 is lunar new year, observed days
            move it out to Thu 4 and Wed 10), Thu 11/2.
  Apr/May 2026: Fri 24/4, Sun 26/4 Hùng Kings -> Mon 27/4 off, Wed 29/4, Thu 30/4, Fri 1/5, Mon 4/5.
  Aug/Sep 2026: Fri 21/8, Sat 22/8 (worked, swap), Fri 28/8, Mon 31/8 (off, swap),
                Tue 1/9 (adjacent day), Wed 2/9 (National Day), Thu 3/9.
  Nov 2026: Mon 23/11, Tue 24/11 (Vietnam Cultural Day, from 2026), Wed 25/11.
  Oct 2026 (override tests): Thu 8/10, Fri 9/10, Sat 10/10, Mon 12/10.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import UTC, date, datetime, time, timedelta

import pytest

from backend.domain.calendar import VN_TZ, WorkingCalendar, WorkingHours, short_time

CAL = WorkingCalendar()

# Fri 9/10/2026 made a rest day, Sat 10/10/2026 a working day; 24/11/2026 (holiday) worked;
# 22/8/2026 (the package's swap Saturday) not worked.
OVERRIDES = {
    date(2026, 10, 9): False,
    date(2026, 10, 10): True,
    date(2026, 11, 24): True,
    date(2026, 8, 22): False,
}
OCAL = WorkingCalendar(overrides=OVERRIDES)


def vn(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=VN_TZ)


WEEKDAYS = [
    (date(2023, 10, 27), stdlib_calendar.FRIDAY),
    (date(2023, 11, 3), stdlib_calendar.FRIDAY),
    (date(2026, 2, 13), stdlib_calendar.FRIDAY),
    (date(2026, 2, 23), stdlib_calendar.MONDAY),
    (date(2027, 2, 6), stdlib_calendar.SATURDAY),
    (date(2027, 2, 11), stdlib_calendar.THURSDAY),
    (date(2026, 4, 26), stdlib_calendar.SUNDAY),
    (date(2026, 8, 22), stdlib_calendar.SATURDAY),
    (date(2026, 8, 31), stdlib_calendar.MONDAY),
    (date(2026, 9, 2), stdlib_calendar.WEDNESDAY),
    (date(2026, 11, 24), stdlib_calendar.TUESDAY),
    (date(2026, 10, 10), stdlib_calendar.SATURDAY),
]


@pytest.mark.parametrize(("day", "weekday"), WEEKDAYS)
def test_weekdays_in_the_docstring_are_right(day, weekday):
    # Guards the hand counts below against a mistaken weekday.
    assert stdlib_calendar.weekday(day.year, day.month, day.day) == weekday


# ---- working days --------------------------------------------------------------------------

WORKING_DAYS = [
    (date(2023, 10, 27), True),  # ordinary Friday
    (date(2023, 10, 28), False),  # Saturday
    (date(2023, 10, 29), False),  # Sunday
    (date(2026, 2, 13), True),  # Friday before Tết 2026
    (date(2026, 2, 16), False),  # Tết 2026: lunar new year's eve (Mon)
    (date(2026, 2, 17), False),  # Tết 2026: first day
    (date(2026, 2, 20), False),  # Tết 2026: fourth day (Fri), last day off
    (date(2026, 2, 23), True),  # first working day after Tết 2026
    (date(2027, 2, 3), True),  # Wednesday before Tết 2027
    (date(2027, 2, 4), False),  # Tết 2027: Thu, observed for Sat 6/2
    (date(2027, 2, 8), False),  # Tết 2027: Mon
    (date(2027, 2, 10), False),  # Tết 2027: Wed, observed for Sun 7/2
    (date(2027, 2, 11), True),  # first working day after Tết 2027
    (date(2026, 4, 27), False),  # Hùng Kings (Sun 26/4) observed on Mon
    (date(2026, 4, 29), True),
    (date(2026, 4, 30), False),  # Reunification Day (Thu)
    (date(2026, 5, 1), False),  # Labour Day (Fri)
    (date(2026, 5, 4), True),
    (date(2026, 8, 22), True),  # Saturday worked in exchange for Mon 31/8
    (date(2026, 8, 29), False),  # ordinary Saturday
    (date(2026, 8, 31), False),  # the swapped day off
    (date(2026, 9, 1), False),  # adjacent day of National Day
    (date(2026, 9, 2), False),  # National Day (Wed)
    (date(2026, 9, 3), True),
    (date(2025, 11, 24), True),  # 24/11 is not yet a holiday in 2025
    (date(2026, 11, 24), False),  # Vietnam Cultural Day, from 2026
    (date(2018, 12, 31), False),  # 2018 swap: Mon 31/12/2018 off ...
    (date(2019, 1, 5), True),  # ... for Sat 5/1/2019 worked (a swap across the year end)
]


@pytest.mark.parametrize(("day", "expected"), WORKING_DAYS)
def test_is_working_day(day, expected):
    assert CAL.is_working_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 9), False),  # Friday made a rest day
        (date(2026, 10, 10), True),  # Saturday made a working day
        (date(2026, 11, 24), True),  # holiday overridden to worked
        (date(2026, 8, 22), False),  # package swap Saturday overridden to rest
        (date(2026, 10, 8), True),  # untouched days fall through to the package
        (date(2026, 10, 11), False),
    ],
)
def test_overrides_win(day, expected):
    assert OCAL.is_working_day(day) is expected


def test_is_working_day_refuses_a_datetime():
    with pytest.raises(TypeError):
        CAL.is_working_day(vn(2026, 8, 22, 10))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 13), date(2026, 2, 23)),  # Fri -> weekend, Tết 16-20, weekend -> Mon 23
        (date(2027, 2, 3), date(2027, 2, 11)),  # Wed -> Tết 4-10 -> Thu 11
        (date(2026, 8, 21), date(2026, 8, 22)),  # Fri -> the worked Saturday
        (date(2026, 8, 22), date(2026, 8, 24)),  # worked Sat -> Sun off -> Mon 24
        (date(2026, 8, 28), date(2026, 9, 3)),  # Fri -> Sat, Sun, 31/8, 1/9, 2/9 off -> Thu 3/9
        (date(2026, 4, 29), date(2026, 5, 4)),  # Wed -> 30/4, 1/5, weekend -> Mon 4/5
        (date(2023, 10, 27), date(2023, 10, 30)),  # Fri -> Mon; strictly after
        (date(2023, 10, 30), date(2023, 10, 31)),  # working day -> next day, never itself
    ],
)
def test_next_working_day(day, expected):
    assert CAL.next_working_day(day) == expected


def test_add_working_days():
    assert CAL.add_working_days(date(2026, 8, 28), 0) == date(2026, 8, 28)
    # Fri 28/8/2026: 1 = Thu 3/9 (31/8, 1/9, 2/9 off), 2 = Fri 4/9
    assert CAL.add_working_days(date(2026, 8, 28), 2) == date(2026, 9, 4)
    # Fri 27/10/2023: Mon 30, Tue 31, Wed 1, Thu 2, Fri 3/11
    assert CAL.add_working_days(date(2023, 10, 27), 5) == date(2023, 11, 3)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2023, 10, 27), -1)


# ---- when the clock starts -----------------------------------------------------------------

EFFECTIVE_STARTS = [
    (vn(2023, 10, 30, 6, 59), vn(2023, 10, 30, 7, 0)),  # before hours: 07:00 the same day
    (vn(2023, 10, 30, 7, 0), vn(2023, 10, 30, 7, 0)),
    (vn(2023, 10, 30, 11, 30), vn(2023, 10, 30, 13, 30)),  # lunch: 13:30 the same day
    (vn(2023, 10, 30, 13, 29), vn(2023, 10, 30, 13, 30)),
    (vn(2023, 10, 30, 14, 59, 59), vn(2023, 10, 30, 14, 59, 59)),  # last second before cutoff
    (vn(2023, 10, 30, 15, 0), vn(2023, 10, 31, 7, 0)),  # at the cutoff: next morning
    (vn(2023, 10, 30, 17, 30), vn(2023, 10, 31, 7, 0)),  # after hours
    (vn(2023, 10, 27, 15, 0), vn(2023, 10, 30, 7, 0)),  # Fri after cutoff -> Mon
    (vn(2023, 10, 28, 10, 0), vn(2023, 10, 30, 7, 0)),  # Saturday -> Mon
    (vn(2026, 4, 29, 15, 0), vn(2026, 5, 4, 7, 0)),  # Wed 29/4 -> past 30/4, 1/5, weekend
    (vn(2026, 8, 21, 15, 0), vn(2026, 8, 22, 7, 0)),  # Fri -> the worked Saturday
]


@pytest.mark.parametrize(("received", "expected"), EFFECTIVE_STARTS)
def test_effective_start(received, expected):
    assert CAL.effective_start(received) == expected


# ---- due dates -----------------------------------------------------------------------------

DUE = [
    # (received, amount, unit, mode, due)
    # The brief's example: Fri 27/10/2023 09:32 + 5 working days; receipt day not counted:
    # Mon 30 (1), Tue 31 (2), Wed 1/11 (3), Thu 2/11 (4), Fri 3/11 (5).
    (vn(2023, 10, 27, 9, 32), 5, "working_days", "days", vn(2023, 11, 3, 17)),
    # Same in hours mode: 40 h from 09:32. Fri: 09:32-11:30 + 13:30-17:00 = 5h28;
    # Mon-Thu 4 x 8 h = 32 h (37h28); 2h32 on Fri 3/11 from 07:00 -> 09:32.
    (vn(2023, 10, 27, 9, 32), 5, "working_days", "hours", vn(2023, 11, 3, 9, 32)),
    # Hours mode, Fri 16:00 is after the cutoff: Mon 30/10 07:00 + 40 h = Fri 3/11 17:00.
    (vn(2023, 10, 27, 16, 0), 5, "working_days", "hours", vn(2023, 11, 3, 17)),
    # Hours mode, Fri 15:00 exactly counts from Mon 07:00: + 8 h = Mon 17:00.
    (vn(2023, 10, 27, 15, 0), 1, "working_days", "hours", vn(2023, 10, 30, 17)),
    # Hours mode, Fri 14:59: 2h01 on Fri, 4h30 Mon morning, 1h29 from 13:30 -> Mon 14:59.
    (vn(2023, 10, 27, 14, 59), 1, "working_days", "hours", vn(2023, 10, 30, 14, 59)),
    # Days mode, cutoff: Thu 26/10 14:59 -> day 1 Fri 27, 2 Mon 30, 3 Tue 31, 4 Wed 1, 5 Thu 2/11.
    (vn(2023, 10, 26, 14, 59), 5, "working_days", "days", vn(2023, 11, 2, 17)),
    # Thu 15:00 counts from Fri morning and Fri is day 1: same Thu 2/11 (the cutoff does not
    # change whole-day deadlines, only same-day, fractional and hours-mode ones).
    (vn(2023, 10, 26, 15, 0), 5, "working_days", "days", vn(2023, 11, 2, 17)),
    # Received on Saturday: counted from Mon 30/10 = day 1 ... day 5 Fri 3/11.
    (vn(2023, 10, 28, 10, 0), 5, "working_days", "days", vn(2023, 11, 3, 17)),
    # Before hours (06:30 Mon 30/10): the receipt day is still not counted -> Tue 31/10.
    (vn(2023, 10, 30, 6, 30), 1, "working_days", "days", vn(2023, 10, 31, 17)),
    # Lunch break (12:00 Mon 30/10): same -> Tue 31/10.
    (vn(2023, 10, 30, 12, 0), 1, "working_days", "days", vn(2023, 10, 31, 17)),
    # Hours mode before hours: Mon 07:00 + 8 h = Mon 17:00.
    (vn(2023, 10, 30, 6, 0), 1, "working_days", "hours", vn(2023, 10, 30, 17)),
    # Hours mode at lunch: 13:30-17:00 (3h30), then 4h30 Tue from 07:00 -> Tue 11:30.
    (vn(2023, 10, 30, 12, 15), 1, "working_days", "hours", vn(2023, 10, 31, 11, 30)),
    # Tết 2026: Fri 13/2 + 1 -> weekend, 16-20/2 Tết, weekend -> Mon 23/2.
    (vn(2026, 2, 13, 10, 0), 1, "working_days", "days", vn(2026, 2, 23, 17)),
    # Fri 13/2 + 3 -> Mon 23 (1), Tue 24 (2), Wed 25 (3).
    (vn(2026, 2, 13, 10, 0), 3, "working_days", "days", vn(2026, 2, 25, 17)),
    # Thu 12/2 + 3 -> Fri 13 (1), Mon 23 (2), Tue 24 (3).
    (vn(2026, 2, 12, 10, 0), 3, "working_days", "days", vn(2026, 2, 24, 17)),
    # Hours mode over Tết 2026: Fri 13/2 10:00 has 1h30 + 3h30 = 5 h; 3 h on Mon 23/2 -> 10:00.
    (vn(2026, 2, 13, 10, 0), 1, "working_days", "hours", vn(2026, 2, 23, 10, 0)),
    # Tết 2027: Wed 3/2 + 1 -> Thu 4 .. Wed 10 off -> Thu 11/2; + 2 -> Fri 12/2.
    (vn(2027, 2, 3, 9, 0), 1, "working_days", "days", vn(2027, 2, 11, 17)),
    (vn(2027, 2, 3, 9, 0), 2, "working_days", "days", vn(2027, 2, 12, 17)),
    # Tue 2/2/2027 + 2 -> Wed 3 (1), Thu 11 (2).
    (vn(2027, 2, 2, 10, 0), 2, "working_days", "days", vn(2027, 2, 11, 17)),
    # 2026 swap: Fri 21/8 + 1 -> Sat 22/8 is worked; + 2 -> Mon 24/8.
    (vn(2026, 8, 21, 10, 0), 1, "working_days", "days", vn(2026, 8, 22, 17)),
    (vn(2026, 8, 21, 10, 0), 2, "working_days", "days", vn(2026, 8, 24, 17)),
    # Hours mode: Fri 21/8 10:00 has 5 h, 3 h on Sat 22/8 -> 10:00.
    (vn(2026, 8, 21, 10, 0), 1, "working_days", "hours", vn(2026, 8, 22, 10, 0)),
    # Fri 28/8/2026 + 1 -> Sat, Sun, Mon 31/8 (swap), Tue 1/9, Wed 2/9 off -> Thu 3/9.
    (vn(2026, 8, 28, 10, 0), 1, "working_days", "days", vn(2026, 9, 3, 17)),
    # 30/4-1/5/2026: Wed 29/4 + 1 -> Thu, Fri off, weekend -> Mon 4/5.
    (vn(2026, 4, 29, 10, 0), 1, "working_days", "days", vn(2026, 5, 4, 17)),
    # Fri 24/4 + 2 -> Mon 27/4 off (Hùng Kings observed) -> Tue 28 (1), Wed 29 (2).
    (vn(2026, 4, 24, 10, 0), 2, "working_days", "days", vn(2026, 4, 29, 17)),
    # 24/11/2026: Mon 23/11 + 1 -> Tue 24 off -> Wed 25/11.
    (vn(2026, 11, 23, 10, 0), 1, "working_days", "days", vn(2026, 11, 25, 17)),
    # Fractional: 0.5 day = 4 h. Mon 09:00: 2h30 to 11:30, 1h30 from 13:30 -> 15:00.
    (vn(2023, 10, 30, 9, 0), 0.5, "working_days", "days", vn(2023, 10, 30, 15, 0)),
    # Mon 15:30 is after the cutoff: Tue 07:00 + 4 h -> 11:00.
    (vn(2023, 10, 30, 15, 30), 0.5, "working_days", "days", vn(2023, 10, 31, 11, 0)),
    # Mon 12:00 (lunch): 13:30-17:00 is 3h30, 30 min on Tue -> 07:30.
    (vn(2023, 10, 30, 12, 0), 0.5, "working_days", "days", vn(2023, 10, 31, 7, 30)),
    # 1.5 days = 12 h from Fri 09:32: 5h28 on Fri, 4h30 Mon morning, 2h02 from 13:30 -> 15:32.
    (vn(2023, 10, 27, 9, 32), 1.5, "working_days", "days", vn(2023, 10, 30, 15, 32)),
    # Zero: "within the day" -> 17:00 of the effective start day.
    (vn(2023, 10, 26, 14, 59), 0, "working_days", "days", vn(2023, 10, 26, 17)),
    (vn(2023, 10, 26, 15, 0), 0, "working_days", "days", vn(2023, 10, 27, 17)),  # next morning
    (vn(2023, 10, 27, 15, 0), 0, "working_days", "days", vn(2023, 10, 30, 17)),  # Fri -> Mon
    (vn(2023, 10, 28, 10, 0), 0, "working_days", "days", vn(2023, 10, 30, 17)),  # Sat -> Mon
    (vn(2023, 10, 26, 14, 59), 0, "working_days", "hours", vn(2023, 10, 26, 17)),  # both modes
    # Working hours (both modes). Mon 10:00 + 4 h: 1h30 to 11:30, 2h30 from 13:30 -> 16:00.
    (vn(2023, 10, 30, 10, 0), 4, "working_hours", "days", vn(2023, 10, 30, 16, 0)),
    (vn(2023, 10, 30, 10, 0), 4, "working_hours", "hours", vn(2023, 10, 30, 16, 0)),
    # Fri 16:30 is after the cutoff: Mon 07:00 + 2 h -> 09:00.
    (vn(2023, 10, 27, 16, 30), 2, "working_hours", "days", vn(2023, 10, 30, 9, 0)),
    # Wed 3/2/2027 16:00 after the cutoff: next working morning is Thu 11/2 -> 08:00.
    (vn(2027, 2, 3, 16, 0), 1, "working_hours", "days", vn(2027, 2, 11, 8, 0)),
    (vn(2023, 10, 30, 10, 0), 0, "working_hours", "days", vn(2023, 10, 30, 10, 0)),
    # Calendar days: receipt date + N, a rest day moves forward, due 17:00.
    (vn(2023, 10, 23, 10, 0), 4, "calendar_days", "days", vn(2023, 10, 27, 17)),  # Mon -> Fri
    (vn(2023, 10, 23, 10, 0), 5, "calendar_days", "days", vn(2023, 10, 30, 17)),  # Sat -> Mon
    (vn(2023, 10, 23, 16, 0), 4, "calendar_days", "days", vn(2023, 10, 27, 17)),  # no cutoff
    (vn(2023, 10, 23, 10, 0), 4, "calendar_days", "hours", vn(2023, 10, 27, 17)),  # mode ignored
    # Mon 9/2/2026 + 7 = Mon 16/2 (Tết) -> Mon 23/2.
    (vn(2026, 2, 9, 10, 0), 7, "calendar_days", "days", vn(2026, 2, 23, 17)),
    # Mon 24/8/2026 + 7 = Mon 31/8 (swap off) -> 1/9, 2/9 off -> Thu 3/9.
    (vn(2026, 8, 24, 10, 0), 7, "calendar_days", "days", vn(2026, 9, 3, 17)),
    # Sat 15/8/2026 + 7 = Sat 22/8, a worked Saturday: stays.
    (vn(2026, 8, 15, 10, 0), 7, "calendar_days", "days", vn(2026, 8, 22, 17)),
    # Sun 29/10/2023 + 0 -> Mon 30/10.
    (vn(2023, 10, 29, 10, 0), 0, "calendar_days", "days", vn(2023, 10, 30, 17)),
]


@pytest.mark.parametrize(("received", "amount", "unit", "mode", "expected"), DUE)
def test_due_at(received, amount, unit, mode, expected):
    due = CAL.due_at(received, amount, unit, mode)
    assert due == expected
    assert due.tzinfo is VN_TZ


@pytest.mark.parametrize(
    ("received", "amount", "mode", "expected"),
    [
        # Thu 8/10/2026 + 1: Fri 9/10 is an override rest day, Sat 10/10 an override working day.
        (vn(2026, 10, 8, 10, 0), 1, "days", vn(2026, 10, 10, 17)),
        # Thu 15:30 after cutoff -> next working morning is Sat 10/10 07:00, + 8 h -> 17:00.
        (vn(2026, 10, 8, 15, 30), 1, "hours", vn(2026, 10, 10, 17)),
        # Mon 23/11/2026 + 1: 24/11 overridden to worked -> Tue 24/11.
        (vn(2026, 11, 23, 10, 0), 1, "days", vn(2026, 11, 24, 17)),
        # Fri 21/8/2026 + 1: Sat 22/8 overridden to rest -> Mon 24/8.
        (vn(2026, 8, 21, 10, 0), 1, "days", vn(2026, 8, 24, 17)),
    ],
)
def test_due_at_with_overrides(received, amount, mode, expected):
    assert OCAL.due_at(received, amount, "working_days", mode) == expected


def test_without_overrides_the_same_receipt_is_due_friday():
    assert CAL.due_at(vn(2026, 10, 8, 10, 0), 1, "working_days") == vn(2026, 10, 9, 17)


def test_due_at_converts_other_timezones_and_returns_vietnam_time():
    # 02:32 UTC = 09:32 in Vietnam: the brief's example.
    due = CAL.due_at(datetime(2023, 10, 27, 2, 32, tzinfo=UTC), 5, "working_days")
    assert due == vn(2023, 11, 3, 17)
    assert due.utcoffset() == timedelta(hours=7)
    # 18:00 UTC Thu 26/10 = 01:00 Fri 27/10 in Vietnam: the receipt day is Friday, not Thursday.
    due = CAL.due_at(datetime(2023, 10, 26, 18, 0, tzinfo=UTC), 5, "working_days")
    assert due == vn(2023, 11, 3, 17)


@pytest.mark.parametrize(
    ("amount", "unit", "mode"),
    [
        (-1, "working_days", "days"),
        (1, "weeks", "days"),
        (1, "working_days", "minutes"),
        (1.5, "calendar_days", "days"),  # calendar days must be whole
    ],
)
def test_due_at_rejects_bad_arguments(amount, unit, mode):
    with pytest.raises(ValueError):
        CAL.due_at(vn(2023, 10, 27, 9, 32), amount, unit, mode)


# ---- working time --------------------------------------------------------------------------

BETWEEN = [
    # Mon 09:00-14:00: 2h30 morning + 30 min after lunch.
    (vn(2023, 10, 30, 9, 0), vn(2023, 10, 30, 14, 0), timedelta(hours=3)),
    # Inside the lunch break only.
    (vn(2023, 10, 30, 11, 45), vn(2023, 10, 30, 13, 15), timedelta(0)),
    # Over a night: Mon 16:00-17:00 + Tue 07:00-08:00.
    (vn(2023, 10, 30, 16, 0), vn(2023, 10, 31, 8, 0), timedelta(hours=2)),
    # Over a weekend: Fri 16:00-17:00 + Mon 07:00-08:00.
    (vn(2023, 10, 27, 16, 0), vn(2023, 10, 30, 8, 0), timedelta(hours=2)),
    # A whole week Mon 07:00 - Fri 17:00: 5 x 8 h.
    (vn(2023, 10, 30, 7, 0), vn(2023, 11, 3, 17, 0), timedelta(hours=40)),
    # Over Tết 2026: Fri 13/2 16:00-17:00 + Mon 23/2 07:00-08:00.
    (vn(2026, 2, 13, 16, 0), vn(2026, 2, 23, 8, 0), timedelta(hours=2)),
    # Over the 2026 swap: Fri 21/8 1 h + Sat 22/8 8 h (worked) + Mon 24/8 1 h.
    (vn(2026, 8, 21, 16, 0), vn(2026, 8, 24, 8, 0), timedelta(hours=10)),
    # Over 29/8-2/9/2026: Fri 28/8 1 h + Thu 3/9 1 h.
    (vn(2026, 8, 28, 16, 0), vn(2026, 9, 3, 8, 0), timedelta(hours=2)),
    # End before start: nothing.
    (vn(2023, 10, 30, 14, 0), vn(2023, 10, 30, 9, 0), timedelta(0)),
]


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN)
def test_working_time_between(start, end, expected):
    assert CAL.working_time_between(start, end) == expected


ADD = [
    # Mon 11:00 + 1 h: 30 min to 11:30, 30 min from 13:30 -> 14:00.
    (vn(2023, 10, 30, 11, 0), timedelta(hours=1), vn(2023, 10, 30, 14, 0)),
    # Ending exactly at 17:00 stays at 17:00, not next morning.
    (vn(2023, 10, 30, 16, 0), timedelta(hours=1), vn(2023, 10, 30, 17, 0)),
    # Mon 16:00 + 2 h -> 1 h Mon, 1 h Tue -> Tue 08:00.
    (vn(2023, 10, 30, 16, 0), timedelta(hours=2), vn(2023, 10, 31, 8, 0)),
    # Zero keeps the instant, even at 17:00.
    (vn(2023, 10, 30, 17, 0), timedelta(0), vn(2023, 10, 30, 17, 0)),
    # Fri 17:00 + 30 min -> Mon 07:30.
    (vn(2023, 10, 27, 17, 0), timedelta(minutes=30), vn(2023, 10, 30, 7, 30)),
    # From a Saturday: Mon 07:00 + 1 h.
    (vn(2023, 10, 28, 10, 0), timedelta(hours=1), vn(2023, 10, 30, 8, 0)),
    # From the lunch break: 13:30 + 1 h.
    (vn(2023, 10, 30, 12, 0), timedelta(hours=1), vn(2023, 10, 30, 14, 30)),
    # Over Tết 2027: Wed 3/2 16:00, 1 h that day, 1 h on Thu 11/2 -> 08:00.
    (vn(2027, 2, 3, 16, 0), timedelta(hours=2), vn(2027, 2, 11, 8, 0)),
]


@pytest.mark.parametrize(("at", "delta", "expected"), ADD)
def test_add_working_time(at, delta, expected):
    assert CAL.add_working_time(at, delta) == expected


def test_paused_case_gets_the_waited_working_time_back():
    # Due Fri 3/11/2023 17:00; paused Mon 30/10 10:00, resumed Wed 1/11 10:00:
    # Mon 1h30 + 3h30 = 5 h, Tue 8 h, Wed 07:00-10:00 3 h -> 16 h = two working days.
    waited = CAL.working_time_between(vn(2023, 10, 30, 10, 0), vn(2023, 11, 1, 10, 0))
    assert waited == timedelta(hours=16)
    # Fri 17:00 + 16 h -> Mon 6/11 07:00-17:00 (8 h), Tue 7/11 07:00-17:00 (8 h).
    assert CAL.add_working_time(vn(2023, 11, 3, 17, 0), waited) == vn(2023, 11, 7, 17, 0)


def test_add_working_time_rejects_negative():
    with pytest.raises(ValueError):
        CAL.add_working_time(vn(2023, 10, 30, 10, 0), timedelta(hours=-1))


# ---- results -------------------------------------------------------------------------------

DUE_DAY = vn(2023, 11, 3, 17, 0)
DUE_HOUR = vn(2023, 11, 3, 9, 32)

CLASSIFY = [
    (vn(2023, 11, 2, 23, 59), DUE_DAY, "early"),  # the calendar day before the due day
    (vn(2023, 11, 3, 0, 0), DUE_DAY, "on_time"),  # due day, first minute
    (vn(2023, 11, 3, 17, 0), DUE_DAY, "on_time"),  # exactly at the due instant
    (vn(2023, 11, 3, 17, 0, 1), DUE_DAY, "late"),  # one second after
    (vn(2023, 11, 6, 8, 0), DUE_DAY, "late"),
    (vn(2023, 11, 2, 16, 0), DUE_HOUR, "early"),  # hours mode due 09:32
    (vn(2023, 11, 3, 9, 32), DUE_HOUR, "on_time"),
    (vn(2023, 11, 3, 9, 33), DUE_HOUR, "late"),
    # 17:30 UTC Thu 2/11 = 00:30 Fri 3/11 in Vietnam: the due day, so on time, not early.
    (datetime(2023, 11, 2, 17, 30, tzinfo=UTC), DUE_DAY, "on_time"),
]


@pytest.mark.parametrize(("resolved", "due", "expected"), CLASSIFY)
def test_classify(resolved, due, expected):
    assert CAL.classify(resolved, due) == expected


# ---- inputs --------------------------------------------------------------------------------

NAIVE = datetime(2023, 10, 27, 9, 32)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.due_at(NAIVE, 5, "working_days"),
        lambda: CAL.effective_start(NAIVE),
        lambda: CAL.working_time_between(NAIVE, vn(2023, 10, 30)),
        lambda: CAL.working_time_between(vn(2023, 10, 30), NAIVE),
        lambda: CAL.add_working_time(NAIVE, timedelta(hours=1)),
        lambda: CAL.classify(NAIVE, DUE_DAY),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="naive"):
        call()


def test_working_hours_defaults_and_validation():
    assert WorkingHours().day_length == timedelta(hours=8)
    with pytest.raises(ValueError):
        WorkingHours(morning_start=time(12, 0))  # starts after the morning ends
    with pytest.raises(ValueError):
        WorkingHours(cutoff=time(6, 0))  # cutoff before the day starts


def test_custom_working_hours():
    hours = WorkingHours(time(8, 0), time(12, 0), time(13, 0), time(17, 0), cutoff=time(16, 0))
    cal = WorkingCalendar(hours=hours)
    # Mon 30/10/2023 15:30 is before this cutoff: 1h30 Mon, then Tue 08:00-12:00 (4 h) and
    # 2h30 from 13:00 -> Tue 15:30.
    due = cal.due_at(vn(2023, 10, 30, 15, 30), 1, "working_days", "hours")
    assert due == vn(2023, 10, 31, 15, 30)
    # 16:00 is at this cutoff: next morning 08:00.
    assert cal.effective_start(vn(2023, 10, 30, 16, 0)) == vn(2023, 10, 31, 8, 0)


def test_a_stored_time_reads_in_vietnam_time_whatever_offset_it_carries():
    assert short_time("2026-12-02T14:30:00+07:00") == "14:30 02/12/2026"
    assert short_time("2026-12-02T07:30:00+00:00") == "14:30 02/12/2026"
    assert short_time("2026-12-01T20:15:00-03:00") == "06:15 02/12/2026"
    assert short_time(None) == "" and short_time("") == ""
