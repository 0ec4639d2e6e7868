"""fold() matches text typed without diacritics; clean() is text as stored."""

import unicodedata

import pytest

from backend.domain.text import clean, fold

# Every Vietnamese vowel, each with no tone and the five tones in the order
# ngang, huyền, sắc, hỏi, ngã, nặng, written precomposed (NFC) as keyboards produce them.
VOWELS = {
    "a": "aàáảãạ",
    "ă": "ăằắẳẵặ",
    "â": "âầấẩẫậ",
    "e": "eèéẻẽẹ",
    "ê": "êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ",
    "ô": "ôồốổỗộ",
    "ơ": "ơờớởỡợ",
    "u": "uùúủũụ",
    "ư": "ưừứửữự",
    "y": "yỳýỷỹỵ",
}
BASE = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u"}
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


def test_the_vowel_table_is_complete_and_precomposed():
    letters = "".join(VOWELS.values())
    assert len(letters) == 72
    assert len(set(letters)) == 72
    assert unicodedata.normalize("NFC", letters) == letters


@pytest.mark.parametrize("vowel", VOWELS)
def test_every_tone_of_every_vowel_folds_to_its_base_letter(vowel):
    base = BASE.get(vowel, vowel)
    for letter in VOWELS[vowel]:
        assert fold(letter) == base, letter
        assert fold(letter.upper()) == base, letter.upper()


@pytest.mark.parametrize("vowel", VOWELS)
def test_decomposed_input_folds_the_same(vowel):
    # Some phones and PDFs send base letter + combining marks (NFD) instead.
    for mark in TONE_MARKS:
        composed = unicodedata.normalize("NFC", vowel + mark)
        decomposed = unicodedata.normalize("NFD", composed)
        assert decomposed != composed
        assert fold(decomposed) == fold(composed) == BASE.get(vowel, vowel)


def test_d_with_stroke_folds_to_d():
    assert fold("đ") == "d"
    assert fold("Đ") == "d"
    assert fold("ĐĂNG KÝ ĐẤT ĐAI") == "dang ky dat dai"
    assert fold("Ðăng ký") == "dang ky"  # Icelandic eth typed by mistake for Đ


def test_upper_and_lower_case_fold_alike():
    assert fold("GIẤY PHÉP") == fold("Giấy phép") == fold("giay phep") == "giay phep"
    assert fold("ƯỚC NGUYỆN") == "uoc nguyen"


def test_whitespace_collapses_and_trims():
    assert fold("  GIẤY  \t PHÉP\n xây   dựng ") == "giay phep xay dung"
    assert fold("\u00a0hộ\u00a0tịch\u00a0") == "ho tich"  # no-break spaces from web forms


def test_plain_text_digits_and_punctuation_pass_through():
    assert fold("1.001612") == "1.001612"
    assert fold("Văn hóa - Xã hội") == "van hoa - xa hoi"
    assert fold("") == ""


def test_a_whole_sentence():
    assert fold("Trung tâm Phục vụ hành chính công phường Tân Ninh") == (
        "trung tam phuc vu hanh chinh cong phuong tan ninh")


def test_vietnamese_order_letters_first_then_tones():
    from backend.domain.text import vn_sort_key

    names = ["Lý lịch tư pháp", "Đất đai", "Dân tộc", "Hộ tịch", "Hoạt động xây dựng",
             "Bảo trợ xã hội", "Ưu đãi", "Uy tín", "Ơn", "Ôm", "Ong", "Ân", "Ắc", "An"]
    assert sorted(names, key=vn_sort_key) == [
        "An", "Ắc", "Ân", "Bảo trợ xã hội", "Dân tộc", "Đất đai", "Hoạt động xây dựng",
        "Hộ tịch", "Lý lịch tư pháp", "Ong", "Ôm", "Ơn", "Uy tín", "Ưu đãi"]
    # Tones only break ties, in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
    assert sorted(["má", "mạ", "mà", "ma", "mã", "mả"], key=vn_sort_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ"]
    # Upper and lower case, precomposed and decomposed letters sort together.
    decomposed = unicodedata.normalize("NFD", "đất")
    assert vn_sort_key("ĐẤT")[:2] == vn_sort_key("đất")[:2] == vn_sort_key(decomposed)[:2]
    assert sorted(["Hộ tịch, chứng thực", "Hộ tịch"], key=vn_sort_key)[0] == "Hộ tịch"


def test_clean_composes_letters_and_drops_control_characters():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    assert clean(decomposed) == "Nguyễn Thị Ánh" and len(clean(decomposed)) == 14
    assert clean("Lê\x00 Văn\x1b Tám\x7f\u0085") == "Lê Văn Tám"
    assert clean("a\ud800b") == "ab"  # a lone surrogate cannot be stored anywhere
    assert clean("dòng 1\ndòng\t2\r\n") == "dòng 1\ndòng\t2\n"  # notes keep lines and tabs
    assert clean(clean(decomposed)) == clean(decomposed)
