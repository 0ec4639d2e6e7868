"""Store.found: the row a lookup asks for, or the caller's own bilingual error."""

from __future__ import annotations

import pytest

from backend.domain.errors import NotFound
from backend.store import accounts, cases, queue, sync


def test_found_gives_the_row(store):
    row = store.found("select * from users where username = ?", ["admin"], NotFound("-", "-"))
    assert row["username"] == "admin" and row["role"] == "admin"


@pytest.mark.parametrize(("look_up", "vi", "en"), [
    (lambda s: accounts.user_row(s, "nobody"), "Không có tài khoản 'nobody'", "No user 'nobody'"),
    (lambda s: accounts.device_named(s, "quay-99"), "Không có thiết bị 'quay-99'",
     "No device 'quay-99'"),
    (lambda s: accounts.get_device(s, 999), "Không tìm thấy thiết bị", "No such device"),
    (lambda s: queue._ticket(s, 999), "Không có vé số 999", "No ticket 999"),
    (lambda s: cases.get(s, "X-1"), "Không tìm thấy hồ sơ 'X-1'", "No case with code 'X-1'"),
])
def test_a_missing_row_raises_the_callers_message(store, look_up, vi, en):
    with pytest.raises(NotFound) as missing:
        look_up(store)
    assert (missing.value.vi, missing.value.en, missing.value.status) == (vi, en, 404)


def test_no_hub_names_the_command_that_sets_one(store):
    with pytest.raises(NotFound) as missing:
        sync.hub_of(store)
    assert missing.value.key == "no_hub" and "motcua sync connect URL" in missing.value.en
