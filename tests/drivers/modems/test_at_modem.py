"""AtModem against the simulated SIM800 on a real pty."""

import threading
import time
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from drivers.displays.text import to_ascii
from drivers.modems import (
    ModemDisconnected,
    ModemNotResponding,
    NoNetwork,
    NoSim,
    SmsError,
)
from drivers.modems.at_modem import parse_text_timestamp, text_chunks
from drivers.modems.fake import MemorySmsModem
from tests.drivers.modems.conftest import make_modem
from tests.waiting import wait_until

VN = timezone(timedelta(hours=7))
CODE = "000.00.06.H56-261123-0007"
REPLY = (f"Hồ sơ {CODE}: đang giải quyết tại Phòng Tài nguyên và Môi trường, "
         "tiếp nhận 23/11/2023, hẹn trả 05/12/2023.")


def test_initialisation_sequence(fake, modem):
    assert wait_until(lambda: "AT+CMGL=4" in fake.commands)  # the sweep, on the dispatcher
    assert fake.commands == ["AT", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CREG?", "AT+CMGF=0",
                             'AT+CSCS="IRA"', "AT+CNMI=2,1,0,0,0", "AT+CMGL=4"]
    assert not fake.echo and fake.cnmi and fake.cmgf == 0


def test_status_queries(modem):
    assert modem.registration() == "1"
    assert modem.signal_dbm() == -77


# --- sending -------------------------------------------------------------------------------

def test_send_plain_text_as_one_gsm7_pdu(fake, modem):
    refs = modem.send("8188", f"TTHC {CODE}")
    assert len(refs) == 1
    [sent] = fake.sent
    assert (sent.number, sent.text, sent.mode, sent.alphabet) == (
        "8188", f"TTHC {CODE}", "pdu", "gsm7")


def test_send_vietnamese_reply_as_concatenated_ucs2(fake, modem):
    refs = modem.send("+84901234567", REPLY)
    [sent] = fake.sent
    assert sent.text == unicodedata.normalize("NFC", REPLY)
    assert sent.alphabet == "ucs2"
    assert len(refs) == len(sent.parts) == 2
    assert {p.part.reference for p in sent.parts} == {sent.parts[0].part.reference}


def test_send_in_text_mode_folds_to_ascii(fake):
    with make_modem(fake, mode="text") as modem:
        modem.send("0901234567", "Đã tiếp nhận hồ sơ")
        assert fake.commands[-1] == 'AT+CMGS="0901234567"'
    assert [(s.number, s.text, s.mode) for s in fake.sent] == [
        ("0901234567", "Da tiep nhan ho so", "text")]


def test_text_mode_splits_long_replies_between_words(fake):
    with make_modem(fake, mode="text") as modem:
        modem.send("0901234567", REPLY * 2)
    assert len(fake.sent) == 2
    assert all(len(s.text) <= 160 for s in fake.sent)
    words = " ".join(s.text for s in fake.sent).split()
    assert words == to_ascii(REPLY * 2).split()


def test_bad_numbers_are_refused_before_the_modem(modem):
    with pytest.raises(ValueError):
        modem.send('8188"\r', "x")


# --- receiving -------------------------------------------------------------------------------

def test_incoming_sms_reaches_the_callback_and_is_deleted(fake, modem, inbox):
    when = datetime(2024, 11, 23, 10, 15, tzinfo=VN)
    fake.deliver("+84901234567", f"TTHC {CODE}", when)
    # The opening sweep may fetch the message before its notice does; the dispatcher is
    # still appending commands then, so wait for the state rather than read the list once.
    assert wait_until(lambda: not fake.store and fake.commands[-2:] == ["AT+CMGR=1", "AT+CMGD=1"])
    [message] = inbox
    assert (message.sender, message.text, message.received_at) == (
        "+84901234567", f"TTHC {CODE}", when)


