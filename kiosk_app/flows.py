"""The kiosk's three side journeys, each a small class over the core: procedures, queue, admin.

They change `kiosk.state` on the core's thread and do their blocking work through `kiosk.call()`
(or the worker directly for background jobs that belong to no citizen).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from backend.client import ApiError, BackendUnreachable, Client
from drivers.message import BilingualError
from kiosk_app import __version__
from kiosk_app.admin import AdminGate
from kiosk_app.config import KioskConfig, Settings
from kiosk_app.devices import Check, Hardware, printer_problem
from kiosk_app.state import AdminView, KioskState
from kiosk_app.strings import TEXTS, Msg, msg, tr
from kiosk_app.tasks import Timers, Worker
from kiosk_app.tickets import self_test_slip, ticket_document
from kiosk_app.views import (
    TicketView,
    field_view,
    procedure_item,
    procedure_view,
    service_views,
    when,
)


class Kiosk(Protocol):
    """What a flow uses of the kiosk core (kiosk_app.core.Kiosk), named here so that the flows
    need not import the core that builds them."""

    config: KioskConfig
    client: Client
    hardware: Hardware
    settings: Settings
    state: KioskState
    gate: AdminGate
    timers: Timers
    worker: Worker
    restart_requested: bool
    clock: Callable[[], float]
    now: Callable[[], datetime]

    def changed(self) -> None: ...

    def call(self, fn: Callable[[], object], done: Callable[[object], None], *,
             busy: str | None = None, retry: bool = True,
             errors: Callable[[Exception], bool] | None = None) -> None: ...

    def update_ticket_availability(self) -> bool: ...

SEARCH_DELAY = 0.4  # seconds after the last key before searching: not one request per letter
CONFIRM_RETRY = 5.0
MAX_QUERY = 40


class ProceduresFlow:
    """Browse procedures by field or search by name (the backend ignores diacritics)."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.k = kiosk
        self._reference: tuple[float, dict] | None = None  # (fetched at, fields/units/services)

    def reference(self) -> dict:
        """Fields, unit names and queue services: they change rarely, so cached (worker side)."""
        cached = self._reference
        if cached and self.k.clock() - cached[0] < self.k.config.catalog_ttl:
            return cached[1]
        client = self.k.client
        data = {"fields": client.fields(), "units": {u["code"]: u["name"] for u in client.units()},
                "services": client.queue_services()}
        self._reference = (self.k.clock(), data)
        return data

    def open(self) -> None:
        s = self.k.state
        s.screen, s.notice, s.field, s.query, s.procedures = "procedures", None, None, "", ()
        self.k.call(self.reference, self._fields_loaded, busy="loading")

    def _fields_loaded(self, data: dict) -> None:
        self.k.state.fields = tuple(field_view(f) for f in data["fields"])

    def choose_field(self, code: str) -> None:
        chosen = next((f for f in self.k.state.fields if f.code == code), None)
        if chosen is None:
            return
        s = self.k.state
        s.field, s.procedures, s.screen, s.notice = chosen, (), "procedure_list", None
        self.k.call(lambda: self.k.client.procedures(field=code), self._listed, busy="loading")

    def _listed(self, items: list[dict]) -> None:
        self.k.state.procedures = tuple(procedure_item(p) for p in items)
        if not items and self.k.state.query:
            self.k.state.notice = msg("proc_none", q=self.k.state.query)

    def type(self, key: str) -> None:
        """The search keyboard: letters, digits, space, back, clear; searches after a pause."""
        s = self.k.state
        if key == "back":
            s.query = s.query[:-1]
        elif key == "clear":
            s.query = ""
        elif key == "space":
            s.query = s.query + " " if s.query and not s.query.endswith(" ") else s.query
        elif len(key) == 1 and len(s.query) < MAX_QUERY:
            s.query += key.lower()
        s.notice = None
        self.k.timers.after(SEARCH_DELAY, "search", self.search)
        self.k.changed()

    def search(self) -> None:
        query = self.k.state.query.strip()
        if not query:
            self.k.state.procedures = ()
            self.k.changed()
            return
        self.k.call(lambda: self.k.client.procedures(query), self._listed, busy="loading")

    def open_procedure(self, code: str) -> None:
        def fetch() -> tuple[dict, dict]:
            return self.k.client.procedure(code), self.reference()

        self.k.call(fetch, self._opened, busy="loading")

    def _opened(self, result: tuple[dict, dict]) -> None:
        proc, ref = result
        self.k.state.procedure = procedure_view(proc, ref["units"], ref["services"])
        self.k.state.screen, self.k.state.notice = "procedure", None


