"""The Vietnamese working-day calendar: deadlines, paused clocks and early/on-time/late.

Pure logic, no I/O. Rest days come from the `holidays` package (country VN: lunar Tết,
Hùng Kings, 30/4, 1/5, 2/9 plus its adjacent day, 24/11 from 2026, and the yearly
civil-servant swaps in which a Saturday is worked) and from an admin-edited override table,
which wins over everything because the government announces some swaps late in the year.

All instants are timezone-aware and handled in Vietnam time (UTC+7, no DST). Naive datetimes
are refused: a deadline computed from a server's local clock would be silently wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from itertools import pairwise

import holidays

VN_TZ = timezone(timedelta(hours=7))

UNITS = ("working_days", "calendar_days", "working_hours")
MODES = ("days", "hours")
RESULTS = ("early", "on_time", "late")

_ONE_DAY = timedelta(days=1)


@cache
def _package_rest_days(year: int) -> frozenset[date]:
    """Every day of `year` the package says is not worked (weekends, holidays, swaps).

    Built once per year so that bulk deadline reports do set look-ups only. The package
    decides, through `is_working_day`, which Saturdays are worked in exchange for a weekday
    off (they are kept in its `weekend_workdays`, filled when the year is populated).
    """
    vn = holidays.country_holidays("VN", years=year)
    day = date(year, 1, 1)
    rest = set()
    while day.year == year:
        if not vn.is_working_day(day):
            rest.add(day)
        day += _ONE_DAY
    return frozenset(rest)


def iso(moment: datetime | None) -> str | None:
    """A moment as stored and sent: ISO 8601 in Vietnam time, to the second."""
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds") if moment else None


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def short_time(text: str | None) -> str:
    """A stored time as people read it ('14:30 02/12/2026'), in Vietnam time whatever offset
    it was written with; '' when there is none."""
    if not text:
        return ""
    moment = parse_time(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return f"{moment:%H:%M %d/%m/%Y}"


def to_vn(moment: datetime) -> datetime:
    """`moment` in Vietnam time; naive datetimes are an error, never guessed."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"naive datetime {moment.isoformat()} refused: pass a timezone-aware datetime "
            "(e.g. tzinfo=VN_TZ)"
        )
    return moment.astimezone(VN_TZ)


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of one working day, and the cutoff after which a receipt counts tomorrow."""

    morning_start: time = time(7, 0)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        order = (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end)
        if not all(a < b for a, b in pairwise(order)):
            raise ValueError(f"working hours must be increasing, got {order}")
        if not self.morning_start < self.cutoff:
            raise ValueError(f"cutoff {self.cutoff} must be after {self.morning_start}")

    @property
    def periods(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return (self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)

    @property
    def day_length(self) -> timedelta:
        """Working time in one full day (8 hours with the defaults)."""
        return sum((_span(start, end) for start, end in self.periods), timedelta())


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=VN_TZ)


class WorkingCalendar:
    """Working days and working time, for deadlines of cases (hồ sơ).

    `overrides` maps a date to True (worked) or False (rest day) and wins over the package.
    It is copied: after an admin edits the table, build a new calendar (cheap, the holiday
    data is cached per year for the whole process).
    """

    def __init__(
        self, overrides: Mapping[date, bool] | None = None, hours: WorkingHours = WorkingHours()
    ) -> None:
        self.overrides = dict(overrides or {})
        self.hours = hours

    # ---- days -------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            # A datetime never equals a date key, so it would silently miss the overrides.
            raise TypeError("is_working_day takes a date; use .date() on a datetime")
        if d in self.overrides:
            return self.overrides[d]
        return d not in _package_rest_days(d.year)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (`d` itself is not counted; n=0 gives `d`)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def is_first_working_day_of_week(self, d: date) -> bool:
        """The weekly equipment check falls here (Tây Ninh art. 7.4): Monday, or the day the
        week's work starts when Monday is a holiday. A week with no working day has none."""
        monday = d - timedelta(days=d.weekday())
        return self.is_working_day(d) and not any(
            self.is_working_day(monday + timedelta(days=i)) for i in range(d.weekday()))

    # ---- working time -----------------------------------------------------------------------

    def _periods(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The working periods of `day` as instants (none on a rest day)."""
        if self.is_working_day(day):
            for start, end in self.hours.periods:
                yield _at(day, start), _at(day, end)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time elapsed from `start` to `end` (zero if `end` is not after `start`)."""
        start, end = to_vn(start), to_vn(end)
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for p_start, p_end in self._periods(day):
                total += max(timedelta(), min(end, p_end) - max(start, p_start))
            day += _ONE_DAY
        return total

    def add_working_time(self, at: datetime, delta: timedelta) -> datetime:
        """Move forward by `delta` of working time; landing on a period's end stays there."""
        current = to_vn(at)
        if delta < timedelta():
            raise ValueError(f"delta must be >= 0, got {delta}")
        if not delta:
            return current  # a pause of zero length must not push a 17:00 due to tomorrow
        remaining, day = delta, current.date()
        while True:
            for p_start, p_end in self._periods(day):
                start = max(current, p_start)
                if start >= p_end:
                    continue
                if remaining <= p_end - start:
                    return start + remaining
                remaining -= p_end - start
            day += _ONE_DAY

    # ---- deadlines --------------------------------------------------------------------------

    def effective_start(self, received_at: datetime) -> datetime:
        """When the clock starts for a receipt.

        On a working day before the cutoff: the receipt itself, or the next working instant
        (07:00 before hours, 13:30 during the lunch break). At/after the cutoff, after hours or
        on a rest day: 07:00 of the next working day.
        """
        local = to_vn(received_at)
        day, clock, h = local.date(), local.time(), self.hours
        if not self.is_working_day(day) or clock >= min(h.cutoff, h.afternoon_end):
            return _at(self.next_working_day(day), h.morning_start)
        if clock < h.morning_start:
            return _at(day, h.morning_start)
        if h.morning_end <= clock < h.afternoon_start:
            return _at(day, h.afternoon_start)
        return local

    def due_at(
        self, received_at: datetime, amount: float, unit: str, mode: str = "days"
    ) -> datetime:
        """The deadline of a case received at `received_at` with a legal time of `amount` `unit`.

        `mode` "days" ends working-day deadlines at 17:00 of the last day; "hours" (one
        deployment) counts amount x 8 working hours from the effective start instead.
        """
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if amount < 0:
            raise ValueError(f"amount must be >= 0, got {amount}")
        if unit == "calendar_days":
            return self._due_calendar_days(received_at, amount)
        start = self.effective_start(received_at)
        if unit == "working_hours":
            return self.add_working_time(start, timedelta(hours=amount))
        if amount == 0:  # "trong ngày": within the (effective) day, in both modes
            return _at(start.date(), self.hours.afternoon_end)
        if mode == "hours" or not float(amount).is_integer():
            return self.add_working_time(start, amount * self.hours.day_length)
        return self._due_working_days(received_at, int(amount))

    def _due_working_days(self, received_at: datetime, n: int) -> datetime:
        # The day of receipt is not counted. A receipt after the cutoff, after hours or on a
        # rest day counts from the next working morning and that day is day 1, which is the
        # same day: so for whole days only the receipt date matters.
        last = self.add_working_days(to_vn(received_at).date(), n)
        return _at(last, self.hours.afternoon_end)

    def _due_calendar_days(self, received_at: datetime, amount: float) -> datetime:
        if not float(amount).is_integer():
            raise ValueError(f"calendar_days needs a whole number of days, got {amount}")
        day = to_vn(received_at).date() + timedelta(days=int(amount))
        if not self.is_working_day(day):
            day = self.next_working_day(day)  # a deadline on a rest day moves forward
        return _at(day, self.hours.afternoon_end)

    # ---- results ----------------------------------------------------------------------------

    def classify(self, resolved_at: datetime, due_at: datetime) -> str:
        """Return "early" (trước hạn), "on_time" (đúng hạn) or "late" (quá hạn)."""
        resolved, due = to_vn(resolved_at), to_vn(due_at)
        if resolved > due:
            return "late"
        if resolved.date() < due.date():
            return "early"
        return "on_time"


# ---- what an administrator checks -----------------------------------------------------------


@dataclass(frozen=True)
class SpecialDay:
    """A day the calendar does not treat by the plain rule (Monday–Friday worked)."""

    day: date
    working: bool
    source: str  # "national" (the holidays package) or "override" (the admin table)
    name_vi: str
    name_en: str


@cache
def _holiday_names(year: int) -> dict[date, tuple[str, str]]:
    vi = holidays.country_holidays("VN", years=year, language="vi")
    en = holidays.country_holidays("VN", years=year, language="en_US")
    return {day: (vi.get(day, ""), en.get(day, "")) for day in vi}


def special_days(calendar: WorkingCalendar, year: int,
                 notes: Mapping[date, str] | None = None) -> list[SpecialDay]:
    """Every day of `year` that is a weekday rest or a worked weekend day, with its reason."""
    names, notes = _holiday_names(year), notes or {}
    found, day = [], date(year, 1, 1)
    while day.year == year:
        working = calendar.is_working_day(day)
        if working == (day.weekday() >= 5) or day in calendar.overrides or day in names:
            found.append(_special(day, working, names, calendar.overrides, notes))
        day += _ONE_DAY
    return found


def _special(day: date, working: bool, names, overrides, notes) -> SpecialDay:
    if day in overrides:
        note = notes.get(day, "")
        return SpecialDay(day, working, "override", note or "Ngày điều chỉnh",
                          note or "Admin override")
    if working:
        return SpecialDay(day, True, "national", "Ngày làm bù", "Swapped working day")
    vi, en = names.get(day, ("", ""))
    return SpecialDay(day, False, "national", vi or "Ngày nghỉ bù", en or "Day off in lieu")


def swap_reminder_year(today: date, override_days: Iterable[date]) -> int | None:
    """The year whose swapped days the admin should enter now, or None.

    The government announces next year's swaps late in the year and the package may lag, so
    from December on, until at least one override is entered for next year, remind."""
    coming = today.year + 1
    if today.month == 12 and not any(d.year == coming for d in override_days):
        return coming
    return None