def test_long_incoming_sms_is_joined(fake, modem, inbox):
    fake.deliver("+84901234567", "tra cứu " + REPLY)
    assert wait_until(lambda: inbox)
    assert inbox[0].text == unicodedata.normalize("NFC", "tra cứu " + REPLY)


def test_receive_without_callback(fake):
    with make_modem(fake) as modem:
        assert modem.receive(timeout=0.05) is None
        fake.deliver("0901234567", "TTHC 1")
        fake.deliver("0901234567", "TTHC 2")
        assert [modem.receive(timeout=2).text for _ in range(2)] == ["TTHC 1", "TTHC 2"]


def test_messages_stored_while_closed_are_read_on_open(fake, inbox):
    fake.deliver("0901234567", "TTHC sớm", notify=False)
    with make_modem(fake, inbox):
        assert wait_until(lambda: inbox)
    assert inbox[0].text == "TTHC sớm"
    assert not fake.store


@pytest.mark.parametrize("text", [f"TTHC {CODE}", "Tra cứu hồ sơ"])
def test_receiving_in_text_mode(fake, inbox, text):
    with make_modem(fake, inbox, mode="text"):
        fake.deliver("+84901234567", text, datetime(2024, 11, 23, 10, 15, tzinfo=VN))
        assert wait_until(lambda: inbox)
    assert inbox[0].text == text
    assert inbox[0].received_at == datetime(2024, 11, 23, 10, 15, tzinfo=VN)


def test_a_rebooted_modem_is_set_up_again(fake, modem, inbox):
    fake.reboot()
    assert wait_until(lambda: fake.cnmi and not fake.echo)
    fake.deliver("0901234567", "sau khi khởi động lại")
    assert wait_until(lambda: inbox)


def test_a_failing_callback_does_not_stop_reception(fake):
    seen = []

    def callback(message):
        seen.append(message.text)
        raise RuntimeError("backend bug")

    with make_modem(fake, callback):
        fake.deliver("0901234567", "one")
        fake.deliver("0901234567", "two")
        assert wait_until(lambda: len(seen) == 2)


def test_send_and_receive_at_the_same_time(fake, modem, inbox):
    sender = threading.Thread(target=lambda: [modem.send("8188", f"n{i}") for i in range(10)])
    sender.start()
    for i in range(5):
        fake.deliver("0901234567", f"in {i}")
    sender.join()
    assert wait_until(lambda: len(inbox) == 5)
    assert sorted(m.text for m in inbox) == [f"in {i}" for i in range(5)]
    assert [s.text for s in fake.sent] == [f"n{i}" for i in range(10)]


# --- faults -----------------------------------------------------------------------------------

def test_no_sim(fake):
    fake.inject("no_sim")
    with pytest.raises(NoSim) as err:
        make_modem(fake).open()
    assert str(err.value) == ("Lỗi modem: chưa lắp SIM (CME 10) / "
                              "Modem error: SIM not inserted (CME 10)")


def test_sim_pin(fake):
    fake.inject("sim_pin")
    with pytest.raises(NoSim) as err:
        make_modem(fake).open()
    assert "SIM PIN" in err.value.en
    with make_modem(fake, pin="1234") as modem:
        assert modem.registration() == "1"


def test_no_network(fake):
    fake.inject("no_network")
    started = time.monotonic()
    with pytest.raises(NoNetwork) as err:
        make_modem(fake, register_timeout=0.1).open()
    assert time.monotonic() - started >= 0.1
    assert err.value.vi.startswith("Modem chưa đăng ký vào mạng di động: đang tìm mạng")


def test_registration_denied_fails_at_once(fake):
    fake.inject("denied")
    started = time.monotonic()
    with pytest.raises(NoNetwork) as err:
        make_modem(fake, register_timeout=10).open()
    assert time.monotonic() - started < 1
    assert "denied (CREG 3)" in err.value.en


def test_silent_modem(fake):
    fake.inject("silent")
    with pytest.raises(ModemNotResponding) as err:
        make_modem(fake, timeout=0.05).open()
    assert err.value.vi == "Modem không phản hồi lệnh AT sau 0.05 giây"


