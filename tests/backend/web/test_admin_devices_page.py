"""The admin's device pages in a real Chromium against a live server: register a device (its
token, shown once, really works), change its settings (the device gets them at its next
heartbeat), bad input explained in both languages."""

from __future__ import annotations

import pytest
import requests

from backend.client import ApiError, Client
from tests.backend.web.admin_helpers import signed_in_admin
from tests.backend.web.test_staff_auth import sign_in


@pytest.fixture
def admin_page(server, screen):
    return signed_in_admin(server, screen, "/staff/admin/devices")


def register(page, name: str, kind: str = "kiosk", station: str = "") -> None:
    page.fill("#name", name)
    page.select_option("#kind", kind)
    page.fill("#station", station)
    page.click("#register-form button[type=submit]")
    page.wait_for_load_state()


def test_register_shows_a_working_token_once(server, admin_page, shots):
    page = admin_page
    register(page, "kiosk-sanh-1", "kiosk", "rpi-kiosk-portrait")
    token = page.inner_text("#device-token").strip()
    assert "chỉ hiện một lần" in page.inner_text(".token")
    device = Client(server.url, token=token)
    assert device.heartbeat("1.0", {"printer": "ok"})["ok"] is True
    page.screenshot(path=str(shots / "admin-devices.png"))
    page.goto(f"{server.url}/staff/admin/devices")
    assert page.locator("#device-token").count() == 0 and token not in page.content()
    row = page.inner_text("tr[data-device='kiosk-sanh-1']")
    assert "Ki-ốt tra cứu" in row and "rpi-kiosk-portrait" in row and "Trực tuyến" in row


def test_register_refuses_a_bad_or_taken_name(server, admin_page):
    page = admin_page
    register(page, "ki ốt")
    error = page.inner_text(".error")
    assert "Tên thiết bị 2–64 ký tự" in error and "Device name" in error
    register(page, "kiosk-1")
    register(page, "kiosk-1")
    error = page.inner_text(".error")
    assert "đã được đăng ký" in error and "already registered" in error
    assert server.app.state.store.one("select count(*) as n from devices")["n"] == 1


def test_settings_reach_the_device_at_its_heartbeat(server, admin_page, shots):
    page = admin_page
    register(page, "kiosk-2")
    device = Client(server.url, token=page.inner_text("#device-token").strip())
    page.click("tr[data-device='kiosk-2'] a")
    page.fill("#idle_seconds", "90")
    page.select_option("#language", "en")
    page.check("#service_A")
    page.check("#service_C")
    page.uncheck("#rating_enabled")
    page.click("#settings-form button[type=submit]")
    page.wait_for_load_state()
    assert "Đã lưu" in page.inner_text(".notice")
    got = device.heartbeat("1.0", {})["settings"]
    assert got == {"idle_seconds": 90, "language": "en", "services": ["A", "C"],
                   "rating_enabled": False, "read_aloud": False}
    page.screenshot(path=str(shots / "admin-device.png"))


def test_bad_idle_time_is_refused_and_the_form_kept(server, admin_page):
    page = admin_page
    register(page, "kiosk-3")
    page.goto(f"{server.url}/staff/admin/devices/kiosk-3")
    page.fill("#idle_seconds", "5")
    page.check("#service_B")
    page.click("#settings-form button[type=submit]")
    page.wait_for_load_state()
    error = page.inner_text(".error")
    assert "từ 10 đến 600" in error and "10 to 600 seconds" in error
    assert page.input_value("#idle_seconds") == "5" and page.is_checked("#service_B")
    row = server.app.state.store.one("select settings from devices where name = 'kiosk-3'")
    assert row["settings"] == "{}"


def test_clerk_gets_a_403_page(server, screen):
    page = screen(1366, 768)
    sign_in(page, server, "clerk", next_path="/staff/admin/devices")
    assert "may not use this page" in page.inner_text(".error")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert requests.get(f"{server.url}/staff/admin/devices", cookies=cookies,
                        timeout=10).status_code == 403
    with pytest.raises(ApiError):
        server.client("clerk").register_device("x-1", "kiosk")


def test_revoke_stops_the_token_and_a_new_token_enrols_again(server, admin_page):
    page = admin_page
    register(page, "kiosk-4")
    old = Client(server.url, token=page.inner_text("#device-token").strip())
    assert old.heartbeat("1.0", {})["ok"]
    page.goto(f"{server.url}/staff/admin/devices/kiosk-4")
    page.click("#revoke-form button")
    page.wait_for_load_state()
    assert "Đã thu hồi" in page.inner_text(".notice")
    with pytest.raises(ApiError) as refused:
        old.heartbeat("1.0", {})
    assert refused.value.status == 401
    page.click("#rotate-form button")
    page.wait_for_load_state()
    new = Client(server.url, token=page.inner_text("#device-token").strip())
    assert new.heartbeat("1.0", {})["ok"]
    with pytest.raises(ApiError):
        old.heartbeat("1.0", {})
    page.goto(f"{server.url}/staff/admin/devices/kiosk-4")
    assert page.locator("#device-token").count() == 0
