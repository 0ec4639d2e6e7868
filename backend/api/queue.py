"""Queue tickets (kiosk, counter), calling (clerk), the hall display state (public), ratings."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from backend.api import deps
from backend.domain import codes
from backend.domain.errors import Forbidden
from backend.store import queue, ratings
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1", tags=["queue"])
clerk = deps.require("clerk")
issuer = deps.require("clerk", "device")


class TicketBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service: str = Field(pattern=r"^[A-Z]$")
    priority: Literal["elderly", "disabled", "pregnant", "child", "other"] | None = None


class TransferBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_counter: int | None = Field(None, ge=1, le=99)
    to_service: str | None = Field(None, pattern=r"^[A-Z]$")


class RatingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    token: str | None = Field(None, max_length=16)
    rating: Literal["very_satisfied", "satisfied", "unsatisfied"]
    channel: Literal["kiosk", "counter", "web"] = "kiosk"


def config(request: Request):
    return request.app.state.queue_config


@router.get("/queue/status")
def status(request: Request, store=Depends(deps.store), site=Depends(deps.site),
           now=Depends(deps.now)) -> dict:
    return queue.status(store, config(request), now) | {
        "ticketing": queue.ticketing(site.calendar, now)}


@router.get("/queue/services")
def services(request: Request) -> dict:
    return {"items": [s.model_dump() for s in config(request).services]}


@router.post("/queue/tickets", status_code=201)
def reserve(body: TicketBody, request: Request, who: Principal = Depends(issuer),
            store=Depends(deps.store), site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    """Reserve a number; it is called only after /printed confirms the paper came out."""
    return queue.reserve(store, config(request), site.calendar, body.service, body.priority,
                         who.username, now)


@router.post("/queue/tickets/{ticket_id}/printed")
def printed(ticket_id: int, who: Principal = Depends(issuer), store=Depends(deps.store),
            now=Depends(deps.now)) -> dict:
    return queue.confirm_printed(store, ticket_id, now)


@router.post("/queue/tickets/{ticket_id}/cancel")
def cancel(ticket_id: int, who: Principal = Depends(issuer), store=Depends(deps.store),
           now=Depends(deps.now)) -> dict:
    return queue.cancel(store, ticket_id, now)


@router.post("/queue/counters/{counter}/next")
def call_next(counter: int, request: Request, who: Principal = Depends(clerk),
              store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    ticket = queue.call_next(store, config(request), counter, now)
    return {"ticket": ticket, "announcement": _announce(ticket, counter)}


def _announce(ticket: dict | None, counter: int) -> str | None:
    from backend.domain.queue import announcement

    return announcement(ticket["label"], counter) if ticket else None


@router.post("/queue/counters/{counter}/recall")
def recall(counter: int, request: Request, who: Principal = Depends(clerk),
           store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    ticket = queue.recall(store, counter, now)
    return {"ticket": ticket, "announcement": _announce(ticket, counter)}


@router.post("/queue/counters/{counter}/done")
def done(counter: int, request: Request, who: Principal = Depends(clerk),
         store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    return {"ticket": queue.finish(store, counter, "done", now)}


@router.post("/queue/counters/{counter}/skip")
def skip(counter: int, request: Request, who: Principal = Depends(clerk),
         store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    return {"ticket": queue.finish(store, counter, "no_show", now)}


@router.post("/queue/counters/{counter}/transfer")
def transfer(counter: int, body: TransferBody, request: Request,
             who: Principal = Depends(clerk), store=Depends(deps.store),
             now=Depends(deps.now)) -> dict:
    config(request).counter(counter)
    return {"ticket": queue.transfer(store, config(request), counter, now,
                                     to_counter=body.to_counter, to_service=body.to_service)}


class RatingRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    counter: int = Field(ge=1, le=99)


@router.post("/ratings/requests", status_code=201)
def request_rating(body: RatingRequestBody, request: Request, who: Principal = Depends(clerk),
                   store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    config(request).counter(body.counter)
    code = str(codes.parse_code(body.code))
    return ratings.request_rating(store, code, body.counter, who.username, now)


@router.get("/ratings/requests/pending")
def pending_rating(counter: int | None = None, who: Principal = Depends(issuer),
                   store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    """Kiosks and customer displays poll this; the rating itself closes the request."""
    return {"request": ratings.pending_request(store, now, counter)}


@router.post("/ratings", status_code=201)
def rate(body: RatingBody, request: Request, store=Depends(deps.store),
         site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    """A citizen rates with the receipt's token (kiosk scan); staff and devices need none."""
    code = str(codes.parse_code(body.code))
    by = _rater(request, code, body.token, site)
    return ratings.rate(store, code, body.rating, body.channel, by, now)


def _rater(request: Request, code: str, token: str | None, site) -> str:
    if codes.verify_token(code, token, site.secret):
        return "citizen"
    if request.headers.get("authorization"):
        who = deps.principal(request, deps.bearer(request))
        if who.role in ("clerk", "device"):
            return who.username
    raise Forbidden("Cần quét biên nhận để đánh giá hồ sơ này",
                    "Scan the receipt to rate this case", key="rating_needs_receipt")
