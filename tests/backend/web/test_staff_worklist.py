"""The officer's list in Chromium: urgency colours in working time, paused cases apart,
filters, search without accents, bad input explained, and the leader's apology with the new
date and lateness kept."""

from datetime import datetime, timedelta

from tests.backend.api.helpers import APPLICANT, all_documents
from tests.backend.web.test_staff_auth import sign_in
from tests.backend.web.test_staff_workflow import PROCEDURE, act, offered, receive


def row_class(page, code):
    return page.locator("tr", has=page.locator(f"a:text('{code}')")).get_attribute("class")


def test_colours_follow_working_time_left(server, page, clock):
    code = receive(server)
    sign_in(page, server, "officer.kt")
    assert row_class(page, code) == "u-ok"
    due = server.client("clerk").case(code)["due_at"]
    clock.now = datetime.fromisoformat(due) - timedelta(hours=3)
    sign_in(page, server, "officer.kt")  # weeks later: yesterday's session has ended
    assert row_class(page, code) == "u-soon"
    assert "Còn 3 giờ" in page.locator("tr.u-soon").inner_text()
    clock.now = datetime.fromisoformat(due) + timedelta(days=1)
    sign_in(page, server, "officer.kt")
    assert row_class(page, code) == "u-overdue"
    assert "Quá hạn" in page.locator("tr.u-overdue").inner_text()


def test_most_urgent_first_and_search_without_accents(server, page):
    first = receive(server, name="Trần Thị Ánh")
    second = receive(server, name="Lê Văn Đức")
    sign_in(page, server, "officer.kt")
    codes = page.eval_on_selector_all("section.active-cases td a", "as => as.map(a => a.text)")
    assert codes.index(first) < codes.index(second)
    page.fill("input[name=q]", "le van duc")
    page.click("form.filters button")
    page.wait_for_load_state()
    codes = page.eval_on_selector_all("section.active-cases td a", "as => as.map(a => a.text)")
    assert codes == [second]
    page.fill("input[name=q]", second[-4:])
    page.click("form.filters button")
    page.wait_for_load_state()
    codes = page.eval_on_selector_all("section.active-cases td a", "as => as.map(a => a.text)")
    assert codes == [second]


def test_filters_by_status_and_date_and_explains_bad_dates(server, page):
    code = receive(server)
    sign_in(page, server, "officer.kt")
    page.goto(f"{server.url}/staff/cases?status=5")
    assert code not in page.inner_text("section.active-cases")
    page.goto(f"{server.url}/staff/cases?from=2026-11-23&to=2026-11-23")
    assert code in page.inner_text("section.active-cases")
    page.goto(f"{server.url}/staff/cases?from=2026-11-24")
    assert code not in page.inner_text("section.active-cases")
    response = page.goto(f"{server.url}/staff/cases?from=23/11/2026")
    assert response.status == 422
    alert = page.inner_text(".error")
    assert "không hợp lệ" in alert and "not a valid date" in alert


def test_other_units_see_the_case_masked(server, page):
    code = receive(server)
    sign_in(page, server, "officer.vh", next_path=f"/staff/cases/{code}")
    applicant = page.inner_text(".applicant")
    assert "079203001234" not in applicant and "Nguyễn V** H***" in applicant
    assert page.eval_on_selector_all("form.action", "fs => fs.length") == 0
    page.goto(f"{server.url}/staff/cases")
    assert code not in page.inner_text("main")  # not at this unit's step
    sign_in(page, server, "officer.kt", next_path=f"/staff/cases/{code}")
    page.goto(f"{server.url}/staff/cases")
    logged = server.app.state.store.all(
        "select actor, purpose from personal_data_access where code = ?", [code])
    assert ("officer.kt", "view") in {(r["actor"], r["purpose"]) for r in logged}
    assert ("officer.kt", "worklist") in {(r["actor"], r["purpose"]) for r in logged}
    assert "officer.vh" not in {r["actor"] for r in logged}


