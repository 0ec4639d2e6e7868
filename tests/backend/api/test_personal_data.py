"""Decree 13/2023 on the staff side: full ID number, phone and address only for staff of the
units handling (or having handled) a case, masked for everyone else; each full view logged."""

import pytest

from tests.backend.api.helpers import APPLICANT, intake, pick_procedure, walk

MASKED = {"name": "Nguyễn V** H***", "id_number": "07********34", "phone": "09******78",
          "address": "***, phường Tân Ninh"}


def log(store) -> list[tuple]:
    return [tuple(r.values()) for r in store.all(
        "select actor, role, unit, code, purpose, at from personal_data_access order by id")]


@pytest.fixture
def kt_case(server):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    assert "VHXH" not in {s["unit"] for s in proc["workflow"]}
    assert "LD" not in {s["unit"] for s in proc["workflow"]}
    case = intake(clerk, proc)
    return proc, case["code"]


def test_staff_of_other_units_see_only_masked_data(server, store, kt_case):
    proc, code = kt_case
    walk(server, code, proc, to_step=1)
    before = log(store)
    for outsider in ("officer.vh", "leader"):
        client = server.client(outsider)
        listed = next(c for c in client.cases() if c["code"] == code)
        viewed = client.case(code)
        for view in (listed, viewed):
            assert view["applicant"] == MASKED and view["personal_data"] == "masked"
    assert log(store) == before  # nothing full was shown, nothing to log


def test_the_handling_units_see_it_in_full_and_each_view_is_logged(server, store, kt_case,
                                                                     clock):
    proc, code = kt_case
    walk(server, code, proc, to_step=1)
    officer = server.client("officer.kt")
    assert officer.case(code)["applicant"] == APPLICANT
    walk(server, code, proc)  # on to the KT leader and resolved: KT handled it
    listed = next(c for c in officer.cases() if c["code"] == code)
    assert listed["applicant"] == APPLICANT and listed["personal_data"] == "full"
    at = clock.now.isoformat()
    mine = [row for row in log(store) if row[0] == "officer.kt"]
    assert mine == [("officer.kt", "officer", "KT", code, purpose, at)
                    for purpose in ("view", "transfer", "list")]  # the action's answer too


def test_the_receiving_desk_sees_its_cases_and_the_intake_is_logged(server, store, kt_case):
    _, code = kt_case
    clerk = server.client("clerk")
    assert clerk.case(code)["applicant"] == APPLICANT
    assert [row[3:5] for row in log(store)] == [(code, "intake"), (code, "view")]


def test_a_list_masks_per_case(server, store):
    clerk = server.client("clerk")
    kt = pick_procedure(clerk, unit="KT")
    vh = pick_procedure(clerk, unit="VHXH")
    at_kt, at_vh = intake(clerk, kt)["code"], intake(clerk, vh)["code"]
    walk(server, at_kt, kt, to_step=1)
    walk(server, at_vh, vh, to_step=1)
    shown = {c["code"]: c["personal_data"] for c in server.client("officer.vh").cases()}
    assert shown == {at_kt: "masked", at_vh: "full"}
    assert [row[3] for row in log(store) if row[0] == "officer.vh"] == [at_vh]
