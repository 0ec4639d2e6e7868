"""The site's event log pushed to a real hub (uvicorn on loopback, PostgreSQL from Debian):
in order, once, resumable; lookups at the hub answer exactly as the site does."""

from __future__ import annotations

import pytest
import requests

from backend.client import ApiError
from backend.hub.receiver import add_site
from backend.store import sync
from backend.store.site import load_site
from tests.backend.api.helpers import intake, pick_procedure, walk


def some_cases(server, count: int = 3) -> list[dict]:
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    made = [intake(clerk, proc) for _ in range(count)]
    walk(server, made[0]["code"], proc)  # one case moved all the way: a longer history
    return made


def lookups_agree(server, hub, made: list[dict]) -> None:
    site, central = server.client(), hub.client()
    for case in made:
        for token in (case["token"], None, "12345678"):
            assert central.lookup(case["code"], token) == site.lookup(case["code"], token)
        qr = f"{case['code']}/{case['token']}"
        assert central.lookup(qr) == site.lookup(qr)


def test_pushed_cases_look_up_at_the_hub_exactly_as_at_the_site(server, hub, connected):
    made = some_cases(server)
    store = server.app.state.store
    pushed = sync.Agent(store, log=lambda _: None).run(once=True)
    last = store.one("select max(id) as id from events")["id"]
    assert pushed == last
    assert sync.hub_of(store)["last_event_id"] == last
    lookups_agree(server, hub, made)
    verified = hub.client().lookup(made[0]["code"], made[0]["token"])
    assert verified["verified"] and len(verified["history"]) > 2
    assert verified["applicant"] == "Nguyễn V** H***"


def test_a_second_run_and_a_resent_batch_add_nothing(server, hub, connected):
    some_cases(server, 2)
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    held = hub.app.state.hub.one("select count(*) as n from events")["n"]
    assert sync.Agent(store, log=lambda _: None).run(once=True) == 0
    # The cursor lost (a site restored from a backup): everything is sent again, counted once.
    sync.set_cursor(store, 0, server.app.state.clock())
    assert sync.Agent(store, log=lambda _: None).run(once=True) == 0
    assert hub.app.state.hub.one("select count(*) as n from events")["n"] == held
    assert sync.hub_of(store)["last_event_id"] == held


def test_the_hub_losing_its_tail_is_refilled_from_where_it_really_ends(server, hub, connected):
    made = some_cases(server, 3)
    store, central = server.app.state.store, hub.app.state.hub
    sync.Agent(store, log=lambda _: None).run(once=True)
    last = store.one("select max(id) as id from events")["id"]
    with central.tx() as conn:  # as if the hub came back from an older backup
        conn.execute("delete from events where id > 2")
        row = conn.execute("select hash from events where id = 2").fetchone()
        conn.execute("update sites set last_event_id = 2, last_hash = %s", [row["hash"]])
    intake(server.client("clerk"), pick_procedure(server.client("clerk")))
    assert sync.Agent(store, log=lambda _: None).run(once=True) == last + 1 - 2
    assert central.one("select count(*) as n from events")["n"] == last + 1
    lookups_agree(server, hub, made)


def test_a_site_may_not_write_another_sites_cases(server, hub, connected):
    some_cases(server, 1)
    store = server.app.state.store
    batch = sync.read_batch(store, load_site(store), 0, 100)
    other = "000.00.07.H56"
    add_site(hub.app.state.hub, other, "Trung tâm khác")
    for event in batch["events"]:
        event["case_code"] = event["case_code"].replace("000.00.06.H56", other)
    with pytest.raises(ApiError) as refused:
        sync.HubClient(hub.url, token=connected).push(batch)
    assert refused.value.status == 403 and refused.value.key == "foreign_cases"
    assert "không được gửi hồ sơ của nơi khác" in refused.value.vi
    assert hub.app.state.hub.one("select count(*) as n from events")["n"] == 0