def test_leader_apologises_for_a_late_case_with_mau04(server, page, clock):
    code = receive(server)
    sign_in(page, server, "officer.kt", next_path=f"/staff/cases/{code}")
    act(page, "transfer")
    due = datetime.fromisoformat(server.client("clerk").case(code)["due_at"])
    clock.now = due + timedelta(days=2)
    sign_in(page, server, "leader.kt")
    assert code in page.inner_text("section.apology")
    page.click(f"section.apology a:text('{code}')")
    new_date = (clock.now + timedelta(days=7)).date().isoformat()
    page.fill("form[data-action=apologize] input[name=new_due_at]", new_date)
    act(page, "apologize", note="Xin lỗi vì chậm thẩm định")
    assert page.get_attribute(".notice a", "href") == f"/api/v1/forms/mau04/{code}?format=html"
    assert "vẫn tính là trễ hạn" in page.inner_text("dl.facts")
    assert "apologize" not in offered(page)
    page.goto(f"{server.url}/staff/cases")
    assert page.locator("section.apology").count() == 0


def _printable(page) -> list[str]:
    return page.eval_on_selector_all("p.prints a", "as => as.map(a => a.dataset.form)")


def test_each_form_is_offered_only_once_its_event_happened(server, page, clock):
    """Mẫu 02 after a supplement request, Mẫu 04 after the apology, Mẫu 03 only for a refused
    file; the control sheet always. Every link offered opens its form."""
    code = receive(server)
    sign_in(page, server, "officer.kt", next_path=f"/staff/cases/{code}")
    assert _printable(page) == ["mau05"]
    assert "Trực tiếp tại Bộ phận Một cửa" in page.inner_text("dd.channel")
    act(page, "request_supplement", note="Bổ sung bản vẽ")
    assert _printable(page) == ["mau02", "mau05"]
    server.client("clerk").action(code, "supplied")
    due = datetime.fromisoformat(server.client("clerk").case(code)["due_at"])
    clock.now = due + timedelta(days=2)
    sign_in(page, server, "leader.kt", next_path=f"/staff/cases/{code}")
    assert _printable(page) == ["mau02", "mau05"]
    page.fill("form[data-action=apologize] input[name=new_due_at]",
              (clock.now + timedelta(days=7)).date().isoformat())
    act(page, "apologize", note="Xin lỗi vì chậm thẩm định")
    assert _printable(page) == ["mau02", "mau04", "mau05"]
    for href in page.eval_on_selector_all("p.prints a", "as => as.map(a => a.href)"):
        opened = page.context.new_page()
        assert opened.goto(href).status == 200, href
        opened.close()
    clerk = server.client("clerk")
    proc = next(p for p in clerk.procedures() if p["code"] == PROCEDURE)
    refused = clerk.intake(PROCEDURE, APPLICANT, all_documents(proc), received=False)["code"]
    clerk.action(refused, "refuse", note="Không thuộc thẩm quyền")
    sign_in(page, server, "clerk", next_path=f"/staff/cases/{refused}")
    assert _printable(page) == ["mau03", "mau05"]
    assert "Trực tuyến" in page.inner_text("dd.channel")  # registered online, then refused


def test_an_action_posted_by_hand_is_still_checked_by_the_workflow(server, page):
    code = receive(server)
    sign_in(page, server, "officer.vh", next_path=f"/staff/cases/{code}")
    csrf = page.get_attribute("header input[name=csrf]", "value")
    status, text = page.evaluate(
        """async ([url, csrf]) => {
             const body = new URLSearchParams({csrf, to_step: "2"});
             const r = await fetch(url, {method: "POST", body});
             return [r.status, await r.text()];
           }""", [f"/staff/cases/{code}/transfer", csrf])
    assert status == 403
    assert "không được chuyển xử lý" in text and "may not transfer" in text
    assert server.client("clerk").case(code)["step"] == 1


def test_a_mistyped_case_code_is_explained(server, page):
    sign_in(page, server, "officer.kt")
    response = page.goto(f"{server.url}/staff/cases/000.00.06.H56-261399-0001")
    assert response.status == 422
    alert = page.inner_text(".error")
    assert "không phải ngày có thật" in alert and "not a real date" in alert
