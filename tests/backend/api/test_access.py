"""Tokens and devices: each device kind does only its own job; tokens can be revoked."""

from __future__ import annotations

import pytest

from backend.client import ApiError, Client
from backend.store import site
from tests.backend.api.helpers import api_error, intake, pick_procedure
from tests.backend.conftest import PASSWORD


def device(server, name: str, kind: str) -> Client:
    token = server.client("admin").register_device(name, kind)["token"]
    return Client(server.address, token=token)


@pytest.fixture
def case(server):
    clerk = server.client("clerk")
    return intake(clerk, pick_procedure(clerk))


def _rating(store, code: str):
    return store.one("select r.* from ratings r join cases c on c.id = r.case_id "
                     "where c.code = ?", [code])


def test_rating_guesses_are_throttled_and_a_wrong_token_consumes_nothing(server, store, case):
    site.set_setting(store, "lookup_rate_per_minute", "5")
    guesser = server.client()
    for guess in range(5):
        with pytest.raises(ApiError) as wrong:
            guesser.rate(case["code"], "unsatisfied", token=f"{guess:08d}")
        assert wrong.value.status == 403 and wrong.value.key == "wrong_token"
    with pytest.raises(ApiError) as slowed:
        guesser.rate(case["code"], "unsatisfied", token=case["token"])  # even the right one
    assert slowed.value.status == 429 and slowed.value.vi and slowed.value.en
    assert _rating(store, case["code"]) is None
    # The lookup and the rating share one budget: guessing cannot switch between them.
    with pytest.raises(ApiError) as lookup:
        guesser.lookup(case["code"], case["token"])
    assert lookup.value.status == 429


def test_a_device_with_a_wrong_token_rates_nothing(server, store, case):
    kiosk = device(server, "kiosk-1", "kiosk")
    server.client("clerk").request_rating(case["code"], 1)
    with pytest.raises(ApiError) as err:
        kiosk.rate(case["code"], "satisfied", token="12345678", channel="counter")
    assert err.value.key == "wrong_token" and _rating(store, case["code"]) is None


def test_a_kiosk_rates_only_what_a_counter_asked_for(server, store, case):
    kiosk = device(server, "kiosk-1", "kiosk")
    with pytest.raises(ApiError) as err:
        kiosk.rate(case["code"], "unsatisfied")
    assert err.value.status == 403 and err.value.key == "rating_needs_receipt"
    assert _rating(store, case["code"]) is None
    server.client("clerk").request_rating(case["code"], 2)
    assert kiosk.rate(case["code"], "satisfied", channel="counter")["rating"] == "satisfied"
    assert _rating(store, case["code"])["by"] == "kiosk-1"


def test_each_device_kind_does_only_its_own_job(server, case):
    hall = device(server, "hall-1", "display")
    counter = device(server, "quay-1", "counter")
    server.client("clerk").request_rating(case["code"], 1)
    with pytest.raises(ApiError) as ticket:
        hall.reserve_ticket("A")
    assert ticket.value.status == 403 and "display" in ticket.value.en
    with pytest.raises(ApiError) as rating:
        counter.rate(case["code"], "satisfied", channel="counter")
    assert rating.value.status == 403
    with pytest.raises(ApiError) as poll:
        counter.pending_rating()
    assert poll.value.status == 403
    assert hall.pending_rating()["code"] == case["code"]
    assert counter.reserve_ticket("A")["status"] == "reserved"


def test_a_fresh_account_cannot_rate_before_changing_its_password(server, store, case):
    newbie = server.client("newbie")
    with pytest.raises(ApiError) as err:
        newbie.rate(case["code"], "satisfied", channel="counter")
    assert err.value.key == "password_change_required"
    assert _rating(store, case["code"]) is None


def test_tickets_are_limited_per_device_and_priority_more_so(server):
    kiosk, other = device(server, "kiosk-1", "kiosk"), device(server, "kiosk-2", "kiosk")
    for _ in range(10):
        kiosk.reserve_ticket("A", "elderly")
    with pytest.raises(ApiError) as err:
        kiosk.reserve_ticket("A", "elderly")
    assert err.value.status == 429 and err.value.vi and err.value.en
    with pytest.raises(ApiError):
        kiosk.reserve_ticket("A")  # ten a minute in all
    assert other.reserve_ticket("A")["label"] == "A-011"  # other kiosks keep working
    for _ in range(9):
        other.reserve_ticket("B")
    with pytest.raises(ApiError) as priority:
        other.reserve_ticket("B", "pregnant")
    assert priority.value.status == 429


def test_a_device_confirms_and_cancels_only_its_own_tickets(server, store):
    mine, theirs = device(server, "kiosk-1", "kiosk"), device(server, "kiosk-2", "kiosk")
    ticket = mine.reserve_ticket("A")
    for act in (theirs.cancel_ticket, theirs.ticket_printed, server.client("clerk").cancel_ticket):
        with pytest.raises(ApiError) as err:
            act(ticket["id"])
        assert err.value.status == 403 and err.value.key == "not_your_ticket"
    assert store.one("select status from tickets where id = ?", [ticket["id"]])["status"] == \
        "reserved"
    assert mine.cancel_ticket(ticket["id"])["status"] == "cancelled"


def test_admin_revokes_and_rotates_a_device_token(server, clock):
    admin = server.client("admin")
    old = admin.register_device("kiosk-1", "kiosk")["token"]
    kiosk = Client(server.address, token=old)
    kiosk.heartbeat("0.1.0", {})
    clock.advance(minutes=5)
    kiosk.device_me()
    listed = {d["name"]: d for d in admin.devices()}["kiosk-1"]
    assert listed["last_used"] == clock.now.isoformat(timespec="seconds")
    revoked = admin._request("POST", "/api/v1/devices/kiosk-1/revoke")
    assert revoked["active"] == 0 and revoked["revoked_at"]
    with pytest.raises(ApiError) as err:
        kiosk.heartbeat("0.1.0", {})
    assert err.value.status == 401 and err.value.vi
    new = admin._request("POST", "/api/v1/devices/kiosk-1/rotate")["token"]
    assert new != old and Client(server.address, token=new).heartbeat("0.1.0", {})["ok"]
    with pytest.raises(ApiError):
        kiosk.heartbeat("0.1.0", {})
    assert api_error(lambda: admin._request("POST", "/api/v1/devices/nope/revoke")).status == 404
    clerk = server.client("clerk")
    assert api_error(lambda: clerk._request("POST", "/api/v1/devices/kiosk-1/revoke")).status == 403


def test_tokens_are_stored_only_as_hashes(server, store):
    token = server.client("admin").register_device("kiosk-1", "kiosk")["token"]
    login = Client(server.address)
    login.login("clerk", PASSWORD)
    dump = "\n".join(store.conn.iterdump())
    assert token not in dump and login.token not in dump
