"""The hub's figures for a reader: cases per status now by site, unit, field and procedure
(`/api/v1/hub/statuses`), and who may read the national template (`/api/v1/hub/report`, whose
figures tests/hub/test_period_report.py checks against the sites' own)."""

from __future__ import annotations

import requests

from backend.domain import reports
from backend.domain.workflow import Status
from backend.hub.receiver import add_reader
from backend.store import sync
from tests.hub.test_sync import some_cases


def get(hub, path: str, token: str | None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{hub.url}/api/v1/hub/{path}", params=params, headers=headers,
                        timeout=30)


def get_report(hub, by: str, token: str | None) -> requests.Response:
    return get(hub, "statuses", token, by=by)


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


def test_the_statuses_need_a_reader_token_and_a_known_grouping(hub):
    assert get_report(hub, "site", None).status_code == 401
    assert get_report(hub, "site", "nope").json()["error"] == "bad_reader_token"
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    wrong = get_report(hub, "district", token)
    assert wrong.status_code == 422 and wrong.json()["vi"].startswith("Dữ liệu không hợp lệ")


MONTH = {"from": "2026-11-01", "to": "2026-11-30"}


def test_the_template_is_refused_without_a_readers_token(hub, connected):
    """No token, a site's own token (it may push, not read), an unknown one: 401, both
    languages."""
    for token in (None, connected, "nope"):
        answer = get(hub, "report", token, **MONTH)
        body = answer.json()
        assert answer.status_code == 401 and body["vi"] and body["en"], token
    assert get(hub, "report", connected, **MONTH).json()["error"] == "bad_reader_token"


def test_the_template_refuses_bad_periods_groupings_and_formats(hub):
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    refused = {
        "to": {"from": "2026-11-30", "to": "2026-11-01"},
        "from": {"from": "2026-02-30", "to": "2026-03-31"},
        "by": {**MONTH, "by": "district"},
        "format": {**MONTH, "format": "docx"},
    }
    for field, params in refused.items():
        answer = get(hub, "report", token, **params)
        body = answer.json()
        assert answer.status_code == 422 and body["field"] == field, (field, body)
        assert body["vi"] != body["en"] and body["message"] == f"{body['vi']} / {body['en']}"
    missing = get(hub, "report", token, to="2026-11-30")
    assert missing.status_code == 422 and missing.json()["vi"].startswith("Dữ liệu không hợp lệ")


def test_the_template_of_an_empty_province_is_a_total_of_zeros(hub):
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    answer = get(hub, "report", token, **MONTH)
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["rows"] == [{"group": "TOTAL", "name": "Tổng cộng",
                                      **dict.fromkeys(reports.COLUMNS, 0)}]
    assert answer.headers["content-disposition"].startswith("inline")
    pdf = get(hub, "report", token, **MONTH, format="pdf")
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    html = get(hub, "report", token, **MONTH, format="html").text
    assert "CẤP TỈNH" in html and "Tổng cộng" in html and "từ ngày 01/11/2026" in html
