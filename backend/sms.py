"""SMS lookup: 'TTHC <mã hồ sơ>' sent to the centre's short code gets status and dates back.

The reply comes from the same public lookup as the kiosk and the web page, without a token:
an SMS proves nothing about who holds the receipt, so it carries no personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from backend.domain.calendar import short_time
from backend.domain.errors import MotcuaError
from backend.domain.text import fold
from backend.store.db import Store
from backend.store.lookup import public_lookup
from backend.store.site import Site, load_site

DEFAULT_KEYWORD = "TTHC"
log = logging.getLogger(__name__)


def parse_request(text: str, keyword: str = DEFAULT_KEYWORD) -> str | None:
    """The code after the keyword, or None when the message is not a lookup request."""
    words = (text or "").strip().split(None, 1)
    if len(words) == 2 and fold(words[0]) == fold(keyword):
        return words[1].strip()
    return None


def reply_for(store: Store, site: Site, text: str, now: datetime,
              keyword: str = DEFAULT_KEYWORD) -> str:
    return reply_with(lambda code: public_lookup(store, site, code, None, now), text, keyword)


def reply_with(lookup: Callable[[str], dict], text: str,
               keyword: str = DEFAULT_KEYWORD) -> str:
    """The reply, whoever answers the lookup: a centre's store or the provincial hub's."""
    code = parse_request(text, keyword)
    if code is None:
        return (f"Sai cú pháp. Soạn: {keyword} <mã hồ sơ>, ví dụ {keyword} "
                "000.00.06.H56-261123-0007")
    try:
        answer = lookup(code)
    except MotcuaError as exc:
        return exc.vi
    return _format(answer)


def _format(answer: dict) -> str:
    parts = [f"Hồ sơ {answer['code']}: {answer['status_label']}",
             f"Nhận {short_time(answer['received_at'])}", f"Hẹn trả {short_time(answer['due_at'])}"]
    if answer["new_due_at"]:
        parts.append(f"Hẹn lại {short_time(answer['new_due_at'])}")
    if answer["late"]:
        parts.append("Quá hạn")
    if answer["status"] == "resolved":
        parts.append(answer["return_label"])
    return ". ".join(parts)


class Notifier:
    """Sends the outbox through the modem, on its own thread in the process that owns it.

    A failed send is retried with a doubling wait (1 min up to 1 h), `max_attempts` times; a
    number the network says does not exist is given up at once. A number that has had
    `per_day` notices today waits for tomorrow morning; none go out outside `hours`.
    """

    def __init__(self, store: Store, modem, *, per_day: int = 5, clock=None,
                 hours: tuple[int, int] = (7, 21), max_attempts: int = 12,
                 first_retry_s: float = 60, max_retry_s: float = 3600):
        self.store, self.modem, self.per_day, self.hours = store, modem, per_day, hours
        self.clock = clock or _vn_now
        self.max_attempts, self.first_retry_s, self.max_retry_s = (
            max_attempts, first_retry_s, max_retry_s)

    def run(self, stop, every: float = 10.0) -> None:
        while not stop.is_set():
            try:
                self.send_due()
            except Exception:  # the worker must outlive a bad row or a locked database
                log.exception("SMS outbox round failed")
            stop.wait(every)

    def send_due(self) -> int:
        """One round: send what is due now; returns how many went out."""
        from backend.store import outbox

        now, sent = self.clock(), 0
        first, end = self.hours
        if not first <= now.hour < end:
            return 0  # nobody wants a message about papers at night; they wait till morning
        tomorrow = _midnight(now) + timedelta(days=1, hours=first)
        for message in outbox.due(self.store, _iso(now)):
            if outbox.sent_since(self.store, message["phone"], _iso(_midnight(now))) \
                    >= self.per_day:
                outbox.update(self.store, message["id"], next_at=_iso(tomorrow))
                continue
            sent += self._send(message, now)
        return sent

    def _send(self, message: dict, now: datetime) -> int:
        from backend.store import outbox
        from drivers.modems import ModemError, SmsError

        attempts = message["attempts"] + 1
        try:
            self.modem.send(message["phone"], message["text"])
        except (ModemError, OSError, ValueError) as exc:
            final = (isinstance(exc, ValueError) or attempts >= self.max_attempts
                     or (isinstance(exc, SmsError) and exc.code in PERMANENT_CMS))
            wait = min(self.first_retry_s * 2 ** (attempts - 1), self.max_retry_s)
            outbox.update(self.store, message["id"], attempts=attempts, last_error=str(exc),
                          status=outbox.FAILED if final else outbox.PENDING,
                          next_at=_iso(now + timedelta(seconds=wait)))
            log.warning("SMS notice %s not sent (attempt %s): %s", message["id"], attempts, exc)
            return 0
        outbox.update(self.store, message["id"], attempts=attempts, status=outbox.SENT,
                      sent_at=_iso(now), last_error=None)
        return 1


PERMANENT_CMS = {1}  # unassigned number: retrying cannot help


def _midnight(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _iso(moment: datetime) -> str:
    from backend.store.cases import iso

    return iso(moment)


class SmsGateway:
    """Answers lookup SMS arriving on a modem; one reply per request, senders rate-limited.

    The modem calls `handle` on its own thread for each message; the store gives each thread
    its own SQLite connection, so no lock is needed here.
    """

    def __init__(self, store: Store | None, modem, *, keyword: str = DEFAULT_KEYWORD,
                 per_minute: int = 3, clock=None,
                 lookup: Callable[[str, datetime], dict] | None = None) -> None:
        """`lookup(code, now)` answers instead of the store (the provincial hub's)."""
        from backend.ratelimit import RateLimiter

        self.store, self.modem, self.keyword, self.lookup = store, modem, keyword, lookup
        self.per_minute, self.limiter = per_minute, RateLimiter()
        self.clock = clock or _vn_now
        self.answered = 0

    def handle(self, message) -> str | None:
        try:
            self.limiter.check(message.sender, self.per_minute)
        except MotcuaError:
            return None  # a flood gets silence, not replies paid for by the centre
        now = self.clock()
        if self.lookup is not None:
            reply = reply_with(lambda code: self.lookup(code, now), message.text, self.keyword)
        else:
            reply = reply_for(self.store, load_site(self.store), message.text, now,
                              self.keyword)
        self.modem.send(message.sender, reply)
        self.answered += 1
        return reply


def _vn_now() -> datetime:
    from backend.domain.calendar import VN_TZ

    return datetime.now(VN_TZ)
