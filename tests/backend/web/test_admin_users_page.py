"""The admin's account pages in a real Chromium against a live server: create an account,
change its role and unit, reset its password; bad input explained in both languages."""

from __future__ import annotations

import pytest

from backend.client import ApiError
from tests.backend.conftest import PASSWORD
from tests.backend.web.admin_helpers import signed_in_admin


@pytest.fixture
def admin_page(server, screen):
    return signed_in_admin(server, screen, "/staff/admin/users")


def submit(page, form: str) -> None:
    page.click(f"#{form} button[type=submit]")
    page.wait_for_load_state()


def test_create_an_account_that_must_change_its_password(server, admin_page, shots):
    page = admin_page
    page.fill("#username", "nv.lan")
    page.fill("#full_name", "Trần Thị Lan")
    page.select_option("#role", "officer")
    page.select_option("#unit", "KT")
    page.fill("#password", "Tam-thoi-2026")
    submit(page, "create-form")
    assert page.url.endswith("/staff/admin/users/nv.lan?done=created")
    assert "Đã tạo tài khoản" in page.inner_text(".notice")
    assert server.client().login("nv.lan", "Tam-thoi-2026")["must_change_password"] is True
    page.goto(f"{server.url}/staff/admin/users")
    row = page.inner_text("tr[data-user='nv.lan']")
    assert "Trần Thị Lan" in row and "Chuyên viên" in row and "KT" in row
    assert "Chờ đổi mật khẩu" in row
    page.screenshot(path=str(shots / "admin-users.png"))


def test_officer_without_unit_is_refused_in_both_languages(server, admin_page):
    page = admin_page
    page.fill("#username", "nv.binh")
    page.select_option("#role", "officer")
    page.fill("#password", "Tam-thoi-2026")
    submit(page, "create-form")
    error = page.inner_text(".error")
    assert "cần chọn đơn vị" in error and "needs a unit" in error
    assert page.input_value("#username") == "nv.binh" and page.input_value("#password") == ""
    assert server.app.state.store.one("select 1 from users where username = 'nv.binh'") is None


def test_change_role_unit_and_reset_password(server, admin_page, shots):
    page = admin_page
    officer = server.client("officer.kt")
    page.click("tr[data-user='officer.kt'] a")
    page.select_option("#role", "leader")
    page.select_option("#unit", "VHXH")
    submit(page, "assign-form")
    assert "Đã lưu vai trò và đơn vị" in page.inner_text(".notice")
    assert (officer.me()["role"], officer.me()["unit"]) == ("leader", "VHXH")
    page.fill("#password", "Tam-thoi-2026")
    submit(page, "password-form")
    assert "các phiên đăng nhập cũ đã kết thúc" in page.inner_text(".notice")
    shut_out(server, officer, "officer.kt")
    page.screenshot(path=str(shots / "admin-user.png"))


def shut_out(server, client, username: str) -> None:
    """Its open session has ended and its old password no longer signs in."""
    with pytest.raises(ApiError):
        client.me()
    with pytest.raises(ApiError):
        server.client().login(username, PASSWORD)


def test_weak_reset_password_is_refused(server, admin_page):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/users/clerk")
    page.fill("#password", "abc")
    submit(page, "password-form")
    error = page.inner_text(".error")
    assert "ít nhất 8 ký tự" in error and "at least 8 characters" in error
    assert server.client().login("clerk", PASSWORD)["token"]


def test_disable_ends_sessions_and_enable_lets_in_again(server, admin_page):
    page = admin_page
    officer = server.client("officer.vh")
    page.goto(f"{server.url}/staff/admin/users/officer.vh")
    submit(page, "active-form")
    assert "Đã khoá tài khoản" in page.inner_text(".notice")
    shut_out(server, officer, "officer.vh")
    page.goto(f"{server.url}/staff/admin/users")
    assert "Đã khoá" in page.inner_text("tr[data-user='officer.vh']")
    page.goto(f"{server.url}/staff/admin/users/officer.vh")
    submit(page, "active-form")
    assert "Đã mở lại tài khoản" in page.inner_text(".notice")
    assert server.client().login("officer.vh", PASSWORD)["token"]


def test_admin_cannot_disable_himself(server, admin_page):
    page = admin_page
    page.goto(f"{server.url}/staff/admin/users/admin")
    submit(page, "active-form")
    error = page.inner_text(".error")
    assert "Không thể tự khoá" in error and "cannot disable your own account" in error
    assert server.app.state.store.one("select active from users where username = 'admin'") == {
        "active": 1}
