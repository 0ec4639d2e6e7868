"""The dashboard in Chromium against a live server with real cases, tickets, ratings and
devices: figures per unit, on-time rate, satisfaction, queue waits, the weekly check."""

from backend.client import Client
from tests.backend.web.test_staff_auth import sign_in
from tests.backend.web.test_staff_workflow import DESKTOP, TABLET, add_staff, receive


def test_dashboard_shows_the_centre_at_a_glance(server, browser, page, clock, shots):
    admin = server.client("admin")
    kiosk = Client(server.url, token=admin.register_device("kiosk-1", "kiosk")["token"])
    counter = Client(server.url, token=admin.register_device("counter-1", "counter")["token"])
    kiosk.heartbeat("1.0", {})
    counter.heartbeat("1.0", {})
    counter.send_selftest({"ok": True, "checks": [], "station": "x", "version": "1.0"})
    for _ in range(2):
        kiosk.ticket_printed(kiosk.reserve_ticket("A")["id"])
    clock.advance(minutes=12)
    server.client("clerk").call(1)
    on_time, _still_at_kt = receive(server), receive(server)
    walker = server.client("officer.kt")
    for _ in range(2):
        walker.action(on_time, "transfer")
    leader = server.client("leader")
    leader.action(on_time, "transfer")
    server.client("clerk").rate(on_time, "very_satisfied", channel="counter")

    sign_in(page, server, "leader", next_path="/staff/dashboard")
    open_rows = page.inner_text("#open table")
    assert "Phòng Kinh tế, Hạ tầng và Đô thị\t1\t0\t0" in open_rows  # the second, in time
    assert page.locator("#open svg rect").count() >= 2
    assert "1.013225\t2" in page.inner_text("#today")
    # in person, by post, online: both came to the desk
    assert page.locator("#today p.channels b").all_inner_texts() == ["2", "0", "0"]
    assert "A\t2\t1\t12" in page.inner_text("#today table:last-of-type")
    devices = page.inner_text("#devices")
    assert "Chưa kiểm tra tuần này" in devices.split("kiosk-1")[1]
    assert "Chưa kiểm tra tuần này" not in devices.split("kiosk-1")[0]
    assert "Ki-ốt tra cứu" in devices and "Quầy tiếp nhận" in devices  # kinds by name, not code
    for path, size, name in ((DESKTOP, "", "5-dashboard"), (TABLET, "-tablet", "5-dashboard")):
        context = browser.new_context(viewport={"width": path[0], "height": path[1]},
                                      locale="vi-VN")
        other = context.new_page()
        sign_in(other, server, "leader", next_path="/staff/dashboard")
        other.screenshot(path=str(shots / f"{name}{size}.png"), full_page=True)
        assert other.evaluate("document.documentElement.scrollWidth") <= path[0]
        context.close()


def test_period_with_resolved_cases_gives_rates_and_report_links(server, page, clock):
    code = receive(server)
    server.client("officer.kt").action(code, "transfer")
    server.client("officer.kt").action(code, "transfer")
    server.client("leader").action(code, "transfer")
    add_staff(server, "officer.vp", "officer", "VP")
    server.client("officer.vp").action(code, "resolve")
    server.client("clerk").rate(code, "satisfied", channel="counter")
    day = clock.now.date().isoformat()
    sign_in(page, server, "admin", next_path=f"/staff/dashboard?from={day}&to={day}")
    rates = page.inner_text("#period table.rates")
    assert "Văn phòng HĐND và UBND phường\t1\t0\t0\t100%" in rates
    assert "Hài lòng\t1\t 100%" in page.inner_text("#period")
    link = page.get_attribute("#period a.button", "href")
    assert link == f"/api/v1/reports/period?from={day}&to={day}&by=unit&format=xlsx"


def test_bad_period_and_wrong_role_are_explained(server, page):
    sign_in(page, server, "leader", next_path="/staff/dashboard?from=2026-12-31&to=2026-01-01")
    alert = page.inner_text(".error")
    assert "Ngày kết thúc phải sau" in alert and "must not be before" in alert
    sign_in(page, server, "officer.kt", next_path="/staff/dashboard")
    assert "không được dùng trang này" in page.inner_text(".error")
    assert "may not use this page" in page.inner_text(".error")
