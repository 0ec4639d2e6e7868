"""The province report at the hub: cases per status by site, unit, field and procedure."""

from __future__ import annotations

import requests

from backend.domain.workflow import Status
from backend.hub.receiver import add_reader
from backend.store import sync
from tests.hub.test_sync import some_cases


def get_report(hub, by: str, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{hub.url}/api/v1/hub/report", params={"by": by}, headers=headers,
                        timeout=10)


def site_counts(store, column: str) -> dict:
    counts: dict = {}
    for row in store.all(f"select {column} as key, status, count(*) as n from cases "
                         "group by 1, 2"):
        counts.setdefault(row["key"], {})[Status(row["status"]).key] = row["n"]
    return counts


def test_the_report_counts_what_the_site_holds(server, hub, connected):
    some_cases(server, 4)
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    by_site = get_report(hub, "site", token).json()
    assert by_site["total"] == 4
    assert [g["statuses"] for g in by_site["groups"]] == list(site_counts(store, "agency")
                                                              .values())
    by_procedure = get_report(hub, "procedure", token).json()
    assert {g["key"]: g["statuses"] for g in by_procedure["groups"]} == site_counts(
        store, "procedure_code")
    by_unit = get_report(hub, "unit", token).json()
    assert sum(g["total"] for g in by_unit["groups"]) == 4
    by_field = get_report(hub, "field", token).json()
    assert by_field["groups"][0]["label"] and by_field["total"] == 4


def test_the_report_needs_a_reader_token_and_a_known_grouping(hub):
    assert get_report(hub, "site", None).status_code == 401
    assert get_report(hub, "site", "nope").json()["error"] == "bad_reader_token"
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    wrong = get_report(hub, "district", token)
    assert wrong.status_code == 422 and wrong.json()["vi"].startswith("Dữ liệu không hợp lệ")
