"""What the screens render: one `KioskState` the core keeps up to date, and nothing else.

Personal data lives in exactly two fields (`case` and the typed `entry`); `clear_personal()` is
the one place that forgets them, so the idle reset cannot miss one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk_app.entry import Check
from kiosk_app.strings import Msg
from kiosk_app.views import (
    FieldView,
    ProcedureItem,
    ProcedureView,
    ServiceView,
    StatusView,
    TicketView,
)

SCREENS = ("home", "scan", "type", "status", "procedures", "procedure_list", "procedure",
           "queue", "ticket", "pin", "admin", "rate")


@dataclass(frozen=True)
class EntryView:
    text: str = ""
    rest: str = ""  # the template still to fill, shown greyed
    check: Check | None = None
    page: str = "digits"


@dataclass(frozen=True)
class AdminView:
    info: tuple[tuple[Msg, str], ...] = ()
    tests: tuple[tuple[Msg, str, str], ...] = ()  # (name, PASS/FAIL/NONE key, detail)
    busy: Msg | None = None


@dataclass
class KioskState:
    screen: str = "home"
    lang: str = "vi"
    version: int = 0  # bumped on every change; screens re-render when it moves
    busy: Msg | None = None  # a request in flight ("Looking up your case…")
    notice: Msg | None = None  # an answer to what the citizen just did (errors included)
    offline: Msg | None = None  # the backend cannot be reached; retrying
    connected: bool = True  # the last heartbeat or request reached the backend
    idle_left: int | None = None  # seconds until the idle reset, in its last few seconds
    # case lookup (personal)
    entry: EntryView = field(default_factory=EntryView)
    case: StatusView | None = None
    rating_offered: bool = False
    rating_done: Msg | None = None
    rating_counter: int | None = None  # the counter that asked for the rating (screen "rate")
    read_aloud: bool = False  # a "read aloud" button: the setting is on and a speaker exists
    # procedures
    fields: tuple[FieldView, ...] = ()
    field: FieldView | None = None
    query: str = ""
    procedures: tuple[ProcedureItem, ...] = ()
    procedure: ProcedureView | None = None
    # queue
    ticket_available: bool = False
    ticket_reason: Msg | None = None
    services: tuple[ServiceView, ...] = ()
    priority: str | None = None  # elderly, disabled, pregnant: called before the others
    ticket: TicketView | None = None
    # admin
    pin_length: int = 0
    pin_message: Msg | None = None
    admin: AdminView | None = None

    def clear_personal(self) -> None:
        self.entry = EntryView()
        self.case = None
        self.rating_offered, self.rating_done, self.read_aloud = False, None, False
        self.rating_counter = None
        self.ticket, self.priority = None, None
        self.busy = self.notice = None
        self.query, self.procedures, self.procedure, self.field = "", (), None, None
        self.pin_length, self.pin_message, self.admin = 0, None, None
