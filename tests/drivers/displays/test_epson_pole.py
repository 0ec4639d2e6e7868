"""EpsonPoleDisplay: golden bytes, and the screen a citizen reads on the simulated VFD."""

import pytest

from drivers.displays import DisplayDisconnected, DisplayNotResponding, FakeQueueDisplay
from drivers.displays.epson_pole import EpsonPoleDisplay, brightness, move_to
from drivers.displays.fake import PoleParser, PoleState
from tests.drivers.waiting import wait_until

INIT = bytes.fromhex("1B40 1F01 1F4300")


class Recorder:
    """A pyserial stand-in that keeps the bytes, for golden-byte tests."""

    def __init__(self, *args, **kwargs):
        self.data = bytearray()

    def write(self, data):
        self.data += data

    def flush(self):
        pass

    def close(self):
        pass


def recorded(action):
    ports = []

    def opener(*args, **kwargs):
        ports.append(Recorder())
        return ports[-1]

    display = EpsonPoleDisplay("/dev/null", counter=3, opener=opener)
    action(display)
    return bytes(ports[0].data)


def test_show_call_golden_bytes():
    data = recorded(lambda d: d.show_call("A012"))
    assert data == (INIT + bytes.fromhex("1F240101") + b"  Xin moi so A012   "
                    + bytes.fromhex("1F240102") + b"   Den quay so 3    ")


def test_init_is_sent_once_per_opening():
    data = recorded(lambda d: (d.clear(), d.clear()))
    assert data == INIT + b"\x0c\x0c"


def test_command_helpers():
    assert move_to(20, 2) == b"\x1f$\x14\x02"
    assert brightness(4) == b"\x1fX\x04"
    with pytest.raises(ValueError):
        brightness(5)


def rows_become(device, expected):
    return wait_until(lambda: device.rows == expected)


def test_call_on_the_simulated_display(pole_device, pole):
    pole.show_call("A012")
    assert rows_become(pole_device, ["  Xin moi so A012   ", "   Den quay so 3    "])
    assert not pole_device.state.cursor_visible
    assert pole_device.state.unknown == []


def test_vietnamese_text_is_shown_without_diacritics(pole_device, pole):
    pole.show_text("Cảm ơn quý khách đã đến làm thủ tục")
    assert rows_become(pole_device, ["Cam on quy khach da ", "  den lam thu tuc   "])


def test_clear_pattern_brightness(pole_device, pole):
    pole.show_call("A012")
    pole.test_pattern()
    assert rows_become(pole_device, ['!"#$%&\'()*+,-./01234', "56789:;<=>?@ABCDEFGH"])
    pole.set_brightness(2)
    pole.clear()
    assert rows_become(pole_device, [" " * 20] * 2)
    assert pole_device.state.brightness == 2
    assert pole.ping()


def test_garbled_line_shows_junk_not_the_text(pole_device, pole):
    pole_device.inject("garble")
    pole.show_text("Xin chao")
    assert wait_until(lambda: len(pole_device.received) > 20)
    assert "Xin chao" not in "".join(pole_device.rows)


def test_a_display_that_is_off_shows_nothing_and_the_driver_cannot_tell(pole_device, pole):
    pole_device.inject("silent")
    pole.show_text("Xin chao")  # one-way protocol: no error possible
    assert pole_device.rows == [" " * 20] * 2


def test_unplug_raises_bilingual_and_replug_reinitialises(pole_device, pole):
    pole.show_text("one")
    assert wait_until(lambda: pole_device.rows[0].strip() == "one")
    pole_device.unplug()
    with pytest.raises(DisplayDisconnected) as err:
        pole.show_text("two")
    assert err.value.vi.startswith("Màn hình khách hàng quầy 3 mất kết nối")
    assert err.value.en.startswith("Counter 3 customer display disconnected")
    assert not pole.ping()
    pole_device.replug()
    pole.show_text("three")
    assert wait_until(lambda: pole_device.rows[0].strip() == "three")


def feed(data, width=20, rows=2):
    state = PoleState(width, rows)
    PoleParser(state).feed(data)
    return state


def test_parser_wraps_in_overwrite_mode_and_scrolls_in_vertical_mode():
    text = b"A" * 20 + b"B" * 20 + b"C"
    assert feed(text).text() == ["C" + "A" * 19, "B" * 20]
    assert feed(b"\x1f\x02" + text).text() == ["B" * 20, "C" + " " * 19]


def test_parser_controls_and_sequences_split_across_reads():
    state = PoleState()
    parser = PoleParser(state)
    for byte in b"\x1b@hello\x1f$\x03\x02XY\x08Z\x0d>\x0b*\x1f":
        parser.feed(bytes([byte]))
    parser.feed(b"@\x1b\x74\x10\x1bq")
    assert state.text() == ["*ello" + " " * 15, "> XZ" + " " * 16]
    assert state.self_tests == 1
    assert state.unknown == [b"\x1bq"]


def test_parser_can_clears_the_current_row():
    assert feed(b"abc\n\rdef\x18g").text() == ["abc" + " " * 17, "g" + " " * 19]


def test_fake_queue_display_records_and_fails_on_demand():
    display = FakeQueueDisplay(counter=2)
    display.show_call("A001")
    display.show_text("a\nb")
    assert display.lines == ["a", "b"]
    assert display.history == [("call", "A001", 2), ("text", "a\nb")]
    display.fail = DisplayNotResponding("Bảng quầy 2 không phản hồi", "not responding")
    assert not display.ping()
    with pytest.raises(DisplayNotResponding):
        display.clear()
