"""The province's national-template report: for two sites synced to a real hub, each row is
the sum of the sites' own `motcua report` rows for the same period, whatever the grouping.
The sites play a generated year of cases (supplements across the period's end, apologies,
withdrawals, refusals, ratings) on seeds this test was not tuned on."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections import defaultdict

import pytest
import requests
from openpyxl import load_workbook

from backend.domain import reports
from backend.hub.receiver import add_reader
from backend.hub.report import period_report
from backend.store import reports as site_reports
from backend.store import site as site_settings
from backend.store import sync
from backend.store.db import Store
from tests.backend.test_report_figures import play_year
from tests.hub.conftest import add_site

AGENCIES = ("000.00.06.H56", "000.00.08.H56")
GROUPINGS = ("site", "unit", "field", "procedure")
PERIODS = (("2026-01-01", "2026-12-31"), ("2026-07-01", "2026-09-30"),
           ("2026-12-01", "2026-12-31"), ("2025-11-01", "2027-06-30"))


@pytest.fixture
def two_sites(template_db, tmp_path, hub):
    stores = []
    for number, agency in enumerate(AGENCIES):
        path = tmp_path / f"site{number}.sqlite"
        shutil.copy(template_db, path)
        store = Store(path)
        with store.tx() as db:
            db.execute("delete from agencies")
        site_settings.init_settings(store, agency_code=agency, agency_name=f"Trung tâm {number}")
        play_year(store, seed=7 + number * 31, n=70)
        sync.connect(store, hub.url, add_site(hub.app.state.hub, agency, f"Trung tâm {number}"))
        sync.Agent(store, log=lambda _: None).run(once=True)
        stores.append(store)
    yield stores
    for store in stores:
        store.close()


def summed(per_site: dict[str, list]) -> dict[str, dict[str, dict[str, int]]]:
    """The sites' own rows, added up as the province groups them."""
    by: dict[str, dict[str, dict[str, int]]] = {}
    for grouping in GROUPINGS:
        table: dict[str, dict[str, int]] = defaultdict(reports.empty_row)
        for agency, rows in per_site[grouping].items():
            for group, values in rows:
                if grouping == "site" and group != reports.TOTAL:
                    continue
                key = {"site": agency, "unit": f"{agency} {group}"}.get(grouping, group)
                if group == reports.TOTAL:
                    key = agency if grouping == "site" else reports.TOTAL
                for column in reports.COLUMNS:
                    table[key][column] += values[column]
        by[grouping] = dict(table)
    return by


def sites_summed(stores: list, period: reports.Period) -> dict[str, dict[str, dict[str, int]]]:
    """Each site's own `motcua report` for the period, added up as the province groups."""
    return summed({g: {a: site_reports.period_report(s, period, "unit" if g == "site" else g)
                       for a, s in zip(AGENCIES, stores, strict=True)} for g in GROUPINGS})


def test_the_province_report_is_the_sum_of_the_sites_reports(two_sites, hub):
    central = hub.app.state.hub
    for first, last in PERIODS:
        period = reports.period(first, last)
        wanted = sites_summed(two_sites, period)
        for grouping in GROUPINGS:
            rows, names = period_report(central, period, grouping)
            got, want = dict(rows), dict(wanted[grouping])
            total = got.pop(reports.TOTAL)
            assert got == {k: v for k, v in want.items() if k != reports.TOTAL}, (
                first, last, grouping)
            if grouping != "site":
                assert total == want[reports.TOTAL]
            assert set(names) >= (set(got) if grouping in ("site", "unit") else set())
        assert total == {c: sum(r[c] for r in wanted["site"].values()) for c in reports.COLUMNS}
    assert any(total.values()) and total["received"] > 0 and total["resolved_late"] > 0


