"""The clerk's queue buttons: call next, recall, skip (no-show), transfer, done.

The backend owns the queue (priority tickets first, the hall display's list of calls); the
station's part of each call is local: the LED board over the counter shows the number and the
voice says "Xin mời số thứ tự A 0 1 2, đến quầy số 3" twice. A broken board or speaker is
reported beside the call, never instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from counter_app.devices import Devices
from counter_app.link import Link
from counter_app.texts import CounterError, Msg


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
            raise CounterError(f"Quầy số {self.counter} không có trong cấu hình hàng đợi",
                               f"Counter {self.counter} is not in the queue configuration",
                               "unknown_counter")
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
            return CallResult(None, Msg("Không còn ai chờ ở quầy này",
                                        "Nobody is waiting for this counter", "info"))
        return self._called(answer, "Mời số")

    def recall(self) -> CallResult:
        return self._called(self.link.call(self.link.client.call, self.counter, "recall"),
                            "Gọi lại số", "Called again")

    def done(self) -> CallResult:
        return self._finished("done", Msg("Đã phục vụ xong", "Served", "ok"))

    def skip(self) -> CallResult:
        return self._finished("skip", Msg("Vắng mặt, đã bỏ qua", "No-show, skipped", "info"))

    def transfer(self, to_counter: int | None = None, to_service: str | None = None
                 ) -> CallResult:
        answer = self.link.call(self.link.client.call, self.counter, "transfer",
                                to_counter=to_counter, to_service=to_service)
        where = f"quầy {to_counter}" if to_counter else f"dịch vụ {to_service}"
        where_en = f"counter {to_counter}" if to_counter else f"service {to_service}"
        label = answer["ticket"]["label"]
        return self._idle(answer["ticket"], Msg(f"Đã chuyển số {label} sang {where}",
                                                f"Ticket {label} sent to {where_en}", "ok"))

    def _called(self, answer: dict, vi: str, en: str = "Calling") -> CallResult:
        ticket, label = answer["ticket"], answer["ticket"]["label"]
        self.current = ticket
        problems = [self.devices.display.show_call(label)]
        try:
            self.devices.announcer.call(label, self.counter, answer["announcement"])
        except Exception as error:  # the speaker must never stop a call
            problems.append(Msg(f"Loa gọi số lỗi: {error}", f"Call speaker failed: {error}",
                                "warning"))
        return CallResult(ticket, Msg(f"{vi} {label}", f"{en} {label}", "ok"),
                          tuple(p for p in problems if p))

    def _finished(self, what: str, msg: Msg) -> CallResult:
        answer = self.link.call(self.link.client.call, self.counter, what)
        label = answer["ticket"]["label"]
        return self._idle(answer["ticket"], Msg(f"{label}: {msg.vi}", f"{label}: {msg.en}",
                                                msg.level))

    def _idle(self, ticket: dict, msg: Msg) -> CallResult:
        self.current = None
        problem = self.devices.display.show_text(f"Quầy {self.counter}")
        return CallResult(ticket, msg, (problem,) if problem else ())
