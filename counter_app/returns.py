"""Handing back results: scan the citizen's receipt, see the case, record the return, rate.

The scan may be either symbol of the receipt (the 20-digit Code 128 or the CODE/TOKEN QR) or a
typed code. A compact scan is mapped back to its code by the backend's lookup; offline, by the
agency index the station learned from earlier cases. Offline the return (and the rating) wait in
the outbox like an intake does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backend.client import ApiError
from backend.domain import vocabulary
from backend.domain.codes import CaseCode, parse_scan
from backend.domain.errors import InvalidInput
from backend.domain.vocabulary import label
from counter_app.devices import Devices
from counter_app.link import Link
from counter_app.localstore import LocalStore, remember_agency
from counter_app.offline import Outbox
from counter_app.session import Session
from counter_app.strings import fail, msg, tr
from counter_app.texts import CounterError, Msg, OfflineError

RATINGS = vocabulary.RATINGS  # the words the kiosk and the API use for the same choice


@dataclass(frozen=True)
class ReturnView:
    code: str
    case: dict | None  # None when offline: only the code is known
    can_return: bool
    msg: Msg


class ReturnDesk:
    def __init__(self, link: Link, store: LocalStore, outbox: Outbox, session: Session,
                 devices: Devices, clock: Callable[[], datetime], counter: int = 1) -> None:
        self.link, self.store, self.outbox, self.session = link, store, outbox, session
        self.devices, self.clock, self.counter = devices, clock, counter

    def scan(self, text: str) -> ReturnView:
        self.session.require()
        try:
            code = self._code(text)
            case = self.link.call(self.link.client.case, code)
        except InvalidInput as error:
            raise CounterError(error.vi, error.en, "invalid_code", "code") from None
        except OfflineError:
            return ReturnView(code, None, True, msg("return_offline", "warning"))
        remember_agency(self.store, case)
        return self._view(case)

    def _code(self, text: str) -> str:
        scan = parse_scan(text)
        if scan.compact is None:
            return str(scan.code)
        try:
            return self.link.call(self.link.client.lookup, text.strip())["code"]
        except OfflineError:
            agency = (self.store.get("agency_index", {}) or {}).get(
                f"{scan.compact.agency_index:02d}")
            if agency is None:
                raise fail("offline_compact") from None
            return str(CaseCode(agency, scan.compact.day, scan.compact.seq))

    @staticmethod
    def _view(case: dict) -> ReturnView:
        status = vocabulary.sent(case, "status_label", "status", case["status"])
        if case["status"] == "resolved":
            return ReturnView(case["code"], case, True, msg("result_ready", "ok"))
        if case["status"] == "returned":
            return ReturnView(case["code"], case, False, msg("already_returned", "warning"))
        return ReturnView(case["code"], case, False, msg("no_result_yet", "warning",
                                                         status=status))

    @staticmethod
    def handed_over(view: ReturnView, said: Msg) -> ReturnView:
        """The case as it stands once handed over: it reads "returned", not "ready", and the
        message is what the hand-over said (the labels the API sent are for the old status)."""
        case = None if view.case is None else {
            **{k: v for k, v in view.case.items() if not k.startswith("status_label")},
            "status": "returned"}
        return ReturnView(view.code, case, False, said)

    def hand_over(self, code: str, channel: str = "counter") -> Msg:
        """Record the return; the customer display and the lobby kiosk invite a rating."""
        self.session.require()
        try:
            self.link.call(self.link.client.action, code, "return", channel=channel)
            said = self._ask_kiosk(code, msg("return_recorded", "ok", code=code))
        except OfflineError:
            self._queue("action", f"return-{code}", code, {
                "action": "return", "params": {"channel": channel}, "target": "returned"})
            said = msg("return_kept", "warning", code=code)
        self.devices.display.show_text(tr("display_rate"))
        return said

    def _ask_kiosk(self, code: str, done: Msg) -> Msg:
        """Ask the kiosk to offer the rating. Not queued when it fails: the citizen will
        have left by the time the outbox is sent, and the counter can still rate here."""
        try:
            self.link.call(self.link.client.request_rating, code, self.counter)
            return done
        except (OfflineError, ApiError):
            return msg("kiosk_not_asked", done.level, done=done)

    def rate(self, code: str, rating: str) -> Msg:
        if rating not in RATINGS:
            raise fail("invalid_rating", rating=rating)
        try:
            self.link.call(self.link.client.rate, code, rating, channel="counter")
        except OfflineError:
            self._queue("rating", f"rating-{code}", code, {"rating": rating})
        return msg("rated", "ok", rating=label("rating", rating))

    def _queue(self, kind: str, key: str, code: str, body: dict) -> None:
        with self.store.tx() as db:
            if not db["outbox"].count_where("key = ?", [key]):
                self.outbox.add(db, kind, key, code, body, self.clock().isoformat())
