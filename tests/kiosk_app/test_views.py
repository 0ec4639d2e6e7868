"""View models and strings: what a screen may show, decided without a screen."""

import re

import pytest

from backend.domain import vocabulary
from kiosk_app.strings import TEXTS, msg, tr
from kiosk_app.views import collect, fee, processing_time, status_view, when

ANSWER = {
    "code": "000.00.06.H56-261102-0003", "status": "processing", "status_label": "Đang xử lý",
    "procedure": "Cấp giấy phép xây dựng", "received_at": "2026-11-02T09:32:00+07:00",
    "due_at": "2026-11-16T17:00:00+07:00", "new_due_at": None, "late": False,
    "current_unit": "Phòng Kinh tế", "handler": "Trần Thị Lan", "return_channel": "post",
    "returned_at": None, "verified": False,
}


def _rows(view, lang="vi"):
    return {label.text(lang): value.text(lang) for label, value in view.rows}


def test_a_typed_code_shows_the_coarse_status_only():
    view = status_view({**ANSWER, "applicant": "Nguyễn V** A**", "history": [{"x": 1}]})
    rows = _rows(view)
    assert view.applicant is None and view.timeline == ()  # even if a server sent them
    assert "Người nộp" not in rows
    assert rows["Ngày nhận"] == "09:32 02/11/2026" and rows["Hẹn trả"] == "17:00 16/11/2026"
    assert rows["Cán bộ xử lý"] == "Trần Thị Lan" and rows["Đơn vị đang xử lý"] == "Phòng Kinh tế"
    assert rows["Nhận kết quả"] == "Nhận qua dịch vụ bưu chính, dự kiến từ 17:00 16/11/2026"
    assert view.label.vi == "Đang xử lý" and view.label.en == "Being processed"
    assert view.colour == "#1565C0" and not view.late


def test_a_verified_scan_adds_the_masked_name_and_the_history():
    history = [{"at": "2026-11-02T09:32:00+07:00", "action": "intake", "status": "received",
                "status_label": "Được tiếp nhận", "unit": "Bộ phận Một cửa"},
               {"at": "2026-11-03T08:00:00+07:00", "action": "made_up", "status": "processing",
                "status_label": "Đang xử lý", "unit": None}]
    view = status_view({**ANSWER, "verified": True, "applicant": "Nguyễn V** A**",
                        "history": history})
    assert _rows(view, "en")["Applicant"] == "Nguyễn V** A**"
    assert [(e.at, e.what.en, e.unit) for e in view.timeline] == [
        ("09:32 02/11/2026", "Case received", "Bộ phận Một cửa"),
        ("08:00 03/11/2026", "Being processed", "")]  # unknown actions fall back to the status


def test_late_case_with_a_new_date_after_an_apology():
    view = status_view({**ANSWER, "late": True, "new_due_at": "2026-11-20T17:00:00+07:00"})
    rows = _rows(view, "en")
    assert view.late and rows["New date (after an apology)"] == "17:00 20/11/2026"
    assert rows["Collect the result"] == ("By post; the case is overdue, please ask at the "
                                          "one-stop desk for the date")
    on_time = status_view({**ANSWER, "new_due_at": "2026-11-20T17:00:00+07:00"})
    assert _rows(on_time, "en")["Collect the result"] == "By post, expected from 17:00 20/11/2026"


@pytest.mark.parametrize(("status", "vi"), [
    ("resolved", "Đã có kết quả. Nhận qua dịch vụ bưu chính"),
    ("returned", "Đã trả kết quả lúc 10:00 20/11/2026"),
    ("refused", "Hồ sơ không có kết quả để nhận"),
    ("supplement", "Nhận qua dịch vụ bưu chính, dự kiến từ 17:00 16/11/2026"),
])
def test_where_and_when_to_collect(status, vi):
    answer = {**ANSWER, "status": status, "returned_at": "2026-11-20T10:00:00+07:00"}
    assert collect(answer).vi == vi
    assert status_view(answer).colour.startswith("#")


def test_fees_times_and_dates_in_both_languages():
    assert fee({"amount": 0, "name": "Lệ phí", "when": "none"}).en == "Free of charge"
    paid = fee({"amount": 50000, "name": "Lệ phí", "when": "at_intake"})
    assert paid.vi == "Lệ phí: 50.000 đồng, nộp khi nộp hồ sơ"
    assert paid.en == "Lệ phí: 50,000 VND, paid when you apply"
    assert processing_time({"amount": 4, "unit": "working_hours"}).vi == "4 giờ làm việc"
    assert processing_time({"amount": 0.5, "unit": "working_days"}).en == "0.5 working days"
    assert when(None) == "—"
    assert when("2026-12-02T07:30:00+00:00") == "14:30 02/12/2026"  # the shared formatter


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    for key, (vi, en) in TEXTS.items():
        assert vi.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", vi)) == set(re.findall(r"{(\w+)}", en)), key
    assert tr("queue_waiting", "en", n=3) == "Waiting: 3"
    assert msg("ticket_ahead", n=2).vi == "Trước ông/bà còn 2 người"


def test_the_kiosk_shows_the_labels_the_api_sent():
    """A server's words win over the kiosk's fallback, in both languages (here they differ on
    purpose; the real API sends backend.domain.vocabulary's labels)."""
    sent = {**ANSWER, "status_label": "Đang thụ lý", "status_label_en": "In progress (API)",
            "return_label": "Gửi bưu điện", "return_label_en": "Posted (API)", "verified": True,
            "history": [{"at": "2026-11-02T09:32:00+07:00", "action": "intake",
                         "status": "received", "action_label": "Nhận hồ sơ (API)",
                         "action_label_en": "Taken in (API)", "unit": None}]}
    view = status_view(sent)
    assert (view.label.vi, view.label.en) == ("Đang thụ lý", "In progress (API)")
    assert _rows(view, "en")["Collect the result"].startswith("Posted (API), expected from")
    assert [(e.what.vi, e.what.en) for e in view.timeline] == [
        ("Nhận hồ sơ (API)", "Taken in (API)")]


def test_an_answer_without_english_labels_reads_from_the_shared_vocabulary():
    view = status_view({**ANSWER, "status": "returned", "status_label": "Đã trả kết quả"})
    assert (view.label.vi, view.label.en) == vocabulary.STATUSES["returned"]
