"""Intake at the counter: search, form, confirm -> case + Mẫu 01; Mẫu 02; Mẫu 03."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend.domain.calendar import VN_TZ
from counter_app.intake import IncompleteFile
from counter_app.texts import CounterError

from .conftest import APPLICANT, fill


def receipt_text(station) -> str:
    return station.devices.printer.virtual.receipts[-1].text


def test_search_ignores_diacritics_and_finds_by_code(station):
    names = [p["name"] for p in station.intake.search("giay phep xay dung")]
    assert names and all("Giấy phép" in n or "giấy phép" in n for n in names)
    assert [p["code"] for p in station.intake.search("1.001612")] == ["1.001612"]


def test_due_date_shown_before_confirming(station, clock):
    form = fill(station)  # 3 working days, Monday 23/11/2026 09:30; 24/11 is a holiday
    assert station.intake.due_preview(form) == datetime(2026, 11, 27, 17, 0, tzinfo=VN_TZ)


def test_confirm_creates_the_case_and_prints_every_field_of_form_01(station, server):
    form = fill(station)
    form.return_channel = "counter"
    outcome = station.intake.confirm(form)
    case = server.client("clerk").case(outcome.code)
    assert case["status"] == "received" and outcome.kind == "receipt" and not outcome.offline
    assert outcome.job.confirmed and outcome.job.bytes > 0
    text = receipt_text(station)
    expected = [
        "UBND PHƯỜNG TÂN NINH", case["agency"]["name"].upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Tân Ninh, ngày 23 tháng 11 năm 2026", "GIẤY TIẾP NHẬN HỒ SƠ", "(Mẫu số 01)",
        f"Mã hồ sơ: {case['code']}",
        "Người nộp: Nguyễn V** H***", "Địa chỉ: ***, phường Tân Ninh", "Điện thoại: 09******78",
        f"Thủ tục: {case['procedure']['name']}", "Mã thủ tục: 1.001612", "Thành phần hồ sơ:",
        f"1. {case['documents'][0]['name']}: 2 bản", "Số bộ hồ sơ: 1",
        "Thời hạn giải quyết: 3 ngày làm việc", "Nhận hồ sơ lúc: 09:30 23/11/2026",
        "Hẹn trả kết quả: 17:00 27/11/2026", "Nơi nhận kết quả: Quầy trả kết quả",
        "Phí, lệ phí:", "Kết quả có thể được trả trước ngày hẹn",
        "- SMS: Soạn TTHC <mã hồ sơ> gửi 8188", "- Ki-ốt", "Người tiếp nhận: Clerk",
    ]
    flat = " ".join(text.split())
    for line in expected:
        assert " ".join(line.split()) in flat, line
    assert "127.0.0.1" not in flat  # no public address: no web address a phone cannot open
    assert "Nguyễn Văn Hùng" not in text and "0912345678" not in text  # masked on the slip
    assert "?" not in text  # nothing the code page could not print
    symbols = dict(station.devices.printer.virtual.receipts[-1].symbols)
    assert symbols["code128"] == case["compact"] and symbols["qr"] == case["qr"]


def test_a_file_handed_in_or_posted_is_recorded_as_such(station, server):
    """In person unless the clerk says it came by post; a refusal keeps how it came too."""
    clerk = server.client("clerk")
    assert clerk.case(station.intake.confirm(fill(station)).code)["channel"] == "in_person"
    form = fill(station)
    form.channel = "post"
    assert clerk.case(station.intake.confirm(form).code)["channel"] == "post"
    form = fill(station)
    form.channel = "post"
    refused = station.intake.refuse(form, "Không thuộc thẩm quyền")
    assert clerk.case(refused.code)["channel"] == "post"
    form.channel = "fax"
    assert [p.key for p in station.intake.problems(form)] == ["invalid_intake_channel"]


def test_second_copy_for_the_file(config, devices, clock):
    from counter_app.core import CounterStation

    from .conftest import PASSWORD

    with CounterStation(config.with_(copies=2), devices=devices, clock=clock) as station:
        station.login("clerk", PASSWORD)
        outcome = station.intake.confirm(fill(station))
        receipts = devices.printer.virtual.receipts
        assert outcome.job.done_copies == 2 and len(receipts) == 2
        assert "Liên 1: giao người nộp" in receipts[0].text
        assert "Liên 2: lưu hồ sơ" in receipts[1].text


def test_an_incomplete_file_is_not_printed_without_asking(station, server):
    """Confirm names the missing papers and prints nothing; the form stays as typed."""
    form = fill(station, complete=False)
    ticked = dict(form.documents)
    with pytest.raises(IncompleteFile) as asked:
        station.intake.confirm(form)
    assert asked.value.missing == station.intake.missing(form) != []
    assert asked.value.vi.startswith("Hồ sơ chưa đủ giấy tờ bắt buộc: ")
    assert asked.value.en.startswith("Required papers are missing: ")
    assert station.devices.printer.virtual.receipts == [] and not station.printing.recent()
    assert form.documents == ticked and form.applicant["name"] == APPLICANT["name"]
    assert server.client("clerk").cases() == []


def test_incomplete_file_prints_form_02_and_opens_no_case(station, server):
    before = len(server.client("clerk").cases())
    form = fill(station, complete=False)
    outcome = station.intake.supplement(form, station.intake.missing(form))
    assert outcome.kind == "supplement" and outcome.code is None and outcome.job.confirmed
    assert len(server.client("clerk").cases()) == before
    text = receipt_text(station)
    assert "PHIẾU YÊU CẦU BỔ SUNG," in text and "(Mẫu số 02)" in text
    assert all(name[:20] in " ".join(text.split()) for name in station.intake.missing(form))
    assert outcome.msg.vi.startswith("Hồ sơ chưa đủ")


def test_the_server_has_the_last_word_on_completeness(station, server):
    """A stale local catalogue: the backend's incomplete_file answer still asks the clerk."""
    form = fill(station, complete=False)
    missing = station.intake.missing(form)
    station.intake.missing = lambda form: []  # pretend the station thinks it is complete
    with pytest.raises(IncompleteFile) as asked:
        station.intake.confirm(form)
    assert asked.value.missing and asked.value.missing[0][:20] == missing[0][:20]
    assert not station.printing.recent()


