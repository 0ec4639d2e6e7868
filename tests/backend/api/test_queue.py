import pytest

from backend.client import ApiError, Client
from tests.backend.api.helpers import intake, pick_procedure


@pytest.fixture
def kiosk(server):
    token = server.client("admin").register_device("kiosk-1", "kiosk")["token"]
    return Client(server.address, token=token)


def issue(client: Client, service: str, priority: str | None = None) -> dict:
    return client.ticket_printed(client.reserve_ticket(service, priority)["id"])


def test_ticket_counts_only_once_printed(server, kiosk):
    reserved = kiosk.reserve_ticket("A")
    assert reserved["label"] == "A-001" and reserved["status"] == "reserved"
    status = server.client()._request("GET", "/api/v1/queue/status")
    assert status["services"][0]["waiting"] == 0
    cancelled = kiosk.cancel_ticket(reserved["id"])
    assert cancelled["status"] == "cancelled"
    second = issue(kiosk, "A")
    assert second["label"] == "A-002" and second["status"] == "waiting"
    assert second["people_ahead"] == 0
    with pytest.raises(ApiError) as err:
        kiosk._request("POST", f"/api/v1/queue/tickets/{reserved['id']}/printed")
    assert err.value.status == 409


def test_calling_priority_recall_skip_transfer_done(server, kiosk):
    issue(kiosk, "A")
    issue(kiosk, "A")
    elderly = issue(kiosk, "A", "elderly")
    assert elderly["people_ahead"] == 0 and issue(kiosk, "A")["people_ahead"] == 3
    clerk = server.client("clerk")
    first = clerk._request("POST", "/api/v1/queue/counters/1/next")
    assert first["ticket"]["label"] == elderly["label"]
    assert first["announcement"] == "Xin mời số thứ tự A 0 0 3, đến quầy số 1"
    again = clerk._request("POST", "/api/v1/queue/counters/1/recall")
    assert again["ticket"]["label"] == "A-003"
    nxt = clerk._request("POST", "/api/v1/queue/counters/1/next")  # finishes A-003
    assert nxt["ticket"]["label"] == "A-001"
    skipped = clerk._request("POST", "/api/v1/queue/counters/1/skip")
    assert skipped["ticket"]["status"] == "no_show"
    clerk._request("POST", "/api/v1/queue/counters/1/next")
    moved = clerk._request("POST", "/api/v1/queue/counters/1/transfer", json={"to_counter": 3})
    assert moved["ticket"]["status"] == "waiting"
    at_three = clerk._request("POST", "/api/v1/queue/counters/3/next")
    assert at_three["ticket"]["label"] == "A-002"
    clerk._request("POST", "/api/v1/queue/counters/3/done")
    status = server.client().queue_status()
    assert status["latest"]["label"] == "A-002" and status["latest"]["counter"] == 3
    assert [c["kind"] for c in status["calls"]][:2] == ["call", "call"]
    assert "recall" in [c["kind"] for c in status["calls"]]
    assert status["services"][0]["waiting"] == 1


def test_nobody_waiting_and_closed_hours(server, kiosk, clock):
    clerk = server.client("clerk")
    assert clerk._request("POST", "/api/v1/queue/counters/2/next")["ticket"] is None
    with pytest.raises(ApiError) as err:
        clerk._request("POST", "/api/v1/queue/counters/2/recall")
    assert err.value.key == "nobody_called"
    clock.advance(hours=10)  # 19:30
    with pytest.raises(ApiError) as closed:
        issue(kiosk, "A")
    assert closed.value.key == "queue_closed" and "Ngoài giờ" in closed.value.vi


def test_bad_queue_requests(server, kiosk):
    with pytest.raises(ApiError) as err:
        issue(kiosk, "Z")
    assert err.value.status == 422
    with pytest.raises(ApiError) as wrong:
        server.client("clerk")._request("POST", "/api/v1/queue/counters/42/next")
    assert wrong.value.status == 422 and "42" in wrong.value.vi
    with pytest.raises(ApiError) as role:
        kiosk._request("POST", "/api/v1/queue/counters/1/next")
    assert role.value.status == 403


def test_rating_once_per_case_needs_the_receipt(server, kiosk):
    clerk = server.client("clerk")
    case = intake(clerk, pick_procedure(clerk))
    anonymous = server.client()
    with pytest.raises(ApiError) as err:
        anonymous._request("POST", "/api/v1/ratings",
                           json={"code": case["code"], "rating": "satisfied"})
    assert err.value.status == 403
    done = anonymous.rate(case["code"], "very_satisfied", token=case["token"])
    assert done["label"] == "Rất hài lòng"
    with pytest.raises(ApiError) as twice:
        clerk.rate(case["code"], "unsatisfied", channel="counter")
    assert twice.value.key == "already_rated"


def test_counter_asks_the_kiosk_to_offer_a_rating(server, kiosk, clock):
    clerk = server.client("clerk")
    case = intake(clerk, pick_procedure(clerk))
    assert kiosk.pending_rating() is None
    clerk.request_rating(case["code"], 2)
    pending = kiosk.pending_rating()
    assert pending["code"] == case["code"] and pending["counter"] == 2
    assert kiosk.pending_rating(counter=1) is None
    kiosk.rate(case["code"], "satisfied", channel="counter")
    assert kiosk.pending_rating() is None
    with pytest.raises(ApiError) as err:
        clerk.request_rating(case["code"], 2)
    assert err.value.key == "already_rated"


def test_rating_requests_expire(server, kiosk, clock):
    clerk = server.client("clerk")
    case = intake(clerk, pick_procedure(clerk))
    clerk.request_rating(case["code"], 1)
    clock.advance(minutes=11)
    assert kiosk.pending_rating() is None
