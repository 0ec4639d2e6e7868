"""A case walked through its whole workflow by hand in Chromium: the clerk receives it at the
counter API, officers forward it, the leader approves, an officer resolves, the clerk returns
it. Screenshots of each page at 1366x768 and at a tablet's 820x1180 go to docs/back-office
when MOTCUA_UPDATE_SCREENSHOTS=1."""

from datetime import datetime

from backend.domain.calendar import VN_TZ
from backend.store import accounts
from tests.backend.api.helpers import APPLICANT, all_documents
from tests.backend.conftest import PASSWORD
from tests.backend.web.admin_helpers import NAMES
from tests.backend.web.test_staff_auth import sign_in

DESKTOP, TABLET = (1366, 768), (820, 1180)
# 1.013225: desk → KT officer → KT officer or leader → LD leader → VP officer → desk.
PROCEDURE = "1.013225"


def add_staff(server, username, role, unit):
    accounts.add_user(server.app.state.store, username, PASSWORD, role, unit=unit,
                      must_change=False, full_name=NAMES.get(username, username.title()),
                      now=datetime(2026, 11, 2, tzinfo=VN_TZ))


def receive(server, name=APPLICANT["name"]):
    """Received at the counter API and sent on from the desk, as the counter app does."""
    clerk = server.client("clerk")
    proc = next(p for p in clerk.procedures() if p["code"] == PROCEDURE)
    case = clerk.intake(PROCEDURE, APPLICANT | {"name": name}, all_documents(proc))
    clerk.action(case["code"], "transfer")
    return case["code"]


def both_sizes(browser, server, username, path, shots, name):
    """The page as the account sees it on an office PC and on a tablet."""
    for (width, height), suffix in ((DESKTOP, ""), (TABLET, "-tablet")):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="vi-VN")
        page = context.new_page()
        sign_in(page, server, username, next_path=path)
        page.screenshot(path=str(shots / f"{name}{suffix}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        context.close()
        assert overflow <= 0, f"{name}{suffix} is {overflow}px wider than the screen"


def act(page, action, note=None, to_step=None):
    form = page.locator(f"form[data-action={action}]")
    if to_step is not None:
        form.locator("select[name=to_step]").select_option(str(to_step))
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice[role=status], .error")


def offered(page):
    return page.eval_on_selector_all("form.action", "fs => fs.map(f => f.dataset.action)")


def sign_out(page):
    page.click("header button[type=submit]")
    page.wait_for_url("**/staff/login?bye=1")


def test_a_case_walks_its_whole_workflow_by_hand(server, browser, shots):
    add_staff(server, "officer.vp", "officer", "VP")
    code = receive(server)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server.url}/staff/cases")
    assert "/staff/login" in page.url
    page.screenshot(path=str(shots / "0-sign-in.png"))

    sign_in(page, server, "officer.kt")
    assert page.url.endswith("/staff/cases")
    row = page.locator("tr", has=page.locator(f"a:text('{code}')"))
    assert "Nguyễn Văn Hùng" in row.inner_text()
    both_sizes(browser, server, "officer.kt", "/staff/cases", shots, "1-officer-list")
    page.click(f"a:text('{code}')")
    assert "079203001234" in page.inner_text(".applicant")  # KT handles it: in full
    assert offered(page) == ["transfer", "request_supplement", "request_payment", "stop"]
    both_sizes(browser, server, "officer.kt", f"/staff/cases/{code}", shots, "2-officer-case")
    act(page, "transfer", note="Hồ sơ đủ điều kiện")
    assert "Đã chuyển xử lý" in page.inner_text(".notice")
    act(page, "transfer", note="Đề nghị lãnh đạo phê duyệt")
    assert offered(page) == []
    sign_out(page)

    sign_in(page, server, "leader", next_path=f"/staff/cases/{code}")
    assert "transfer" in offered(page) and "resolve" not in offered(page)
    both_sizes(browser, server, "leader", f"/staff/cases/{code}", shots, "3-leader-approve")
    act(page, "transfer", note="Đồng ý, chuyển văn phòng ban hành")
    sign_out(page)

    sign_in(page, server, "officer.vp", next_path=f"/staff/cases/{code}")
    assert "resolve" in offered(page)
    act(page, "resolve", note="Đã ban hành kết quả")
    assert "Đã hoàn thành xử lý" in page.inner_text(".notice")
    both_sizes(browser, server, "officer.vp", f"/staff/cases/{code}", shots, "4-resolved")

    returned = server.client("clerk").action(code, "return", channel="counter")
    assert returned["status"] == "returned"
    page.goto(f"{server.url}/staff/cases/{code}")
    history = page.inner_text("table.history")
    for seen in ("Tiếp nhận hồ sơ", "Case received", "Chuyển xử lý", "Passed on for processing",
                 "Đã xử lý xong", "Resolved", "Đã trả kết quả", "Result returned",
                 "Đồng ý, chuyển văn phòng ban hành", "leader · LD",
                 "→ Lãnh đạo UBND phường",  # where it went, by the unit's name
                 NAMES["clerk"], NAMES["officer.kt"]):  # who did it, by name as elsewhere
        assert seen in history
    # what happened, as the citizen's lookup says it, not the action's code or its verb
    assert not {"receive", "transfer", "resolve", "return"} & set(history.split())
    context.close()


def test_send_back_needs_a_reason_and_says_so_in_both_languages(server, page):
    code = receive(server)
    sign_in(page, server, "officer.kt", next_path=f"/staff/cases/{code}")
    act(page, "transfer")
    page.goto(f"{server.url}/staff/cases/{code}")
    form = page.locator("form[data-action=transfer]")
    form.locator("select[name=to_step]").select_option("1")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".error")
    text = page.inner_text(".error")
    assert "Cần ghi rõ lý do" in text and "A reason is required" in text
    act(page, "transfer", note="Thiếu bản vẽ, đề nghị kiểm tra lại", to_step=1)
    assert "Đã chuyển xử lý" in page.inner_text(".notice")


def test_supplement_request_offers_the_mau02_printout(server, page):
    code = receive(server)
    sign_in(page, server, "officer.kt", next_path=f"/staff/cases/{code}")
    act(page, "request_supplement", note="Bổ sung giấy phép xây dựng")
    link = page.get_attribute(".notice a", "href")
    assert link == f"/api/v1/forms/mau02/{code}?format=html"
    page.goto(f"{server.url}/staff/cases")
    assert code in page.inner_text("section.paused")
    assert page.locator("section.active-cases").inner_text().find(code) == -1
