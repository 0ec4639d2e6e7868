"""The citizens' lookup page at the hub, in Debian's Chromium: the same page the centre shows."""

from __future__ import annotations

from backend.store import sync
from tests.hub.test_sync import some_cases


def shown(page, url: str) -> str:
    page.goto(url)
    page.wait_for_selector(".result")
    return page.inner_text(".result")


def test_the_hub_lookup_page_shows_what_the_centre_shows(server, hub, connected, page,
                                                         tmp_path):
    made = some_cases(server, 1)[0]
    sync.Agent(server.app.state.store, log=lambda _: None).run(once=True)
    qr = f"/L/{made['code']}/{made['token']}"
    at_hub = shown(page, hub.url + qr)
    page.screenshot(path=str(tmp_path / "hub-lookup.png"), full_page=True)
    assert at_hub == shown(page, server.url + qr)
    assert "Nguyễn V** H***" in at_hub and "0912345678" not in page.content()
    typed = shown(page, f"{hub.url}/tra-cuu?ma={made['code']}")
    assert typed == shown(page, f"{server.url}/tra-cuu?ma={made['code']}")
    assert "Nguyễn" not in typed
    bad = "/tra-cuu?ma=000.00.06.H56-261399-0001"
    assert page.goto(hub.url + bad).status == 422
    alert = page.inner_text(".error")
    assert "không phải ngày có thật" in alert and "not a real date" in alert
    page.goto(server.url + bad)
    assert page.inner_text(".error") == alert
