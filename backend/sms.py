"""SMS lookup: 'TTHC <mã hồ sơ>' sent to the centre's short code gets status and dates back.

The reply comes from the same public lookup as the kiosk and the web page, without a token:
an SMS proves nothing about who holds the receipt, so it carries no personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from backend.domain.errors import MotcuaError
from backend.domain.text import fold
from backend.store.db import Store
from backend.store.lookup import public_lookup
from backend.store.site import Site, load_site

DEFAULT_KEYWORD = "TTHC"


def _when(iso_time: str | None) -> str:
    if not iso_time:
        return ""
    moment = datetime.fromisoformat(iso_time)
    return f"{moment:%H:%M %d/%m/%Y}"


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
             f"Nhận {_when(answer['received_at'])}", f"Hẹn trả {_when(answer['due_at'])}"]
    if answer["new_due_at"]:
        parts.append(f"Hẹn lại {_when(answer['new_due_at'])}")
    if answer["late"]:
        parts.append("Quá hạn")
    if answer["status"] == "resolved":
        parts.append(answer["return_label"])
    return ". ".join(parts)




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
