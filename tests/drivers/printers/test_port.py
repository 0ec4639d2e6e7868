"""The printer an app shares between its threads: jobs and status polls one at a time, the last
problem kept for the screen, and a raster printer's unchanging lines drawn once."""

from __future__ import annotations

import threading

from drivers.printers import (
    Cut,
    Document,
    EscposPrinter,
    PrinterPort,
    PrinterProfile,
    Text,
    VirtualPrinter,
    compile_document,
)


def ticket(number: int) -> Document:
    return Document([Text("Trung tâm Phục vụ hành chính công", align="center"),
                     Text(f"Số thứ tự A-{number:03d}", bold=True), Cut()])


def port_for(profile: PrinterProfile) -> PrinterPort:
    virtual = VirtualPrinter.from_profile(profile)
    return PrinterPort(EscposPrinter(virtual.connection(), profile), virtual)


def test_a_raster_printer_draws_shared_lines_once_and_sends_the_drivers_bytes():
    profile = PrinterProfile.for_paper(58, text_encoding="raster")
    port = port_for(profile)
    for number in (1, 2):
        assert port.compile(ticket(number)) == compile_document(ticket(number), profile)
        assert port.print_document(ticket(number)).ok
    assert port.printer.raster_cache.hits >= 2  # the header line, twice
    assert len(port.virtual.receipts) == 2


def test_a_text_mode_printer_keeps_no_raster_cache():
    port = port_for(PrinterProfile.for_paper(80, text_encoding="tcvn3"))
    assert port.printer.raster_cache is None


def test_the_last_problem_follows_the_printer():
    port = port_for(PrinterProfile.for_paper(80))
    port.virtual.faults.paper_out = True
    assert port.status().problem == port.last_problem == "paper_out"
    assert not port.print_document(ticket(1)).ok and port.last_problem == "paper_out"
    port.virtual.faults.paper_out = False
    assert port.status().ready and port.last_problem is None


def test_status_polls_never_cut_into_a_job():
    port = port_for(PrinterProfile.for_paper(58, text_encoding="tcvn3"))
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            port.status()

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        results = [port.print_document(ticket(n)) for n in range(1, 6)]
    finally:
        stop.set()
        poller.join(timeout=30)
    assert all(r.ok for r in results) and len(port.virtual.receipts) == 5
    assert [r.lines[-1] for r in port.virtual.receipts] == [
        f"Số thứ tự A-{n:03d}" for n in range(1, 6)]  # every line whole, none garbled
