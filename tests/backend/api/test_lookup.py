import pytest

from backend.client import ApiError
from backend.store import site
from tests.backend.api.helpers import intake, pick_procedure

NEVER = ("applicant_id_number", "applicant_phone", "id_number", "phone", "documents", "note",
         "dob", "date_of_birth", "address")


@pytest.fixture
def case(server):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    made = intake(clerk, proc)
    kt = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
    clerk.action(made["code"], "transfer", to_step=kt)
    server.client("officer.kt").action(made["code"], "request_supplement",
                                       note="Ghi chú nội bộ: thiếu bản vẽ")
    return made


def _walk(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_code_alone_shows_only_the_coarse_status(server, case):
    answer = server.client().lookup(case["code"])
    assert answer["code"] == case["code"] and answer["status"] == "supplement"
    assert answer["status_label"] == "Yêu cầu bổ sung" and answer["late"] is False
    assert answer["received_at"] == case["received_at"] and answer["due_at"]
    assert answer["current_unit"] and answer["procedure"] == case["procedure"]["name"]
    assert answer["verified"] is False
    assert answer["handler"] == "Officer.Kt"  # the official who acted last, never the citizen
    assert "applicant" not in answer and "history" not in answer


def test_token_unlocks_masked_name_and_history_but_never_private_fields(server, case):
    answer = server.client().lookup(case["code"], case["token"])
    assert answer["verified"] is True
    assert answer["applicant"] == "Nguyễn V** H***"
    assert [h["action"] for h in answer["history"]] == ["intake", "transfer",
                                                       "request_supplement"]
    keys = {key for key, _ in _walk(answer)}
    assert not keys & set(NEVER), keys & set(NEVER)
    text = str(answer)
    for secret in ("Ghi chú nội bộ", "0912345678", "079203001234", "Lê Lợi", "officer.kt"):
        assert secret not in text


def test_wrong_token_is_treated_as_no_token(server, case):
    answer = server.client().lookup(case["code"], "00000000")
    assert answer["verified"] is False and "applicant" not in answer


@pytest.mark.parametrize("form", ["compact", "slash"])
def test_every_receipt_form_finds_the_case(server, case, form):
    text = case["compact"] if form == "compact" else f"{case['code']}/{case['token']}"
    answer = server.client().lookup(text)
    assert answer["code"] == case["code"] and answer["verified"] is True


def test_malformed_code_gets_a_clear_message_not_a_server_error(server):
    with pytest.raises(ApiError) as err:
        server.client().lookup("000.00.06.H56-261399-0001")
    assert err.value.status == 422 and err.value.key == "invalid_code"
    assert "không phải ngày có thật" in err.value.vi and "not a real date" in err.value.en


def test_unknown_code_is_404_with_advice(server):
    with pytest.raises(ApiError) as err:
        server.client().lookup("000.00.06.H56-261123-0999")
    assert err.value.status == 404 and "biên nhận" in err.value.vi


def test_sensitive_procedure_shows_only_its_field(server):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, sensitive=True)
    made = intake(clerk, proc)
    answer = server.client().lookup(made["code"])
    assert answer["procedure"] == proc["field"]["name"]
    assert answer["procedure_code"] is None and proc["name"] not in str(answer)


def test_lookups_are_rate_limited_per_client(server, store, case):
    site.set_setting(store, "lookup_rate_per_minute", "5")
    client = server.client()
    for _ in range(5):
        client.lookup(case["code"])
    with pytest.raises(ApiError) as err:
        client.lookup(case["code"])
    assert err.value.status == 429 and "một phút" in err.value.vi
    response = client.session.get(f"{server.address}/api/v1/lookup/{case['code']}")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
