"""The ESC/POS receipt-printer driver: documents in, honest job results out.

A job is: real-time status (DLE EOT 1-4) -> refuse if the printer is not ready -> the document
compiled for the profile, followed by GS r 1 -> wait for the GS r reply, which the printer only
sends once it has worked through everything before it (printed and cut); while waiting, poll
DLE EOT so that paper running out mid-job is reported at once -> status again.
"""

from __future__ import annotations

import time
from dataclasses import replace

from . import commands as cmd
from .base import Connection, JobResult, PrinterError, PrinterProfile, PrinterStatus, message
from .compiler import compile_document
from .document import Document
from .rastercache import RasterCache

STATUS_REQUESTS = (cmd.STATUS_PRINTER, cmd.STATUS_OFFLINE_CAUSE, cmd.STATUS_ERROR,
                   cmd.STATUS_PAPER)


def parse_status(raw: dict[int, int]) -> PrinterStatus:
    """Decode the DLE EOT 1/2/3/4 reply bytes (Epson bit assignments)."""
    printer, cause, error, paper = (raw.get(n, 0x12) for n in STATUS_REQUESTS)
    return PrinterStatus(
        online=not printer & 0x08,
        cover_open=bool(cause & 0x04),
        paper_out=bool(cause & 0x20) or paper & 0x60 == 0x60,
        error=bool(cause & 0x40) or bool(error & 0x68),
        paper_near_end=paper & 0x0C == 0x0C,
        raw=dict(raw),
    )


def is_status_reply(byte: int) -> bool:
    """DLE EOT replies have the fixed bits 0xx1xx10; GS r replies have bit 4 clear."""
    return byte & 0x93 == 0x12


class EscposPrinter:
    """One receipt printer: a :class:`Connection` plus a :class:`PrinterProfile`."""

    def __init__(self, connection: Connection, profile: PrinterProfile | None = None,
                 status_timeout: float = 1.0, finish_timeout: float = 10.0) -> None:
        self.connection = connection
        self.profile = profile or PrinterProfile()
        self.status_timeout = status_timeout
        self.finish_timeout = finish_timeout
        self._finished = False  # a GS r reply (end of job) has been seen
        self._gs_r_answered = True  # set False if this printer never answers GS r
        self.raster_cache: RasterCache | None = None

    def __enter__(self) -> EscposPrinter:
        self.connection.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    @property
    def can_read_status(self) -> bool:
        return self.profile.status and self.connection.readable

    # -- status ---------------------------------------------------------------------------
    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 3, 4); raise PrinterError if it does not answer."""
        if not self.can_read_status:
            raise PrinterError("no_status", "Máy in này không báo trạng thái",
                               "This printer connection reports no status")
        self._drain()
        self.connection.write(b"".join(cmd.status_request(n) for n in STATUS_REQUESTS))
        replies = self._read_status_bytes(len(STATUS_REQUESTS), self.status_timeout)
        if len(replies) < len(STATUS_REQUESTS):
            vi, en = "Máy in không phản hồi", "Printer does not respond"
            t = f"{self.status_timeout:g}"
            raise PrinterError("no_response", f"{vi} (chờ {t} giây)", f"{en} (waited {t} s)")
        return parse_status(dict(zip(STATUS_REQUESTS, replies, strict=True)))

    def _read_status_bytes(self, count: int, timeout: float,
                           until_finished: bool = False) -> list[int]:
        """Read DLE EOT replies; a GS r reply met on the way marks the job finished, and
        ends the wait `until_finished`."""
        deadline = time.monotonic() + timeout
        got: list[int] = []
        while len(got) < count and not (until_finished and self._finished):
            left = deadline - time.monotonic()
            data = self.connection.read(count - len(got), max(0.0, left)) if left > 0 else b""
            if not data:
                break
            for byte in data:
                self._sort_reply(byte, got)
        return got

    def _sort_reply(self, byte: int, status_bytes: list[int]) -> None:
        if is_status_reply(byte):
            status_bytes.append(byte)
        else:
            self._finished = self._gs_r_answered = True

    def _drain(self) -> None:
        """Drop stale replies (after a timeout), noting a GS r reply among them."""
        while data := self.connection.read(64, 0.0):
            for byte in data:
                self._sort_reply(byte, [])

    # -- jobs -----------------------------------------------------------------------------
    def keep_raster_blocks(self, size: int = 2048) -> None:
        """From now on draw each text line seen before from a cache (raster profiles only):
        a station printing receipt after receipt draws their shared lines once."""
        self.raster_cache = RasterCache(self.profile, size)

    def compile(self, doc: Document) -> bytes:
        """The ESC/POS bytes of ``doc`` for this printer's profile."""
        if self.raster_cache is not None:
            return self.raster_cache.compile(doc)
        return compile_document(doc, self.profile)

    def print_document(self, doc: Document) -> JobResult:
        """Print ``doc``; the result says whether the receipt really came out, and why not."""
        started = time.monotonic()
        data = self.compile(doc)
        return replace(self._run(data), seconds=time.monotonic() - started)

    def _run(self, data: bytes) -> JobResult:
        before = sent = None
        try:
            before = self._status_if_possible()
            if before is not None and not before.ready:
                return JobResult(False, before.reason, before.problem, 0, before)
            if not self.can_read_status:
                self.connection.write(data)
                return JobResult(True, None, None, len(data), verified=False)
            self._finished = False
            self.connection.write(data + cmd.paper_sensor_request())
            sent = len(data)
            return self._outcome(before, sent, self._wait_finished(sent))
        except PrinterError as e:
            return JobResult(False, e.message, e.code, sent or 0, before)

    def _status_if_possible(self) -> PrinterStatus | None:
        return self.status() if self.can_read_status else None

    def _wait_finished(self, sent: int) -> PrinterStatus:
        """Wait for the GS r reply while polling DLE EOT; the last status read.

        The wait allows ``finish_timeout`` plus the transfer time on slow links (a raster
        receipt takes about 20 s at 9600 baud).
        """
        rate = self.connection.bytes_per_second
        patience = self.finish_timeout + (sent / rate if rate else 0.0)
        deadline = time.monotonic() + (patience if self._gs_r_answered else 0.0)
        while True:
            self._read_status_bytes(1, min(0.2, self.status_timeout), until_finished=True)
            status = self.status()
            if self._finished or not status.ready or time.monotonic() >= deadline:
                return status

    def _outcome(self, before: PrinterStatus | None, sent: int,
                 after: PrinterStatus) -> JobResult:
        """Finished (GS r answered) is success, with any new problem as a warning."""
        warning = after.reason or (message("paper_near_end", "warn") if after.paper_near_end
                                   else None)
        if self._finished:
            return JobResult(True, warning, None, sent, before, after, verified=True)
        if after.paper_out:
            return JobResult(False, message("paper_out_mid_job"), "paper_out", sent, before,
                             after, verified=True)
        if not after.ready:
            reason = message("not_ready_after").detail(after.reason)
            return JobResult(False, reason, after.problem, sent, before, after, verified=True)
        self._gs_r_answered = False  # ready, but this printer does not seem to answer GS r
        return JobResult(True, warning, None, sent, before, after, verified=False)