def test_cms_error_on_send(fake, modem):
    fake.inject("cms_error", 500)
    with pytest.raises(SmsError) as err:
        modem.send("8188", "x")
    assert err.value.code == 500
    assert str(err.value) == ("Lỗi gửi tin nhắn: lỗi không xác định (CMS 500) / "
                              "SMS failed: unknown error (CMS 500)")
    fake.inject(None)
    assert modem.send("8188", "again")


def test_network_lost_after_opening(fake, modem):
    fake.inject("no_network")
    with pytest.raises(NoNetwork) as err:
        modem.send("8188", "x")
    assert err.value.code == 331


def test_silence_after_the_prompt_is_cancelled_with_escape(fake, modem):
    timeout, modem.timeout = modem.timeout, 0.1  # waited out in full: no prompt comes
    fake.inject("silent")
    with pytest.raises(ModemNotResponding):
        modem.send("8188", "x")
    fake.inject(None)
    modem.timeout = timeout
    assert modem.send("8188", "y")  # the channel is usable again


def test_unplugged_modem(fake, modem):
    fake.unplug()
    with pytest.raises(ModemDisconnected) as err:
        modem.send("8188", "x")
    assert err.value.vi.startswith("Mất kết nối với modem")


def test_the_modem_is_found_again_after_a_replug(fake, inbox):
    with make_modem(fake, inbox, retry_interval=0.05) as modem:
        fake.unplug()
        with pytest.raises(ModemDisconnected):
            modem.send("8188", "x")
        fake.replug()
        assert wait_until(lambda: fake.cnmi)  # set up again by the dispatcher
        fake.deliver("0901234567", "TTHC sau khi cắm lại")
        assert wait_until(lambda: inbox)
        assert modem.send("8188", "y")


def test_a_network_lost_during_a_reboot_is_waited_for(fake, inbox):
    with make_modem(fake, inbox, retry_interval=0.05, register_timeout=0.05):
        fake.inject("no_network")
        tries = fake.commands.count("AT+CREG?")
        fake.reboot()  # set-up fails: no network yet
        assert wait_until(lambda: fake.commands.count("AT+CREG?") >= tries + 3)  # it keeps asking
        assert not fake.cnmi
        fake.inject(None)
        assert wait_until(lambda: fake.cnmi)
        fake.deliver("0901234567", "mạng đã trở lại")
        assert wait_until(lambda: inbox)


def test_missing_port():
    from drivers.modems.at_modem import AtModem

    with pytest.raises(ModemDisconnected):
        AtModem("/dev/ttyNOPE").open()


# --- helpers -----------------------------------------------------------------------------------

def test_text_timestamps():
    assert parse_text_timestamp("24/11/23,10:15:00+28") == datetime(2024, 11, 23, 10, 15,
                                                                     tzinfo=VN)
    assert parse_text_timestamp("24/11/23,10:15:00-08").utcoffset() == -timedelta(hours=2)
    assert parse_text_timestamp("garbage") is None


def test_text_chunks_cut_words_only_when_they_must():
    assert text_chunks("short") == ["short"]
    assert [len(c) for c in text_chunks("x" * 200)] == [160, 40]


def test_memory_modem_for_backend_tests():
    got = []
    modem = MemorySmsModem(got.append)
    modem.inject("0901234567", f"TTHC {CODE}")
    assert got[0].text == f"TTHC {CODE}"
    assert modem.send("0901234567", "Đã tiếp nhận") == [1]
    assert modem.sent == [("0901234567", "Đã tiếp nhận")]
    modem.fail = NoNetwork("Không có mạng", "No network")
    with pytest.raises(NoNetwork):
        modem.send("0901234567", "x")
    polled = MemorySmsModem()
    polled.inject("0901234567", "hi")
    assert polled.receive(timeout=0).text == "hi"
    assert polled.receive(timeout=0) is None
