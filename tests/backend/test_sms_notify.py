"""SMS notices to citizens who agreed at intake: result ready, supplement asked, new date.

Sent through the real AT driver to the simulated modem on a pty; the clock is moved instead of
sleeping through retries and the daily cap."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from backend import notices, sms
from backend.domain.calendar import VN_TZ
from backend.domain.errors import InvalidInput
from backend.domain.workflow import Actor, responsible_leader_unit
from backend.store import cases, catalog, outbox
from backend.store.site import load_site
from drivers.modems import AtModem
from drivers.modems.fake import MemorySmsModem
from tests.backend.conftest import Clock
from tests.backend.test_sms import serve_sms_until_sent
from tests.drivers.modems import conftest as modem_tests

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)  # a Monday morning
DESK = Actor("clerk", "clerk", "MOTCUA")
PERSONAL = ("Nguyễn", "Nguyen", "079203001234", "Lê Lợi", "Le Loi", "0912345678")


def take_in(store, *, consent: bool = True, phone: str = "0912345678") -> str:
    proc = next(p for p in catalog.search(store) if not p.sensitive and len(p.workflow) >= 3)
    applicant = cases.Applicant("Nguyễn Văn Hùng", "079203001234", phone, "12 Lê Lợi")
    row, _ = cases.intake(store, load_site(store), cases.Intake(
        proc, applicant, {d.id: 1 for d in proc.documents if d.required}, notify_sms=consent),
        DESK, NOW)
    return row["code"]


def act(store, code: str, name: str, at: datetime, **params) -> dict:
    row = cases.get(store, code)
    steps = cases.steps_of(cases.procedure_of(row))
    step = steps[row["step"]]
    if name == "apologize":
        actor = Actor("leader", "leader", responsible_leader_unit(steps, row["step"]))
    elif name == "supplied":
        actor = DESK
    else:
        role = next(r for r in ("officer", "leader", "clerk") if r in step.roles)
        actor = Actor(f"{role}.{step.unit}", role, step.unit)
    note = "Thiếu bản sao giấy khai sinh" if name in ("request_supplement", "apologize") else None
    return cases.act(store, load_site(store), code, name, actor, at, note=note, params=params)


def resolve(store, code: str, at: datetime) -> None:
    last = len(cases.procedure_of(cases.get(store, code)).workflow) - 2
    while cases.get(store, code)["step"] < last:
        act(store, code, "transfer", at)
    act(store, code, "resolve", at)


def play_every_notice(store, code: str) -> None:
    act(store, code, "request_supplement", NOW + timedelta(minutes=5))
    act(store, code, "supplied", NOW + timedelta(days=1))
    due = datetime.fromisoformat(cases.get(store, code)["due_at"])
    act(store, code, "apologize", due + timedelta(hours=1), new_due_at=due + timedelta(days=7))
    resolve(store, code, due + timedelta(days=2))


fake = modem_tests.fake  # the simulated modem on a pty, as the driver's own tests open it


@pytest.fixture
def modem(fake):
    # Longer timeouts than the driver tests': here each send also writes to the database.
    with modem_tests.make_modem(fake, timeout=1, register_timeout=2, send_timeout=2) as opened:
        yield opened


def test_without_consent_nothing_is_queued_or_sent(store):
    code = take_in(store, consent=False)
    play_every_notice(store, code)
    case_id = cases.get(store, code)["id"]
    assert outbox.for_case(store, case_id) == []
    memory = MemorySmsModem()
    assert sms.Notifier(store, memory, clock=Clock(NOW + timedelta(days=30))).send_due() == 0
    assert memory.sent == []


def test_each_event_sends_one_sms_with_code_status_and_date(store, fake, modem):
    code = take_in(store)
    play_every_notice(store, code)
    row = cases.get(store, code)
    queued = outbox.for_case(store, row["id"])
    assert [q["kind"] for q in queued] == ["supplement", "new_date", "result"]
    clock = Clock(datetime.fromisoformat(row["resolved_at"]) + timedelta(minutes=1))
    notifier = sms.Notifier(store, modem, clock=clock)
    assert notifier.send_due() == 3
    assert notifier.send_due() == 0, "a notice is sent once"
    new_due = datetime.fromisoformat(row["new_due_at"])
    resolved = datetime.fromisoformat(row["resolved_at"])
    assert [s.text for s in fake.sent] == [
        f"Ho so {code}: Yeu cau bo sung ngay 23/11/2026. Xin lien he bo phan mot cua de biet "
        "giay to can bo sung.",
        f"Ho so {code}: Xin loi vi tre hen. Hen tra ket qua moi: {new_due:%H:%M %d/%m/%Y}.",
        f"Hồ sơ {code}: Đã xử lý xong ngày {resolved:%d/%m/%Y}"]
    assert {s.number for s in fake.sent} == {"+84912345678"}
    for sent, stored in zip(fake.sent, outbox.for_case(store, row["id"]), strict=True):
        assert (sent.alphabet, len(sent.parts)) == (stored["alphabet"], stored["parts"]) \
            == ({"result": "ucs2"}.get(stored["kind"], "gsm7"), 1)
        assert stored["status"] == "sent" and not any(p in sent.text for p in PERSONAL)


def test_modem_down_is_retried_later_and_the_workflow_goes_on(store, fake, modem):
    code = take_in(store)
    fake.inject("no_network")
    act(store, code, "request_supplement", NOW)  # not held up by the modem
    assert cases.get(store, code)["status"] == 5
    clock = Clock(NOW + timedelta(minutes=1))
    notifier = sms.Notifier(store, modem, clock=clock)
    assert notifier.send_due() == 0
    [queued] = outbox.for_case(store, cases.get(store, code)["id"])
    assert (queued["status"], queued["attempts"]) == ("pending", 1)
    assert "CMS 331" in queued["last_error"]
    fake.inject(None)
    clock.advance(seconds=30)
    assert notifier.send_due() == 0 and fake.sent == [], "not before the backoff is over"
    clock.advance(seconds=31)
    assert notifier.send_due() == 1 and len(fake.sent) == 1
    [queued] = outbox.for_case(store, cases.get(store, code)["id"])
    assert (queued["status"], queued["attempts"], queued["last_error"]) == ("sent", 2, None)


def test_a_hung_send_never_holds_up_a_workflow_action(store, fake):
    first, second = take_in(store), take_in(store, phone="0987654321")
    act(store, first, "request_supplement", NOW)
    started = threading.Event()

    class Watched(AtModem):
        def send(self, number, text):
            started.set()
            return super().send(number, text)

    with Watched(fake.port_name, timeout=3, register_timeout=2, send_timeout=3) as hung:
        fake.inject("silent")
        notifier = sms.Notifier(store, hung, clock=Clock(NOW + timedelta(minutes=1)))
        sender = threading.Thread(target=notifier.send_due)
        sender.start()
        assert started.wait(10)
        act(store, second, "request_supplement", NOW + timedelta(minutes=2))
        assert sender.is_alive(), "the action finished while the send was still hanging"
        sender.join(20)
    assert cases.get(store, second)["status"] == 5
    [queued] = outbox.for_case(store, cases.get(store, first)["id"])
    assert (queued["status"], queued["attempts"]) == ("pending", 1)
    assert "did not answer AT+CMGS" in queued["last_error"]


def test_the_daily_cap_per_number_holds_the_rest_until_tomorrow(store):
    codes = [take_in(store, phone=p) for p in ("0912345678", "+84912345678", "0912345678")]
    other = take_in(store, phone="0987654321")
    for code in [*codes, other]:
        act(store, code, "request_supplement", NOW)
    memory = MemorySmsModem()
    clock = Clock(NOW + timedelta(hours=1))
    notifier = sms.Notifier(store, memory, per_day=2, clock=clock)
    assert notifier.send_due() == 3
    assert sorted(n for n, _ in memory.sent) == ["+84912345678", "+84912345678", "+84987654321"]
    clock.advance(hours=6)
    assert notifier.send_due() == 0, "the third waits for tomorrow"
    clock.now = datetime(2026, 11, 24, 6, 59, tzinfo=VN_TZ)
    assert notifier.send_due() == 0, "and not before the morning"
    clock.now = datetime(2026, 11, 24, 7, 1, tzinfo=VN_TZ)
    assert notifier.send_due() == 1
    assert [t for _, t in memory.sent].count(memory.sent[0][1]) == 1
    assert {t.split(":")[0] for _, t in memory.sent} == {f"Ho so {c}" for c in [*codes, other]}


def test_an_unknown_number_is_given_up_at_once(store, fake, modem):
    code = take_in(store)
    act(store, code, "request_supplement", NOW)
    fake.inject("cms_error", code=1)
    assert sms.Notifier(store, modem, clock=Clock(NOW + timedelta(minutes=1))).send_due() == 0
    [queued] = outbox.for_case(store, cases.get(store, code)["id"])
    assert queued["status"] == "failed" and "CMS 1" in queued["last_error"]


@pytest.mark.parametrize("text, expected", [
    # Short enough for one UCS-2 part (70): the diacritics stay.
    ("Hồ sơ 000.00.06.H56-261123-0007: Đã xử lý xong ngày 23/11/2026", ("ucs2", 1, True)),
    # 71 UTF-16 units: two UCS-2 parts, one GSM-7 part unaccented.
    ("Hồ sơ 000.00.06.H56-261123-0007: Đã xử lý xong ngày 23/11/2026 (thứ 2)x",
     ("gsm7", 1, False)),
    # 300 letters: 5 UCS-2 parts (67 each) against 2 GSM-7 parts (153 each).
    ("ả" * 300, ("gsm7", 2, False)),
    # GSM-7 escapes count two septets: 150 + 2*6 = 162 > 160, two GSM-7 parts, where UCS-2
    # needs three (156 units, 67 a part).
    ("ệ" * 150 + "{}{}{}", ("gsm7", 2, False)),
    # Plain text already: one part up to 160 septets.
    ("a" * 160, ("gsm7", 1, False)),
])
def test_parts_are_counted_for_gsm7_and_ucs2(text, expected):
    alphabet, parts, keeps_accents = expected
    fitted, got_alphabet, got_parts = notices.fit(text)
    assert (got_alphabet, got_parts) == (alphabet, parts)
    assert (fitted == text) == (keeps_accents or text.isascii())


def test_consent_needs_a_phone_and_the_api_records_it(store, server):
    with pytest.raises(InvalidInput) as caught:
        take_in(store, phone="")
    assert "cần số điện thoại" in caught.value.vi and "phone number" in caught.value.en
    clerk = server.client("clerk")
    proc = next(p for p in clerk.procedures() if not p["sensitive"])
    papers = {d["id"]: 1 for d in proc["documents"] if d["required"]}
    applicant = {"name": "Trần Thị Mai", "phone": "0912345678"}
    assert clerk.intake(proc["code"], applicant, papers, notify_sms=True)["notify_sms"] is True
    assert clerk.intake(proc["code"], applicant, papers)["notify_sms"] is False


def test_sms_serve_sends_queued_notices(store, fake):
    code = take_in(store)
    act(store, code, "request_supplement", datetime.now(VN_TZ))
    serve_sms_until_sent(store, fake, "--notify-hours", "0-24")
    assert fake.sent and fake.sent[0].text.startswith(f"Ho so {code}: Yeu cau bo sung")
    [queued] = outbox.for_case(store, cases.get(store, code)["id"])
    assert queued["status"] == "sent"
