"""The virtual receipt printer: an ESC/POS simulator with injectable faults.

    printer = VirtualPrinter.from_profile(profile, out_dir="receipts/")
    driver = EscposPrinter(printer.connection(), profile)          # in-process
    with printer.serve() as server:                                 # or over TCP 9100
        driver = EscposPrinter(NetworkConnection(*server.address), profile)

Each receipt (cut to cut) becomes a PNG in ``out_dir`` (white paper, black print, at the paper's
dot width) and a :class:`Receipt` in :attr:`VirtualPrinter.receipts` with its decoded text; a
saved page is not kept in memory (:attr:`Receipt.image` reads the PNG back). A printer without a
cutter ends a page where a person tears it off: once the job feeds it past the tear bar, or when
the connection closes.

The simulator has the limits of the model its profile describes: the code pages it has (an
unchecked printer is a clone whose page numbers are not Epson's, so TCVN-3 sent to it prints
Hebrew), whether it has native Code 128 and QR (a cheap printer prints nothing for them), and
whether a CP1258 tone byte prints over the letter before it or in a cell of its own. Every
ESC t it receives is in :attr:`pages_selected`, every line it had to wrap because the host sent
more than fits in :attr:`overflows`.

Faults are plain attributes of :attr:`VirtualPrinter.faults` and may change at any time, like
OctoPrint's virtual printer: paper out (now, or after N bytes / N printed rows), paper near end,
cover open, offline, cutter error, no status answers, slow (bytes per second).
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import tty
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .base import Connection, PrinterError, PrinterProfile
from .fake_page import Page
from .fake_parser import CLONE_CODEPAGES, EscPosInterpreter

TEAR_BAR_DOTS = 96  # print head to tear bar, about 12 mm: a feed this long ends a page


@dataclass
class Faults:
    """What is wrong with the virtual printer right now."""

    paper_out: bool = False
    paper_near_end: bool = False
    paper_out_after_bytes: int | None = None  # runs out once this many more bytes are read
    paper_out_after_rows: int | None = None  # ... or this many more rows are printed
    cover_open: bool = False
    offline: bool = False
    cutter_error: bool = False
    mute: bool = False  # ignores status requests (like a printer without a back channel)
    bytes_per_second: float | None = None  # slow link / slow mechanism


@dataclass
class Receipt:
    """One printed receipt: what a person would tear off."""

    number: int
    lines: list[str]
    kept: Image.Image | None  # the page, when it was not saved to a file
    path: Path | None
    complete: bool = True
    symbols: list[tuple[str, str]] = field(default_factory=list)

    @property
    def image(self) -> Image.Image:
        if self.kept is not None:
            return self.kept
        with Image.open(self.path) as img:
            return img.copy()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class VirtualPrinter(EscPosInterpreter):
    """A thermal printer in software; thread-safe, feed it bytes with :meth:`feed`."""

    def __init__(self, out_dir: str | Path | None = None, paper_width_dots: int = 384,
                 faults: Faults | None = None, codepages: dict[int, str] | None = None,
                 name: str = "virtual", cutter: bool = True, combining: bool = False) -> None:
        super().__init__(paper_width_dots, codepages, combining)
        self.cutter = cutter
        self.out_dir = Path(out_dir) if out_dir else None
        self.faults = faults or Faults()
        self.name = name
        self.receipts: list[Receipt] = []
        self.bytes_received = 0
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self._rows = 0

    @classmethod
    def from_profile(cls, profile: PrinterProfile, out_dir: str | Path | None = None,
                     faults: Faults | None = None) -> VirtualPrinter:
        """The model ``profile`` describes: its paper width, cutter, code pages and tones."""
        printer = cls(out_dir, profile.paper_width_dots, faults, model_codepages(profile),
                      name=profile.name, cutter=profile.cut,
                      combining=profile.cp1258_combining)
        printer.native_barcode, printer.native_qr = profile.native_barcode, profile.native_qr
        return printer

    # -- input ----------------------------------------------------------------------------
    def feed(self, data: bytes) -> bytes:
        """Receive bytes from the host; return the printer's replies (status bytes)."""
        self._throttle(len(data))
        with self.lock:
            self.bytes_received += len(data)
            return self.process(data)

    def _throttle(self, n: int) -> None:
        rate = self.faults.bytes_per_second
        if rate:
            self.stopping.wait(n / rate)

    def load_paper(self) -> None:
        """The clerk puts a new roll in: paper faults cleared."""
        self.faults.paper_out = False
        self.faults.paper_near_end = False
        self.faults.paper_out_after_bytes = self.faults.paper_out_after_rows = None

    # -- status (DLE EOT n, GS r 1) ---------------------------------------------------------
    @property
    def offline(self) -> bool:
        f = self.faults
        return f.offline or f.cover_open or f.paper_out or f.cutter_error

    def status_byte(self, n: int) -> int | None:  # type: ignore[override]
        f = self.faults
        if f.mute:
            return None
        bits = {
            1: 0x08 if self.offline else 0,
            2: (0x04 if f.cover_open else 0) | (0x20 if f.paper_out else 0)
            | (0x40 if f.cutter_error else 0),
            3: 0x08 if f.cutter_error else 0,
            4: (0x0C if f.paper_near_end else 0) | (0x60 if f.paper_out else 0),
        }
        return 0x12 | bits.get(n, 0)

    def paper_sensor_byte(self) -> int:
        f = self.faults
        return (0x03 if f.paper_near_end else 0) | (0x0C if f.paper_out else 0)

    # -- hooks from the interpreter ---------------------------------------------------------
    def can_print(self) -> bool:
        return not self.offline

    def on_bytes(self, n: int) -> None:
        left = self.faults.paper_out_after_bytes
        if left is not None:
            self.faults.paper_out_after_bytes = left - n
            if left - n <= 0:
                self._run_out()

    def on_row(self) -> None:
        left = self.faults.paper_out_after_rows
        if left is not None:
            self.faults.paper_out_after_rows = left - 1
            if left - 1 <= 0:
                self._run_out()

    def _run_out(self) -> None:
        """The roll ends mid-job: what was printed is torn off incomplete."""
        self.faults.paper_out_after_bytes = self.faults.paper_out_after_rows = None
        self.faults.paper_out = True
        self.cells = []
        if not self.page.empty:
            self._finish(complete=False)

    def on_cut(self) -> None:
        self._finish(complete=True)

    def on_feed(self, dots: int) -> None:
        if not self.cutter and dots >= TEAR_BAR_DOTS and not self.page.empty:
            self._finish(complete=True)

    def tear_off(self) -> Receipt | None:
        """What a clerk does on a printer without a cutter: the printed paper so far."""
        with self.lock:
            self.flush_line()
            return None if self.page.empty else self._finish(complete=True)

    def _finish(self, complete: bool) -> Receipt:
        number = len(self.receipts) + 1
        image = self.page.render()
        path = None
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            suffix = "" if complete else "-incomplete"
            path = self.out_dir / f"{self.name}-{number:04d}{suffix}.png"
            image.save(path)
            image = None  # on disk: a kiosk printing all day must not hold every ticket
        receipt = Receipt(number, self.lines, image, path, complete, self.symbols)
        self.receipts.append(receipt)
        self.page, self.lines, self.symbols = Page(self.width), [], []
        return receipt

    # -- ways in ---------------------------------------------------------------------------
    def connection(self) -> VirtualConnection:
        """An in-process :class:`~drivers.printers.base.Connection` to this printer."""
        return VirtualConnection(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> VirtualPrinterServer:
        """Start a TCP (port 9100 style) server for this printer; port 0 picks a free one."""
        return VirtualPrinterServer(self, host, port).start()

    def serve_pty(self) -> VirtualPrinterPty:
        """Put this printer behind a pseudo-terminal: a serial printer at ``.path``."""
        return VirtualPrinterPty(self).start()


class VirtualConnection(Connection):
    """Writes go straight into the virtual printer; its replies wait here to be read."""

    def __init__(self, printer: VirtualPrinter) -> None:
        self.printer = printer
        self.inbox = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed:
            raise PrinterError("closed", "Kết nối máy in đã đóng", "Printer connection closed")
        self.inbox += self.printer.feed(data)

    def read(self, size: int, timeout: float) -> bytes:
        # In-process the reply is already here or will never come: no need to wait.
        out = bytes(self.inbox[:size])
        del self.inbox[:size]
        return out

    def close(self) -> None:
        self.closed = True
        if not self.printer.cutter:
            self.printer.tear_off()


def model_codepages(profile: PrinterProfile) -> dict[int, str]:
    """ESC t numbers -> pages of the model: the ones its profile uses, or a clone's."""
    if profile.text_encoding == "tcvn3":
        lower, upper = profile.tcvn3_codepages
        return {0: "cp437", lower: "tcvn3-lower", upper: "tcvn3-upper"}
    if profile.text_encoding == "cp1258":
        return {0: "cp437", profile.cp1258_codepage: "cp1258"}
    return dict(CLONE_CODEPAGES)


class VirtualPrinterServer:
    """A threaded TCP server in front of a :class:`VirtualPrinter`; stoppable."""

    def __init__(self, printer: VirtualPrinter, host: str = "127.0.0.1", port: int = 0) -> None:
        self.printer = printer
        self.listener = socket.create_server((host, port))
        self.listener.settimeout(0.1)
        self.threads: list[threading.Thread] = []
        self.clients: list[socket.socket] = []
        self.stopped = threading.Event()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.listener.getsockname()[:2]
        return host, port

    def start(self) -> VirtualPrinterServer:
        self._spawn(self._accept_loop)
        return self

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True,
                                  name=f"virtual-printer-{self.address[1]}")
        self.threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(0.1)
            self.clients.append(client)
            self._spawn(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        with client:
            while not self.stopped.is_set():
                try:
                    data = client.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    break
                self._reply(client, self.printer.feed(data))
        if not self.printer.cutter:  # the job is over: the clerk tears the paper off
            self.printer.tear_off()

    @staticmethod
    def _reply(client: socket.socket, reply: bytes) -> None:
        with contextlib.suppress(OSError):
            if reply:
                client.sendall(reply)

    def stop(self) -> None:
        """Stop accepting, drop the clients, wait for the threads (a slow job is abandoned)."""
        self.stopped.set()
        self.printer.stopping.set()
        _shutdown(self.listener)  # wakes the accept loop now rather than at its 0.1 s tick
        self.listener.close()
        for client in self.clients:
            _shutdown(client)
        for thread in self.threads:
            thread.join(timeout=5)
        self.printer.stopping.clear()

    def __enter__(self) -> VirtualPrinterServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class VirtualPrinterPty:
    """The virtual printer on the far side of a pty pair (``SerialConnection(pty.path)``)."""

    def __init__(self, printer: VirtualPrinter) -> None:
        self.printer = printer
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # bytes pass unchanged: no echo, no CR/LF translation
        self.path = os.ttyname(self.slave)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True, name="virtual-printer-pty")

    def start(self) -> VirtualPrinterPty:
        self.thread.start()
        return self

    def _loop(self) -> None:
        while not self.stopped.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            reply = self.printer.feed(data)
            if reply:
                os.write(self.master, reply)

    def stop(self) -> None:
        self.stopped.set()
        self.printer.stopping.set()
        self.thread.join(timeout=5)
        self.printer.stopping.clear()
        os.close(self.master)
        os.close(self.slave)

    def __enter__(self) -> VirtualPrinterPty:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)

