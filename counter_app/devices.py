"""The station's devices behind small adapters, so the core runs with or without each one.

- `PrinterPort`: the receipt printer shared by the state poller and the print jobs
  (drivers.printers.PrinterPort), with its state turned into something a screen can show.
- `CounterDisplay`: the counter's LED board or pole display; a broken display is reported,
  never allowed to stop a call.
- announcers: the voice call (drivers.audio), said twice as the halls do.

`open_devices(config)` builds them from the station's settings or its hardware profile (the
addresses are read by drivers/station.py, as in the kiosk and the self-test); tests inject
fakes instead.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from counter_app.config import StationConfig
from counter_app.profile import station_roles
from counter_app.strings import fail, msg
from counter_app.texts import CounterError, Msg, as_msg
from drivers import printers
from drivers.address import Address, AddressError
from drivers.printers.base import message as printer_message
from drivers.profiles import DEFAULT_ROOT, printer_profile
from drivers.station import printer_link, role_address

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


READY = PrinterState("ok", msg("printer_ready", "ok"))


class PrinterPort(printers.PrinterPort):
    """The shared printer (drivers.printers.PrinterPort) and the state its indicator shows."""

    def __init__(self, printer: printers.EscposPrinter,
                 virtual: printers.VirtualPrinter | None = None) -> None:
        super().__init__(printer, virtual)
        self.state = READY

    def refresh(self) -> PrinterState:
        """Ask the printer now (DLE EOT); never raises, the answer says what is wrong."""
        self.state = self._query()
        return self.state

    def _query(self) -> PrinterState:
        try:
            status = self.status()
        except printers.PrinterError as error:
            return PrinterState("error", as_msg(error))
        if status is None:
            return PrinterState("warning", msg("printer_no_status", "warning"))
        flags = {"paper_near_end": status.paper_near_end, "paper_out": status.paper_out,
                 "cover_open": status.cover_open}
        if status.reason:
            return PrinterState("error", status.reason, **flags)
        if status.paper_near_end:
            return PrinterState("warning", printer_message("paper_near_end", "warning"), **flags)
        return READY


def make_printer(config: StationConfig, address: str | Address | None = None,
                 profile: printers.PrinterProfile | None = None) -> PrinterPort:
    """The station's printer at `address` (default: the configured one); a virtual printer
    without a folder of its own writes its PNGs under <data>/receipts."""
    profile = profile or printers.PrinterProfile.for_paper(
        config.paper_mm, text_encoding=config.text_encoding)
    try:
        link = printer_link(config.printer if address is None else address, profile,
                            config.data_path / "receipts")
    except AddressError as error:
        raise CounterError(error.vi, error.en, "config", "printer") from None
    if link is None:
        raise fail("needs_printer", key="profile")
    return PrinterPort(printers.EscposPrinter(link[0], profile), link[1])


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
        return devices_from_profile(config.profile, config)
    return Devices(make_printer(config), make_display(config), make_announcer(config))


# -- from a station profile ---------------------------------------------------------------


def devices_from_profile(name: str, config: StationConfig,
                         root: Path | str = DEFAULT_ROOT) -> Devices:
    """The printer, display and speaker the profile names; its printer's capabilities (paper
    width, code pages, native symbols) come from the model's device profile."""
    roles = station_roles(name, root)
    if "receipt_printer" not in roles:
        raise fail("profile_no_printer", key="profile", name=name)
    return Devices(_profile_printer(*roles["receipt_printer"], config),
                   _profile_display(roles.get("counter_display"), config.counter),
                   _profile_announcer(roles.get("audio"), config))


def _profile_printer(role, device, config: StationConfig) -> PrinterPort:
    address = role_address(role, device)
    if address.kind == "virtual" and config.printer.startswith("virtual:"):
        # A `virtual:DIR` printer given to the station wins over the profile's folder (the
        # demo keeps everything under its own folder).
        address = config.printer
    return make_printer(config, address, printer_profile(device))


def _profile_display(entry, counter: int) -> CounterDisplay:
    if entry is None:
        return CounterDisplay(None, counter)
    role, _device = entry
    if role.path.startswith("fake:"):
        from drivers.displays import FakeQueueDisplay

        return CounterDisplay(FakeQueueDisplay(counter), counter)
    from drivers.displays import LedCounterDisplay

    return CounterDisplay(LedCounterDisplay(role.path, counter, address=role.address), counter)


def _profile_announcer(entry, config: StationConfig) -> Announcer:
    if entry is None:
        return SilentAnnouncer()
    if entry[0].path.startswith("fake:"):
        return RecordingAnnouncer()
    device = entry[0].path.partition(":")[2]  # alsa:default, alsa:hw:1,0
    return VoiceAnnouncer(config.data_path / "voice", None if device == "default" else device)


def receipts_dir(devices: Devices) -> Path | None:
    virtual = devices.printer.virtual
    return virtual.out_dir if virtual else None
