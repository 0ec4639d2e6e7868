
import pytest

from tests.backend.api.helpers import intake, pick_procedure


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


def test_receipt_qr_url_shows_masked_name_and_history_never_private_data(server, page, web_shots):
    case = _case(server)
    page.goto(f"{server.url}/L/{case['code']}/{case['token']}")
    page.wait_for_selector(".history")
    assert page.inner_text(".applicant") == "Nguyễn V** H***"
    html = page.content()
    for private in ("0912345678", "079203001234", "Lê Lợi"):
        assert private not in html
    page.screenshot(path=str(web_shots / "lookup.png"), full_page=True)
    assert (web_shots / "lookup.png").stat().st_size > 10_000


def test_malformed_code_is_explained_in_both_languages(server, page):
    response = page.goto(f"{server.url}/tra-cuu?ma=000.00.06.H56-261399-0001")
    assert response.status == 422
    alert = page.inner_text(".error")
    assert "không phải ngày có thật" in alert and "not a real date" in alert


def test_hall_display_follows_calls_and_says_when_offline(server, page):
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
    server.stop()
    page.wait_for_selector("#offline:not([hidden])", timeout=10000)


def _overflow(page) -> int:
    """How far the page is wider than the screen (0: no sideways scrolling). A phone zooms
    out to fit a page that is too wide, so the width compared is the screen's, not
    innerWidth (which grows with the zoom)."""
    return page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]


def _calls(server, tickets: int, calls: int) -> None:
    kiosk_token = server.client("admin").register_device("k1", "kiosk")["token"]
    from backend.client import Client

    kiosk = Client(server.url, token=kiosk_token)
    for _ in range(tickets):
        kiosk.ticket_printed(kiosk.reserve_ticket("A")["id"])
    clerk = server.client("clerk")
    for n in range(calls):
        clerk.call(1 + n % 2)


def test_hall_clock_shows_the_site_time_not_the_browser_zone(server, screen, clock):
    page = screen(1920, 1080, timezone_id="UTC")  # 02:30 in UTC when the site says 09:30
    page.goto(f"{server.url}/hall?interval=200")
    page.wait_for_function("document.getElementById('clock').textContent !== ''")
    assert page.inner_text("#clock") == clock.now.strftime("%H:%M") == "09:30"


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_hall_fits_common_screens(server, screen, web_shots, tmp_path, width, height):
    _calls(server, tickets=10, calls=8)  # a full board: seven recent calls below the newest
    page = screen(width, height)
    page.goto(f"{server.url}/hall?interval=200")
    page.wait_for_function("document.getElementById('latest-ticket').textContent === 'A-008'")
    assert page.locator("#recent tr").count() == 7
    assert _overflow(page) <= 0
    box = page.locator("#latest-ticket").bounding_box()
    assert box["y"] + box["height"] <= height and box["height"] >= height / 10
    bottom = page.evaluate("Math.max(...[...document.querySelectorAll('#recent td, #waiting li')]"
                           ".map(e => e.getBoundingClientRect().bottom))")
    assert bottom <= height  # the whole board is seen without scrolling
    page.screenshot(path=str((web_shots if width == 1920 else tmp_path) / "hall.png"))


def _no_sideways_scroll(page, what: str) -> None:
    assert _overflow(page) <= 0, f"{what}: {_overflow(page)} px wider than the screen"
    small = page.evaluate("Math.min(...[...document.querySelectorAll('main *')]"
                          ".filter(e => e.innerText && e.innerText.trim())"
                          ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert small >= 12, f"{what}: text as small as {small} px"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (360, 740)])
def test_lookup_fits_a_phone(server, screen, web_shots, width, height):
    case = _case(server)
    page = screen(width, height, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(f"{server.url}/tra-cuu")
    _no_sideways_scroll(page, "empty form")
    page.fill("#ma", case["code"])
    page.click("button[type=submit]")
    page.wait_for_selector(".result")
    assert page.evaluate("window.innerWidth") == width  # the phone did not zoom out
    _no_sideways_scroll(page, "typed code")
    page.goto(f"{server.url}/tra-cuu?ma=000.00.06.H56-261399-0001")
    _no_sideways_scroll(page, "error")
    page.goto(f"{server.url}/L/{case['code']}/{case['token']}")
    page.wait_for_selector(".history")
    _no_sideways_scroll(page, "receipt QR page")
    if width == 390:
        page.screenshot(path=str(web_shots / "lookup-phone.png"), full_page=True)
