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


def _overflow(page) -> int:
    """How far the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _calls(server, n: int = 3):
    kiosk_token = server.client("admin").register_device("k1", "kiosk")["token"]
    from backend.client import Client

    kiosk = Client(server.url, token=kiosk_token)
    for _ in range(n):
        kiosk.ticket_printed(kiosk.reserve_ticket("A")["id"])
    clerk = server.client("clerk")
    clerk.call(1)
    clerk.call(2)


def test_hall_clock_shows_the_site_time_not_the_browser_zone(server, screen, clock):
    page = screen(1920, 1080, timezone_id="UTC")  # 02:30 in UTC when the site says 09:30
    page.goto(f"{server.url}/hall?interval=200")
    page.wait_for_function("document.getElementById('clock').textContent !== ''")
    assert page.inner_text("#clock") == clock.now.strftime("%H:%M") == "09:30"


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_hall_fits_common_screens(server, screen, width, height):
    _calls(server)
    page = screen(width, height)
    page.goto(f"{server.url}/hall?interval=200")
    page.wait_for_function("document.getElementById('latest-ticket').textContent === 'A-002'")
    assert _overflow(page) <= 0
    box = page.locator("#latest-ticket").bounding_box()
    assert box["y"] + box["height"] <= height and box["height"] >= height / 10
    for text in ("A-001", "Hộ tịch"):
        assert page.get_by_text(text).first.is_visible()
