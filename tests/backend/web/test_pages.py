import os
from pathlib import Path

import pytest

from tests.backend.api.helpers import intake, pick_procedure

REPO_DOCS = Path(__file__).resolve().parents[3] / "docs" / "web"


@pytest.fixture
def shots(tmp_path):
    """Screenshots go to docs/web only when asked (MOTCUA_UPDATE_SCREENSHOTS=1)."""
    folder = REPO_DOCS if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _case(server):
    clerk = server.client("clerk")
    return intake(clerk, pick_procedure(clerk))


def test_typed_code_shows_coarse_status_only(server, page):
    case = _case(server)
    page.goto(f"{server.url}/tra-cuu")
    page.fill("#ma", case["code"])
    page.click("button[type=submit]")
    page.wait_for_selector(".result")
    assert "Được tiếp nhận" in page.inner_text(".status")
    assert page.query_selector(".applicant") is None
    assert "Quét mã trên biên nhận" in page.inner_text(".result")


def test_receipt_qr_url_shows_masked_name_and_history_never_private_data(server, page, shots):
    case = _case(server)
    page.goto(f"{server.url}/L/{case['code']}/{case['token']}")
    page.wait_for_selector(".history")
    assert page.inner_text(".applicant") == "Nguyễn V** H***"
    html = page.content()
    for private in ("0912345678", "079203001234", "Lê Lợi"):
        assert private not in html
    page.screenshot(path=str(shots / "lookup.png"), full_page=True)
    assert (shots / "lookup.png").stat().st_size > 10_000


def test_malformed_code_is_explained_in_both_languages(server, page):
    response = page.goto(f"{server.url}/tra-cuu?ma=000.00.06.H56-261399-0001")
    assert response.status == 422
    alert = page.inner_text(".error")
    assert "không phải ngày có thật" in alert and "not a real date" in alert


def test_hall_display_follows_calls_and_says_when_offline(server, page, shots):
    kiosk_token = server.client("admin").register_device("k1", "kiosk")["token"]
    from backend.client import Client

    kiosk = Client(server.url, token=kiosk_token)
    for _ in range(3):
        kiosk.ticket_printed(kiosk.reserve_ticket("A")["id"])
    clerk = server.client("clerk")
    clerk.call(1)
    clerk.call(2)
    page.goto(f"{server.url}/hall?interval=200")
    page.wait_for_function("document.getElementById('latest-ticket').textContent === 'A-002'")
    assert page.inner_text("#latest-counter") == "2"
    assert "A-001" in page.inner_text("#recent")
    assert "Hộ tịch" in page.inner_text("#waiting")
    page.screenshot(path=str(shots / "hall.png"))
    server.stop()
    page.wait_for_selector("#offline:not([hidden])", timeout=10000)
