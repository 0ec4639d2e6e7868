from backend.domain.privacy import mask_digits, mask_name


def test_name_keeps_family_name_and_initials():
    assert mask_name("NGUYỄN VĂN HÙNG") == "NGUYỄN V** H***"
    assert mask_name("Trần Thị Ánh Tuyết") == "Trần T** Á** T****"
    assert mask_name("  Lê   An ") == "Lê A*"
    assert mask_name("") == ""


def test_digits_keep_only_head_and_tail():
    assert mask_digits("0912 345 678") == "09******78"
    assert mask_digits("079203001234", keep_head=0, keep_tail=3) == "*********234"
    assert mask_digits("123") == "***"
