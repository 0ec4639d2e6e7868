"""The station's devices behind small adapters, so the core runs with or without each one.

- `PrinterPort`: the receipt printer, one job or status query at a time (the state poller and
  the print jobs share one link), with its state turned into something a screen can show.
- `CounterDisplay`: the counter's LED board or pole display; a broken display is reported,
  never allowed to stop a call.
- announcers: the voice call (drivers.audio), said twice as the halls do.

`open_devices(config)` builds them from the station's settings; tests inject fakes instead.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from counter_app.config import StationConfig
from counter_app.rastercache import RasterCache
from counter_app.texts import Msg, as_msg, bilingual
from drivers.printers import (
    Document,
    EscposPrinter,
    FileConnection,
    JobResult,
    NetworkConnection,
    PrinterError,
    PrinterProfile,
    SerialConnection,
    UsbConnection,
    VirtualPrinter,
)

# -- printer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrinterState:
    """What the always-visible printer indicator shows."""

    level: str  # ok, warning (paper near end / cannot tell), error (cannot print)
    msg: Msg
    paper_near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False

    @property
    def ready(self) -> bool:
        return self.level != "error"


READY = PrinterState("ok", Msg("Máy in sẵn sàng", "Printer ready", "ok"))


class PrinterPort:
    def __init__(self, printer: EscposPrinter, virtual: VirtualPrinter | None = None) -> None:
        self.printer = printer
        self.virtual = virtual  # set when the printer is simulated: tests and demos look at it
        self.lock = threading.Lock()
        self.state = READY
        self.cache = None
        if printer.profile.text_encoding == "raster":
            # EscposPrinter compiles through self.compile(): raster printers get a memoizing
            # one, so a receipt's unchanging lines are not drawn again (see rastercache.py).
            self.cache = RasterCache(printer.profile)
            printer.compile = self.cache.compile

    @property
    def profile(self) -> PrinterProfile:
        return self.printer.profile

    def print_document(self, doc: Document) -> JobResult:
        with self.lock:
            return self.printer.print_document(doc)

    def compile(self, doc: Document) -> bytes:
        return self.printer.compile(doc)

    def refresh(self) -> PrinterState:
        """Ask the printer now (DLE EOT); never raises, the answer says what is wrong."""
        with self.lock:
            self.state = self._query()
        return self.state

    def _query(self) -> PrinterState:
        if not self.printer.can_read_status:
            return PrinterState("warning", Msg("Máy in không báo trạng thái",
                                               "This printer reports no status", "warning"))
        try:
            status = self.printer.status()
        except PrinterError as error:
            return PrinterState("error", as_msg(error))
        flags = {"paper_near_end": status.paper_near_end, "paper_out": status.paper_out,
                 "cover_open": status.cover_open}
        if status.reason:
            return PrinterState("error", bilingual(status.reason, "error"), **flags)
        if status.paper_near_end:
            return PrinterState("warning", Msg("Giấy in sắp hết", "Paper is nearly out",
                                               "warning"), **flags)
        return READY

    def close(self) -> None:
        with contextlib.suppress(PrinterError, OSError):
            self.printer.close()


def make_printer(config: StationConfig) -> PrinterPort:
    profile = PrinterProfile.for_paper(config.paper_mm, text_encoding=config.text_encoding)
    spec = config.printer
    kind, _, folder = spec.partition(":")
    if kind == "virtual":  # virtual:DIR writes the PNGs into DIR, else under <data>/receipts
        out = Path(folder) if folder else config.data_path / "receipts"
        virtual = VirtualPrinter.from_profile(profile, out_dir=out)
        return PrinterPort(EscposPrinter(virtual.connection(), profile), virtual)
    return PrinterPort(EscposPrinter(_connection(spec), profile))


def _connection(spec: str) -> Any:
    kind, _, rest = spec.partition(":")
    if kind == "tcp":
        host, _, port = rest.lstrip("/").partition(":")
        return NetworkConnection(host, int(port or 9100))
    if kind == "usb":
        vendor, _, product = rest.partition(":")
        return UsbConnection(int(vendor, 16), int(product, 16))
    if kind == "serial":
        device, _, baud = rest.partition("@")
        return SerialConnection(device, int(baud or 9600))
    return FileConnection(spec)


# -- counter display --------------------------------------------------------------------------


class CounterDisplay:
    """The display over the counter; any `drivers.displays.QueueDisplay`, or none at all."""

    def __init__(self, display: Any | None, counter: int) -> None:
        self.display = display
        self.counter = counter
        self.problem: Msg | None = None

    def show_call(self, label: str) -> Msg | None:
        # LED boards are narrow: "A-012" is shown as "A012", as the boards' manuals do.
        return self._do("show_call", label.replace("-", ""), self.counter)

    def show_text(self, text: str) -> Msg | None:
        return self._do("show_text", text)

    def _do(self, operation: str, *args: object) -> Msg | None:
        if self.display is None:
            return None
        try:
            getattr(self.display, operation)(*args)
            self.problem = None
        except Exception as error:  # a display fault must never stop the queue
            self.problem = as_msg(error, "warning")
        return self.problem

    def close(self) -> None:
        if self.display is not None:
            with contextlib.suppress(Exception):
                self.display.close()


def make_display(config: StationConfig) -> CounterDisplay:
    spec = config.display
    if spec in ("", "none"):
        return CounterDisplay(None, config.counter)
    if spec == "fake":
        from drivers.displays import FakeQueueDisplay

        return CounterDisplay(FakeQueueDisplay(config.counter), config.counter)
    from drivers.displays import LedCounterDisplay

    return CounterDisplay(LedCounterDisplay(spec, config.counter), config.counter)


# -- voice ----------------------------------------------------------------------------------


class Announcer(Protocol):
    """Says a call: "Xin mời số thứ tự A 0 1 2, đến quầy số 3", twice, as the halls do."""

    def call(self, label: str, counter: int, text: str) -> None: ...

    def close(self) -> None: ...


class SilentAnnouncer:
    def call(self, label: str, counter: int, text: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class RecordingAnnouncer:
    """For tests and laptops: remembers each time a call would have been said."""

    played: list[str] = field(default_factory=list)

    def call(self, label: str, counter: int, text: str) -> None:
        self.played.extend([text] * 2)

    def close(self) -> None:
        pass


class VoiceAnnouncer:
    """drivers.audio: the call built from word clips (espeak-ng, or recordings) and played on
    ALSA by the driver's own worker thread, twice, so a call never waits for the speaker."""

    def __init__(self, folder: Path, device: str | None = None, player: Any = None) -> None:
        from drivers.audio import AlsaPlayer, Announcer, ClipCache

        self.problem: Msg | None = None
        self.announcer = Announcer(ClipCache(folder), player or AlsaPlayer(device), repeat=2,
                                   on_error=self._failed)

    def call(self, label: str, counter: int, text: str) -> None:
        self.announcer.announce(label, counter, wait=False)

    def _failed(self, error: Exception) -> None:
        self.problem = as_msg(error, "warning")

    def close(self) -> None:
        self.announcer.close()


def make_announcer(config: StationConfig) -> Announcer:
    if config.audio == "fake":
        return RecordingAnnouncer()
    if config.audio.startswith("alsa"):  # "alsa" or "alsa:DEVICE"
        device = config.audio.partition(":")[2] or None
        return VoiceAnnouncer(config.data_path / "voice", device)
    return SilentAnnouncer()


# -- all of them ----------------------------------------------------------------------------


@dataclass
class Devices:
    printer: PrinterPort
    display: CounterDisplay
    announcer: Announcer

    def close(self) -> None:
        self.printer.close()
        self.display.close()
        self.announcer.close()


def open_devices(config: StationConfig) -> Devices:
    if config.profile:
        from counter_app.profile import devices_from_profile

        return devices_from_profile(config.profile, config)
    return Devices(make_printer(config), make_display(config), make_announcer(config))


def receipts_dir(devices: Devices) -> Path | None:
    virtual = devices.printer.virtual
    return virtual.out_dir if virtual else None
