"""The admin's pages in a real Chromium against a live server: the calendar reminder, an
override added and removed, a procedure file loaded (and a bad one refused in both languages),
a procedure abolished, and every other role turned away with a bilingual 403 page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
import yaml

from backend.catalog import DEFAULT_CATALOG_DIR
from tests.backend.web.admin_helpers import signed_in_admin
from tests.backend.web.test_staff_auth import sign_in


@pytest.fixture
def admin_page(server, screen):
    return signed_in_admin(server, screen, "/staff/admin")


def test_overview_reminds_to_enter_next_years_swaps_in_december(server, screen, clock, shots):
    clock.now = clock.now.replace(month=12, day=1)
    page = screen(1366, 768)
    sign_in(page, server, "admin", next_path="/staff/admin")
    reminder = page.inner_text(".reminder")
    assert "Chưa nhập ngày nghỉ bù, làm bù năm 2027" in reminder
    assert "swapped days for 2027 have not been entered" in reminder
    page.screenshot(path=str(shots / "admin-overview.png"))
    page.click(".reminder a")
    page.wait_for_url("**/staff/admin/calendar?year=2027")
    page.fill("#day", "2027-02-06")
    page.select_option("#working", "1")
    page.fill("#note", "Làm bù cho Thứ Sáu 12/02/2027")
    page.click("#override-form button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("tr[data-day='2027-02-06']")
    assert "Làm việc" in row.inner_text() and "Làm bù cho" in row.inner_text()
    assert page.locator(".reminder").count() == 0
    page.goto(f"{server.url}/staff/admin")
    assert page.locator(".reminder").count() == 0


def test_calendar_shows_holidays_and_removes_an_override(server, admin_page, shots):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/calendar?year=2026")
    tet = page.inner_text("tr[data-day='2026-02-17']")
    assert "Nghỉ" in tet and "Tết Nguyên Đán" in tet and "Lunar New Year" in tet
    assert "Làm việc" in page.inner_text("tr[data-day='2026-08-22']")
    page.fill("#day", "2026-12-31")
    page.fill("#note", "Nghỉ bù theo thông báo 5/2026")
    page.click("#override-form button[type=submit]")
    page.wait_for_load_state()
    assert "Nghỉ bù theo thông báo" in page.inner_text("tr[data-day='2026-12-31']")
    assert not server.app.state.store.one(
        "select working from calendar_overrides where day = '2026-12-31'")["working"]
    page.screenshot(path=str(shots / "admin-calendar.png"))
    page.click("tr[data-day='2026-12-31'] button")
    page.wait_for_load_state()
    assert page.locator("tr[data-day='2026-12-31']").count() == 0
    assert server.app.state.store.one("select count(*) as n from calendar_overrides")["n"] == 0


def test_calendar_refuses_a_bad_day_in_both_languages(server, admin_page):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/calendar")
    page.eval_on_selector("#day", "e => { e.type = 'text'; e.value = '31/12/2026'; }")
    page.click("#override-form button[type=submit]")
    page.wait_for_load_state()
    error = page.inner_text(".error")
    assert "không phải ngày hợp lệ" in error and "is not a valid date" in error
    assert page.input_value("#note") == ""
    assert server.app.state.store.one("select count(*) as n from calendar_overrides")["n"] == 0


def version_file(tmp_path, code: str, version: str, **changes) -> Path:
    data = yaml.safe_load((DEFAULT_CATALOG_DIR / "procedures" / f"{code}.yaml").read_text())
    data.update(version=date.fromisoformat(version), **changes)
    path = tmp_path / f"{code}@{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_procedure_file_loads_as_an_upcoming_version(server, admin_page, tmp_path, shots):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/procedures")
    page.set_input_files("#picker", str(version_file(tmp_path, "1.001612", "2027-01-01")))
    page.wait_for_function("document.getElementById('content').value.includes('1.001612')")
    assert page.input_value("#file_name") == "1.001612@2027-01-01.yaml"
    page.click("#load-form button[type=submit]")
    page.wait_for_load_state()
    assert "Đã nạp thủ tục 1.001612 phiên bản 2027-01-01" in page.inner_text(".notice")
    versions = page.inner_text("tr[data-code='1.001612'] td:nth-child(3)")
    assert "01/07/2025 ✓" in versions and "01/01/2027 sắp áp dụng" in versions
    page.screenshot(path=str(shots / "admin-procedures.png"))


def test_bad_procedure_file_is_refused_in_both_languages(server, admin_page, tmp_path):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/procedures")
    bad = version_file(tmp_path, "1.001612", "2027-01-01", sets=0, receiving_unit="NOWHERE")
    page.set_input_files("#picker", str(bad))
    page.wait_for_function("document.getElementById('content').value.includes('NOWHERE')")
    page.click("#load-form button[type=submit]")
    page.wait_for_load_state()
    error = page.inner_text(".error")
    assert "sets 0 phải lớn hơn hoặc bằng 1" in error and "sets must be at least 1" in error
    assert "01/01/2027" not in page.inner_text("tr[data-code='1.001612']")
    assert "NOWHERE" in page.input_value("#content")  # the admin's text is kept to fix


def test_abolish_a_procedure_from_a_date(server, admin_page):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/procedures")
    page.select_option("#code", "1.001612")
    page.fill("#from_day", "2026-11-23")
    page.fill("#abolish_note", "QĐ 99/QĐ-UBND")
    page.click("#abolish-form button[type=submit]")
    page.wait_for_load_state()
    assert "Bãi bỏ từ 23/11/2026" in page.inner_text("tr[data-code='1.001612']")
    codes = [p["code"] for p in server.client("clerk").procedures()]
    assert "1.001612" not in codes
    page.click("tr[data-code='1.001612'] button")
    page.wait_for_load_state()
    assert "Đang áp dụng" in page.inner_text("tr[data-code='1.001612']")
    assert "1.001612" in [p["code"] for p in server.client("clerk").procedures()]


@pytest.mark.parametrize("path", ["", "/calendar", "/procedures"])
def test_other_roles_get_a_bilingual_403(server, screen, path):
    page = screen(1366, 768)
    sign_in(page, server, "leader", next_path=f"/staff/admin{path}")
    assert "không được dùng trang này" in page.inner_text(".error")
    assert "may not use this page" in page.inner_text(".error")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    reply = requests.get(f"{server.url}/staff/admin{path}", cookies=cookies, timeout=10,
                         allow_redirects=False)
    assert reply.status_code == 403


@pytest.mark.parametrize("path", ["", "/users", "/devices", "/calendar", "/procedures"])
def test_pages_fit_a_tablet_without_sideways_scrolling(server, screen, path):
    page = screen(820, 1180)
    sign_in(page, server, "admin", next_path=f"/staff/admin{path}")
    assert page.url.endswith(f"/staff/admin{path}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path}: {overflow}px wider than the tablet"


def test_english_switch_puts_english_first(server, admin_page):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/calendar?year=2026")
    page.click("a[lang=en]")
    page.wait_for_url("**/staff/admin/calendar?year=2026")
    assert page.inner_text("h1").startswith("Working calendar 2026")
    assert page.inner_text("tr[data-day='2026-02-17'] td:nth-child(3)").startswith(
        "Lunar New Year")
