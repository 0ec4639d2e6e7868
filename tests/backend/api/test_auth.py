import pytest

from backend.client import ApiError, Client
from tests.backend.conftest import PASSWORD


def test_login_me_logout(server):
    client = server.client()
    answer = client.login("clerk", PASSWORD)
    assert answer["token_type"] == "bearer" and answer["user"]["role"] == "clerk"
    assert client.me()["unit"] == "MOTCUA"
    token = client.token
    client.logout()
    stale = Client(server.address, token=token)
    with pytest.raises(ApiError) as err:
        stale.me()
    assert err.value.status == 401 and err.value.key == "invalid_token"


def test_wrong_password_is_bilingual_and_does_not_say_which_part(server):
    for username in ("clerk", "nobody"):
        with pytest.raises(ApiError) as err:
            server.client().login(username, "wrong-password-1")
        assert err.value.status == 401
        assert err.value.vi == "Sai tên đăng nhập hoặc mật khẩu"
        assert err.value.en == "Wrong username or password"


def test_lockout_after_five_failures_then_unlock_after_fifteen_minutes(server, clock):
    for _ in range(5):
        with pytest.raises(ApiError):
            server.client().login("clerk", "wrong-password-1")
    with pytest.raises(ApiError) as err:
        server.client().login("clerk", PASSWORD)  # even the right password is refused now
    assert err.value.key == "account_locked" and "15" in err.value.vi
    clock.advance(minutes=16)
    assert server.client().login("clerk", PASSWORD)["user"]["username"] == "clerk"


def test_first_login_forces_a_password_change(server):
    client = server.client()
    assert client.login("newbie", PASSWORD)["must_change_password"] is True
    with pytest.raises(ApiError) as err:
        client.cases()
    assert err.value.status == 403 and err.value.key == "password_change_required"
    with pytest.raises(ApiError) as weak:
        client.change_password(PASSWORD, "short")
    assert weak.value.key == "weak_password"
    with pytest.raises(ApiError) as wrong:
        client.change_password("not-the-password-1", "Moi-matkhau-2026")
    assert wrong.value.key == "wrong_password"
    client.change_password(PASSWORD, "Moi-matkhau-2026")
    assert client.me()["must_change_password"] is False
    assert client.cases() == []


def test_session_expires(server, clock):
    client = server.client("clerk")
    clock.advance(hours=13)
    with pytest.raises(ApiError) as err:
        client.me()
    assert err.value.key == "expired_token"


def test_admin_creates_users_who_must_change_password(server):
    admin = server.client("admin")
    user = admin.add_user("thu.ky", "Matkhau2026x", "clerk", full_name="Lê Thị Thu",
                          unit="MOTCUA")
    assert user["must_change_password"] is True
    with pytest.raises(ApiError) as dup:
        admin.add_user("thu.ky", "Matkhau2026x", "clerk")
    assert dup.value.status == 409
    with pytest.raises(ApiError) as bad:
        admin.add_user("x", "Matkhau2026x", "wizard")
    assert bad.value.status == 422 and "role" in bad.value.en


def test_audit_records_account_events(server, store):
    server.client("admin").add_user("thu.ky", "Matkhau2026x", "clerk")
    actions = [r["action"] for r in store.all("select action from audit")]
    assert "user.add" in actions
