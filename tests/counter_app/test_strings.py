"""The counter's strings table: every entry in Vietnamese and English, same placeholders."""

from __future__ import annotations

import string

import pytest

from backend.domain import vocabulary
from counter_app.returns import ReturnDesk
from counter_app.strings import TEXTS, both, fail, msg, tr
from kiosk_app.strings import TEXTS as KIOSK_TEXTS

VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_string_has_both_languages(key):
    vi, en = TEXTS[key]
    assert vi.strip() and en.strip(), key
    assert placeholders(vi) == placeholders(en), key
    assert not VIETNAMESE & set(en.lower()), f"{key}: English with Vietnamese"
    if vi != en:  # the Vietnamese half is Vietnamese (or at least not the English copied)
        assert VIETNAMESE & set(vi.lower()) or not vi.isascii(), key


@pytest.mark.parametrize("table", [TEXTS, KIOSK_TEXTS], ids=["counter", "kiosk"])
def test_no_vietnamese_half_carries_its_english_after_a_slash(table):
    """The English belongs in the pair's English half, which `pair()` adds after " / ": a
    Vietnamese half ending "/ SMS when ready" shows it twice, or alone where only `tr()` is used."""
    english = {key: part for key, (vi, _en) in table.items() for part in vi.split(" / ")[1:]
               if part.isascii() and len(part.split()) >= 2}
    assert not english, english


def test_the_sms_consent_label_is_the_pair():
    assert str(msg("sms_consent")).count(" / ") == 1
    assert tr("sms_consent").endswith("(cần số điện thoại)")


def test_values_are_filled_in_both_halves():
    done = msg("synced", "ok", n=3)
    assert (done.vi, done.en, done.level) == (
        "Đã đồng bộ 3 hồ sơ lưu trên máy lên máy chủ", "3 cases synced to the server", "ok")
    assert tr("outbox_waiting", n=2) == "chờ gửi 2"
    assert both("priority_print") == "In số ưu tiên\nPrint priority number"


def test_a_problem_is_worded_by_the_table_and_keeps_its_machine_key():
    error = fail("profile_no_printer", key="profile", name="quay-1")
    assert (error.vi, error.en, error.key) == (
        "Hồ sơ trạm 'quay-1' không có máy in biên nhận",
        "Station profile 'quay-1' has no receipt printer", "profile")
    assert error.message.level == "error"


def test_the_counter_shows_the_status_label_the_api_sent():
    sent = {"code": "X", "status": "processing", "status_label": "Đang thụ lý (API)",
            "status_label_en": "In progress (API)"}
    view = ReturnDesk._view(sent)
    assert "Đang thụ lý (API)" in view.msg.vi and "In progress (API)" in view.msg.en
    old = ReturnDesk._view({"code": "X", "status": "processing", "status_label": "Đang xử lý"})
    assert vocabulary.STATUSES["processing"][1] in old.msg.en  # a server without _en labels