def test_a_wrong_token_or_a_broken_chain_is_refused(server, hub, connected):
    some_cases(server, 1)
    store = server.app.state.store
    batch = sync.read_batch(store, load_site(store), 0, 100)
    with pytest.raises(ApiError) as unknown:
        sync.HubClient(hub.url, token="not-a-token").push(batch)
    assert unknown.value.status == 401
    batch["events"][1]["note"] = "sửa lén"  # content changed after it was hashed
    with pytest.raises(ApiError) as tampered:
        sync.HubClient(hub.url, token=connected).push(batch)
    assert tampered.value.key == "bad_event_hash" and "mã băm" in tampered.value.vi
    batch = sync.read_batch(store, load_site(store), 0, 100)
    digest = next(iter(batch["procedures"]))
    batch["procedures"][digest] = batch["procedures"][digest].replace("ngày", "tuần", 1)
    with pytest.raises(ApiError) as forged:
        sync.HubClient(hub.url, token=connected).push(batch)
    assert forged.value.key == "bad_procedure_digest" and "không khớp" in forged.value.vi
    del batch["procedures"][digest]
    with pytest.raises(ApiError) as missing:
        sync.HubClient(hub.url, token=connected).push(batch)
    assert missing.value.key == "unknown_procedure"
    assert hub.app.state.hub.one("select count(*) as n from events")["n"] == 0


def test_bad_input_gets_a_bilingual_422(hub, connected):
    answer = requests.post(f"{hub.url}/api/v1/sync/events", json={"events": "no"},
                           headers={"Authorization": f"Bearer {connected}"}, timeout=10)
    assert answer.status_code == 422
    assert answer.json()["vi"].startswith("Dữ liệu không hợp lệ")


def test_a_rating_reaches_the_hub_though_it_is_not_an_event(server, hub, connected):
    from backend.store import ratings

    made = some_cases(server, 2)
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    ratings.rate(store, made[0]["code"], "satisfied", "kiosk", "kiosk-1",
                 server.app.state.clock())
    sync.Agent(store, log=lambda _: None).run(once=True)
    assert hub.client().lookup(made[0]["code"], made[0]["token"])["rated"] is True
    lookups_agree(server, hub, made)


def test_the_hub_holds_no_site_secret_no_token_and_no_private_data(server, hub, connected):
    made = some_cases(server, 2)
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    secret = load_site(store).secret.hex()
    central = hub.app.state.hub
    dumped = " ".join(str(row) for table in ("sites", "events", "cases", "procedures")
                      for row in central.all(f"select * from {table}"))
    for never in (secret, *(c["token"] for c in made), "079203001234", "0912345678",
                  "Lê Lợi", "Nguyễn Văn Hùng"):
        assert never not in dumped
    assert "Nguyễn V** H***" in dumped


def test_renamed_units_reach_the_hub_s_answers_though_each_worker_keeps_them(server, hub,
                                                                             connected):
    from backend.store.site import bump_version

    made = some_cases(server, 2)
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    lookups_agree(server, hub, made)  # the hub's worker now keeps the site's units
    with store.tx() as db:
        db.execute("update units set name = name || ' (mới)'")
        bump_version(db)
    made += some_cases(server, 1)  # a push carries the site's units with its events
    sync.Agent(store, log=lambda _: None).run(once=True)
    lookups_agree(server, hub, made)
    assert "(mới)" in hub.client().lookup(made[0]["code"])["receiving_unit"]


def test_a_case_moved_on_after_its_push_shows_its_whole_history_at_the_hub(server, hub,
                                                                           connected, clock):
    """The hub keeps each case's history beside its view: events pushed later extend it, and
    a deadline passing after the push shows at the hub as at the site (computed at lookup)."""
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    made = [intake(clerk, proc)]
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    before = hub.client().lookup(made[0]["code"], made[0]["token"])
    walk(server, made[0]["code"], proc)
    sync.Agent(store, log=lambda _: None).run(once=True)
    after = hub.client().lookup(made[0]["code"], made[0]["token"])
    assert len(after["history"]) > len(before["history"]) == 1
    lookups_agree(server, hub, made)
    late = intake(clerk, proc)
    sync.Agent(store, log=lambda _: None).run(once=True)
    assert hub.client().lookup(late["code"])["late"] is False
    clock.advance(days=120)  # past any deadline, with nothing pushed since
    assert hub.client().lookup(late["code"], late["token"])["late"] is True
    lookups_agree(server, hub, [late])


def test_a_hub_from_before_kept_histories_gets_them_when_it_migrates(server, hub, connected):
    made = some_cases(server, 2)
    sync.Agent(server.app.state.store, log=lambda _: None).run(once=True)
    central = hub.app.state.hub
    with central.tx() as conn:  # as the hub was before migration 4
        conn.execute("alter table cases drop column history")
        conn.execute("delete from hub_schema where version = 4")
    assert central.migrate() == 1
    lookups_agree(server, hub, made)
