"""Admin calendar: the year's special days and why, overrides in and out, and the reminder to
enter next year's swapped days — against a live server."""

from __future__ import annotations

from datetime import date

import pytest

from backend.client import ApiError
from tests.backend.conftest import PASSWORD


def year(admin, number: int) -> dict:
    return admin._request("GET", f"/api/v1/admin/calendar/{number}")


def test_year_lists_holidays_and_worked_saturdays_with_names(admin):
    days = {d["day"]: d for d in year(admin, 2026)["days"]}
    assert days["2026-02-17"] == {"day": "2026-02-17", "weekday": 2, "working": False,
                                  "source": "national", "vi": "Tết Nguyên Đán",
                                  "en": "Lunar New Year"}
    assert days["2026-08-22"]["working"] is True and days["2026-08-22"]["weekday"] == 6
    assert days["2026-11-24"]["vi"] == "Ngày Văn hóa Việt Nam"
    assert "2026-11-23" not in days  # a plain Monday is not special


def test_override_shows_in_the_year_and_goes_away_when_removed(admin, server):
    admin.set_calendar_override("2026-12-31", False, "Nghỉ bù theo QĐ 5/2026")
    shown = year(admin, 2026)
    assert [o["day"] for o in shown["overrides"]] == ["2026-12-31"]
    last = shown["days"][-1]
    assert (last["day"], last["working"], last["source"], last["vi"]) == (
        "2026-12-31", False, "override", "Nghỉ bù theo QĐ 5/2026")
    assert not server.app.state.site.calendar.is_working_day(date(2026, 12, 31))
    admin._request("DELETE", "/api/v1/admin/calendar/overrides/2026-12-31")
    shown = year(admin, 2026)
    assert shown["overrides"] == [] and "2026-12-31" not in [d["day"] for d in shown["days"]]


def test_reminder_from_december_until_next_years_swaps_are_entered(admin, clock):
    assert year(admin, 2026)["reminder_year"] is None  # 23/11: not yet
    clock.now = clock.now.replace(month=12, day=1)
    admin.login("admin", PASSWORD)
    assert year(admin, 2026)["reminder_year"] == 2027
    admin.set_calendar_override("2027-02-06", True, "Làm bù cho 12/2/2027")
    assert year(admin, 2026)["reminder_year"] is None


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/admin/calendar/1999"),
    ("GET", "/api/v1/admin/calendar/abcd"),
    ("DELETE", "/api/v1/admin/calendar/overrides/2026-02-30"),
])
def test_bad_year_or_day_gets_a_bilingual_422(admin, method, path):
    with pytest.raises(ApiError) as refused:
        admin._request(method, path)
    assert refused.value.status == 422
    assert refused.value.vi and refused.value.en and refused.value.vi != refused.value.en
