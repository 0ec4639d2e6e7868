from datetime import datetime

import pytest

from backend import sms
from backend.domain.calendar import VN_TZ
from backend.domain.text import unaccent
from backend.domain.workflow import Actor
from backend.store import cases, catalog
from backend.store.site import load_site

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)


@pytest.fixture
def case_code(store):
    proc = next(p for p in catalog.search(store) if not p.sensitive)
    documents = {d.id: 1 for d in proc.documents if d.required}
    row, _ = cases.intake(store, load_site(store), cases.Intake(
        proc, cases.Applicant("Nguyễn Văn Hùng", phone="0912345678"), documents),
        Actor("clerk", "clerk", "MOTCUA"), NOW)
    return row["code"]


@pytest.mark.parametrize("text, code", [
    ("TTHC 000.00.06.H56-261123-0001", "000.00.06.H56-261123-0001"),
    ("  tthc   000.00.06.H56-261123-0001 ", "000.00.06.H56-261123-0001"),
    ("hello", None), ("TTHC", None), ("", None)])
def test_parse_request(text, code):
    assert sms.parse_request(text) == code


def test_reply_has_status_and_dates_but_no_personal_data(store, case_code):
    reply = sms.reply_for(store, load_site(store), f"TTHC {case_code}", NOW)
    assert reply.startswith(f"Hồ sơ {case_code}: Được tiếp nhận")
    assert "Nhận 09:30 23/11/2026" in reply and "Hẹn trả" in reply
    assert "Nguyễn" not in reply and "0912345678" not in reply


def test_bad_requests_get_guidance(store):
    site = load_site(store)
    assert sms.reply_for(store, site, "xin chao", NOW).startswith("Sai cú pháp")
    assert "không phải ngày có thật" in sms.reply_for(store, site,
                                                      "TTHC 000.00.06.H56-261399-0001", NOW)
    assert "Không tìm thấy" in sms.reply_for(store, site, "TTHC 000.00.06.H56-261123-0999", NOW)


def test_unaccent_keeps_case():
    assert unaccent("Hồ sơ ĐÃ XỬ LÝ xong") == "Ho so DA XU LY xong"


def test_gateway_answers_over_a_real_modem_on_a_pty(store, case_code):
    import time

    from drivers.modems import AtModem
    from drivers.modems.fake import FakeModem

    with FakeModem() as fake:
        modem = AtModem(fake.port_name, register_timeout=5, timeout=2)
        gateway = sms.SmsGateway(store, modem, clock=lambda: NOW)
        modem.on_message = gateway.handle
        with modem:
            fake.deliver("+84912345678", f"TTHC {case_code}")
            deadline = time.monotonic() + 10
            while not fake.sent and time.monotonic() < deadline:
                time.sleep(0.05)
    assert fake.sent, "the gateway should have replied"
    reply = fake.sent[0]
    assert reply.number == "+84912345678" and reply.alphabet == "ucs2"
    assert f"Hồ sơ {case_code}: Được tiếp nhận" in reply.text


def test_gateway_stays_silent_for_a_flood(store, case_code):
    from drivers.modems.base import SmsMessage
    from drivers.modems.fake import MemorySmsModem

    modem = MemorySmsModem()
    gateway = sms.SmsGateway(store, modem, per_minute=2, clock=lambda: NOW)
    message = SmsMessage("+84900000000", f"TTHC {case_code}", NOW)
    replies = [gateway.handle(message) for _ in range(4)]
    assert replies[2] is None and replies[3] is None and len(modem.sent) == 2


def test_sms_serve_has_help(capsys):
    from backend.cli import main

    with pytest.raises(SystemExit):
        main(["sms", "serve", "--help"])
    assert "--port" in capsys.readouterr().out


def serve_sms_until_sent(store, fake, *options: str, then=None) -> None:
    """Run `motcua sms serve` on the simulated modem until it has sent something (or 20 s),
    calling `then()` once it is listening; it must stop cleanly on SIGTERM."""
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--db", store.path, "sms",
                             "serve", "--port", fake.port_name, *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "answering lookup SMS" in proc.stdout.readline()
        if then is not None:
            then()
        deadline = time.monotonic() + 20
        while not fake.sent and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err


def test_sms_serve_process_answers_and_stops_on_sigterm(store, case_code):
    from drivers.modems.fake import FakeModem

    with FakeModem() as fake:
        serve_sms_until_sent(store, fake,
                             then=lambda: fake.deliver("+84911111111", f"tthc {case_code}"))
    assert fake.sent and case_code in fake.sent[0].text