def _said(detail: str | Msg, lang: str) -> str:
    """A self-test line's detail in the kiosk's language."""
    if isinstance(detail, Msg):
        return detail.text(lang)
    return tr(detail, lang) if detail in TEXTS else detail


class TicketNotPrinted(BilingualError):
    """The printer did not deliver the ticket; the reservation was cancelled."""

    def __init__(self, code: str | None, reason: Msg | None) -> None:
        problem = printer_problem(code, reason)
        super().__init__(problem.vi, problem.en, key=code or "ticket_not_printed")
        self.code = code


class QueueFlow:
    """Choose a service, reserve a number, print it, confirm it; or cancel and say why."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.k = kiosk
        self.unconfirmed: list[int] = []  # printed while the server was away; confirmed later

    def open(self) -> None:
        s = self.k.state
        if not s.ticket_available:
            s.notice = msg("ticket_unavailable", "warn", reason=s.ticket_reason or Msg("", ""))
            self.k.changed()
            return
        s.screen, s.notice, s.ticket = "queue", None, None
        client = self.k.client
        self.k.call(lambda: (client.queue_services(), client.queue_status()), self._loaded,
                    busy="loading")

    def _loaded(self, result: tuple[list[dict], dict]) -> None:
        services, status = result
        self.k.state.services = tuple(service_views(services, status, self.k.settings.services))

    def take(self, letter: str) -> None:
        service = next((s for s in self.k.state.services if s.letter == letter), None)
        if service is None or not self.k.state.ticket_available:
            return
        # No automatic retry here: a ticket printed a minute later may be for nobody.
        priority = self.k.state.priority
        self.k.call(lambda: self._issue(service, priority), self._issued, busy="printing",
                    retry=False, errors=self._not_printed)

    def _issue(self, service, priority: str | None = None) -> tuple[dict, bool]:
        """Worker side: reserve, print, confirm. Returns (ticket, confirmed)."""
        client, printer = self.k.client, self.k.hardware.printer
        ticket = client.reserve_ticket(service.letter, priority)
        doc = ticket_document(ticket, service.name, service.counters, self.k.config.site_name)
        result = printer.print_document(doc)
        if not result.ok:
            with contextlib.suppress(ApiError, BackendUnreachable):  # unconfirmed never counts
                client.cancel_ticket(ticket["id"])
            raise TicketNotPrinted(result.code, result.reason)
        try:
            return client.ticket_printed(ticket["id"]), True
        except BackendUnreachable:
            return ticket, False

    def _issued(self, outcome: tuple[dict, bool]) -> None:
        ticket, confirmed = outcome
        service = next(s for s in self.k.state.services if s.letter == ticket["service"])
        if not confirmed:
            self.unconfirmed.append(ticket["id"])
            self.k.timers.after(CONFIRM_RETRY, "confirm", self.confirm_pending)
        self.k.state.ticket = TicketView(ticket["label"], service.name,
                                         int(ticket.get("people_ahead", 0)), service.counters,
                                         when(ticket.get("issued_at")), confirmed)
        self.k.state.screen = "ticket"
        self.k.update_ticket_availability()

    def _not_printed(self, error: Exception) -> bool:
        if not isinstance(error, TicketNotPrinted):
            return False
        self.k.state.notice = msg("ticket_failed", "error", reason=Msg(error.vi, error.en))
        self.k.update_ticket_availability()
        self.k.state.screen = "home"
        return True

    def confirm_pending(self) -> None:
        """Background: tell the server about tickets printed while it was unreachable."""
        for ticket_id in list(self.unconfirmed):
            self.k.worker.submit(lambda t=ticket_id: self.k.client.ticket_printed(t),
                                 lambda _r, t=ticket_id: self._confirmed(t),
                                 lambda e, t=ticket_id: self._confirm_failed(t, e))

    def _confirmed(self, ticket_id: int) -> None:
        if ticket_id in self.unconfirmed:
            self.unconfirmed.remove(ticket_id)

    def _confirm_failed(self, ticket_id: int, error: Exception) -> None:
        if isinstance(error, ApiError):  # the server answered: nothing more to do for this one
            self._confirmed(ticket_id)
        else:
            self.k.timers.after(CONFIRM_RETRY, "confirm", self.confirm_pending)


class AdminFlow:
    """PIN pad, device information, self-test, test print, restart."""

    def __init__(self, kiosk: Kiosk) -> None:
        self.k = kiosk
        self._pin = ""

    def tap(self, x: float, y: float) -> None:
        """Every touch, as shares of the screen from the top-left; the corner gesture opens."""
        if self.k.state.screen not in ("pin", "admin") and self.k.gate.tap(x, y):
            self._pin = ""
            s = self.k.state
            s.pin_length, s.pin_message, s.screen, s.notice = 0, None, "pin", None
            self.k.changed()

    def press(self, key: str) -> None:
        if self.k.state.screen != "pin" or self.k.state.busy:
            return
        if key == "ok":
            self._check()
            return
        if key == "back":
            self._pin = self._pin[:-1]
        elif key == "clear":
            self._pin = ""
        elif key.isdigit() and len(self._pin) < 8:
            self._pin += key
        self.k.state.pin_length = len(self._pin)
        self.k.changed()

    def _check(self) -> None:
        pin, self._pin = self._pin, ""
        self.k.state.pin_length = 0
        # PBKDF2 takes a noticeable moment on a Raspberry Pi: off the screen's thread.
        self.k.call(lambda: self.k.gate.check(pin), self._checked, busy="loading", retry=False)

    def _checked(self, result: str) -> None:
        s = self.k.state
        if result == "ok":
            s.screen, s.pin_message = "admin", None
            s.admin = AdminView(info=self.info())
        elif result == "locked":
            s.pin_message = msg("pin_locked", "error", s=int(self.k.gate.locked_for()) or 1)
        else:
            s.pin_message = msg("pin_wrong", "error", n=self.k.gate.tries_left)

    def info(self) -> tuple[tuple[Msg, str], ...]:
        k, cfg = self.k, self.k.config
        beat = k.last_heartbeat.strftime("%H:%M:%S %d/%m/%Y") if k.last_heartbeat else None
        # Device states only: counters change every frame and belong to the heartbeat.
        hardware = ", ".join(f"{key}: {value}" for key, value in k.hardware.snapshot().items()
                             if isinstance(value, str))
        st = k.settings
        rating = "on" if st.rating_enabled else "off"
        settings = (f"idle {st.idle_seconds}s, {st.language}, services "
                    f"{','.join(st.services) or '*'}, rating {rating}")
        return ((msg("i_name"), cfg.device_name), (msg("i_station"), cfg.station or "—"),
                (msg("i_version"), __version__), (msg("i_backend"), cfg.backend_url),
                (msg("i_heartbeat"), beat or msg("never").text(k.state.lang)),
                (msg("i_settings"), settings), (msg("i_hardware"), hardware))

    def self_test(self) -> None:
        self._set(busy=msg("admin_testing"))
        self.k.call(self._run_tests, self._tested, retry=False)

    def _run_tests(self) -> list[Check]:
        try:
            self.k.client.health()
            backend = Check("t_backend", True, self.k.config.backend_url)
        except (BackendUnreachable, ApiError) as error:
            backend = Check("t_backend", False, str(error))  # the URL and cause, for a technician
        return [backend, *self.k.hardware.self_test()]

    def _tested(self, checks: list[Check]) -> None:
        lang = self.k.state.lang
        tests = tuple((msg(c.name), "test_skip" if c.ok is None else
                       ("test_pass" if c.ok else "test_fail"),
                       _said(c.detail, lang)) for c in checks)
        self._set(tests=tests, info=self.info(), busy=None)
        self.k.update_ticket_availability()

    def print_test(self) -> None:
        printer = self.k.hardware.printer
        if printer is None:
            self.k.state.notice = msg("no_printer", "warn")
            self.k.changed()
            return
        slip = self_test_slip(self.k.config.device_name, self.k.now())
        self.k.call(lambda: printer.print_document(slip), self._printed, retry=False)

    def _printed(self, result) -> None:
        self.k.state.notice = (msg("test_pass", "ok") if result.ok
                               else printer_problem(result.code, result.reason))
        self.k.update_ticket_availability()

    def restart(self) -> None:
        """The app watches `restart_requested` and exits; systemd starts it again."""
        self._set(busy=msg("admin_restarting"))
        self.k.restart_requested = True
        self.k.changed()

    def _set(self, **changes) -> None:
        self.k.state.admin = replace(self.k.state.admin or AdminView(), **changes)
