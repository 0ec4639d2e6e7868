"""The counter's strings table: every entry in Vietnamese and English, same placeholders."""

from __future__ import annotations

import string

import pytest

from counter_app.strings import TEXTS, both, msg, tr

VIETNAMESE = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_string_has_both_languages(key):
    vi, en = TEXTS[key]
    assert vi.strip() and en.strip(), key
    assert placeholders(vi) == placeholders(en), key
    assert en.isascii() or key in ("online", "offline"), f"{key}: English with Vietnamese"
    if vi != en:  # the Vietnamese half is Vietnamese (or at least not the English copied)
        assert VIETNAMESE & set(vi.lower()) or not vi.isascii(), key


def test_values_are_filled_in_both_halves():
    done = msg("synced", "ok", n=3)
    assert (done.vi, done.en, done.level) == (
        "Đã đồng bộ 3 hồ sơ lưu trên máy lên máy chủ", "3 cases synced to the server", "ok")
    assert tr("outbox_waiting", n=2) == "chờ gửi 2"
    assert both("priority_print") == "In số ưu tiên\nPrint priority number"
