"""The weekly equipment check falls on the first working day of the week (Tây Ninh art. 7.4)."""

from datetime import date, timedelta

from backend.domain.calendar import WorkingCalendar


def test_an_ordinary_week_starts_on_monday():
    calendar = WorkingCalendar()
    assert calendar.is_first_working_day_of_week(date(2026, 11, 23))  # Monday
    assert not calendar.is_first_working_day_of_week(date(2026, 11, 24))
    assert not calendar.is_first_working_day_of_week(date(2026, 11, 28))  # Saturday


def test_a_monday_holiday_moves_it_to_tuesday():
    calendar = WorkingCalendar()  # Mon 27/4/2026: Hùng Kings day, moved from the Sunday
    assert not calendar.is_first_working_day_of_week(date(2026, 4, 27))
    assert calendar.is_first_working_day_of_week(date(2026, 4, 28))
    assert not calendar.is_first_working_day_of_week(date(2026, 4, 29))


def test_national_day_week_starts_on_thursday_and_tet_week_has_none():
    calendar = WorkingCalendar()  # Mon 31/8 to Wed 2/9 2026 are off (National Day and swaps)
    week = [date(2026, 8, 31) + timedelta(days=i) for i in range(7)]
    assert [d for d in week if calendar.is_first_working_day_of_week(d)] == [date(2026, 9, 3)]
    tet_week = [date(2026, 2, d) for d in range(16, 23)]
    assert not any(calendar.is_first_working_day_of_week(d) for d in tet_week)


def test_the_site_override_table_wins():
    calendar = WorkingCalendar(overrides={date(2026, 11, 30): False})
    assert not calendar.is_first_working_day_of_week(date(2026, 11, 30))
    assert calendar.is_first_working_day_of_week(date(2026, 12, 1))
