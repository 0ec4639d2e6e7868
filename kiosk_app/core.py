"""The kiosk without a screen: a state machine the Kivy screens render and the tests drive.

    kiosk = Kiosk(KioskConfig.load())
    kiosk.start()                 # scanners, heartbeat, printer checks
    ...                           # every frame (the app) or in a loop (tests):
    kiosk.pump()                  # run posted results, timers, the idle check
    kiosk.press_key("2"); kiosk.submit_code(); kiosk.rate("satisfied"); ...
    kiosk.close()

All state changes happen on the thread that calls `pump()` and the action methods. Network calls
and printer jobs run on worker threads (`tasks.Worker`) and come back through the inbox, so a slow
or absent server never freezes the screen: the citizen sees "retrying", and Home always works.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from backend.client import ApiError, BackendUnreachable, Client
from backend.domain import codes
from backend.domain.calendar import VN_TZ
from backend.domain.errors import InvalidInput, MotcuaError
from drivers.audio import AudioError
from drivers.printers import PrinterError
from drivers.scanners.base import ScanEvent
from kiosk_app import __version__
from kiosk_app.admin import AdminGate
from kiosk_app.config import KioskConfig, Settings
from kiosk_app.devices import Hardware, printer_problem
from kiosk_app.entry import CodeEntry
from kiosk_app.flows import AdminFlow, ProceduresFlow, QueueFlow
from kiosk_app.speech import status_sentence
from kiosk_app.state import EntryView, KioskState
from kiosk_app.strings import Msg, msg
from kiosk_app.tasks import Inbox, Timers, Worker
from kiosk_app.views import status_view, ticketing_closed

log = logging.getLogger(__name__)
SCAN_IGNORED_ON = ("pin", "admin")  # a receipt waved at the kiosk must not leave the admin screen
RATING_POLL_SECONDS = 4.0  # the citizen walks from the counter to the kiosk in about that long
THANKS_SECONDS = 4.0  # the thanks after a counter-requested rating, then home by itself
IDLE_WARNING_SECONDS = 10  # a countdown before the idle reset: someone reading can stay
TICKETING_CHECK_SECONDS = 30.0  # opening hours: the button changes within this of a boundary
CHOICES = ("very_satisfied", "satisfied", "unsatisfied")
PRIORITIES = ("elderly", "disabled", "pregnant")  # called before the others (BRIEF: queue)


class KioskClient(Client):
    """The backend client plus the one public read the kiosk needs that it lacks."""

    def units(self) -> list[dict]:
        return self._request("GET", "/api/v1/units")["items"]


class Kiosk:
    def __init__(self, config: KioskConfig, *, client: Client | None = None,
                 hardware: Hardware | None = None, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.client = client or KioskClient(config.backend_url, token=config.device_token())
        self.hardware = hardware or Hardware()
        self.clock = clock
        self.now = now or (lambda: datetime.now(VN_TZ))
        self.inbox = Inbox()
        self.worker = Worker(self.inbox)
        self.timers = Timers(clock)
        self.settings = config.settings
        self.state = KioskState(lang=self.settings.language)
        self.entry = CodeEntry(config.agency_code)
        self.gate = AdminGate(config.pin_hash, clock)
        self.procedures = ProceduresFlow(self)
        self.queue = QueueFlow(self)
        self.admin = AdminFlow(self)
        self.last_heartbeat: datetime | None = None
        self.restart_requested = False
        self._closed = False
        self._listeners: list[Callable[[KioskState], None]] = []
        self._session = 0  # bumped whenever the citizen's context ends: late answers are dropped
        self._case_code: str | None = None  # personal: for the rating only
        self._token: str | None = None  # personal: the receipt token of the last scan
        self._unanswered: str | None = None  # personal: a scan whose case was not shown yet
        self._rating_channel = "kiosk"  # "counter" when a counter asked for the rating
        # Counter requests already shown, as (counter, requested_at): no case code, so it may
        # outlive the idle reset and an ignored request is never offered twice.
        self._requests_seen: deque[tuple[int, str]] = deque(maxlen=100)
        self._polling = False
        self._ticketing: dict | None = None  # the backend's queue status (opening hours)
        self._lookup_from = "scan"  # where "look up another case" goes: camera or keypad
        self._retries = 0
        self._last_touch = clock()
        self._refresh_entry()

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> Kiosk:
        self.hardware.start(self._on_scan)
        self.timers.after(0, "heartbeat", self._heartbeat)
        self.timers.after(0, "printer", self.check_printer)
        self.timers.after(RATING_POLL_SECONDS, "rating_poll", self.poll_rating)
        self.timers.after(0, "ticketing", self.check_ticketing)
        self.update_ticket_availability()
        return self

    def close(self) -> None:
        """Stop devices and threads; safe to call twice (the app and its runner both do)."""
        if self._closed:
            return
        self._closed = True
        self.timers = Timers(self.clock)
        self.hardware.stop()
        self.worker.close()
        self.client.session.close()

    def pump(self) -> None:
        """Called every frame: deliver results, fire timers, clear the screen when idle."""
        self.inbox.drain()
        self.timers.run_due()
        self._check_idle()
        self._count_down_retry()

    def subscribe(self, listener: Callable[[KioskState], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        self.state.version += 1
        for listener in self._listeners:
            listener(self.state)

    @property
    def busy(self) -> bool:
        """Something is still running or waiting to be delivered (tests wait on this)."""
        return self.worker.in_flight > 0

    # --- calling the backend (and the printer) off this thread ----------------------------

    def call(self, fn: Callable[[], object], done: Callable[[object], None], *,
             busy: str | None = None, retry: bool = True,
             errors: Callable[[Exception], bool] | None = None) -> None:
        """Run `fn` on a worker; `done(result)` here. Unreachable server: retry by itself."""
        session = self._session
        self.state.busy = msg(busy) if busy else None

        def ok(result: object) -> None:
            if session == self._session:
                self._retries = 0
                self.state.busy = self.state.offline = None
                self.state.connected = True
                done(result)
                self.changed()

        def again() -> None:
            self.call(fn, done, busy=busy, retry=retry, errors=errors)

        def failed(error: Exception) -> None:
            if session == self._session:
                self.state.busy = None
                self._failed(error, again if retry else None, errors)
                self.changed()

        self.worker.submit(fn, ok, failed)
        self.changed()

    def _failed(self, error: Exception, again: Callable[[], None] | None,
                errors: Callable[[Exception], bool] | None) -> None:
        if isinstance(error, BackendUnreachable):
            self.state.connected = False
            if again is None:
                self.state.notice = Msg.of(error)
                return
            delays = self.config.retry_delays
            delay = delays[min(self._retries, len(delays) - 1)]
            self._retries += 1
            self.timers.after(delay, "retry", again)
            self.state.offline = msg("offline", "warn", s=math.ceil(delay))
        elif errors is not None and errors(error):
            return
        elif isinstance(error, ApiError | MotcuaError | PrinterError | AudioError):
            self.state.notice = Msg.of(error)
        else:
            log.error("kiosk request failed", exc_info=error)
            self.state.notice = msg("error", "error")

    def _count_down_retry(self) -> None:
        left = self.timers.left("retry")
        if left is None or self.state.offline is None:
            return
        if left > 0:
            offline = msg("offline", "warn", s=math.ceil(left))
        else:
            offline = msg("offline_now", "warn")
        if offline != self.state.offline:
            self.state.offline = offline
            self.changed()

    # --- navigation -----------------------------------------------------------------------

    def touch(self, x: float | None = None, y: float | None = None) -> None:
        """Any touch on the screen (at x, y as shares from the top-left): someone is there."""
        self._last_touch = self.clock()
        if x is not None and y is not None:
            self.admin.tap(x, y)

    def show(self, screen: str) -> None:
        self.state.screen, self.state.notice = screen, None
        self.changed()

    def go_home(self) -> None:
        """The citizen is done: forget their case and typing, keep the language they chose."""
        self._session += 1
        self.timers.cancel("retry")
        self.timers.cancel("search")
        self.timers.cancel("rated")
        self._retries = 0
        self.state.clear_personal()
        self.state.offline = None
        self._case_code = self._token = None
        self._rating_channel = "kiosk"
        self._lookup_from = "scan"
        self.entry.reset()
        self._refresh_entry()
        self._forget_unanswered()
        self.state.screen = "home"
        self.update_ticket_availability()
        self.changed()

    def reset(self) -> None:
        """Idle: everything back as the next citizen should find it."""
        self.state.lang = self.settings.language
        self.go_home()

    def back(self) -> None:
        screen = self.state.screen
        if screen == "procedure":
            self.show("procedure_list" if self.state.field else "procedures")
        elif screen == "procedure_list":
            self.procedures.open()
        else:
            self.go_home()

    def choose_priority(self, reason: str | None) -> None:
        """The queue screen's priority choice; the next ticket taken carries it."""
        if reason is None or reason in PRIORITIES:
            self.state.priority = reason
            self.changed()

    def toggle_language(self) -> None:
        self.state.lang = "en" if self.state.lang == "vi" else "vi"
        self.changed()

    def _check_idle(self) -> None:
        left = self.settings.idle_seconds - (self.clock() - self._last_touch)
        if not self._needs_reset():
            left = None
        elif left <= 0:
            self.reset()
            left = None
        warning = math.ceil(left) if left is not None and left <= IDLE_WARNING_SECONDS else None
        if warning != self.state.idle_left:  # redrawn once a second, not every frame
            self.state.idle_left = warning
            self.changed()

    def _needs_reset(self) -> bool:
        s = self.state
        return (s.screen != "home" or s.lang != self.settings.language or s.notice is not None
                or s.case is not None or self.entry.text != self.entry.prefix)

    # --- scanning and typing --------------------------------------------------------------

    def _on_scan(self, event: ScanEvent) -> None:
        """Scanner threads call this; the work happens on the core's thread."""
        self.inbox.post(self.scanned, event.text)

    def scanned(self, text: str) -> None:
        """A receipt came into view. The scanners report it once while it stays there, so the
        status screen closed with the receipt still held up does not open again by itself."""
        if self.state.screen in SCAN_IGNORED_ON:
            return
        self.touch()
        screen = self.state.screen
        self._unanswered = None  # replaced: the last receipt counts as seen while in view
        self.go_home()  # a new receipt: whatever the last citizen saw goes
        self.state.screen = screen if screen in ("scan", "type") else "home"
        self.lookup(text, scanned=True)

    def wedge_scanned(self, text: str) -> None:
        """A code a keyboard-wedge scanner typed into the window (its device was not grabbed)."""
        if self.hardware.wedge_filter.accept(text):
            self.scanned(text)

    def open_scan(self) -> None:
        self.show("scan")

    def open_another(self) -> None:
        """"Look up another case": the way the citizen looked up this one (keypad or camera)."""
        if self._lookup_from == "type":
            self.open_typing()
        else:
            self.open_scan()

    def open_typing(self) -> None:
        self._lookup_from = "type"
        self.entry.reset()
        self._refresh_entry()
        self.show("type")

    def press_key(self, key: str) -> None:
        self.entry.press(key)
        self.state.notice = None
        self._refresh_entry()
        self.changed()

    def _refresh_entry(self) -> None:
        e = self.entry
        self.state.entry = EntryView(e.text, e.rest, e.check, e.page)

    def submit_code(self) -> None:
        check = self.entry.check
        if not check.ok:  # explained on screen, never sent
            self.state.notice = check.message
            self.changed()
            return
        self.lookup(check.text, scanned=False)

    def lookup(self, text: str, *, scanned: bool) -> None:
        try:
            scan = codes.parse_scan(text)
        except InvalidInput as error:
            self.state.notice = (msg("bad_scan", "error", detail=Msg.of(error)) if scanned
                                 else Msg.of(error))
            self.changed()
            return
        token = scan.token or (scan.compact.token if scan.compact else None)
        raw = text.strip()
        if scanned:
            self._unanswered = text
        self.call(lambda: self.client.lookup(raw),
                  lambda answer: self._answered(answer, token, scanned), busy="looking_up")

    def _answered(self, answer: dict, token: str | None, scanned: bool) -> None:
        # A real receipt's token always proves its code: a scanned token that does not was
        # misread (the camera's Code 128 has one check symbol), so show no one's case. The scan
        # stays remembered, so the same misreading is not looked up again while in view.
        if scanned and token and answer.get("code") and not answer.get("verified"):
            self._unanswered = None
            self.state.notice = msg("misread_scan", "error")
            self.changed()
            return
        self._show_case(answer, token)

    def _forget_unanswered(self) -> None:
        """A scan the citizen left before its case was shown (server away, refused): the
        scanners must let that receipt through again, even if it never left their view."""
        if self._unanswered is not None:
            self.hardware.forget_scan(self._unanswered)
            self._unanswered = None

    def _show_case(self, answer: dict, token: str | None) -> None:
        self._unanswered = None
        view = status_view(answer)
        self.state.case = view
        self._case_code, self._token = view.code, (token if view.verified else None)
        self.state.rating_done = None
        self.state.rating_offered = view.can_rate and self.settings.rating_enabled
        self.state.screen, self.state.notice = "status", None
        self.state.read_aloud = bool(self.settings.read_aloud and self.hardware.speaker)

    def read_aloud(self) -> None:
        """Say the status (never the name) on the speaker, off this thread."""
        case, speaker = self.state.case, self.hardware.speaker
        if case is None or speaker is None or not self.state.read_aloud:
            return
        sentence, lang = status_sentence(case, self.state.lang), self.state.lang
        self.call(lambda: speaker.say(sentence, lang), lambda _none: None, retry=False)

    # --- rating ---------------------------------------------------------------------------

    def rate(self, choice: str) -> None:
        if not self.state.rating_offered or choice not in CHOICES:
            return
        code, token, channel = self._case_code, self._token, self._rating_channel
        self.call(lambda: self.client.rate(code, choice, token=token, channel=channel),
                  self._rated, busy="rating", errors=self._rating_refused)

    def _rated(self, _answer: object) -> None:
        self._rating_closed(msg("rate_thanks", "ok"))

    def _rating_refused(self, error: Exception) -> bool:
        if isinstance(error, ApiError) and error.key == "already_rated":
            self._rating_closed(Msg(error.vi, error.en, "info"))
            return True
        return False

    def _rating_closed(self, done: Msg) -> None:
        self.state.rating_offered, self.state.rating_done = False, done
        if self.state.screen == "rate":  # nothing else to see: home after the thanks
            self.timers.after(THANKS_SECONDS, "rated", self.go_home)

    # --- rating asked for by a counter ------------------------------------------------------

    def poll_rating(self) -> None:
        """Every few seconds, while nobody uses the kiosk: has a counter asked for a rating?"""
        self.timers.after(RATING_POLL_SECONDS, "rating_poll", self.poll_rating)
        if self._polling or not (self.registered and self._at_rest()):
            return
        self._polling = True
        # Not `call()`: a background read must not show "retrying" to nobody.
        self.worker.submit(self.client.pending_rating, self._rating_requested,
                           self._poll_failed)

    def _at_rest(self) -> bool:
        return (self.settings.rating_enabled and not self._needs_reset()
                and self.state.busy is None)

    def _poll_failed(self, error: Exception) -> None:
        self._polling = False
        log.debug("rating poll failed: %s", error)  # the next poll tries again

    def _rating_requested(self, request: dict | None) -> None:
        self._polling = False
        if request is None or not self._at_rest():
            return
        key = (int(request["counter"]), str(request["requested_at"]))
        if key in self._requests_seen:
            return
        self._requests_seen.append(key)
        self._last_touch = self.clock()  # the idle timeout counts from the offer
        self._case_code, self._token, self._rating_channel = request["code"], None, "counter"
        s = self.state
        s.rating_counter, s.rating_offered, s.rating_done = key[0], True, None
        s.screen, s.notice = "rate", None
        self.changed()

    # --- device: heartbeat, settings, printer ---------------------------------------------

    @property
    def registered(self) -> bool:
        return bool(self.client.token)

    def _heartbeat(self) -> None:
        if not self.registered:
            self.timers.after(self.config.heartbeat_seconds, "heartbeat", self._heartbeat)
            return
        snapshot = self.hardware.snapshot() | {"orientation": self.config.orientation}
        self.worker.submit(lambda: self.client.heartbeat(__version__, snapshot),
                           self._heartbeat_ok, self._heartbeat_failed)

    def _heartbeat_ok(self, answer: dict) -> None:
        self.last_heartbeat = self.now()
        self.state.connected = True
        self.apply_settings(Settings.from_backend(answer.get("settings"), self.config.settings))
        self.timers.after(self.config.heartbeat_seconds, "heartbeat", self._heartbeat)

    def _heartbeat_failed(self, error: Exception) -> None:
        self.state.connected = False
        if isinstance(error, ApiError) and error.status == 401:
            log.warning("device token refused: %s", error)
            self.client.token = None
            self.update_ticket_availability()
        self.timers.after(min(10.0, self.config.heartbeat_seconds), "heartbeat", self._heartbeat)
        self.changed()

    def apply_settings(self, settings: Settings) -> None:
        untouched = not self._needs_reset()  # home, default language, nothing typed or shown
        self.settings = settings
        if untouched:
            self.state.lang = settings.language
        if not settings.rating_enabled:
            self.state.rating_offered = False
            if self.state.screen == "rate":
                self.go_home()
        self.state.read_aloud = bool(settings.read_aloud and self.hardware.speaker
                                     and self.state.case)
        self.changed()

    def check_printer(self) -> None:
        """Ask the printer how it is (a worker job); runs every `printer_check_seconds`."""
        printer = self.hardware.printer
        self.timers.after(self.config.printer_check_seconds, "printer", self.check_printer)
        if printer is not None:
            self.worker.submit(printer.status, self._printer_checked, self._printer_checked)

    def _printer_checked(self, _result: object) -> None:
        if self.update_ticket_availability():
            self.changed()

    def check_ticketing(self) -> None:
        """Ask the backend whether tickets are issued now (opening hours, lunch break)."""
        self.timers.after(TICKETING_CHECK_SECONDS, "ticketing", self.check_ticketing)
        if self.registered:
            self.worker.submit(self.client.queue_status, self._ticketing_checked,
                               lambda error: log.debug("queue status: %s", error))

    def _ticketing_checked(self, status: dict) -> None:
        self._ticketing = status
        if self.update_ticket_availability():
            self.changed()

    def update_ticket_availability(self) -> bool:
        """Show the ticket button only when a ticket can really come out. True if it changed."""
        printer = self.hardware.printer
        reason = None
        if printer is None:
            reason = msg("no_printer")
        elif not self.registered:
            reason = msg("not_registered")
        elif closed := ticketing_closed(self._ticketing):
            reason = closed
        elif printer.last_problem:
            reason = printer_problem(printer.last_problem, None)
        before = (self.state.ticket_available, self.state.ticket_reason)
        self.state.ticket_available, self.state.ticket_reason = reason is None, reason
        return before != (self.state.ticket_available, self.state.ticket_reason)
