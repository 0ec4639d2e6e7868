"""Case numbers are a daily resource of 9,999: who may lease them, how many, and what happens
when a day runs out — refused before anything is written, and no damaged row sinks a list."""

import pytest

from backend.client import ApiError, Client
from tests.backend.api.helpers import (
    APPLICANT,
    all_documents,
    append_damaged_event,
    intake,
    pick_procedure,
)

TODAY = "261123"


def counts(store) -> dict:
    return {table: store.one(f"select count(*) as n from {table}")["n"]
            for table in ("cases", "events", "leases")} | {
        "last": (store.one("select last from sequences where day = ?", [TODAY])
                 or {"last": 0})["last"]}


def device(server, name, kind, station=""):
    token = server.client("admin").register_device(name, kind, station)["token"]
    return Client(server.address, token=token)


@pytest.mark.parametrize("kind", ["kiosk", "display"])
def test_only_counter_stations_lease(server, store, kind):
    before = counts(store)
    with pytest.raises(ApiError) as err:
        device(server, f"{kind}-1", kind).lease("quay-1", days=5, count=500)
    assert err.value.status == 403 and err.value.key == "not_a_counter"
    assert "quầy" in err.value.vi and "counter" in err.value.en
    assert counts(store) == before


def test_a_counter_device_leases_only_for_its_own_station(server, store):
    counter = device(server, "counter-1", "counter", station="quay-1")
    assert counter.lease("quay-1", days=1, count=10)[0]["last"] == 10
    before = counts(store)
    with pytest.raises(ApiError) as err:
        counter.lease("quay-2", days=1, count=10)
    assert err.value.status == 403 and err.value.key == "wrong_station"
    assert counts(store) == before


def test_each_station_has_a_daily_cap_and_nothing_half_leased(server, store):
    clerk = server.client("clerk")
    clerk.lease("quay-1", days=1, count=250)
    clerk.lease("quay-1", days=1, count=50)  # 300: the default cap, reached exactly
    before = counts(store)
    with pytest.raises(ApiError) as err:
        clerk.lease("quay-1", days=2, count=1)  # tomorrow would fit, today does not
    assert err.value.status == 409 and err.value.key == "lease_cap_reached"
    assert "300" in err.value.vi and "0 left" in err.value.en
    assert counts(store) == before
    assert clerk.lease("quay-2", days=1, count=20)[0]["first"] == 301  # another station


def test_the_cap_is_a_site_setting(server, store):
    store.conn.execute("insert into settings (key, value) values "
                       "('lease_cap_per_station_day', '40')")
    clerk = server.client("clerk")
    clerk.lease("quay-1", days=1, count=40)
    with pytest.raises(ApiError) as err:
        clerk.lease("quay-1", days=1, count=1)
    assert err.value.key == "lease_cap_reached" and "40" in err.value.en


def test_leases_never_eat_the_numbers_kept_for_live_intake(server, store):
    clerk = server.client("clerk")
    refused = None
    for station in range(1, 35):  # 34 x 300 would pass 9,999 without a ceiling
        try:
            clerk.lease(f"quay-{station}", days=1, count=300)
        except ApiError as err:
            refused = err
            break
    assert refused is not None and refused.status == 409 and refused.key == "lease_ceiling_reached"
    assert "tiếp nhận trực tiếp" in refused.vi
    assert store.one("select max(last) as n from leases")["n"] <= 8999
    proc = pick_procedure(clerk)
    live = intake(clerk, proc)
    assert live["created"] and int(live["code"][-4:]) <= 9000


def test_a_full_day_refuses_intake_before_writing_anything(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    store.conn.execute("insert into sequences (agency, day, last) values (?, ?, 9998)",
                       ["000.00.06.H56", TODAY])
    last = intake(clerk, proc)
    assert last["code"].endswith(f"-{TODAY}-9999")
    before = counts(store)
    for _ in range(2):  # the clerk retries with the same key: still nothing written
        with pytest.raises(ApiError) as err:
            intake(clerk, proc, idempotency_key="full-day-retry-1")
        assert err.value.status == 409 and err.value.key == "numbers_exhausted"
        assert "Đã hết số hồ sơ" in err.value.vi and "nothing was recorded" in err.value.en
        assert counts(store) == before
    assert [c["code"] for c in clerk.cases(limit=1)] == [last["code"]]
    assert clerk.case(last["code"])["code"] == last["code"]
    assert server.client().lookup(last["code"])["status"] == "received"


def test_the_database_refuses_a_sequence_past_9999(store):
    import sqlite3

    store.migrate()
    with pytest.raises(sqlite3.IntegrityError, match=r"1\.\.9999"):
        store.conn.execute("insert into cases (code, seq, status, received_at, due_at) "
                           "values ('000.00.06.H56-261123-10000', 10000, 2, 'x', 'y')")


def test_one_damaged_row_never_sinks_a_list_a_view_or_a_lookup(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    good, bad_status, bad_snapshot = (intake(clerk, proc) for _ in range(3))
    store.conn.execute("update cases set status = 42 where code = ?", [bad_status["code"]])
    store.conn.execute("update cases set procedure = '{broken' where code = ?",
                       [bad_snapshot["code"]])
    listed = {c["code"]: c for c in clerk.cases()}
    assert listed[good["code"]]["applicant"]["name"] == APPLICANT["name"]
    for damaged in (bad_status, bad_snapshot):
        assert listed[damaged["code"]]["damaged"] is True and listed[damaged["code"]]["vi"]
        with pytest.raises(ApiError) as view:
            clerk.case(damaged["code"])
        assert view.value.status == 409 and view.value.key == "case_unreadable"
        with pytest.raises(ApiError) as lookup:
            server.client().lookup(damaged["code"])
        assert lookup.value.status == 409 and "Bộ phận Một cửa" in lookup.value.vi
    assert server.client().lookup(good["code"])["status"] == "received"
    append_damaged_event(store, good)
    answer = server.client().lookup(good["code"], good["token"])
    assert [h["action"] for h in answer["history"]] == ["intake"]
    assert [e["data"] for e in clerk.events(good["code"])][1:] == [{"unreadable": "{broken"}]
    assert clerk.case(good["code"])["documents"] == [
        {"id": d["id"], "name": d["name"], "count": 1}
        for d in proc["documents"] if d["id"] in all_documents(proc)]
