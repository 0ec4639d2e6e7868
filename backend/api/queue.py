"""Queue tickets (kiosk, counter), calling (clerk), the hall display state (public), ratings."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from backend.api import deps
from backend.api.answers import (
    CallAnswer,
    Items,
    PendingRating,
    QueueService,
    QueueStatus,
    Rated,
    RatingRequest,
    Ticket,
    answers,
)
from backend.api.inputs import Body, CounterNo, TicketId
from backend.domain import codes
from backend.domain.errors import Forbidden
from backend.store import queue, ratings
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1", tags=["queue"])
clerk = deps.require("clerk")
# Each device kind does its own job: kiosks and counter stations print tickets, kiosks and
# customer displays offer the rating a counter asked for; a hall display does neither.
issuer = deps.require("clerk", "device:kiosk", "device:counter")
rating_screen = deps.require("clerk", "device:kiosk", "device:display")
TICKETS_PER_MINUTE = 10  # per issuer: a busy lobby, not a script emptying the day's numbers
PRIORITY_PER_HOUR = 10


class TicketBody(Body):
    service: str = Field(pattern=r"^[A-Z]$")
    priority: Literal["elderly", "disabled", "pregnant", "child", "other"] | None = None


class TransferBody(Body):
    to_counter: int | None = Field(None, ge=1, le=99)
    to_service: str | None = Field(None, pattern=r"^[A-Z]$")


class RatingBody(Body):
    code: str = Field(min_length=1, max_length=64)
    token: str | None = Field(None, max_length=16)
    rating: Literal["very_satisfied", "satisfied", "unsatisfied"]
    channel: Literal["kiosk", "counter", "web"] = "kiosk"


def config(request: Request):
    return request.app.state.queue_config


@router.get("/queue/status", **answers(QueueStatus))
def status(request: Request, store=Depends(deps.store), site=Depends(deps.site),
           now=Depends(deps.now)) -> dict:
    return queue.status(store, config(request), now) | {
        "ticketing": queue.ticketing(site.calendar, now)}


@router.get("/queue/services", **answers(Items[QueueService]))
def services(request: Request) -> dict:
    return {"items": [s.model_dump() for s in config(request).services]}


@router.post("/queue/tickets", status_code=201, **answers(Ticket))
def reserve(body: TicketBody, request: Request, who: Principal = Depends(issuer),
            store=Depends(deps.store), site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    """Reserve a number; it is called only after /printed confirms the paper came out."""
    _limit_tickets(request, who, body.priority is not None)
    return queue.reserve(store, config(request), site.calendar, body.service, body.priority,
                         who.username, now, issuer=_issuer(who))


def _issuer(who: Principal) -> str:
    """Devices and staff have separate name spaces, so the issuer says which one it is."""
    return f"device:{who.device_id}" if who.role == "device" else f"user:{who.user_id}"


def _limit_tickets(request: Request, who: Principal, priority: bool) -> None:
    deps.throttle(request, f"tickets:{_issuer(who)}", TICKETS_PER_MINUTE, 60,
                  "Cấp số quá nhanh, vui lòng chờ một chút",
                  "Tickets are being issued too fast, please wait a moment")
    if priority:
        deps.throttle(request, f"priority:{_issuer(who)}", PRIORITY_PER_HOUR, 3600,
                      "Đã cấp quá nhiều số ưu tiên trong giờ này, mời lấy số thường "
                      "hoặc hỏi cán bộ", "Too many priority tickets this hour; take a "
                      "regular ticket or ask a member of staff")


@router.post("/queue/tickets/{ticket_id}/printed", **answers(Ticket))
def printed(ticket_id: TicketId, who: Principal = Depends(issuer), store=Depends(deps.store),
            now=Depends(deps.now)) -> dict:
    return queue.confirm_printed(store, ticket_id, now, issuer=_issuer(who))


@router.post("/queue/tickets/{ticket_id}/cancel", **answers(Ticket))
def cancel(ticket_id: TicketId, who: Principal = Depends(issuer), store=Depends(deps.store),
           now=Depends(deps.now)) -> dict:
    return queue.cancel(store, ticket_id, now, issuer=_issuer(who))


@router.post("/queue/counters/{counter}/next", **answers(CallAnswer))
def call_next(counter: CounterNo, request: Request, who: Principal = Depends(clerk),
              store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    ticket = queue.call_next(store, config(request), counter, now)
    return {"ticket": ticket, "announcement": _announce(ticket, counter)}


def _announce(ticket: dict | None, counter: int) -> str | None:
    from backend.domain.queue import announcement

    return announcement(ticket["label"], counter) if ticket else None


@router.post("/queue/counters/{counter}/recall", **answers(CallAnswer))
def recall(counter: CounterNo, request: Request, who: Principal = Depends(clerk),
           store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    ticket = queue.recall(store, counter, now)
    return {"ticket": ticket, "announcement": _announce(ticket, counter)}


@router.post("/queue/counters/{counter}/done", **answers(CallAnswer))
def done(counter: CounterNo, request: Request, who: Principal = Depends(clerk),
         store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    return {"ticket": queue.finish(store, counter, "done", now)}


@router.post("/queue/counters/{counter}/skip", **answers(CallAnswer))
def skip(counter: CounterNo, request: Request, who: Principal = Depends(clerk),
         store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    return {"ticket": queue.finish(store, counter, "no_show", now)}


@router.post("/queue/counters/{counter}/transfer", **answers(CallAnswer))
def transfer(counter: CounterNo, body: TransferBody, request: Request,
             who: Principal = Depends(clerk), store=Depends(deps.store),
             now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    return {"ticket": queue.transfer(store, config(request), counter, now,
                                     to_counter=body.to_counter, to_service=body.to_service)}


class RatingRequestBody(Body):
    code: str = Field(min_length=1, max_length=64)
    counter: int = Field(ge=1, le=99)


@router.post("/ratings/requests", status_code=201, **answers(RatingRequest))
def request_rating(body: RatingRequestBody, request: Request, who: Principal = Depends(clerk),
                   store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(body.counter)
    code = str(codes.parse_code(body.code))
    return ratings.request_rating(store, code, body.counter, who.username, now)


@router.get("/ratings/requests/pending", **answers(PendingRating))
def pending_rating(counter: int | None = Query(None, ge=1, le=99),
                   who: Principal = Depends(rating_screen),
                   store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    """Kiosks and customer displays poll this; the rating itself closes the request."""
    return {"request": ratings.pending_request(store, now, counter)}


@router.post("/ratings", status_code=201, **answers(Rated))
def rate(body: RatingBody, request: Request, store=Depends(deps.store),
         site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    """A citizen rates with the receipt's token; a clerk rates at the counter; a kiosk or
    customer display rates only the case a counter has just asked it to."""
    code = str(codes.parse_code(body.code))
    by = _rater(request, store, code, body.token, site, now)
    return ratings.rate(store, code, body.rating, body.channel, by, now)


def _rater(request: Request, store, code: str, token: str | None, site, now) -> str:
    """Who rates; a wrong token is refused before anything is written."""
    signed_in = bool(request.headers.get("authorization"))
    if token is not None or not signed_in:
        # The token is a guessable 8 digits: guesses share the public lookup's budget.
        request.app.state.limiter.check(deps.client(request), site.lookup_rate_per_minute)
    if token is not None:
        if codes.verify_token(code, token, site.secret):
            return "citizen"
        raise Forbidden("Mã bảo mật trên biên nhận không đúng", "The receipt token is wrong",
                        key="wrong_token")
    if signed_in:
        who = deps.principal(request, deps.bearer(request))
        deps.admit(who, ("clerk", "device:kiosk", "device:display"))
        if who.role == "clerk" or ratings.is_requested(store, code, now):
            return who.username
    raise Forbidden("Cần quét biên nhận để đánh giá hồ sơ này",
                    "Scan the receipt to rate this case", key="rating_needs_receipt")
