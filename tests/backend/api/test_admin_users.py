"""Admin: reset a password (forced change, old sessions end) and change a role or unit —
against a live server."""

from __future__ import annotations

import pytest

from backend.client import ApiError
from tests.backend.conftest import PASSWORD


def test_reset_password_forces_a_change_and_ends_old_sessions(server, admin):
    officer = server.client("officer.kt")
    answer = admin._request("POST", "/api/v1/admin/users/officer.kt/password",
                            json={"password": "Tam-thoi-2026"})
    assert answer["must_change_password"] is True
    with pytest.raises(ApiError) as ended:
        officer.me()
    assert ended.value.status == 401
    with pytest.raises(ApiError):
        server.client().login("officer.kt", PASSWORD)
    fresh = server.client()
    assert fresh.login("officer.kt", "Tam-thoi-2026")["must_change_password"] is True


def test_reset_password_lifts_a_lockout(server, admin):
    for _ in range(5):
        with pytest.raises(ApiError):
            server.client().login("officer.vh", "Sai-mat-khau-1")
    with pytest.raises(ApiError) as locked:
        server.client().login("officer.vh", PASSWORD)
    assert locked.value.key == "account_locked"
    admin._request("POST", "/api/v1/admin/users/officer.vh/password",
                   json={"password": "Tam-thoi-2026"})
    assert server.client().login("officer.vh", "Tam-thoi-2026")["token"]


def test_weak_or_unknown_gets_bilingual_refusal(admin):
    with pytest.raises(ApiError) as weak:
        admin._request("POST", "/api/v1/admin/users/clerk/password", json={"password": "123"})
    assert weak.value.status == 422 and "ít nhất 8 ký tự" in weak.value.vi
    assert "at least 8 characters" in weak.value.en
    with pytest.raises(ApiError) as missing:
        admin._request("POST", "/api/v1/admin/users/nobody/password",
                       json={"password": "Tam-thoi-2026"})
    assert missing.value.status == 404 and "Không có tài khoản 'nobody'" in missing.value.vi


def test_change_role_and_unit_takes_effect_on_the_next_request(server, admin):
    officer = server.client("officer.kt")
    assert officer.me()["unit"] == "KT"
    changed = admin._request("PATCH", "/api/v1/admin/users/officer.kt",
                             json={"role": "leader", "unit": "VHXH"})
    assert (changed["role"], changed["unit"]) == ("leader", "VHXH")
    me = officer.me()
    assert (me["role"], me["unit"]) == ("leader", "VHXH")
    row = server.app.state.store.one("select detail from audit where action = 'user.assign'")
    assert "VHXH" in row["detail"]


@pytest.mark.parametrize(("body", "key", "vi", "en"), [
    ({"role": "officer"}, "unit_required", "cần chọn đơn vị", "needs a unit"),
    ({"role": "officer", "unit": "NOWHERE"}, "invalid_input", "Không có đơn vị 'NOWHERE'",
     "No unit 'NOWHERE'"),
])
def test_bad_assignment_is_refused_and_nothing_changes(server, admin, body, key, vi, en):
    with pytest.raises(ApiError) as refused:
        admin._request("PATCH", "/api/v1/admin/users/clerk", json=body)
    assert refused.value.status == 422 and refused.value.key == key
    assert vi in refused.value.vi and en in refused.value.en
    row = server.app.state.store.one("select role, unit from users where username = 'clerk'")
    assert row == {"role": "clerk", "unit": "MOTCUA"}


def test_admin_cannot_drop_his_own_admin_role(admin):
    with pytest.raises(ApiError) as refused:
        admin._request("PATCH", "/api/v1/admin/users/admin", json={"role": "clerk",
                                                                   "unit": "MOTCUA"})
    assert refused.value.status == 409 and "chính mình" in refused.value.vi


@pytest.mark.parametrize("path, body, vi", [
    ("/api/v1/admin/users", {"username": "Lan Anh", "password": "Tam-thoi-2026", "role": "clerk",
                             "unit": "MOTCUA"}, "Tên đăng nhập 3–64 ký tự"),
    ("/api/v1/devices", {"name": "kiosk sảnh", "kind": "kiosk"}, "Tên thiết bị 2–64 ký tự"),
    ("/api/v1/devices", {"name": "k" * 65, "kind": "kiosk"}, "64"),
])
def test_a_bad_name_is_refused_in_both_languages_and_nothing_is_made(admin, path, body, vi):
    with pytest.raises(ApiError) as refused:
        admin._request("POST", path, json=body)
    assert refused.value.status == 422 and vi in refused.value.vi and refused.value.en
    users = admin._request("GET", "/api/v1/admin/users")["items"]
    assert all(u["username"] != body.get("username") for u in users)
    assert all(d["name"] != body.get("name") for d in admin.devices())
