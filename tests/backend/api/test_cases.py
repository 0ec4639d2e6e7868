import json
import uuid
from datetime import datetime

import pytest

from backend.client import ApiError
from backend.domain import codes
from backend.domain.calendar import VN_TZ
from tests.backend.api.helpers import (
    APPLICANT,
    account,
    all_documents,
    intake,
    pick_procedure,
    walk,
)
from tests.backend.conftest import PASSWORD


def test_intake_returns_everything_a_receipt_needs(clerk, server):
    proc = pick_procedure(clerk)
    case = intake(clerk, proc, return_channel="post")
    assert case["created"] is True
    parsed = codes.parse_code(case["code"])
    assert str(parsed).startswith("000.00.06.H56-261123-")
    assert case["token"] == codes.make_token(parsed, server.app.state.site.secret)
    assert case["compact"] == f"00261123{parsed.seq:04d}{case['token']}"
    assert case["qr"] == f"{case['code']}/{case['token']}"
    assert case["status"] == "received" and case["status_label"] == "Được tiếp nhận"
    assert case["received_at"] == "2026-11-23T09:30:00+07:00"
    assert datetime.fromisoformat(case["due_at"]) > datetime.fromisoformat(case["received_at"])
    assert case["procedure"]["name"] == proc["name"]
    assert case["procedure_version"] == proc["version"]
    assert {d["id"] for d in case["documents"]} == set(all_documents(proc))
    assert case["applicant"]["name"] == APPLICANT["name"]
    assert case["agency"]["name"] and case["received_by"]["username"] == "clerk"
    assert case["received_by"]["full_name"] == "Clerk"
    assert case["return_channel"] == "post" and case["fee"] == proc["fee"]["amount"]


def test_codes_follow_each_other_and_reset_next_day(clerk, clock):
    proc = pick_procedure(clerk)
    first, second = intake(clerk, proc), intake(clerk, proc)
    assert first["code"].endswith("-261123-0001") and second["code"].endswith("-261123-0002")
    clock.advance(days=1)
    clerk.login("clerk", PASSWORD)  # a session lasts a working day, not two
    assert intake(clerk, proc)["code"].endswith("-261124-0001")


def test_idempotency_key_never_creates_a_second_case(clerk, store):
    proc = pick_procedure(clerk)
    key = str(uuid.uuid4())
    first = intake(clerk, proc, idempotency_key=key)
    again = intake(clerk, proc, idempotency_key=key)
    assert again["code"] == first["code"] and again["created"] is False
    assert store.one("select count(*) as n from cases")["n"] == 1
    with pytest.raises(ApiError) as err:
        clerk.intake(proc["code"], {**APPLICANT, "name": "Lê Thị Khác"}, all_documents(proc),
                     idempotency_key=key)
    assert err.value.status == 409 and err.value.key == "idempotency_mismatch"


def test_incomplete_file_opens_no_case_and_lists_missing_papers(clerk, store):
    proc = pick_procedure(clerk)
    required = [d for d in proc["documents"] if d["required"]]
    with pytest.raises(ApiError) as err:
        clerk.intake(proc["code"], APPLICANT, {})
    assert err.value.status == 422 and err.value.key == "incomplete_file"
    assert required[0]["name"] in err.value.vi
    assert store.one("select count(*) as n from cases")["n"] == 0
    assert store.one("select count(*) as n from sequences")["n"] == 0


def test_intake_channel_in_person_unless_posted_or_registered_online(clerk):
    proc = pick_procedure(clerk)
    assert intake(clerk, proc)["channel"] == "in_person"
    assert intake(clerk, proc, channel="post")["channel"] == "post"
    assert intake(clerk, proc, received=False)["channel"] == "online"
    online = intake(clerk, proc, received=True, channel="online")
    assert online["channel"] == "online"
    assert clerk.events(online["code"])[0]["data"]["channel"] == "online"


@pytest.mark.parametrize("body, field", [
    ({"applicant": {"name": "An"}, "documents": {}}, "procedure_code"),
    ({"procedure_code": "X", "applicant": {"name": ""}}, "applicant.name"),
    ({"procedure_code": "X", "applicant": {"name": "Lê An", "phone": "12ab"}}, "applicant.phone"),
    ({"procedure_code": "X", "applicant": {"name": "Lê An", "id_number": "123"}},
     "applicant.id_number"),
    ({"procedure_code": "X", "applicant": {"name": "Lê An"}, "sets": 0}, "sets"),
    ({"procedure_code": "X", "applicant": {"name": "Lê An"}, "colour": "red"}, "colour"),
    ({"procedure_code": "X", "applicant": {"name": "Lê An"}, "return_channel": "fax"},
     "return_channel"),
    ({"procedure_code": "X", "applicant": {"name": "Lê An"}, "channel": "fax"}, "channel"),
])
def test_bad_bodies_get_422_in_both_languages(clerk, store, body, field):
    with pytest.raises(ApiError) as err:
        clerk._request("POST", "/api/v1/cases", json=body)
    assert err.value.status == 422 and err.value.field == field
    assert err.value.vi.startswith("Dữ liệu không hợp lệ") and "Invalid input" in err.value.en
    assert store.one("select count(*) as n from cases")["n"] == 0


