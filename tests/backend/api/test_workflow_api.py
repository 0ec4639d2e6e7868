"""Cases move only along their procedure's workflow, moved only by each step's owner: every
shipped procedure walked end to end through the API, and the reported shortcuts refused."""

from datetime import datetime

import pytest

from backend.client import ApiError
from backend.domain.calendar import VN_TZ
from tests.backend.api.helpers import account, intake, pick_procedure, step_owner, walk


def event_count(store) -> int:
    return store.one("select count(*) as n from events")["n"]


def refused(client, code, action, store, **params):
    before = event_count(store)
    with pytest.raises(ApiError) as err:
        client.action(code, action, **params)
    assert err.value.status == 403 and err.value.vi and err.value.en
    assert event_count(store) == before
    return err.value


def test_every_shipped_procedure_walks_from_intake_to_return(server, store):
    clerk = server.client("clerk")
    for proc in clerk.procedures():
        case = intake(clerk, proc)
        steps = proc["workflow"]
        signer = step_owner(server, steps[-2])
        if len(steps) > 3:  # the signing step's owner cannot sign before the case reaches it
            refused(signer, case["code"], "resolve", store)
        done = walk(server, case["code"], proc)
        assert done["status"] == "resolved" and done["step"] == len(steps) - 1
        returned = clerk.action(case["code"], "return", channel="counter")
        assert returned["status_code"] == 10
        actions = [e["action"] for e in clerk.events(case["code"])]
        assert actions == ["intake"] + ["transfer"] * (len(steps) - 2) + ["resolve", "return"]


def test_a_clerk_alone_cannot_send_a_new_case_to_the_end_and_resolve_it(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    code = intake(clerk, proc)["code"]
    last = len(proc["workflow"]) - 1
    for target in (last, last - 1):
        err = refused(clerk, code, "transfer", store, to_step=target)
        assert err.key == "off_workflow" and "vượt bước" in err.vi
    refused(clerk, code, "resolve", store)
    assert clerk.case(code)["step"] == 0


def test_an_officer_cannot_skip_the_leaders_approval(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    code = intake(clerk, proc)["code"]
    case = walk(server, code, proc, to_step=1)
    officer = step_owner(server, proc["workflow"][1])
    assert case["current_unit"] == proc["workflow"][1]["unit"]
    refused(officer, code, "transfer", store, to_step=len(proc["workflow"]) - 1)
    err = refused(officer, code, "resolve", store)
    assert err.key == "off_workflow"


def test_a_leader_of_an_unrelated_unit_cannot_apologise(server, store, clock):
    clerk = server.client("clerk")
    proc = next(p for p in clerk.procedures()
                if "LD" not in {s["unit"] for s in p["workflow"]})
    code = intake(clerk, proc)["code"]
    walk(server, code, proc, to_step=1)
    clock.advance(days=40)
    new_due = datetime(2027, 1, 15, 17, 0, tzinfo=VN_TZ)
    outsider = server.client("leader")  # leader of LD, which this procedure never visits
    err = refused(outsider, code, "apologize", store, note="Chậm", new_due_at=new_due)
    assert "Only the leader of unit" in err.en
    responsible = next(s["unit"] for s in proc["workflow"][1:] if "leader" in s["roles"])
    leader = server.client(account(server, "leader", responsible))
    done = leader.action(code, "apologize", note="Chậm do xác minh", new_due_at=new_due)
    assert done["new_due_at"] == "2027-01-15T17:00:00+07:00"


def test_sending_back_needs_a_reason_and_lands_on_the_earlier_step(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    code = intake(clerk, proc)["code"]
    walk(server, code, proc, to_step=2)
    owner = step_owner(server, proc["workflow"][2])
    with pytest.raises(ApiError) as err:
        owner.action(code, "transfer", to_step=1)
    assert err.value.status == 422 and err.value.field == "note"
    back = owner.action(code, "transfer", to_step=1, note="Cần thẩm định lại diện tích")
    assert back["step"] == 1 and back["current_unit"] == proc["workflow"][1]["unit"]
