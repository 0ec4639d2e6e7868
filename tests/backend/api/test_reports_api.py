"""The report and form routes on a live server: every format, roles, and bad input."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path

import pypdfium2
import pytest
import requests
from openpyxl import load_workbook

from backend.domain import reports as definitions
from backend.domain.calendar import VN_TZ
from backend.store import reports
from tests.backend.api.helpers import account, append_damaged_event, intake, pick_procedure, walk

SHOTS = Path(os.environ.get("MOTCUA_FORM_SHOTS", "")) if os.environ.get(
    "MOTCUA_FORM_SHOTS") else None


def get(server, who: str | None, path: str, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {server.client(who).token}"} if who else {}
    return server.client().session.get(server.address + path, params=params, headers=headers,
                                       timeout=30)


def pdf_text(body: bytes, name: str) -> str:
    document = pypdfium2.PdfDocument(body)
    page = document[0]
    if SHOTS:  # for a person to look at: MOTCUA_FORM_SHOTS=folder
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.render(scale=1.4).to_pil().save(SHOTS / f"{name}.png")
    text = page.get_textpage().get_text_range()
    document.close()
    return text


@pytest.fixture
def played(server, clock):
    """Cases moved through the API: one resolved, one waiting for papers, one refused online,
    one apologised for."""
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    done = intake(clerk, proc)
    walk(server, done["code"], proc)
    waiting = intake(clerk, proc)
    kt = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
    walk(server, waiting["code"], proc, to_step=kt)
    server.client("officer.kt").action(waiting["code"], "request_supplement",
                                       note="Thiếu bản vẽ hiện trạng nhà ở")
    online = intake(clerk, proc, received=False)
    clerk.action(online["code"], "refuse", note="Giấy tờ không hợp lệ")
    late = intake(clerk, proc)
    clock.advance(days=40)
    responsible = next(s["unit"] for s in proc["workflow"] if "leader" in s["roles"])
    leader = server.client(account(server, "leader", responsible))
    leader.action(late["code"], "apologize", note="Cần xác minh thực địa",
                  new_due_at=datetime(2027, 1, 20, 17, 0, tzinfo=VN_TZ))
    return {"done": done, "waiting": waiting, "online": online, "late": late, "proc": proc,
            "leader": leader}


def test_period_csv_has_the_stable_columns_and_the_store_figures(server, played):
    answer = get(server, "leader", "/api/v1/reports/period", **{
        "from": "2026-11-01", "to": "2026-11-30", "by": "unit", "format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["group", *definitions.COLUMNS]
    assert rows[-1][0] == "TOTAL"
    store = server.app.state.store
    figures = reports.period_report(store, definitions.period("2026-11-01", "2026-11-30"), "unit")
    assert rows[1:] == [[g, *(str(v[c]) for c in definitions.COLUMNS)] for g, v in figures]
    total = dict(zip(rows[0], rows[-1], strict=True))
    assert total["received"] == "3" and total["refused"] == "1"
    assert total["in_progress_in_time"] == "1"  # waiting for papers: not overdue


def test_period_in_xlsx_pdf_and_html(server, played):
    base = {"from": "2026-11-01", "to": "2026-12-31", "by": "field"}
    xlsx = get(server, "admin", "/api/v1/reports/period", **base, format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B5"].value == "Lĩnh vực" and "B5:B6" in sheet.merged_cells
    assert sheet["C6"].value == "Kỳ trước chuyển qua" and sheet["C5"].value.startswith("Số hồ sơ")
    assert sheet.cell(sheet.max_row, 2).value == "Tổng cộng"
    pdf = get(server, "leader", "/api/v1/reports/period", **base, format="pdf")
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content, "report")
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "Tổng cộng" in text
    html = get(server, "leader", "/api/v1/reports/period", **base, format="html")
    assert "Đã giải quyết trước hạn" in html.text and "size: A4 landscape" in html.text


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-13-01", "to": "2026-12-31"}, "from"),
    ({"from": "2026-12-31", "to": "2026-12-01"}, "to"),
    ({"from": "2026-12-01", "to": "2026-12-31", "by": "province"}, "by"),
    ({"from": "2026-12-01", "to": "2026-12-31", "format": "docx"}, "format"),
])
def test_bad_report_requests_say_why_in_both_languages(server, params, field):
    answer = get(server, "leader", "/api/v1/reports/period", **params)
    body = answer.json()
    assert answer.status_code in (400, 422) and body["field"] == field
    assert body["vi"] and body["en"] and body["vi"] != body["en"]


def test_only_leaders_and_admins_get_reports(server):
    params = {"from": "2026-11-01", "to": "2026-11-30"}
    assert get(server, "clerk", "/api/v1/reports/period", **params).status_code == 403
    assert get(server, None, "/api/v1/reports/period", **params).status_code == 401


def test_case_forms_carry_the_case_data(server, played):
    checks = {
        ("mau02", "waiting", "clerk"): ["PHIẾU YÊU CẦU BỔ SUNG", "Thiếu bản vẽ hiện trạng"],
        ("mau03", "online", "clerk"): ["PHIẾU TỪ CHỐI TIẾP NHẬN", "Giấy tờ không hợp lệ"],
        ("mau04", "late", "clerk"): ["PHIẾU XIN LỖI", "20/01/2027", "Cần xác minh thực địa"],
        ("mau05", "done", "clerk"): ["PHIẾU KIỂM SOÁT", "Phòng Kinh tế", "Trước hạn"],
    }
    for (kind, which, who), needles in checks.items():
        code = played[which]["code"]
        html = get(server, who, f"/api/v1/forms/{kind}/{code}", format="html")
        assert html.status_code == 200, html.text
        pdf = get(server, who, f"/api/v1/forms/{kind}/{code}", format="pdf")
        text = " ".join(pdf_text(pdf.content, kind).split())
        for needle in [*needles, code, "Nguyễn Văn Hùng"]:
            assert needle in html.text, (kind, needle)
            assert needle in text, (kind, needle)


def test_a_damaged_event_data_column_does_not_sink_a_case_form(server, played):
    """The forms read each event's data as the case history does (store.cases.event_data)."""
    append_damaged_event(server.app.state.store, played["done"], action="transfer")
    code = played["done"]["code"]
    answer = get(server, "clerk", f"/api/v1/forms/mau05/{code}", format="html")
    assert answer.status_code == 200 and "PHIẾU KIỂM SOÁT" in answer.text


