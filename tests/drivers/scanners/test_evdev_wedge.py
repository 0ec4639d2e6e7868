import logging
import os
import string
import time

import pytest
from evdev import InputEvent, categorize, ecodes

from drivers.scanners import evdev_wedge
from drivers.scanners.evdev_wedge import DeviceMatch, EvdevWedgeScanner, KeyDecoder, find_device
from drivers.scanners.fake import FakeInputDevice, UInputScanner, key_events
from tests.drivers.waiting import wait_until

QR_TEXT = "000.00.06.H56-261123-0007/48213907"
COMPACT = "01261123000748213907"
URL = "https://motcua.gov.vn/L/000.00.06.H56-261123-0007/48213907?x=1&y=[2]"


def decode_all(events, decoder=None):
    decoder = decoder or KeyDecoder()
    return [text for text in map(decoder.feed, events) if text is not None]


def key(code, value, at=1000.0):
    sec, usec = divmod(round(at * 1e6), 1_000_000)
    return InputEvent(sec, usec, ecodes.EV_KEY, code, value)


# --- turning key events into text ----------------------------------------------------------

@pytest.mark.parametrize("text", [QR_TEXT, COMPACT, URL, "lower and UPPER", "x"])
def test_key_events_decode_to_the_exact_text(text):
    assert decode_all(key_events(text)) == [text]


def test_every_printable_ascii_character_survives_the_us_layout():
    text = "".join(c for c in string.printable if c not in "\t\n\r\x0b\x0c")
    assert decode_all(key_events(text)) == [text]


def test_consecutive_scans_are_separate():
    events = key_events("A1", start=10) + key_events("B2", start=10.2)
    assert decode_all(events) == ["A1", "B2"]


def test_categorized_events_decode_too():
    assert decode_all(categorize(e) for e in key_events(COMPACT)) == [COMPACT]


def test_right_shift_and_plain_objects_with_type_code_value_work():
    class Ev:  # categorize()-like objects from other sources have no timestamp
        def __init__(self, code, value):
            self.type, self.code, self.value = ecodes.EV_KEY, code, value

    seq = [Ev(ecodes.KEY_RIGHTSHIFT, 1), Ev(ecodes.KEY_H, 1), Ev(ecodes.KEY_RIGHTSHIFT, 0),
           Ev(ecodes.KEY_5, 1), Ev(ecodes.KEY_6, 1), Ev(ecodes.KEY_KPENTER, 1)]
    assert decode_all(seq) == ["H56"]


def test_shift_held_with_autorepeat_stays_down_and_key_repeats_are_ignored():
    seq = [key(ecodes.KEY_LEFTSHIFT, 1), key(ecodes.KEY_LEFTSHIFT, 2), key(ecodes.KEY_A, 1),
           key(ecodes.KEY_A, 2), key(ecodes.KEY_A, 0), key(ecodes.KEY_LEFTSHIFT, 0),
           key(ecodes.KEY_A, 1), key(ecodes.KEY_ENTER, 1)]
    assert decode_all(seq) == ["Aa"]


def test_keypad_digits_and_caps_lock():
    seq = [key(ecodes.KEY_KP0, 1), key(ecodes.KEY_KP7, 1), key(ecodes.KEY_KPDOT, 1),
           key(ecodes.KEY_CAPSLOCK, 1), key(ecodes.KEY_H, 1), key(ecodes.KEY_1, 1),
           key(ecodes.KEY_LEFTSHIFT, 1), key(ecodes.KEY_H, 1), key(ecodes.KEY_ENTER, 1)]
    assert decode_all(seq) == ["07.H1h"]


def test_non_key_events_and_unknown_keys_are_ignored():
    seq = [InputEvent(1000, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 458756), key(ecodes.KEY_F1, 1),
           key(ecodes.KEY_LEFTCTRL, 1), key(ecodes.KEY_B, 1), key(ecodes.KEY_ENTER, 1)]
    assert decode_all(seq) == ["b"]


def test_enter_alone_is_not_a_scan():
    assert decode_all([key(ecodes.KEY_ENTER, 1), key(ecodes.KEY_ENTER, 0)]) == []


def test_a_fragment_followed_by_a_long_pause_is_dropped():
    fragment = key_events("000.00", start=5.0)[:-4]  # cut before Enter: unplugged mid-scan
    assert decode_all(fragment + key_events(COMPACT, start=9.0)) == [COMPACT]


def test_tab_can_be_the_terminator():
    events = key_events(COMPACT, terminator=ecodes.KEY_TAB)
    assert decode_all(events, KeyDecoder(terminators=[ecodes.KEY_TAB])) == [COMPACT]


def test_runaway_input_is_capped():
    decoder = KeyDecoder(max_length=8)
    assert decode_all(key_events("1234567890"), decoder) == ["12345678"]


# --- finding the device --------------------------------------------------------------------

def test_device_match_by_name_ids_and_path(tmp_path):
    dev = FakeInputDevice(name="Honeywell Imaging 1900", vid=0x0C2E, pid=0x0B61,
                          path=str(tmp_path / "event7"))
    (tmp_path / "event7").touch()
    os.symlink(tmp_path / "event7", tmp_path / "usb-Honeywell-event-kbd")
    try:
        assert DeviceMatch(name="honeywell").matches(dev)
        assert DeviceMatch(vid=0x0C2E, pid=0x0B61).matches(dev)
        assert DeviceMatch(path=str(tmp_path / "usb-Honeywell-event-kbd")).matches(dev)
        assert not DeviceMatch(name="honeywell", pid=0x1234).matches(dev)
        assert not DeviceMatch(name="Zebra").matches(dev)
    finally:
        dev.close()