def test_malformed_json_and_unknown_documents(clerk):
    response = clerk.session.post(f"{clerk.base_url}/api/v1/cases", data="{not json",
                                  headers={"Authorization": f"Bearer {clerk.token}",
                                           "Content-Type": "application/json"})
    assert response.status_code == 422 and "JSON" in response.json()["vi"]
    proc = pick_procedure(clerk)
    with pytest.raises(ApiError) as err:
        clerk.intake(proc["code"], APPLICANT, {**all_documents(proc), "bogus": 1})
    assert err.value.status == 422 and "bogus" in err.value.en
    with pytest.raises(ApiError) as missing:
        clerk.intake("9.999999", APPLICANT, {})
    assert missing.value.status == 404


def test_full_workflow_through_the_api_with_history(server, clerk, clock):
    proc = pick_procedure(clerk, unit="KT")
    case = intake(clerk, proc)
    code, kt_step = case["code"], next(i for i, s in enumerate(proc["workflow"])
                                       if s["unit"] == "KT")
    clerk.action(code, "transfer", to_step=kt_step)
    officer = server.client("officer.kt")
    clock.advance(hours=2)
    paused = officer.action(code, "request_supplement", note="Thiếu bản vẽ hiện trạng")
    assert paused["status"] == "supplement" and paused["paused_at"]
    clock.advance(days=2)  # Wed 11:30 -> two working days later
    clerk.login("clerk", PASSWORD)
    officer.login("officer.kt", PASSWORD)
    resumed = clerk.action(code, "supplied")
    assert resumed["due_at"] > case["due_at"]
    done = walk(server, code, proc)
    assert done["status"] == "resolved" and done["result_class"] in ("early", "on_time")
    returned = clerk.action(code, "return", channel="counter")
    assert returned["status_code"] == 10
    events = clerk.events(code)
    onward = ["transfer"] * (len(proc["workflow"]) - 2 - kt_step)
    assert [e["action"] for e in events] == ["intake", "transfer", "request_supplement",
                                             "supplied", *onward, "resolve", "return"]
    assert events[2]["note"] == "Thiếu bản vẽ hiện trạng" and events[2]["actor"] == "officer.kt"
    with pytest.raises(ApiError) as err:
        clerk.action(code, "return")
    assert err.value.status == 409 and "Đã trả kết quả" in err.value.vi


def test_event_log_is_append_only(server, clerk, store):
    intake(clerk, pick_procedure(clerk))
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("update events set note = 'changed'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("delete from events")


def test_list_filters(server, clerk, clock):
    proc = pick_procedure(clerk, unit="KT")
    a, b = intake(clerk, proc), intake(clerk, proc)
    kt = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
    clerk.action(b["code"], "transfer", to_step=kt)
    assert [c["code"] for c in clerk.cases(status=2)] == [a["code"]]
    assert {c["received_by"]["full_name"] for c in clerk.cases()} == {"Clerk"}
    assert [c["code"] for c in clerk.cases(unit="KT")] == [b["code"]]
    assert clerk.cases(overdue=True) == []
    clock.advance(days=60)
    clerk.login("clerk", PASSWORD)
    assert {c["code"] for c in clerk.cases(overdue=True)} == {a["code"], b["code"]}
    assert all(c["late"] for c in clerk.cases(overdue=True))
    assert clerk.cases(received_from="2026-11-24T00:00:00+07:00") == []
    assert len(clerk.cases(received_from="2026-11-23T00:00:00+07:00", limit=1)) == 1


def test_apology_sets_a_new_date_once(server, clerk, clock):
    proc = pick_procedure(clerk, unit="KT")
    case = intake(clerk, proc)
    clock.advance(days=40)
    responsible = next(s["unit"] for s in proc["workflow"] if "leader" in s["roles"])
    leader = server.client(account(server, "leader", responsible))
    new_due = datetime(2027, 1, 15, 17, 0, tzinfo=VN_TZ)
    apologised = leader.action(case["code"], "apologize", note="Chậm do xác minh",
                               new_due_at=new_due)
    assert apologised["new_due_at"] == "2027-01-15T17:00:00+07:00" and apologised["late"]
    with pytest.raises(ApiError) as err:
        leader.action(case["code"], "apologize", note="lần hai", new_due_at=new_due)
    assert err.value.key == "already_apologized"


def test_case_keeps_the_procedure_version_it_was_received_under(server, clerk, store):
    proc = pick_procedure(clerk)
    case = intake(clerk, proc)
    changed = {**proc, "version": "2026-11-01", "name": "Tên mới hoàn toàn"}
    store.conn.execute(
        "insert into procedures (code, version, name, field_code, field_name, folded, data) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [proc["code"], "2026-11-01", changed["name"], proc["field"]["code"],
         proc["field"]["name"], "x", json.dumps(changed)])
    assert clerk.procedure(proc["code"])["name"] == "Tên mới hoàn toàn"
    again = clerk.case(case["code"])
    assert again["procedure"]["name"] == proc["name"]
    assert again["procedure_version"] == proc["version"]


def test_calendar_override_changes_new_due_dates(server, clerk):
    proc = pick_procedure(clerk)
    before = intake(clerk, proc)["due_at"]
    admin = server.client("admin")
    for day in range(24, 31):
        admin.set_calendar_override(f"2026-11-{day:02d}", False, "Nghỉ bù thử nghiệm")
    after = intake(clerk, proc)["due_at"]
    assert after > before


def test_openapi_lists_each_action(server):
    spec = server.client()._request("GET", "/openapi.json")
    paths = spec["paths"]
    for action in ("transfer", "request_supplement", "supplied", "resolve", "return",
                   "apologize", "withdraw", "stop", "request_payment", "paid"):
        assert f"/api/v1/cases/{{code}}/{action}" in paths
