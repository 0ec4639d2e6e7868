from backend.domain.privacy import (
    mask_address,
    mask_digits,
    mask_name,
    masked_applicant,
    may_see_personal_data,
)


def test_name_keeps_family_name_and_initials():
    assert mask_name("NGUYỄN VĂN HÙNG") == "NGUYỄN V** H***"
    assert mask_name("Trần Thị Ánh Tuyết") == "Trần T** Á** T****"
    assert mask_name("  Lê   An ") == "Lê A*"
    assert mask_name("") == ""


def test_digits_keep_only_head_and_tail():
    assert mask_digits("0912 345 678") == "09******78"
    assert mask_digits("079203001234", keep_head=0, keep_tail=3) == "*********234"
    assert mask_digits("123") == "***"


def test_addresses_keep_only_the_ward():
    assert mask_address("12 Lê Lợi, phường Tân Ninh") == "***, phường Tân Ninh"
    assert mask_address("Thôn 3") == "***" and mask_address("") == ""


def test_a_masked_applicant_hides_every_field():
    masked = masked_applicant({"name": "Trần Thị Mai", "id_number": "079203001234",
                               "phone": "0912345678", "address": "5 Hùng Vương, xã An Hòa"})
    assert masked == {"name": "Trần T** M**", "id_number": "07********34",
                      "phone": "09******78", "address": "***, xã An Hòa"}
    assert masked_applicant({"name": "An"}) == {"name": "An", "id_number": "", "phone": "",
                                                "address": ""}


def test_full_data_only_for_a_handling_unit():
    assert may_see_personal_data("KT", {"MOTCUA", "KT"})
    assert not may_see_personal_data("VHXH", {"MOTCUA", "KT"})
    assert not may_see_personal_data(None, {"MOTCUA"})
