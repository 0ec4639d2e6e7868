"""Input limits: whatever arrives, the answer is a bilingual 4xx and what is stored is clean."""

from __future__ import annotations

import json
import re
import socket
import unicodedata

import pytest

from backend.client import ApiError
from tests.backend.api.helpers import APPLICANT, all_documents, intake, pick_procedure

HUGE = str(10**20)


def status_of(server, method: str, path: str, who: str | None = "clerk", **kw):
    client = server.client(who)
    headers = {"Authorization": f"Bearer {client.token}"} if client.token else {}
    response = client.session.request(method, f"{server.address}{path}", headers=headers,
                                      timeout=30, **kw)
    body = response.json()
    assert body.get("vi") and body.get("en"), body
    return response.status_code, body


@pytest.mark.parametrize("path", [
    f"/api/v1/queue/tickets/{HUGE}/cancel", f"/api/v1/queue/tickets/{HUGE}/printed",
    f"/api/v1/queue/counters/{HUGE}/next", f"/api/v1/queue/counters/-{HUGE}/recall"])
def test_whole_numbers_past_64_bits_in_paths(server, path):
    assert status_of(server, "POST", path)[0] == 422


@pytest.mark.parametrize("path", [f"/api/v1/cases?offset={HUGE}",
                                  f"/api/v1/ratings/requests/pending?counter={HUGE}"])
def test_whole_numbers_past_64_bits_in_queries(server, path):
    assert status_of(server, "GET", path)[0] == 422


@pytest.mark.parametrize("moment", ["2026-11-23T09:00:00", "9999-12-31T23:59:59+07:00",
                                    "0001-01-01T00:00:00+00:00"])
def test_moments_need_a_timezone_and_a_sane_year(server, moment):
    clerk = server.client("clerk")
    made = intake(clerk, pick_procedure(clerk))
    code, body = status_of(server, "GET", "/api/v1/cases", params={"received_from": moment})
    assert code == 422 and body["field"] == "query.received_from"
    # What is wrong, and the bound it broke: "cần ghi múi giờ" or "phải lớn hơn hoặc bằng 2000-…".
    assert "múi giờ" in body["vi"] or re.search(r"phải (lớn|nhỏ) hơn hoặc bằng \d{4}-", body["vi"])
    assert "time zone" in body["en"] or re.search(r"must be at (least|most) \d{4}-", body["en"])
    code, _ = status_of(server, "POST", f"/api/v1/cases/{made['code']}/apologize",
                        json={"note": "Xin lỗi", "new_due_at": moment})
    assert code == 422
    offline = {"code": "000.00.06.H56-261124-0001", "received_at": moment, "station": "quay-1"}
    proc = pick_procedure(clerk)
    code, _ = status_of(server, "POST", "/api/v1/cases", json={
        "procedure_code": proc["code"], "applicant": APPLICANT,
        "documents": all_documents(proc), "offline": offline})
    assert code == 422


def test_calendar_days_out_of_range_are_refused(server):
    code, _ = status_of(server, "PUT", "/api/v1/admin/calendar/overrides/9999-12-31", who="admin",
                        json={"working": True})
    assert code == 422


def test_lone_surrogates_and_control_characters_never_reach_the_database(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    raw = json.dumps({"procedure_code": proc["code"], "documents": all_documents(proc),
                      "applicant": {**APPLICANT, "name": "Lê\x00 Văn\ud800 Tám\x1b",
                                    "address": "12 Lê Lợi\r\nphường\u0085 Tân Ninh"}})
    response = clerk.session.post(f"{server.address}/api/v1/cases", data=raw.encode(),
                                  headers={"Authorization": f"Bearer {clerk.token}",
                                           "Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 201, response.text
    row = store.one("select applicant_name, applicant_address from cases")
    assert row == {"applicant_name": "Lê Văn Tám",
                   "applicant_address": "12 Lê Lợi\nphường Tân Ninh"}
    login = json.dumps({"username": "\ud800", "password": "x\ud800"})
    response = clerk.session.post(f"{server.address}/api/v1/auth/login", data=login.encode(),
                                  headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code in (401, 422) and response.json()["vi"]


def test_a_name_of_nothing_but_control_characters_is_too_short(server):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    with pytest.raises(ApiError) as err:
        clerk.intake(proc["code"], {**APPLICANT, "name": "\x00\x00\x00"}, all_documents(proc))
    assert err.value.status == 422 and err.value.field == "applicant.name"


def test_decomposed_names_are_stored_composed_and_masked_by_whole_letters(server, store):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    made = clerk.intake(proc["code"], {**APPLICANT, "name": decomposed}, all_documents(proc))
    assert made["applicant"]["name"] == "Nguyễn Thị Ánh Tuyết"
    assert unicodedata.is_normalized("NFC", store.one("select applicant_name from cases")[
        "applicant_name"])
    answer = server.client().lookup(made["code"], made["token"])
    assert answer["applicant"] == "Nguyễn T** Á** T****"


def _raw(server, head: bytes, chunks=()) -> bytes:
    """Send a request by hand, so a test can declare one size and send another."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        for chunk in chunks:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer


def test_a_declared_huge_body_is_refused_before_it_is_read(server):
    head = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 104857600\r\n\r\n{\"username\":")
    answer = _raw(server, head)
    assert answer.startswith(b"HTTP/1.1 413")
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["error"] == "body_too_large" and "quá lớn" in body["vi"]


def test_a_streamed_body_is_cut_off_at_the_limit(server):
    head = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    # 12 KB sent of a body that never ends: the 4 KB login limit answers anyway.
    answer = _raw(server, head, [b"{\"username\": \"" + b"a" * 4000] + [b"a" * 4000] * 2)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["vi"].startswith("Dữ liệu gửi lên quá lớn")


def test_a_device_cannot_store_a_huge_heartbeat(server):
    admin = server.client("admin")
    token = admin.register_device("kiosk-1", "kiosk")["token"]
    from backend.client import Client

    kiosk = Client(server.address, token=token, timeout=30)
    with pytest.raises(ApiError) as err:
        kiosk.heartbeat("0.1.0", {"junk": "x" * (8 << 20)})
    assert err.value.status == 413 and err.value.vi and err.value.en
    with pytest.raises(ApiError) as many:
        kiosk.heartbeat("0.1.0", {f"k{i}": i for i in range(100)})
    assert many.value.status == 422
    deep: dict = {}
    for _ in range(40):
        deep = {"d": deep}
    with pytest.raises(ApiError) as nested:
        kiosk.heartbeat("0.1.0", {"x": deep})
    assert nested.value.status == 422 and "lồng nhau" in nested.value.vi
    assert kiosk.heartbeat("0.1.0", {"printer": "online"})["ok"] is True
