"""Password guessing from the lobby: throttled per client and site-wide, and never a way to
lock the staff out; locked and unknown names look alike; sessions end when they should."""

from __future__ import annotations

import statistics
import time

import pytest

from backend.api import auth
from backend.app import create_app
from backend.client import ApiError, Client
from tests.backend.api.helpers import api_error
from tests.backend.conftest import PASSWORD, LiveServer, free_port

WRONG = "Sai-matkhau-99"
REAL_DELAY = auth.FAILURE_DELAY  # read before the suite's fixture shortens it for a test


@pytest.fixture
def real_delay(monkeypatch):
    monkeypatch.setattr(auth, "FAILURE_DELAY", REAL_DELAY)


@pytest.fixture
def proxied(store, clock):
    """Behind a reverse proxy on loopback, so each test request can come from its own address."""
    live = LiveServer(create_app(store.path, clock=clock, trusted_proxies="127.0.0.1"),
                      free_port()).start(lazily=True)
    yield live
    live.stop()


def login(server, username: str, password: str, address: str) -> dict:
    client = Client(server.address, timeout=30)
    return client._request("POST", "/api/v1/auth/login", headers={"X-Forwarded-For": address},
                           json={"username": username, "password": password})


def refusal(server, username: str, password: str, address: str) -> ApiError:
    with pytest.raises(ApiError) as err:
        login(server, username, password, address)
    return err.value


def test_a_guesser_elsewhere_cannot_lock_the_admin_out(proxied):
    for _ in range(5):
        assert refusal(proxied, "admin", WRONG, "203.0.113.5").key == "wrong_login"
    locked = refusal(proxied, "admin", PASSWORD, "203.0.113.5")
    assert locked.status == 401 and locked.key == "account_locked" and "15" in locked.vi
    assert login(proxied, "admin", PASSWORD, "192.0.2.10")["user"]["role"] == "admin"


def test_a_wrong_password_waits_before_its_answer(proxied, real_delay):
    started = time.perf_counter()
    assert refusal(proxied, "clerk", WRONG, "203.0.113.7").key == "wrong_login"
    assert time.perf_counter() - started >= REAL_DELAY


@pytest.mark.slow  # twenty wrong answers at the real delay: ten seconds of waiting
def test_locked_and_unknown_names_get_the_same_answer_in_similar_time(proxied, real_delay):
    for name, address in (("clerk", "203.0.113.5"), ("ghost", "203.0.113.6")):
        for _ in range(5):
            refusal(proxied, name, WRONG, address)

    def timed(name: str, address: str) -> tuple[float, dict]:
        started = time.perf_counter()
        body = refusal(proxied, name, WRONG, address).body
        return time.perf_counter() - started, body

    locked = [timed("clerk", "203.0.113.5") for _ in range(5)]
    unknown = [timed("ghost", "203.0.113.6") for _ in range(5)]
    assert locked[0][1] == unknown[0][1]
    assert unknown[0][1]["error"] == "account_locked"
    ratio = statistics.median(t for t, _ in locked) / statistics.median(t for t, _ in unknown)
    assert 0.5 < ratio < 2, ratio


def test_one_client_gets_ten_wrong_passwords_a_minute(proxied):
    for _ in range(12):  # right passwords are never held back: an office shares one address
        login(proxied, "clerk", PASSWORD, "198.51.100.1")
    keys = [refusal(proxied, f"user{i}", WRONG, "198.51.100.1").key for i in range(12)]
    # The window slides: the 11th may still pass if a minute began in the middle.
    assert keys[:10] == ["wrong_login"] * 10 and keys[-1] == "rate_limited", keys
    slowed = refusal(proxied, "clerk", PASSWORD, "198.51.100.1")
    assert slowed.status == 429 and slowed.vi and slowed.en
    assert login(proxied, "clerk", PASSWORD, "198.51.100.2")["user"]["username"] == "clerk"


def test_a_spray_from_many_addresses_slows_strangers_not_the_office(proxied, monkeypatch):
    monkeypatch.setattr(auth, "SITE_FAILURES_PER_MINUTE", 10)  # the mechanism, at a small scale
    login(proxied, "admin", PASSWORD, "192.0.2.10")  # the office, earlier today
    keys = [refusal(proxied, "admin", WRONG, f"10.1.{i}.1").key for i in range(12)]
    assert keys[:10] == ["wrong_login"] * 10 and keys[-1] == "rate_limited", keys
    stranger = refusal(proxied, "admin", PASSWORD, "10.2.0.1")
    assert stranger.status == 429 and "nhiều lần sai mật khẩu" in stranger.vi
    assert login(proxied, "admin", PASSWORD, "192.0.2.10")["user"]["username"] == "admin"


def test_wrong_current_passwords_count_towards_the_lockout(server):
    clerk = server.client("clerk")
    for _ in range(5):
        with pytest.raises(ApiError) as wrong:
            clerk.change_password(WRONG, "Moi-matkhau-2026")
        assert wrong.value.key == "wrong_password"
    with pytest.raises(ApiError) as locked:
        clerk.change_password(PASSWORD, "Moi-matkhau-2026")
    assert locked.value.key == "account_locked"
    with pytest.raises(ApiError) as login_locked:
        server.client().login("clerk", PASSWORD)
    assert login_locked.value.key == "account_locked"


def test_changing_the_password_ends_the_other_sessions(server):
    here, elsewhere = server.client("clerk"), server.client("clerk")
    here.change_password(PASSWORD, "Moi-matkhau-2026")
    assert here.me()["username"] == "clerk"
    with pytest.raises(ApiError) as err:
        elsewhere.me()
    assert err.value.key == "invalid_token"


def test_admin_disables_a_user_and_ends_sessions(server, store):
    admin, clerk = server.client("admin"), server.client("clerk")
    disabled = admin._request("POST", "/api/v1/admin/users/clerk/disable")
    assert disabled["active"] == 0
    with pytest.raises(ApiError) as gone:
        clerk.me()
    assert gone.value.status == 401
    with pytest.raises(ApiError) as refused:
        server.client().login("clerk", PASSWORD)
    assert refused.value.key == "wrong_login"
    admin._request("POST", "/api/v1/admin/users/clerk/enable")
    clerk = server.client("clerk")
    assert admin._request("DELETE", "/api/v1/admin/users/clerk/sessions")["ended"] == 1
    with pytest.raises(ApiError):
        clerk.me()
    users, leader = "/api/v1/admin/users", server.client("leader")
    self_disable = api_error(lambda: admin._request("POST", f"{users}/admin/disable"))
    assert self_disable.status == 409 and self_disable.vi
    assert api_error(lambda: admin._request("POST", f"{users}/nobody/disable")).status == 404
    assert api_error(lambda: leader._request("POST", f"{users}/clerk/disable")).status == 403
    actions = {r["action"] for r in store.all("select action from audit")}
    assert {"user.disable", "user.enable", "user.sessions_ended"} <= actions


def test_expired_sessions_are_deleted(server, store, clock):
    stale = server.client("clerk")
    server.client("officer.kt")
    clock.advance(hours=13)
    with pytest.raises(ApiError):
        stale.me()
    server.client("leader")
    assert store.one("select count(*) as n from sessions where user_id is not null")["n"] == 1