def test_motcua_hub_report_writes_the_template(two_sites, hub, tmp_path):
    dsn = hub.app.state.hub.dsn
    done = subprocess.run([sys.executable, "-m", "backend.cli", "hub", "report", "--database",
                           dsn, "--from", "2026-01-01", "--to", "2026-12-31", "--by", "site"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "group," + ",".join(reports.COLUMNS)
    assert [line.split(",")[0] for line in lines[1:]] == [*AGENCIES, reports.TOTAL]
    out = tmp_path / "tinh.xlsx"
    done = subprocess.run([sys.executable, "-m", "backend.cli", "hub", "report", "--database",
                           dsn, "--from", "2026-01-01", "--to", "2026-12-31", "--by", "unit",
                           "--format", "xlsx", "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and out.read_bytes()[:2] == b"PK", done.stderr
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    assert over_http(hub, token, "2026-01-01", "2026-12-31", "site", "csv").text == \
        "\n".join(lines) + "\n"
    xlsx = over_http(hub, token, "2026-01-01", "2026-12-31", "unit", "xlsx")
    assert xlsx.headers["content-disposition"].endswith('-unit.xlsx"')
    assert cells(xlsx.content) == cells(out.read_bytes())
    done = subprocess.run([sys.executable, "-m", "backend.cli", "hub", "report", "--database",
                           dsn, "--from", "2026-07-01", "--to", "2026-09-30", "--by", "field",
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == over_http(hub, token, "2026-07-01", "2026-09-30", "field",
                                                "json").json()
    bad = subprocess.run([sys.executable, "-m", "backend.cli", "hub", "report", "--database",
                          dsn, "--from", "2026-12-31", "--to", "2026-01-01"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Ngày kết thúc" in bad.stderr and "end date" in bad.stderr


def cells(xlsx: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))


def over_http(hub, token: str, first: str, last: str, by: str, fmt: str) -> requests.Response:
    answer = requests.get(f"{hub.url}/api/v1/hub/report", timeout=120, params={
        "from": first, "to": last, "by": by, "format": fmt},
        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer


def test_the_hub_route_answers_the_sum_of_the_sites_reports(two_sites, hub):
    """What a reader gets over HTTP, in JSON: every group's row is the sites' rows added up,
    and TOTAL adds up every centre."""
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    for first, last in PERIODS[1:3]:
        wanted = sites_summed(two_sites, reports.period(first, last))
        for grouping in GROUPINGS:
            body = over_http(hub, token, first, last, grouping, "json").json()
            assert (body["from"], body["to"], body["by"]) == (first, last, grouping)
            assert body["columns"] == list(reports.COLUMNS)
            got = {r["group"]: {c: r[c] for c in reports.COLUMNS} for r in body["rows"]}
            want = {k: v for k, v in wanted[grouping].items() if k != reports.TOTAL}
            assert got.pop(reports.TOTAL) == {c: sum(r[c] for r in want.values())
                                              for c in reports.COLUMNS}, (first, grouping)
            assert got == want, (first, last, grouping)
            assert [r["group"] for r in body["rows"]][-1] == reports.TOTAL
        assert any(r["received"] for r in body["rows"])


def forget_channels_and_ratings(central, stores: list) -> None:
    """As if the sites had synced with an agent whose views lacked the channel and the
    rating, then been upgraded (the migration leaves their views' version at 0)."""
    with central.tx() as conn:
        conn.execute("update cases set view = view - 'channel' - 'rating' - 'rated_at'")
    for store in stores:
        with store.tx() as db:
            db.execute("update sync_hubs set views_version = 0")


def test_views_from_an_older_agent_are_sent_again_once(two_sites, hub, tmp_path):
    central, period = hub.app.state.hub, reports.period(*PERIODS[0])
    forget_channels_and_ratings(central, two_sites)
    total = dict(period_report(central, period, "site")[0])[reports.TOTAL]
    assert total["received_by_post"] == 0 and total["rated_satisfied"] == 0
    assert total["received_in_person"] == total["received"] - total["received_online"]
    done = subprocess.run([sys.executable, "-m", "backend.cli", "--db", two_sites[0].path,
                           "sync", "check"], capture_output=True, text=True, timeout=120)
    cases = two_sites[0].one("select count(*) as n from cases")["n"]
    assert done.returncode == 0 and f"resent {cases} hồ sơ" in done.stdout, done.stderr
    assert "site and hub agree" in done.stdout
    assert sync.check(two_sites[0], log=lambda _: None)["views"] == 0  # once only
    assert sync.Agent(two_sites[1], log=lambda _: None).run(once=True) == 0  # no events
    wanted = sites_summed(two_sites, period)
    rows = dict(period_report(central, period, "site")[0])
    assert {k: v for k, v in rows.items() if k != reports.TOTAL} == wanted["site"]
    assert rows[reports.TOTAL]["received_by_post"] > 0
    assert rows[reports.TOTAL]["rated_satisfied"] + rows[reports.TOTAL]["rated_unsatisfied"] > 0
