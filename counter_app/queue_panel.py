"""The clerk's queue buttons: call next, recall, skip (no-show), transfer, done.

The backend owns the queue (priority tickets first, the hall display's list of calls); the
station's part of each call is local: the LED board over the counter shows the number and the
voice says "Xin mời số thứ tự A 0 1 2, đến quầy số 3" twice. A broken board or speaker is
reported beside the call, never instead of it.

Priority citizens (elderly, disabled, pregnant) who come straight to the desk get a priority
number from the clerk: printed on the counter's printer (reserved, printed, then confirmed, as
at the kiosk: a number that did not print is cancelled, never called), or issued and called at
once when the counter is free. The backend calls priority numbers first, oldest first, so an
earlier priority citizen keeps their turn.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from backend.client import ApiError
from counter_app.devices import Devices
from counter_app.link import Link
from counter_app.strings import PRIORITY_REASONS, fail, msg, tr
from counter_app.texts import Msg, OfflineError
from drivers.printers import Document, Text
from kiosk_app.strings import msg as kiosk_msg
from kiosk_app.tickets import ticket_document

REASONS = {"elderly": msg("group_elderly"),
           "disabled": msg("group_disabled"),
           "pregnant": msg("group_pregnant")}


@dataclass(frozen=True)
class QueueView:
    counter: int
    services: list[dict]  # this counter's services: letter, name, waiting
    current: dict | None  # the ticket being served here
    latest: list[dict] = field(default_factory=list)  # the hall's last calls
    counters: list[int] = field(default_factory=list)  # every counter, for transfers
    letters: list[str] = field(default_factory=list)  # every service letter, for transfers

    @property
    def waiting(self) -> int:
        return sum(s["waiting"] for s in self.services)


@dataclass(frozen=True)
class CallResult:
    ticket: dict | None
    msg: Msg
    device_problems: tuple[Msg, ...] = ()


class QueuePanel:
    def __init__(self, link: Link, devices: Devices, counter: int) -> None:
        self.link, self.devices, self.counter = link, devices, counter
        self.current: dict | None = None

    def view(self) -> QueueView:
        status = self.link.call(self.link.client.queue_status)
        mine = next((c for c in status["counters"] if c["number"] == self.counter), None)
        if mine is None:
            raise fail("unknown_counter", counter=self.counter)
        services = [s for s in status["services"] if s["letter"] in mine["services"]]
        if mine["current"] is None:
            self.current = None
        elif (self.current or {}).get("label") != mine["current"]:
            self.current = {"label": mine["current"]}
        return QueueView(self.counter, services, self.current, status["calls"][:6],
                         [c["number"] for c in status["counters"]],
                         [s["letter"] for s in status["services"]])

    def call_next(self) -> CallResult:
        answer = self.link.call(self.link.client.call, self.counter, "next")
        if answer["ticket"] is None:
            self.current = None
            return CallResult(None, msg("nobody_waiting", "info"))
        return self._called(answer, "calling")

    def recall(self) -> CallResult:
        return self._called(self.link.call(self.link.client.call, self.counter, "recall"),
                            "called_again")

    def done(self) -> CallResult:
        return self._finished("done", msg("served", "ok"))

    def skip(self) -> CallResult:
        return self._finished("skip", msg("skipped", "info"))

    def transfer(self, to_counter: int | None = None, to_service: str | None = None
                 ) -> CallResult:
        answer = self.link.call(self.link.client.call, self.counter, "transfer",
                                to_counter=to_counter, to_service=to_service)
        where = msg("to_counter", n=to_counter) if to_counter else msg("to_service",
                                                                       letter=to_service)
        return self._idle(answer["ticket"], msg("transferred", "ok", where=where,
                                                label=answer["ticket"]["label"]))

    # -- priority citizens at the desk ------------------------------------------------------
    def priority_ticket(self, letter: str, reason: str) -> CallResult:
        """Print a priority number here; a number that did not print is cancelled."""
        status = self._priority_check(letter, reason)
        ticket = self.link.call(self.link.client.reserve_ticket, letter, reason)
        result = self.devices.printer.print_document(_ticket_paper(ticket, status, reason))
        if not result.ok:
            with contextlib.suppress(ApiError, OfflineError):
                self.link.call(self.link.client.cancel_ticket, ticket["id"])
            why = result.reason or Msg("", "")
            raise fail("priority_not_printed", key="ticket_not_printed", label=ticket["label"],
                       reason=why)
        ticket = self.link.call(self.link.client.ticket_printed, ticket["id"])
        return CallResult(ticket, msg("priority_printed", "ok", label=ticket["label"],
                                      reason=REASONS[reason]))

    def serve_priority(self, letter: str, reason: str) -> CallResult:
        """The citizen is at the desk: no paper, the number is issued and called now."""
        self._priority_check(letter, reason)
        self.view()  # what the server says is being served here, not what we last saw
        if self.current is not None:
            raise fail("priority_busy")
        ticket = self.link.call(self.link.client.reserve_ticket, letter, reason)
        self.link.call(self.link.client.ticket_printed, ticket["id"])
        called = self.call_next()
        if called.ticket is None or called.ticket["id"] != ticket["id"]:
            text = msg("priority_behind", "warning", label=ticket["label"],
                       called=(called.ticket or {}).get("label", "-"))
        else:
            text = msg("priority_serving", "ok", label=ticket["label"],
                       reason=REASONS[reason])
        return CallResult(called.ticket, text, called.device_problems)

    def _priority_check(self, letter: str, reason: str) -> dict:
        if reason not in PRIORITY_REASONS:
            raise fail("priority_choose", key="priority_reason")
        status = self.link.call(self.link.client.queue_status)
        mine = next((c for c in status["counters"] if c["number"] == self.counter), None)
        if mine is None or letter not in mine["services"]:
            raise fail("unknown_service", counter=self.counter, letter=letter)
        return status

    def _called(self, answer: dict, said: str) -> CallResult:
        ticket, label = answer["ticket"], answer["ticket"]["label"]
        self.current = ticket
        problems = [self.devices.display.show_call(label)]
        try:
            self.devices.announcer.call(label, self.counter, answer["announcement"])
        except Exception as error:  # the speaker must never stop a call
            problems.append(msg("speaker_failed", "warning", error=error))
        return CallResult(ticket, msg(said, "ok", label=label),
                          tuple(p for p in problems if p))

    def _finished(self, what: str, said: Msg) -> CallResult:
        answer = self.link.call(self.link.client.call, self.counter, what)
        return self._idle(answer["ticket"], msg("finished", said.level, what=said,
                                                label=answer["ticket"]["label"]))

    def _idle(self, ticket: dict, said: Msg) -> CallResult:
        self.current = None
        problem = self.devices.display.show_text(tr("display_counter", n=self.counter))
        return CallResult(ticket, said, (problem,) if problem else ())


def _ticket_paper(ticket: dict, status: dict, reason: str) -> Document:
    """The kiosk's ticket, with the priority group where it counts the people ahead (the
    server counts every ordinary ticket ahead of a reserved one, which a priority one is not).
    """
    service = next(s for s in status["services"] if s["letter"] == ticket["service"])
    counters = ", ".join(str(c["number"]) for c in status["counters"]
                         if ticket["service"] in c["services"])
    doc = ticket_document(ticket, service["name"], counters)
    ahead = kiosk_msg("t_ahead", n=ticket.get("people_ahead", 0))
    group = msg("priority_paper", reason=REASONS[reason])
    swap = {ahead.vi: Text(group.vi, align="center", bold=True),
            ahead.en: Text(group.en, align="center")}
    doc.blocks = [swap.get(getattr(block, "text", None), block) for block in doc.blocks]
    return doc