def test_an_empty_match_is_refused():
    with pytest.raises(ValueError, match="name, vid/pid or path"):
        DeviceMatch()


def test_find_device_skips_non_keyboard_interfaces_and_closes_them(monkeypatch):
    consumer = FakeInputDevice(path="/dev/input/event3")
    consumer.capabilities = lambda: {ecodes.EV_KEY: [ecodes.KEY_VOLUMEUP]}
    keyboard = FakeInputDevice(path="/dev/input/event4")
    other = FakeInputDevice(name="AT Translated Set 2 keyboard", path="/dev/input/event0")
    devices = {d.path: d for d in (other, consumer, keyboard)}
    monkeypatch.setattr(evdev_wedge, "list_devices", lambda: list(devices))
    monkeypatch.setattr(evdev_wedge, "InputDevice", devices.__getitem__)
    try:
        assert find_device(DeviceMatch(name="barcode")) is keyboard
        assert other.closed and consumer.closed and not keyboard.closed
    finally:
        keyboard.close()


def test_find_device_on_this_machine_returns_none_for_an_absent_scanner():
    assert find_device(DeviceMatch(name="no such scanner 4f1c")) is None


# --- the scanner thread --------------------------------------------------------------------

class Bus:
    """The USB bus for the driver's finder: which fake device is plugged in right now."""

    def __init__(self, *devices):
        self.devices = list(devices)
        self.lookups = 0

    def find(self, match):
        self.lookups += 1
        return self.devices.pop(0) if self.devices else None


POLL = 0.02  # stop() is noticed this soon; test_stop_is_prompt_... keeps the default


def test_scans_are_read_grabbed_and_deduplicated(collected):
    dev = FakeInputDevice()
    scanner = EvdevWedgeScanner(DeviceMatch(name="barcode"), collected, finder=Bus(dev).find,
                                poll_interval=POLL)
    with scanner:
        assert wait_until(lambda: dev.grabbed)
        for text in (QR_TEXT, QR_TEXT, COMPACT):
            dev.type(text)
        assert wait_until(lambda: len(collected) == 2)
        assert scanner.connected
    assert [s.text for s in collected] == [QR_TEXT, COMPACT]
    assert collected[0].source == "evdev:/dev/input/event99"
    assert dev.closed and not dev.grabbed


def test_reconnects_after_unplug(collected, caplog):
    caplog.set_level(logging.INFO, logger="drivers.scanners.base")
    first, second = FakeInputDevice(), FakeInputDevice()
    bus = Bus(first)
    scanner = EvdevWedgeScanner(DeviceMatch(vid=0x0C2E, pid=0x0B61), collected,
                                finder=bus.find, retry_interval=0.02, poll_interval=POLL)
    with scanner:
        assert wait_until(lambda: first.grabbed)
        first.type("BEFORE")
        assert wait_until(lambda: len(collected) == 1)
        first.unplug()
        assert wait_until(lambda: not scanner.connected)
        assert wait_until(lambda: "read failed: No such device" in caplog.text)
        lookups = bus.lookups
        assert wait_until(lambda: bus.lookups > lookups + 2)  # keeps looking while absent
        bus.devices.append(second)
        assert wait_until(lambda: second.grabbed and scanner.connected)
        second.type("AFTER")
        assert wait_until(lambda: len(collected) == 2)
    assert [s.text for s in collected] == ["BEFORE", "AFTER"]
    assert first.closed and second.closed


def test_a_device_grabbed_by_another_program_is_retried(collected):
    busy, free = FakeInputDevice(busy=True), FakeInputDevice()
    scanner = EvdevWedgeScanner(DeviceMatch(name="barcode"), collected,
                                finder=Bus(busy, free).find, retry_interval=0.02,
                                poll_interval=POLL)
    with scanner:
        assert wait_until(lambda: free.grabbed)
        assert busy.closed
        free.type(COMPACT)
        assert wait_until(lambda: len(collected) == 1)


def test_stop_is_prompt_while_waiting_for_keys():
    dev = FakeInputDevice()
    scanner = EvdevWedgeScanner(DeviceMatch(name="barcode"), finder=Bus(dev).find).start()
    assert wait_until(lambda: dev.grabbed)
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert not scanner.running and dev.closed


def test_real_uinput_device_is_found_grabbed_and_read(collected):
    ok, why = UInputScanner.available()
    if not ok:
        pytest.skip(f"no uinput here: {why}; the same driver path is covered with fake devices")
    virtual = UInputScanner(name="motcua test scanner 7d2e")
    scanner = EvdevWedgeScanner(DeviceMatch(name="motcua test scanner 7d2e"), collected,
                                retry_interval=0.1)
    try:
        with scanner:
            assert wait_until(lambda: scanner.connected, timeout=5)
            virtual.type(QR_TEXT)
            virtual.type(COMPACT)
            assert wait_until(lambda: len(collected) == 2, timeout=5)
    finally:
        virtual.close()
    assert [s.text for s in collected] == [QR_TEXT, COMPACT]
