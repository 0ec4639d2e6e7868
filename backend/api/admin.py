"""Administration: staff accounts and the working-calendar override table (admin only)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import ConfigDict, Field

from backend.api import deps
from backend.api.inputs import Body, Day
from backend.store import accounts, site
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
admin = deps.require("admin")


class UserBody(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    username: str = Field(min_length=3, max_length=64, pattern=r"^[a-z0-9._-]+$")
    password: str = Field(min_length=1, max_length=256)
    role: Literal["clerk", "officer", "leader", "admin"]
    full_name: str = Field("", max_length=120)
    unit: str | None = Field(None, max_length=32)


class OverrideBody(Body):
    working: bool
    note: str = Field("", max_length=200)


@router.post("/users", status_code=201)
def add_user(body: UserBody, who: Principal = Depends(admin), store=Depends(deps.store),
             now=Depends(deps.now)) -> dict:
    return accounts.add_user(store, body.username, body.password, body.role,
                             full_name=body.full_name, unit=body.unit, must_change=True,
                             actor=who.username, now=now)


@router.get("/users")
def list_users(who: Principal = Depends(admin), store=Depends(deps.store)) -> dict:
    rows = store.all("select * from users order by username")
    return {"items": [accounts.public_user(r) for r in rows]}


@router.post("/users/{username}/disable")
def disable_user(username: str, who: Principal = Depends(admin), store=Depends(deps.store),
                 now=Depends(deps.now)) -> dict:
    """The account can no longer log in and every session it has ends now."""
    return accounts.set_active(store, username, False, who.username, now)


@router.post("/users/{username}/enable")
def enable_user(username: str, who: Principal = Depends(admin), store=Depends(deps.store),
                now=Depends(deps.now)) -> dict:
    return accounts.set_active(store, username, True, who.username, now)


@router.delete("/users/{username}/sessions")
def end_sessions(username: str, who: Principal = Depends(admin), store=Depends(deps.store),
                 now=Depends(deps.now)) -> dict:
    return {"username": username, "ended": accounts.end_sessions(store, username,
                                                                 who.username, now)}


@router.get("/calendar/overrides")
def list_overrides(who: Principal = Depends(admin), store=Depends(deps.store)) -> dict:
    return {"items": store.all("select * from calendar_overrides order by day")}


@router.put("/calendar/overrides/{day}")
def set_override(day: Day, body: OverrideBody, who: Principal = Depends(admin),
                 store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    site.set_override(store, day, body.working, body.note, who.username, now)
    return {"day": day.isoformat(), "working": body.working, "note": body.note}


@router.delete("/calendar/overrides/{day}")
def delete_override(day: Day, who: Principal = Depends(admin), store=Depends(deps.store),
                    now=Depends(deps.now)) -> dict:
    site.set_override(store, day, None, "", who.username, now)
    return {"day": day.isoformat(), "deleted": True}


