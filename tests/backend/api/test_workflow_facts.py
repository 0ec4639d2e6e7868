"""Workflow facts the back office relies on: overdue ignores the citizen's supplement time, and
the public lookup names who answers for the current step."""

from tests.backend.api.helpers import account, intake, pick_procedure
from tests.backend.conftest import PASSWORD


def _at_kt(server, clerk, proc):
    case = intake(clerk, proc)
    kt = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
    clerk.action(case["code"], "transfer", to_step=kt)
    return case


def test_waiting_for_a_supplement_is_not_overdue(server, clock):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    waiting, running = _at_kt(server, clerk, proc), _at_kt(server, clerk, proc)
    server.client("officer.kt").action(waiting["code"], "request_supplement", note="Thiếu bản vẽ")
    clock.advance(days=60)  # far past the legal deadline of both
    clerk.login("clerk", PASSWORD)
    assert [c["code"] for c in clerk.cases(overdue=True)] == [running["code"]]
    assert server.client().lookup(waiting["code"])["late"] is False
    clerk.action(waiting["code"], "supplied")  # the deadline moves by the 60 days waited
    assert [c["code"] for c in clerk.cases(overdue=True)] == [running["code"]]


def test_a_case_already_late_when_paused_stays_overdue(server, clock):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    late = _at_kt(server, clerk, proc)
    clock.advance(days=60)
    officer = server.client("officer.kt")
    officer.action(late["code"], "request_supplement", note="Thiếu bản vẽ")
    clerk.login("clerk", PASSWORD)
    assert [c["code"] for c in clerk.cases(overdue=True)] == [late["code"]]


def test_lookup_names_the_current_unit_not_the_clerk_who_sent_it(server):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    case = _at_kt(server, clerk, proc)
    answer = server.client().lookup(case["code"])
    assert answer["current_unit"] == "Phòng Kinh tế, Hạ tầng và Đô thị"
    assert answer["handler"] is None  # the clerk acted last, but the case is at KT now
    officer = server.client(account(server, "officer", "KT"))
    officer.action(case["code"], "request_supplement", note="Thiếu bản vẽ")
    assert server.client().lookup(case["code"])["handler"] == "Officer.Kt"
    clerk.action(case["code"], "supplied")  # at the desk, but the step is still KT's
    assert server.client().lookup(case["code"])["handler"] == "Officer.Kt"
