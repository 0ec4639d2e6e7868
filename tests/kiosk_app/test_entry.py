"""Typing a case code: checked after every key, explained in both languages, never sent
malformed."""

import pytest

from kiosk_app.entry import CodeEntry, check_typed

CODE = "000.00.06.H56-261123-0007"


@pytest.mark.parametrize(("typed", "state", "vi_part", "en_part"), [
    ("", "empty", "Chưa nhập", "No case code"),
    ("000", "incomplete", "mã cơ quan", "agency code"),
    ("000,", "invalid", "Ký tự thứ 4", "Character 4 is ','"),
    ("000.00.06.156", "invalid", "chữ cái in hoa", "capital letter"),
    ("000.00.06.H56-", "incomplete", "ngày nhận", "date received"),
    ("000.00.06.H56-2613", "invalid", "Tháng '13'", "Month '13'"),
    ("000.00.06.H56-261131", "invalid", "không phải ngày có thật", "not a real date"),
    ("000.00.06.H56-261123-", "incomplete", "số thứ tự", "sequence number"),
    ("000.00.06.H56-261123-0000", "invalid", "0000", "0000"),
    (CODE + "1", "invalid", "quá dài", "Too long"),
    (CODE, "ok", "hợp lệ", "looks right"),
    (" 000.00.06.h56 – 261123-0007 ", "ok", "hợp lệ", "looks right"),  # forgiven: case, spaces
    ("0126112", "incomplete", "13 chữ số", "13 more digit"),
    ("012699", "invalid", "Tháng '99'", "Month '99'"),
    ("01261123000748213907", "ok", "hợp lệ", "looks right"),
    ("012611230007482139071", "invalid", "20 chữ số", "only 20 digits"),
])
def test_every_state_is_explained_in_both_languages(typed, state, vi_part, en_part):
    check = check_typed(typed)
    assert check.state == state
    assert vi_part in check.message.vi and en_part in check.message.en
    assert check.ok == (state == "ok")


def test_the_site_agency_is_pretyped_and_dashes_come_by_themselves():
    entry = CodeEntry("000.00.06.H56")
    assert entry.text == "000.00.06.H56-" and entry.rest == "______-____"
    for key in "2611230007":
        entry.press(key)
    assert entry.text == CODE and entry.check.ok and entry.rest == ""
    entry.press("back")
    assert entry.text == CODE[:-1] and entry.check.state == "incomplete"
    entry.press("clear")
    assert entry.text == "" and entry.check.state == "empty"


def test_the_twenty_digits_under_the_barcode_can_be_typed_instead():
    entry = CodeEntry("000.00.06.H56")
    entry.press("clear")
    for key in "0126112300074821390":
        entry.press(key)
    assert entry.rest == "_" and entry.check.state == "incomplete"
    entry.press("7")
    assert entry.check.ok


def test_keyboard_pages_and_a_typing_limit():
    entry = CodeEntry()
    entry.press("letters")
    assert entry.page == "letters"
    for _ in range(100):
        entry.press("9")
    assert len(entry.text) == 32 and entry.check.state == "invalid"
    entry.reset()
    assert entry.text == "" and entry.page == "digits"
