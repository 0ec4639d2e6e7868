"""Offline intake: numbers leased while online, cases synced later with their own times."""

from datetime import datetime, timedelta

import pytest

from backend.client import ApiError
from backend.domain.calendar import VN_TZ
from backend.domain.codes import CaseCode
from tests.backend.api.helpers import APPLICANT, all_documents, intake, pick_procedure


def offline_intake(client, proc, code, received_at, station="quay-1", key=None):
    return client.intake(proc["code"], APPLICANT, all_documents(proc), idempotency_key=key,
                         offline={"code": code, "received_at": received_at.isoformat(),
                                  "station": station})


def test_lease_blocks_keep_online_codes_apart(server, clock):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    intake(clerk, proc)  # 0001 online
    blocks = clerk.lease("quay-1", days=2, count=20)
    # Today (Mon 23/11) and the next working day: Tue 24/11/2026 is a holiday, so Wed 25/11.
    assert [(b["day"], b["first"], b["last"]) for b in blocks] == [
        ("2026-11-23", 2, 21), ("2026-11-25", 1, 20)]
    assert intake(clerk, proc)["code"].endswith("-261123-0022")


def test_offline_case_lands_once_with_its_original_time_and_due_date(server, clock):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    clerk.lease("quay-1", days=1, count=5)
    received = clock.now - timedelta(minutes=40)
    code = str(CaseCode("000.00.06.H56", received.date(), 3))
    made = offline_intake(clerk, proc, code, received, key="offline-quay-1-0003")
    assert made["code"] == code and made["received_at"] == received.isoformat()
    online_twin = intake(clerk, proc)  # the same procedure received now, online
    assert made["due_at"] <= online_twin["due_at"]
    again = offline_intake(clerk, proc, code, received, key="offline-quay-1-0003")
    assert again["created"] is False and again["code"] == code
    events = clerk.events(code)
    assert events[0]["data"]["offline"] is True and events[0]["at"] == received.isoformat()


@pytest.mark.parametrize("case, key", [
    ("not leased", "code_not_leased"), ("other station", "code_not_leased"),
    ("future", "invalid_input"), ("wrong day", "invalid_input")])
def test_offline_codes_outside_a_lease_are_refused(server, clock, case, key):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    clerk.lease("quay-1", days=1, count=5)
    received, seq, station = clock.now - timedelta(minutes=5), 3, "quay-1"
    day = received.date()
    if case == "not leased":
        seq = 99
    elif case == "other station":
        station = "quay-2"
    elif case == "future":
        received = clock.now + timedelta(hours=1)
    elif case == "wrong day":
        day = datetime(2026, 11, 20, tzinfo=VN_TZ).date()
    with pytest.raises(ApiError) as err:
        offline_intake(clerk, proc, str(CaseCode("000.00.06.H56", day, seq)), received, station)
    assert err.value.key == key and err.value.vi and err.value.en


def test_an_offline_code_cannot_be_used_twice(server, clock):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    clerk.lease("quay-1", days=1, count=5)
    code = str(CaseCode("000.00.06.H56", clock.now.date(), 2))
    offline_intake(clerk, proc, code, clock.now - timedelta(minutes=3))
    with pytest.raises(ApiError) as err:
        offline_intake(clerk, proc, code, clock.now - timedelta(minutes=2))
    assert err.value.key == "code_taken"


def test_leases_carry_the_receipt_tokens_but_not_the_secret(server, clock):
    from backend.domain import codes

    clerk = server.client("clerk")
    block = clerk.lease("quay-1", days=1, count=3)[0]
    secret = server.app.state.site.secret
    assert block["agency_index"] == 0 and set(block["tokens"]) == {"1", "2", "3"}
    code = CaseCode("000.00.06.H56", clock.now.date(), 2)
    assert block["tokens"]["2"] == codes.make_token(code, secret)
    assert secret.hex() not in str(block)
    site = server.client().site()
    assert site["agency_code"] == "000.00.06.H56" and site["agency_name"]
