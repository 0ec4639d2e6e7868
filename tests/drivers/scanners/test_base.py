import threading

from drivers.scanners.base import DuplicateFilter, ScanEvent
from drivers.scanners.fake import FakeScanner
from tests.drivers.waiting import wait_until


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_duplicate_filter_holds_back_a_code_while_it_keeps_being_seen():
    clock = Clock()
    seen = DuplicateFilter(window=2.0, clock=clock)
    assert seen.accept("A")
    for _ in range(5):  # held in front of the camera for 7.5 s, read every 1.5 s
        clock.now += 1.5
        assert not seen.accept("A")
    clock.now += 2.5  # taken away, shown again
    assert seen.accept("A")


def test_duplicate_filter_lets_other_codes_through():
    seen = DuplicateFilter(window=2.0, clock=Clock())
    assert seen.accept("A")
    assert seen.accept("B")
    assert not seen.accept("A")


def test_texts_read_together_count_as_one_code():
    clock = Clock()
    seen = DuplicateFilter(window=2.0, clock=clock)
    assert seen.accept("QR-TEXT", "01261123000748213907")
    clock.now += 1.0
    assert not seen.accept("01261123000748213907")  # the same receipt's Code 128, next frame


def test_scan_event_reads_as_its_text():
    scan = ScanEvent("000.00.06.H56-261123-0007", "fake")
    assert str(scan) == scan.text
    assert scan.symbology is None


def test_callback_receives_each_new_scan_once(collected):
    with FakeScanner(collected) as scanner:
        assert scanner.scan("A", "QRCode")
        assert not scanner.scan("A")
        assert scanner.scan("B")
    assert [(s.text, s.symbology, s.source) for s in collected] == [
        ("A", "QRCode", "fake"), ("B", None, "fake")]


def test_without_callback_scans_are_read_or_iterated():
    scanner = FakeScanner().start()
    try:
        scanner.scan("A")
        scanner.scan("B")
        assert scanner.read(timeout=1).text == "A"
        assert [s.text for s in scanner.scans(timeout=0.05)] == ["B"]
        assert scanner.read(timeout=0.01) is None
    finally:
        scanner.stop()


def test_unread_scans_keep_only_the_newest():
    scanner = FakeScanner(dedupe_window=0)
    scanner._queue.maxsize = 3
    for n in range(10):
        scanner.scan(str(n))
    assert [s.text for s in scanner.scans(timeout=0.01)] == ["7", "8", "9"]


def test_a_failing_callback_does_not_stop_the_scanner():
    def boom(scan):
        raise RuntimeError("app bug")

    with FakeScanner(boom) as scanner:
        assert scanner.scan("A")
        assert scanner.running


def test_start_stop_is_clean_and_repeatable():
    scanner = FakeScanner()
    for _ in range(3):
        scanner.start()
        assert wait_until(lambda: scanner.connected)
        scanner.stop()
        assert not scanner.running
        assert not scanner.connected
    assert threading.active_count() < 50


def test_iterating_ends_when_the_scanner_stops():
    scanner = FakeScanner().start()
    threading.Timer(0.05, scanner.stop).start()
    assert list(scanner.scans(poll=0.02)) == []


def test_zero_window_reports_every_read():
    seen = DuplicateFilter(window=0.0)
    assert seen.accept("A")
    assert seen.accept("A")


def test_forgetting_a_code_lets_it_and_its_other_symbol_through_at_once():
    clock = Clock()
    seen = DuplicateFilter(window=2.0, clock=clock)
    assert seen.accept("QR-TEXT", "01261123000748213907")
    assert not seen.accept("01261123000748213907")
    seen.forget("QR-TEXT")  # its lookup never got an answer: the receipt is read again
    assert seen.accept("01261123000748213907")  # its Code 128 alone, next frame
    assert not seen.accept("QR-TEXT", "01261123000748213907")


def test_still_seen_keeps_the_last_code_held_back_without_a_new_read():
    clock = Clock()
    seen = DuplicateFilter(window=2.0, clock=clock)
    assert seen.accept("A")
    for _ in range(10):  # 15 s of frames too alike to decode: the receipt is still there
        clock.now += 1.5
        seen.still_seen()
    assert not seen.accept("A")
    seen.forget("A")
    seen.still_seen()  # a forgotten code is not brought back by a still frame
    assert seen.accept("A")


def test_the_filter_keeps_no_code_in_memory():
    seen = DuplicateFilter(window=60.0)
    seen.accept("000.00.06.H56-261123-0007/48213907")
    kept = [*seen._seen, *seen._last, *(g for _at, g in seen._seen.values())]
    assert kept and not any(isinstance(k, str) for k in kept)
    assert b"48213907" not in b"".join(k for k in seen._seen)