def test_case_forms_refuse_what_does_not_exist_or_is_not_theirs(server, played):
    done = played["done"]["code"]
    answer = get(server, "clerk", f"/api/v1/forms/mau04/{done}")
    assert answer.status_code == 409 and "xin lỗi" in answer.json()["vi"]
    assert get(server, "clerk", f"/api/v1/forms/mau09/{done}").json()["field"] == "kind"
    assert get(server, "clerk", "/api/v1/forms/mau05/not-a-code").status_code in (400, 422)
    outsider = account(server, "officer", "VHXH")
    assert get(server, outsider, f"/api/v1/forms/mau05/{done}").status_code == 403


def test_register_lists_the_units_cases(server, played):
    params = {"from": "2026-11-01", "to": "2026-11-30", "unit": "KT"}
    html = get(server, "officer.kt", "/api/v1/forms/mau06", **params)
    assert html.status_code == 200 and "SỔ THEO DÕI HỒ SƠ" in html.text
    for which in ("done", "waiting", "late"):
        assert played[which]["code"] in html.text
    # KT acted on these three; the online registration refused at the desk never reached KT,
    # so its applicant stays masked there.
    assert html.text.count("Nguyễn Văn Hùng") == 3 and html.text.count("Nguyễn V** H***") == 1
    store = server.app.state.store
    logged = store.all("select code from personal_data_access where purpose = 'mau06'")
    assert {r["code"] for r in logged} == {played[w]["code"] for w in ("done", "waiting", "late")}
    pdf = get(server, "leader", "/api/v1/forms/mau06", **params, format="pdf")
    assert "SỔ THEO DÕI HỒ SƠ" in pdf_text(pdf.content, "mau06")
    assert get(server, "officer.vh", "/api/v1/forms/mau06", **params).status_code == 403
    wrong = get(server, "leader", "/api/v1/forms/mau06", **{**params, "unit": "XX"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "unit"
