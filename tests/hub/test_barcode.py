"""Every form a receipt carries, looked up at the hub: case code + token, the numeric Code 128
form, the QR's `CODE/TOKEN` and its web address `https://.../L/CODE/TOKEN`."""

from __future__ import annotations

import pytest

from backend.client import ApiError
from backend.store import sync
from tests.hub.test_sync import some_cases


def forms_of(case: dict) -> list[str]:
    return [case["compact"], f"{case['code']}/{case['token']}",
            f"https://tracuu.example.vn/L/{case['code']}/{case['token']}"]


def test_every_form_on_the_receipt_looks_up_at_the_hub_as_at_the_site(server, hub,
                                                                     connected):
    made = some_cases(server, 2)
    sync.Agent(server.app.state.store, log=lambda _: None).run(once=True)
    site, central = server.client(), hub.client()
    for case in made:
        plain = central.lookup(case["code"], case["token"])
        assert plain["verified"]
        for form in forms_of(case):
            assert central.lookup(form) == site.lookup(form) == plain, form
    wrong = made[0]["compact"][:-8] + "12345678"  # the digits of a forged token
    assert central.lookup(wrong) == site.lookup(wrong)
    assert not central.lookup(wrong)["verified"]


def test_a_barcode_shared_by_two_centres_finds_the_one_whose_token_it_carries(
        server, second_site, hub, connected):
    first, second = some_cases(server, 1)[0], some_cases(second_site, 1)[0]
    assert first["compact"] == second["compact"][:12] + first["compact"][12:]  # same day, seq
    for live in (server, second_site):
        sync.Agent(live.app.state.store, log=lambda _: None).run(once=True)
    central = hub.client()
    for case, live in ((first, server), (second, second_site)):
        answer = central.lookup(case["compact"])
        assert answer["code"] == case["code"] and answer["verified"]
        assert answer == live.client().lookup(case["compact"])
    with pytest.raises(ApiError) as unsure:  # neither token: the hub cannot tell which
        central.lookup(first["compact"][:-8] + "12345678")
    assert unsure.value.status == 422 and unsure.value.key == "compact_ambiguous"
    assert "nhiều trung tâm" in unsure.value.vi and "several centres" in unsure.value.en
    with pytest.raises(ApiError) as unknown:
        central.lookup("00" + first["compact"][2:8] + "9999" + first["compact"][12:])
    assert unknown.value.status == 404 and "mã vạch" in unknown.value.vi
