import pytest

from drivers.displays.text import fit, to_ascii, wrap

VIETNAMESE_LOWER = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ"
                    "pqrstuùúủũụưừứửữựvxyỳýỷỹỵ")


def test_every_vietnamese_letter_folds_to_its_base_letter():
    folded = to_ascii(VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper())
    assert folded.isascii()
    assert "?" not in folded
    assert set(folded.lower()) == set("abcdeghiklmnopqrstuvxy")


@pytest.mark.parametrize(("text", "expected"), [
    ("Đến quầy số 3", "Den quay so 3"),
    ("Xin mời số thứ tự A012", "Xin moi so thu tu A012"),
    ("“Hồ sơ” – đã nhận…", '"Ho so" - da nhan...'),
    ("Giấy tờ → quầy 2", "Giay to -> quay 2"),
    ("漢字 ok", "?? ok"),
])
def test_to_ascii(text, expected):
    assert to_ascii(text) == expected


def test_fit_pads_cuts_and_aligns():
    assert fit("abc", 5) == "abc  "
    assert fit("abcdefg", 5) == "abcde"
    assert fit("ab", 6, "center") == "  ab  "
    assert fit("ab", 4, "right") == "  ab"


def test_wrap_respects_width_rows_and_newlines():
    assert wrap("Xin moi so A012 den quay so 3", 12, 3) == ["Xin moi so", "A012 den", "quay so 3"]
    assert wrap("one\ntwo\nthree", 10, 2) == ["one", "two"]
    assert wrap("ABCDEFGHIJKLMNOPQRSTUVWXY", 10, 5) == ["ABCDEFGHIJ", "KLMNOPQRST", "UVWXY"]
    assert wrap("", 10, 2) == [""]