def test_refusal_prints_form_03_and_is_recorded(station, server):
    form = fill(station)
    with pytest.raises(CounterError) as no_reason:
        station.intake.refuse(form, "  ")
    assert no_reason.value.key == "reason_required"
    outcome = station.intake.refuse(form, "Nhà nằm trong khu quy hoạch công viên")
    assert outcome.kind == "refusal" and outcome.code
    assert server.client("clerk").case(outcome.code)["status"] == "refused"
    text = receipt_text(station)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in text and "(Mẫu số 03)" in text
    assert "Nhà nằm trong khu quy hoạch công viên" in text


@pytest.mark.parametrize("field, value, key", [
    ("name", "A", "invalid_name"), ("id_number", "12345", "invalid_id"),
    ("phone", "12ab", "invalid_phone")])
def test_bad_applicant_data_is_explained_before_sending(station, field, value, key):
    form = fill(station)
    form.applicant[field] = value
    problems = station.intake.problems(form)
    assert [p.key for p in problems] == [key] and problems[0].field == field
    with pytest.raises(CounterError) as err:
        station.intake.confirm(form)
    assert err.value.vi and err.value.en


def test_reprint_of_any_receipt(station, server):
    code = station.intake.confirm(fill(station)).code
    again = station.reprint_case(code)
    assert again.confirmed and len(station.devices.printer.virtual.receipts) == 2
    other = server.client("clerk").intake("1.001612", {"name": "Lê Thị Mai"}, {},
                                          received=False)  # made at another desk
    assert station.reprint_case(other["code"]).confirmed


def test_sms_consent_reaches_the_case_and_needs_a_phone(station, server):
    form = fill(station)
    assert form.notify_sms is False  # never ticked for the citizen
    form.notify_sms = True
    code = station.intake.confirm(form).code
    assert server.client("clerk").case(code)["notify_sms"] is True
    form = fill(station)
    form.applicant["phone"], form.notify_sms = "", True
    with pytest.raises(CounterError) as refused:
        station.intake.confirm(form)
    assert refused.value.field == "phone" and "cần số điện thoại" in refused.value.vi
