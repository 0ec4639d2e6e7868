"""Satisfaction ratings: three choices, one rating per case (Quảng Nam art. 2.4)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from backend.domain import vocabulary
from backend.domain.errors import Conflict, InvalidInput
from backend.domain.vocabulary import label
from backend.store import cases
from backend.store.cases import iso
from backend.store.db import Store

CHOICES = {key: vi for key, (vi, _) in vocabulary.RATINGS.items()}
CHANNELS = ("kiosk", "counter", "web")


def rate(store: Store, code: str, rating: str, channel: str, by: str, now: datetime) -> dict:
    if rating not in CHOICES:
        raise InvalidInput(f"Mức đánh giá '{rating}' không hợp lệ",
                           f"Unknown rating '{rating}'", field="rating")
    row = cases.get(store, code)
    try:
        with store.tx() as db:
            db["ratings"].insert({"case_id": row["id"], "rating": rating, "channel": channel,
                                  "at": iso(now), "by": by})
            db.execute("update rating_requests set status = 'done' where case_id = ? and "
                       "status = 'pending'", [row["id"]])
    except sqlite3.IntegrityError:
        raise Conflict("Hồ sơ này đã được đánh giá, xin cảm ơn",
                       "This case has already been rated, thank you",
                       key="already_rated") from None
    return {"code": code, "rating": rating, **vocabulary.fields("label", label("rating", rating)),
            "channel": channel}


def rating_of(store: Store, code: str) -> dict | None:
    return store.one("select r.rating, r.channel, r.at from ratings r join cases c on "
                     "c.id = r.case_id where c.code = ?", [code])


REQUEST_TTL = timedelta(minutes=10)  # a citizen who walked away is not asked forever


def request_rating(store: Store, code: str, counter: int, by: str, now: datetime) -> dict:
    """The counter asks the citizen in front of it to rate the case just handed back."""
    row = cases.get(store, code)
    if rating_of(store, code):
        raise Conflict("Hồ sơ này đã được đánh giá", "This case has already been rated",
                       key="already_rated")
    with store.tx() as db:
        db.execute("update rating_requests set status = 'replaced' where counter = ? and "
                   "status = 'pending'", [counter])
        db["rating_requests"].insert({"case_id": row["id"], "counter": counter,
                                      "requested_at": iso(now), "requested_by": by,
                                      "status": "pending"})
    return {"code": code, "counter": counter, "requested_at": iso(now)}


def pending_request(store: Store, now: datetime, counter: int | None = None) -> dict | None:
    """The newest request still waiting, for a kiosk or customer display to offer the rating."""
    sql = ("select c.code, r.counter, r.requested_at from rating_requests r join cases c on "
           "c.id = r.case_id where r.status = 'pending' and r.requested_at >= ?" +
           (" and r.counter = ?" if counter is not None else "") +
           " order by r.id desc limit 1")
    params = [iso(now - REQUEST_TTL)] + ([counter] if counter is not None else [])
    return store.one(sql, params)


def is_requested(store: Store, code: str, now: datetime) -> bool:
    """Has a counter asked, within the last few minutes, for this case to be rated?"""
    return store.one("select 1 as yes from rating_requests r join cases c on c.id = r.case_id "
                     "where c.code = ? and r.status = 'pending' and r.requested_at >= ?",
                     [code, iso(now - REQUEST_TTL)]) is not None
