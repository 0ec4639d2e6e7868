"""Status decoding and every injectable fault, end to end through the driver."""

from __future__ import annotations

import socket
import time

import pytest

from drivers.message import Message
from drivers.printers import (
    Document,
    EscposPrinter,
    Faults,
    NetworkConnection,
    PrinterError,
    Text,
    VirtualPrinter,
    parse_status,
)
from drivers.printers.base import MESSAGES
from drivers.printers.fake import VirtualConnection

from .conftest import profile, receipt_document


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}, {}),
        ({1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}, {"online": False}),
        ({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, {"online": False, "cover_open": True}),
        ({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}, {"online": False, "paper_out": True}),
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}, {"paper_near_end": True}),
        ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, {"online": False, "error": True}),
    ],
)
def test_status_bytes_map_to_printer_status(raw, expected):
    status = parse_status(raw)
    flags = {"online": True, "paper_near_end": False, "paper_out": False, "cover_open": False,
             "error": False, **expected}
    assert {k: getattr(status, k) for k in flags} == flags


@pytest.mark.parametrize(
    ("fault", "n", "reply"),
    [
        (Faults(), 1, 0x12), (Faults(offline=True), 1, 0x1A),
        (Faults(cover_open=True), 2, 0x16), (Faults(paper_out=True), 2, 0x32),
        (Faults(paper_out=True), 4, 0x72), (Faults(paper_near_end=True), 4, 0x1E),
        (Faults(cutter_error=True), 3, 0x1A), (Faults(cutter_error=True), 2, 0x52),
    ],
)
def test_virtual_printer_answers_dle_eot(fault, n, reply):
    printer = VirtualPrinter(faults=fault)
    assert printer.feed(b"\x10\x04" + bytes([n])) == bytes([reply])


def test_gs_r_paper_sensor():
    printer = VirtualPrinter(faults=Faults(paper_near_end=True))
    assert printer.feed(b"\x1dr\x01") == b"\x03"


def test_ready_printer_job_is_verified(vprinter):
    printer, driver = vprinter
    status = driver.status()
    assert status.ready and status.reason is None and status.raw[1] == 0x12
    result = driver.print_document(Document([Text("Xin chào")]))
    assert result.ok and result.verified and result.reason is None
    assert result.before.ready and result.after.ready
    assert printer.receipts[-1].lines == ["Xin chào"]


def test_paper_out_mid_job_fails_with_reason(vprinter):
    printer, driver = vprinter
    printer.faults.paper_out_after_rows = 5
    result = driver.print_document(receipt_document())
    assert not result.ok and result.code == "paper_out"
    assert result.reason == Message(
        "Máy in hết giấy giữa chừng, phiếu in chưa xong",
        "Printer ran out of paper during the job; the receipt is incomplete", "error")
    assert result.reason.key == "paper_out_mid_job"
    assert result.before.ready and result.after.paper_out and not result.after.online
    (receipt,) = printer.receipts
    assert not receipt.complete and len(receipt.lines) == 5
    assert receipt.path.name.endswith("-incomplete.png")
    # the next job is refused up front, nothing is sent
    sent = printer.bytes_received
    again = driver.print_document(receipt_document())
    assert not again.ok and again.bytes_sent == 0
    assert again.reason == Message("Máy in hết giấy", "Printer out of paper", "error")
    assert printer.bytes_received - sent == 12  # only the four DLE EOT requests
    printer.load_paper()
    assert driver.print_document(receipt_document()).ok
    assert printer.receipts[-1].complete


def test_paper_out_after_bytes(vprinter):
    printer, driver = vprinter
    printer.faults.paper_out_after_bytes = 300
    result = driver.print_document(receipt_document())
    assert not result.ok and result.code == "paper_out"
    assert not printer.receipts[-1].complete


@pytest.mark.parametrize(
    ("faults", "code", "text"),
    [
        (Faults(offline=True), "offline", "Máy in đang ngoại tuyến / Printer is offline"),
        (Faults(cover_open=True), "cover_open", "Nắp máy in đang mở / Printer cover is open"),
        (Faults(paper_out=True), "paper_out", "Máy in hết giấy / Printer out of paper"),
        (Faults(cutter_error=True), "error", "Máy in báo lỗi"),
    ],
)
def test_not_ready_printer_refuses_job(tmp_path, faults, code, text):
    prof = profile(58)
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path, faults=faults)
    result = EscposPrinter(printer.connection(), prof).print_document(receipt_document())
    assert not result.ok and result.code == code and str(result.reason).startswith(text)
    assert result.bytes_sent == 0 and not printer.receipts


