"""The demo's officer and leader logins open their pages with work in them."""

from datetime import datetime

from backend.app import create_app
from backend.demo import DEMO_PASSWORD, build, fresh_store, worker_desks
from backend.domain.calendar import VN_TZ
from tests.backend.conftest import LiveServer, free_port
from tests.backend.web.test_staff_auth import sign_in


def test_every_demo_officer_and_leader_has_work(tmp_path, page):
    store = fresh_store(tmp_path / "motcua.sqlite")
    built = build(store, now=datetime.now(VN_TZ))
    assert len(built["codes"]) == 40
    server = LiveServer(create_app(store.path), free_port()).start()
    try:
        workers = [u for u in built["users"] if u["role"] in ("officer", "leader")]
        assert len(workers) == len(worker_desks(built["users"])) >= 6
        for user in workers:
            sign_in(page, server, user["username"], DEMO_PASSWORD)
            assert page.url.endswith("/staff/cases"), user["username"]
            rows = page.locator("section.active-cases tbody tr, section.paused tbody tr")
            assert rows.count() >= 1, f"{user['username']} has nothing to do"
            page.click("header button[type=submit]")
            page.wait_for_url("**/staff/login?bye=1")
    finally:
        server.stop()
        store.close()
