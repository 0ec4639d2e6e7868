"""The province report's page at the hub, in Debian's Chromium on a 1024 px screen: a leader
signs in with a reader's token, picks a period or a month and a grouping, reads the table (the
same figures as the API) and downloads the XLSX and CSV the API gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend.domain import reports
from backend.hub.receiver import add_reader
from backend.hub.report import period_report
from tests.hub.test_period_report import AGENCIES, cells, over_http, two_sites  # noqa: F401

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs" / "hub"


def table(page) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in page.eval_on_selector_all(
        "table.template tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))")]


def expected(hub, first: str, last: str, by: str) -> list[list[str]]:
    """The rows as the page should show them: number, name, figures in the form's order."""
    rows, names = period_report(hub.app.state.hub, reports.period(first, last), by)
    return [["" if g == reports.TOTAL else str(i),
             "Tổng cộng Total" if g == reports.TOTAL else names.get(g, g),
             *(str(v[c]) for c in reports.LAYOUT)] for i, (g, v) in enumerate(rows, 1)]


def sign_in(page, hub, token: str) -> None:
    page.goto(hub.url + "/bao-cao")
    assert page.url.endswith("/bao-cao/dang-nhap")
    page.fill("#token", token)
    page.click("button.primary")


def test_a_leader_reads_and_downloads_the_province_report(two_sites, hub, screen,  # noqa: F811
                                                          tmp_path):
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    page = screen(1024, 768)
    sign_in(page, hub, "not-a-token")
    alert = page.inner_text(".error")
    assert "Mã truy cập báo cáo không đúng" in alert and "Unknown report token" in alert
    sign_in(page, hub, token)
    assert page.inner_text("table.template thead").startswith("STT")
    page.fill("input[name=from]", "2026-01-01")
    page.fill("input[name=to]", "2026-12-31")
    page.select_option("select[name=by]", "unit")
    page.click("#choice button.primary")
    page.wait_for_url("**by=unit")
    assert table(page) == expected(hub, "2026-01-01", "2026-12-31", "unit")
    # Every column in sight: neither the page nor the table's card scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert page.eval_on_selector("#table", "card => card.scrollWidth <= card.clientWidth")
    # Into docs/hub only when asked (MOTCUA_UPDATE_SCREENSHOTS=1), as the back office's.
    keep = os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1"
    page.screenshot(path=str((DOCS if keep else tmp_path) / "report.png"), full_page=True)

    with page.expect_download() as got:
        page.click("text=XLSX")
    api = over_http(hub, token, "2026-01-01", "2026-12-31", "unit", "xlsx").content
    assert cells(Path(got.value.path()).read_bytes()) == cells(api)

    page.click("text=10/2026")  # a month: from its first day to its last
    page.wait_for_url("**from=2026-10-01&to=2026-10-31&by=unit")
    assert table(page) == expected(hub, "2026-10-01", "2026-10-31", "unit")
    page.select_option("select[name=by]", "site")
    page.click("#choice button.primary")
    assert [row[1] for row in table(page)] == ["Trung tâm 0", "Trung tâm 1", "Tổng cộng Total"]
    with page.expect_download() as got:
        page.click("text=CSV")
    csv = Path(got.value.path()).read_text()
    assert csv == over_http(hub, token, "2026-10-01", "2026-10-31", "site", "csv").text
    assert [line.split(",")[0] for line in csv.splitlines()[1:]] == [*AGENCIES, reports.TOTAL]


def test_a_wrong_period_is_told_and_signing_out_closes_the_page(hub, screen):
    token = add_reader(hub.app.state.hub, "so-noi-vu")
    page = screen(1024, 768)
    sign_in(page, hub, token)
    answer = page.goto(hub.url + "/bao-cao?from=2026-12-31&to=2026-01-01&by=site")
    assert answer.status == 422
    alert = page.inner_text(".error")
    assert "Ngày kết thúc" in alert and "end date" in alert
    assert page.locator("table.template").count() == 0 and page.locator("text=XLSX").count() == 0
    page.click("text=Đăng xuất")
    page.wait_for_url("**/bao-cao/dang-nhap?bye=1")
    page.goto(hub.url + "/bao-cao/tai?from=2026-01-01&to=2026-01-31&format=csv")
    assert page.url.endswith("/bao-cao/dang-nhap")
