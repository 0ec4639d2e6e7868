"""LedCounterDisplay against the simulated MCLED/1 board on a real pty."""

import time

import pytest

from drivers.displays import (
    DisplayDisconnected,
    DisplayGarbled,
    DisplayNotResponding,
    DisplayRejected,
)
from drivers.displays.fake import FakeLedBoard
from drivers.displays.led_counter import LedCounterDisplay
from tests.drivers.waiting import wait_until


def test_a_call_shows_ticket_and_counter(board, led):
    led.show_call("A012")
    assert board.display == ["      A012      ", "     QUAY 3     "]
    assert board.call == ("A012", 3)
    assert board.blink == 5


def test_a_call_to_another_counter_and_vietnamese_in_tickets(board, led):
    led.show_call("Đ-007", counter=12)
    assert board.call == ("D-007", 12)


def test_text_is_folded_and_fills_every_row(board, led):
    led.show_text("Tạm nghỉ\nXin lỗi quý khách")
    assert [r.rstrip() for r in board.display] == ["Tam nghi", "Xin loi quy khach"[:16]]
    led.show_text("Một dòng")
    assert [r.rstrip() for r in board.display] == ["Mot dong", ""]


def test_clear_pattern_brightness_and_ping(board, led):
    led.show_call("A012")
    led.test_pattern()
    assert board.display == ["#" * 16] * 2
    led.clear()
    assert board.display == [" " * 16] * 2
    assert board.call is None
    led.set_brightness(2)
    assert board.brightness == 2
    assert led.ping()
    with pytest.raises(ValueError):
        led.set_brightness(9)


def test_silence_raises_not_responding_in_vietnamese_then_english(board, led):
    led.timeout = 0.05  # waited out in full on every attempt
    board.inject("silent")
    started = time.monotonic()
    with pytest.raises(DisplayNotResponding) as err:
        led.show_call("A012")
    assert str(err.value).startswith(
        "Bảng LED quầy 3 không phản hồi / Counter 3 LED display not responding")
    assert err.value.vi == "Bảng LED quầy 3 không phản hồi"
    assert 0.14 < time.monotonic() - started < 1.5  # 3 attempts × 0.05 s
    assert not led.ping()


def test_a_transient_fault_is_retried(board, led):
    board.inject("busy", times=2)
    led.show_call("A013")
    assert board.call == ("A013", 3)


def test_a_lost_ack_retransmission_is_not_executed_twice(board, led):
    board.inject("garble", times=1)
    led.show_call("A014")
    assert [f.command for f in board.frames] == ["C"]


def test_nak_on_every_attempt_raises_rejected_with_the_reason(board, led):
    board.inject("busy")
    with pytest.raises(DisplayRejected) as err:
        led.clear()
    assert err.value.code == "4"
    assert "đang bận (mã 4)" in err.value.vi
    assert "busy (code 4)" in err.value.en


def test_garbled_answers_raise_garbled(board, led):
    led.timeout = 0.05  # no reply ever matches: waited out on every attempt
    board.inject("garble")
    with pytest.raises(DisplayGarbled) as err:
        led.clear()
    assert "không hợp lệ" in err.value.vi


def test_unplugged_then_replugged(board, led):
    led.show_call("A001")
    board.unplug()
    with pytest.raises(DisplayDisconnected) as err:
        led.show_call("A002")
    assert err.value.vi.startswith("Bảng LED quầy 3 mất kết nối")
    board.replug()  # the same by-id name comes back: the next call reopens it
    led.show_call("A003")
    assert board.call == ("A003", 3)


def test_a_board_ignores_frames_for_other_addresses(board):
    with LedCounterDisplay(board.port_name, counter=4, timeout=0.05, retries=0) as other, \
            pytest.raises(DisplayNotResponding):
        other.show_call("B001")
    assert board.frames == []


def test_broadcast_is_executed_and_not_waited_for(board):
    with LedCounterDisplay(board.port_name, address=0, timeout=5) as everyone:
        started = time.monotonic()
        everyone.test_pattern()
        assert time.monotonic() - started < 1
    assert wait_until(lambda: board.pattern)


def test_corrupted_frames_are_nakd_and_resent(board, led):
    # The driver's first frame is corrupted on the wire: the board NAKs it (reason 1).
    original = led.link.write
    sent = []

    def noisy(data):
        sent.append(data)
        original(data[:5] + bytes([data[5] ^ 0x20]) + data[6:] if len(sent) == 1 else data)

    led.link.write = noisy
    led.show_call("A015")
    assert len(sent) == 2
    assert board.rejected[0].reason == "1"
    assert board.call == ("A015", 3)


def test_one_row_board():
    with FakeLedBoard(address=1, rows=1, width=12) as small, \
            LedCounterDisplay(small.port_name, counter=1, rows=1, timeout=0.1) as led:
        led.show_call("A012")
        assert small.display == ["A012 > 1    "]


def test_show_call_without_any_counter_is_a_programming_error(board):
    with LedCounterDisplay(board.port_name, address=3) as led, pytest.raises(ValueError):
        led.show_call("A012")


def test_port_that_never_existed():
    with LedCounterDisplay("/dev/ttyNOPE9", counter=2) as led, \
            pytest.raises(DisplayDisconnected) as err:
        led.clear()
    assert "Counter 2 LED display disconnected (port /dev/ttyNOPE9" in str(err.value)
