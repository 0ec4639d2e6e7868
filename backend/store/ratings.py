"""Satisfaction ratings: three choices, one rating per case (Quảng Nam art. 2.4)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from backend.domain.errors import Conflict, InvalidInput
from backend.store import cases
from backend.store.cases import iso
from backend.store.db import Store

CHOICES = {
    "very_satisfied": "Rất hài lòng",
    "satisfied": "Hài lòng",
    "unsatisfied": "Chưa hài lòng",
}
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
    except sqlite3.IntegrityError:
        raise Conflict("Hồ sơ này đã được đánh giá, xin cảm ơn",
                       "This case has already been rated, thank you",
                       key="already_rated") from None
    return {"code": code, "rating": rating, "label": CHOICES[rating], "channel": channel}


def rating_of(store: Store, code: str) -> dict | None:
    return store.one("select r.rating, r.channel, r.at from ratings r join cases c on "
                     "c.id = r.case_id where c.code = ?", [code])
