"""What the clerk does through the Kivy screens, checked on what the app did (not only how it
looks): each scenario runs in its own process (tests/counter_app/ui_driver.py) and reports.
"""

from __future__ import annotations

import json

import pytest

from backend.store import site
from counter_app.strings import pair

from .conftest import issue
from .test_screens import TICKETS, run_driver

pytestmark = pytest.mark.slow

REQUIRED = "Giấy đề nghị đăng ký hộ kinh doanh"  # the one required paper of 1.001612


def run(scenario: str, server, store, tmp_path, kiosk=None) -> dict:
    site.set_setting(store, "secret", "5e" * 32)
    for service, priority in TICKETS.get(scenario, []):
        issue(kiosk, service, priority)
    shot = run_driver(scenario, server.url, tmp_path)
    return json.loads(shot.with_suffix(".json").read_text(encoding="utf-8"))


def test_an_incomplete_file_asks_before_printing_and_keeps_the_form(server, store, tmp_path):
    seen = run("intake_incomplete", server, store, tmp_path)
    assert seen["open"] and seen["dialog"] == [REQUIRED]
    assert seen["jobs"] == [] and seen["screen"] == "intake"  # nothing printed yet
    assert seen["applicant"]["name"] == "Nguyễn Thị Ánh Tuyết"
    assert seen["rows"] == [False, True, False]


def test_going_back_from_the_question_keeps_everything_typed(server, store, tmp_path):
    seen = run("intake_back", server, store, tmp_path)
    assert not seen["open"] and seen["jobs"] == [] and seen["screen"] == "intake"
    assert seen["applicant"] == {"name": "Nguyễn Thị Ánh Tuyết", "id_number": "079203001234",
                                 "phone": "0912345678", "address": "12 Lê Lợi, phường Tân Ninh"}
    assert seen["rows"] == [False, True, False] and len(seen["ticked"]) == 1


def test_choosing_form_02_prints_it_and_still_keeps_the_form(server, store, tmp_path):
    seen = run("intake_supplement", server, store, tmp_path)
    assert seen["jobs"] == ["supplement"]
    assert seen["applicant"]["name"] == "Nguyễn Thị Ánh Tuyết"
    assert seen["rows"] == [False, True, False]
    assert server.client("clerk").cases() == []  # Mẫu 02 opens no case


def test_a_wedge_scan_lands_as_soon_as_the_returns_tab_opens(server, store, tmp_path):
    seen = run("returns_wedge", server, store, tmp_path)
    assert seen["first"] == seen["code"], "the scan typed into nothing"
    assert seen["second"] == seen["code"] and seen["field"] == ""


def test_a_handed_over_result_reads_returned_and_only_then_asks_for_a_rating(server, store,
                                                                            tmp_path):
    seen = run("returns", server, store, tmp_path)
    before, after = seen["before"], seen["after"]
    assert "Trạng thái: Đã xử lý xong" in before["details"] and "hand it over" in before["state"]
    assert before["can_hand_over"] and not before["rating_asked"]
    assert "Trạng thái: Đã trả kết quả" in after["details"]  # not still "ready: hand it over"
    assert "Đã ghi nhận trả kết quả" in after["state"] and "recorded" in after["state"]
    assert not after["can_hand_over"] and after["rating_asked"]


def test_the_clerk_is_told_when_the_cases_taken_offline_have_synced(server, store, tmp_path):
    seen = run("synced", server, store, tmp_path)
    assert seen["waiting"] == "● Ngoại tuyến · chờ gửi 1"
    assert "Đã đồng bộ 1 hồ sơ lưu trên máy lên máy chủ" in seen["said"]
    assert "1 cases synced to the server" in seen["said"]
    assert seen["link"] == "● Trực tuyến"
    assert len(server.client("clerk").cases()) == 1


def test_the_clerk_serves_and_prints_priority_numbers(server, store, kiosk, tmp_path):
    seen = run("queue_priority", server, store, tmp_path, kiosk)
    assert seen["current"]["label"] == "A-003"  # before, who were first
    assert seen["current"]["priority_reason"] == "elderly"
    assert "Đang phục vụ người ưu tiên, số A-003" in seen["said"]
    assert "Đã in số ưu tiên A-004" in seen["printed"] and seen["tickets"] == 1
    assert "Ưu tiên: người cao tuổi" in seen["detail"]
    assert seen["groups"] == ["normal"] * 3  # ready for the next citizen
    waiting = {s["letter"]: s["waiting"] for s in server.client().queue_status()["services"]}
    assert waiting["A"] == 3  # and the printed priority A-004


def test_the_sms_consent_box_is_off_until_ticked_and_reaches_the_case(server, store, tmp_path):
    seen = run("intake_consent", server, store, tmp_path)
    assert seen["before"] is False
    assert seen["label"] == {"text": pair("sms_consent"), "fits": True}  # both languages, whole
    assert seen["ticked"] == {"form": True, "box": "✓"}
    assert server.client("clerk").case(seen["code"])["notify_sms"] is True
    assert seen["after"] == {"form": False, "box": ""}, "the next citizen starts unticked"