def test_cover_opened_during_job(vprinter):
    printer, driver = vprinter
    original = printer.on_row

    def open_cover_after_three_rows():
        original()
        if len(printer.lines) == 3:
            printer.faults.cover_open = True

    printer.on_row = open_cover_after_three_rows
    result = driver.print_document(receipt_document())
    assert not result.ok and result.code == "cover_open"
    assert result.reason.vi.startswith("Máy in không sẵn sàng sau khi in")
    assert result.reason.vi.endswith(": Nắp máy in đang mở")
    assert result.reason.en.endswith(": Printer cover is open")


def test_paper_near_end_prints_but_says_so(vprinter):
    printer, driver = vprinter
    printer.faults.paper_near_end = True
    result = driver.print_document(receipt_document())
    assert result.ok and result.verified and result.after.paper_near_end
    assert result.code is None
    assert result.reason == Message("Giấy in sắp hết", "Paper is nearly out", "warn")
    assert MESSAGES["paper_near_end"] == ("Giấy in sắp hết", "Paper is nearly out")


def test_mute_printer_is_no_response_not_success(vprinter):
    printer, driver = vprinter
    printer.faults.mute = True
    result = driver.print_document(receipt_document())
    assert not result.ok and result.code == "no_response"
    assert result.reason.vi.startswith("Máy in không phản hồi")
    assert result.reason.en.startswith("Printer does not respond")
    with pytest.raises(PrinterError, match="không phản hồi"):
        driver.status()


def test_network_printer_that_never_answers_fails_fast():
    """A peer that accepts the connection but never replies (python-escpos would block)."""
    silent = socket.create_server(("127.0.0.1", 0))
    try:
        conn = NetworkConnection(*silent.getsockname(), timeout=2)
        driver = EscposPrinter(conn, profile(58), status_timeout=0.1)
        started = time.monotonic()
        result = driver.print_document(receipt_document())
        assert time.monotonic() - started < 1.5
        assert not result.ok and result.code == "no_response" and result.bytes_sent == 0
        assert result.reason.vi.endswith("(chờ 0.1 giây)")
        assert result.reason.en == "Printer does not respond (waited 0.1 s)"
        driver.close()
    finally:
        silent.close()


def test_connection_refused_is_explained():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    driver = EscposPrinter(NetworkConnection("127.0.0.1", port, timeout=1), profile(58))
    result = driver.print_document(receipt_document())
    assert not result.ok and result.code == "connect"
    assert result.reason.vi.startswith(f"Không kết nối được máy in mạng 127.0.0.1:{port}")
    assert result.reason.en.startswith(f"Cannot connect to the network printer 127.0.0.1:{port}")


def test_slow_printer_within_and_beyond_patience(tmp_path):
    prof = profile(58, "cp1258")
    doc = receipt_document(12)
    size = len(EscposPrinter(VirtualPrinter().connection(), prof).compile(doc))
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path,
                                          faults=Faults(bytes_per_second=size / 0.2))
    with printer.serve() as server:
        with EscposPrinter(NetworkConnection(*server.address), prof, status_timeout=2) as d:
            result = d.print_document(doc)
        assert result.ok and result.verified and result.seconds >= 0.18
        printer.faults.bytes_per_second = size / 5  # the job now takes 5 s
        with EscposPrinter(NetworkConnection(*server.address), prof, status_timeout=0.15) as d:
            started = time.monotonic()
            result = d.print_document(doc)
        assert not result.ok and result.code == "no_response"
        assert time.monotonic() - started < 2


class NoGsRPrinter(VirtualPrinter):
    """A printer that answers DLE EOT but ignores GS r (some clones do)."""

    def _transmit_status(self, n, replies):
        pass


def test_printer_without_gs_r_prints_unverified_and_stops_waiting():
    prof = profile(58)
    printer = NoGsRPrinter.from_profile(prof)
    driver = EscposPrinter(printer.connection(), prof, finish_timeout=0.3)
    started = time.monotonic()
    first = driver.print_document(receipt_document(10))
    assert first.ok and not first.verified and time.monotonic() - started >= 0.3
    started = time.monotonic()
    second = driver.print_document(receipt_document(10))
    assert second.ok and not second.verified and time.monotonic() - started < 0.2
    assert len(printer.receipts) == 2


class WaitCountingConnection(VirtualConnection):
    """Reads as a socket does: with nothing to read, the whole timeout is waited (counted)."""

    waited = 0.0

    def read(self, size: int, timeout: float) -> bytes:
        data = super().read(size, timeout)
        if not data:
            self.waited += timeout
        return data


def test_a_job_ends_when_the_gs_r_reply_comes_not_after_a_wait():
    printer = VirtualPrinter.from_profile(profile(58))
    conn = WaitCountingConnection(printer)
    result = EscposPrinter(conn, profile(58)).print_document(receipt_document())
    assert result.ok and result.verified
    assert conn.waited == 0.0  # every reply was there: nothing was waited out
