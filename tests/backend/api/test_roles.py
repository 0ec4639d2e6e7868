"""Every endpoint is checked against the roles: a matrix of who may call what."""

import pytest

from backend.client import ApiError, Client
from tests.backend.api.helpers import intake, pick_procedure

ROLES = ["anonymous", "clerk", "officer.kt", "leader", "admin", "device"]


def calls(proc_code, case_code):
    return {
        "list cases": ("GET", "/api/v1/cases", None),
        "read case": ("GET", f"/api/v1/cases/{case_code}", None),
        "case events": ("GET", f"/api/v1/cases/{case_code}/events", None),
        "intake": ("POST", "/api/v1/cases", {
            "procedure_code": proc_code, "applicant": {"name": "Trần Thị Mai"},
            "documents": {}}),
        "register device": ("POST", "/api/v1/devices", {"name": "k2", "kind": "kiosk"}),
        "fleet": ("GET", "/api/v1/devices", None),
        "heartbeat": ("POST", "/api/v1/devices/heartbeat", {"version": "1"}),
        "add user": ("POST", "/api/v1/admin/users", {
            "username": "abc", "password": "Matkhau2026x", "role": "clerk"}),
        "calendar": ("GET", "/api/v1/admin/calendar/overrides", None),
        "lookup": ("GET", f"/api/v1/lookup/{case_code}", None),
        "procedures": ("GET", "/api/v1/procedures", None),
    }


ALLOWED = {
    "list cases": {"clerk", "officer.kt", "leader"},
    "read case": {"clerk", "officer.kt", "leader"},
    "case events": {"clerk", "officer.kt", "leader"},
    "intake": {"clerk"},
    "register device": {"admin"},
    "fleet": {"admin", "leader"},
    "heartbeat": {"device"},
    "add user": {"admin"},
    "calendar": {"admin"},
    "lookup": set(ROLES),
    "procedures": set(ROLES),
}


@pytest.fixture
def clients(server):
    made = {"anonymous": server.client()}
    for name in ("clerk", "officer.kt", "leader", "admin"):
        made[name] = server.client(name)
    token = made["admin"].register_device("kiosk-1", "kiosk")["token"]
    made["device"] = Client(server.address, token=token)
    return made


def test_role_matrix(server, clients):
    proc = pick_procedure(clients["clerk"])
    case = intake(clients["clerk"], proc)
    for name, (method, path, body) in calls(proc["code"], case["code"]).items():
        for role in ROLES:
            status = _status(clients[role], method, path, body)
            allowed = role in ALLOWED[name]
            if allowed:
                assert status < 400 or status == 422, (name, role, status)
            else:
                assert status == (401 if role == "anonymous" else 403), (name, role, status)


def _status(client: Client, method: str, path: str, body) -> int:
    try:
        client._request(method, path, json=body)
    except ApiError as err:
        return err.status
    return 200


def test_clerk_cannot_act_as_officer_and_officer_only_in_own_unit(server, clients):
    proc = pick_procedure(clients["clerk"], unit="KT")
    case = intake(clients["clerk"], proc)
    clerk, officer = clients["clerk"], clients["officer.kt"]
    with pytest.raises(ApiError) as err:
        clerk.action(case["code"], "request_payment")
    assert err.value.status == 403
    with pytest.raises(ApiError) as not_yet:  # still at the desk: not the officer's to move
        officer.action(case["code"], "transfer")
    assert not_yet.value.status == 403 and "MOTCUA" in not_yet.value.vi
    moved = clerk.action(case["code"], "transfer", to_step=_step_of(proc, "KT"))
    assert moved["current_unit"] == "KT"
    with pytest.raises(ApiError) as other_unit:
        server.client("officer.vh").action(case["code"], "transfer")
    assert other_unit.value.status == 403


def _step_of(proc: dict, unit: str) -> int:
    return next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == unit)
