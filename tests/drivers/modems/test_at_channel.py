"""AtChannel line handling, against scripted answers on a pty."""

import logging

import pytest

from drivers.displays.pty import PtyPeer
from drivers.modems import ModemError, NoNetwork, NoSim, SmsError
from drivers.modems.at_channel import AtChannel
from drivers.modems.base import cme_error, cms_error
from tests.waiting import wait_until


class Scripted:
    """A modem that answers each command line with a fixed byte string."""

    def __init__(self, answers):
        self.answers = answers
        self.received = b""
        self.peer = PtyPeer(self.on_data)

    def on_data(self, data):
        self.received += data
        while b"\r" in self.received:
            line, self.received = self.received.split(b"\r", 1)
            answer = self.answers.get(line.decode())
            if answer:
                self.peer.write(answer)


@pytest.fixture
def scripted():
    made = []

    def make(answers):
        made.append(Scripted(answers))
        return made[-1]

    yield make
    for modem in made:
        modem.peer.close()


@pytest.fixture
def channel():
    opened = []

    def make(port, urcs=None):
        handler = urcs.append if urcs is not None else (lambda line: None)
        opened.append(AtChannel(port, on_urc=handler))
        opened[-1].open()
        return opened[-1]

    yield make
    for c in opened:
        c.close()


def test_a_urc_in_the_middle_of_an_answer_goes_to_the_urc_handler(scripted, channel):
    modem = scripted({"AT+CMGR=1": b'\r\n+CMGR: 0,,5\r\n\r\n+CMTI: "SM",2\r\n'
                                   b"0011AABB\r\n\r\nOK\r\n"})
    urcs = []
    at = channel(modem.peer.port_name, urcs)
    assert at.command("AT+CMGR=1") == ["+CMGR: 0,,5", "0011AABB"]
    assert urcs == ['+CMTI: "SM",2']


def test_the_answer_with_the_commands_prefix_is_never_a_urc(scripted, channel):
    modem = scripted({"AT+CPIN?": b"\r\n+CPIN: READY\r\n\r\nOK\r\n"})
    urcs = []
    assert channel(modem.peer.port_name, urcs).command("AT+CPIN?") == ["+CPIN: READY"]
    assert urcs == []


def test_echo_is_skipped_and_bare_cr_or_lf_line_ends_work(scripted, channel):
    modem = scripted({"ATI": b"ATI\r\rSIM800 R14.18\n\nOK\n"})
    assert channel(modem.peer.port_name).command("ATI") == ["SIM800 R14.18"]


def test_prompt_then_data(scripted, channel):
    modem = scripted({"AT+CMGS=5": b"\r\n> "})
    at = channel(modem.peer.port_name)

    def on_data(data, original=modem.on_data):
        if data.endswith(b"\x1a"):
            modem.peer.write(b"\r\n+CMGS: 7\r\n\r\nOK\r\n")
        else:
            original(data)

    modem.peer._on_data = on_data
    assert at.command("AT+CMGS=5", then=b"00AA\x1a") == ["+CMGS: 7"]


@pytest.mark.parametrize(("answer", "error", "text"), [
    (b"\r\nERROR\r\n", ModemError, "Modem từ chối lệnh AT+X / Modem answered ERROR to AT+X"),
    (b"\r\n+CME ERROR: SIM not inserted\r\n", ModemError, "Modem báo lỗi: SIM not inserted"),
    (b"\r\n+CME ERROR: 10\r\n", NoSim, "Lỗi modem: chưa lắp SIM (CME 10)"),
    (b"\r\n+CMS ERROR: 322\r\n", SmsError, "Lỗi gửi tin nhắn: bộ nhớ tin nhắn đầy (CMS 322)"),
])
def test_errors_are_mapped(scripted, channel, answer, error, text):
    modem = scripted({"AT+X": answer})
    with pytest.raises(error) as err:
        channel(modem.peer.port_name).command("AT+X")
    assert str(err.value).startswith(text)


def test_a_late_answer_is_not_taken_for_the_next_commands(scripted, channel, caplog):
    modem = scripted({"AT+SLOW": b"", "AT": b"\r\nOK\r\n"})
    at = channel(modem.peer.port_name)
    with pytest.raises(ModemError):
        at.command("AT+SLOW", timeout=0.05)
    caplog.set_level(logging.DEBUG, logger="drivers.modems.at_channel")
    modem.peer.write(b"\r\n+SLOW: 1\r\n\r\nOK\r\n")  # the slow answer, after the timeout
    # Until the reader has seen it, the next command could not tell it apart anyway.
    assert wait_until(lambda: "unexpected 'OK'" in caplog.text, timeout=10)
    assert "unexpected '+SLOW: 1'" in caplog.text
    assert at.command("AT") == []


def test_unknown_codes_still_give_a_bilingual_message():
    assert str(cms_error(999)).startswith("Lỗi gửi tin nhắn: lỗi không rõ (CMS 999) / SMS failed")
    assert isinstance(cme_error(30), ModemError) and cme_error(30).code == 30


@pytest.mark.parametrize(("cme", "cms", "kind", "words"), [
    (12, 316, NoSim, ("SIM cần mã PUK", "SIM PUK required")),
    (30, 331, NoNetwork, ("không có sóng/mạng", "no network service")),
    (3, 302, ModemError, ("thao tác không được phép", "operation not allowed")),
])
def test_a_cme_code_reads_as_its_cms_twin(cme, cms, kind, words):
    modem = cme_error(cme)
    assert type(modem) is kind and modem.code == cme
    assert (modem.vi, modem.en) == (f"Lỗi modem: {words[0]} (CME {cme})",
                                    f"Modem error: {words[1]} (CME {cme})")
    assert cms_error(cms).vi == f"Lỗi gửi tin nhắn: {words[0]} (CMS {cms})"



def test_close_wakes_the_reader_blocked_in_a_read(quiet_port):
    channel = AtChannel("quiet", opener=quiet_port)
    channel.open()
    reader = channel._reader
    channel.close()
    assert not reader.is_alive()  # not left reading: the read was cancelled, not waited out
