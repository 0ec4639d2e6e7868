import logging

import pytest
import serial

from drivers.scanners.fake import FakeSerialScanner
from drivers.scanners.serial_scanner import LineSplitter, SerialScanner, parse_terminator
from tests.drivers.waiting import wait_until

QR_TEXT = "000.00.06.H56-261123-0007/48213907"
COMPACT = "01261123000748213907"


# --- splitting the byte stream --------------------------------------------------------------

@pytest.mark.parametrize(("name", "raw"), [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n"),
                                           ("crlf", b"\r\n"), (b"\x03", b"\x03")])
def test_terminator_names(name, raw):
    assert parse_terminator(name) == raw


def test_codes_arriving_in_pieces_are_joined():
    lines = LineSplitter(b"\r")
    assert lines.feed(b"0126112300") == []
    assert lines.feed(b"0748213907\r000.00.06.H56-2611") == [COMPACT]
    assert lines.feed(b"23-0007/48213907\r") == [QR_TEXT]


def test_crlf_scanner_on_a_cr_setting_and_blank_lines():
    lines = LineSplitter(b"\r")
    assert lines.feed(b"A\r\nB\r\n\r\r") == ["A", "B"]


def test_lf_terminator():
    assert LineSplitter(b"\n").feed(b"A\nB\r\nC") == ["A", "B"]


def test_garbage_without_terminator_is_dropped():
    lines = LineSplitter(b"\r", max_length=16)
    assert lines.feed(b"x" * 40) == []
    assert lines.feed(b"OK\r") == ["OK"]


# --- a real serial line: pty pair ----------------------------------------------------------

@pytest.mark.parametrize("terminator", ["CR", "LF", "CRLF"])
def test_scans_over_a_pty(terminator, collected):
    device = FakeSerialScanner(terminator)
    scanner = SerialScanner(device.port_name, collected, terminator=terminator)
    try:
        with scanner:
            assert wait_until(lambda: scanner.connected)
            device.scan(QR_TEXT)
            device.scan(QR_TEXT)  # the same receipt again at once: reported once
            device.scan(COMPACT)
            assert wait_until(lambda: len(collected) == 2)
    finally:
        device.close()
    assert [s.text for s in collected] == [QR_TEXT, COMPACT]
    assert collected[0].source == f"serial:{device.port_name}"


def test_bytes_trickling_in_over_a_pty(collected):
    device = FakeSerialScanner("CR")
    try:
        with SerialScanner(device.port_name, collected, baudrate=115200) as scanner:
            assert wait_until(lambda: scanner.connected)
            for byte in COMPACT.encode() + b"\r":
                device.write(bytes([byte]))
            assert wait_until(lambda: len(collected) == 1)
    finally:
        device.close()
    assert collected[0].text == COMPACT


def test_hang_up_is_noticed_and_retried(caplog):
    caplog.set_level(logging.INFO, logger="drivers.scanners.base")
    device = FakeSerialScanner()
    scanner = SerialScanner(device.port_name, retry_interval=0.05)
    with scanner:
        assert wait_until(lambda: scanner.connected)
        device.unplug()
        assert wait_until(lambda: not scanner.connected)
        assert wait_until(lambda: "read failed" in caplog.text)
        assert wait_until(lambda: "cannot open" in caplog.text)  # the pty is gone for good
    assert not scanner.running


# --- pyserial's loop:// --------------------------------------------------------------------

def test_scans_over_loop_url(collected):
    port = serial.serial_for_url("loop://", timeout=0.2)
    device = FakeSerialScanner("CRLF", port=port)
    scanner = SerialScanner("loop://", collected, terminator="CRLF",
                            opener=lambda *a, **kw: port)
    with scanner:
        assert wait_until(lambda: scanner.connected)
        device.scan(COMPACT)
        device.scan("ĐƠN-Ư")  # non-ASCII survives as UTF-8
        assert wait_until(lambda: len(collected) == 2)
    assert [s.text for s in collected] == [COMPACT, "ĐƠN-Ư"]
    assert not port.is_open


def test_opens_loop_url_itself_and_waits_for_a_port_that_is_not_there_yet(collected):
    attempts = []
    port = serial.serial_for_url("loop://", timeout=0.2)

    def opener(url, **kwargs):
        attempts.append(url)
        if len(attempts) < 3:
            raise serial.SerialException(f"could not open port {url}: No such file")
        assert kwargs["baudrate"] == 9600 and kwargs["timeout"] > 0
        return port

    with SerialScanner("/dev/ttyACM0", collected, opener=opener, retry_interval=0.02) as scanner:
        assert wait_until(lambda: scanner.connected)
        port.write(COMPACT.encode() + b"\r")
        assert wait_until(lambda: len(collected) == 1)
    assert attempts == ["/dev/ttyACM0"] * 3


def test_default_opener_reads_loop_url():
    scanner = SerialScanner("loop://")
    with scanner:
        assert wait_until(lambda: scanner.connected)
    assert scanner.last_error is None


def test_stop_wakes_the_read_of_a_quiet_line(quiet_port):
    scanner = SerialScanner("quiet", opener=quiet_port).start()
    assert wait_until(lambda: scanner.connected)
    reader = scanner._thread
    scanner.stop()
    assert not reader.is_alive()  # the read was cancelled, not left blocking
