"""A printer shared by an app's threads: one job or status request at a time.

The kiosk and the counter both poll the printer's state while print jobs run on the same link;
their bytes must never interleave. The port also keeps what the apps show: the simulator behind
it (tests and demos look at its receipts) and the last problem seen. Raster printers keep the
bytes of the lines they have drawn (see rastercache.py), so a receipt's unchanging lines are
not drawn again.
"""

from __future__ import annotations

import contextlib
import threading

from .base import JobResult, PrinterError, PrinterProfile, PrinterStatus
from .document import Document
from .escpos import EscposPrinter
from .fake import VirtualPrinter


class PrinterPort:
    def __init__(self, printer: EscposPrinter, virtual: VirtualPrinter | None = None) -> None:
        self.printer = printer
        self.virtual = virtual  # set when the printer is simulated
        self.lock = threading.Lock()
        self.last_problem: str | None = None  # machine key, None when ready
        if printer.profile.text_encoding == "raster":
            printer.keep_raster_blocks()

    @property
    def profile(self) -> PrinterProfile:
        return self.printer.profile

    @property
    def can_read_status(self) -> bool:
        return self.printer.can_read_status

    def status(self) -> PrinterStatus | None:
        """Ask the printer; None when it cannot tell (write-only link). Records the problem."""
        with self.lock:
            if not self.printer.can_read_status:
                return None
            try:
                status = self.printer.status()
            except PrinterError as error:
                self.last_problem = error.code
                raise
        self.last_problem = status.problem
        return status

    def print_document(self, doc: Document) -> JobResult:
        with self.lock:
            result = self.printer.print_document(doc)
        self.last_problem = None if result.ok else (result.code or "error")
        return result

    def compile(self, doc: Document) -> bytes:
        return self.printer.compile(doc)

    def close(self) -> None:
        with self.lock, contextlib.suppress(PrinterError, OSError):
            self.printer.close()
