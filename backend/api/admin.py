"""Administration (admin only): staff accounts, the working-calendar override table and its
year view, the procedure catalogue (upload a version, list versions, abolish)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import ConfigDict, Field

from backend.api import deps
from backend.api.answers import (
    Abolition,
    CalendarYear,
    CatalogVersions,
    Items,
    OverrideDeleted,
    OverrideSet,
    ProcedureLoaded,
    Restored,
    SessionsEnded,
    User,
    answers,
)
from backend.api.inputs import EARLIEST, LATEST, Body, Day
from backend.domain import names
from backend.store import accounts, catalog
from backend.store import site as settings
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
admin = deps.require("admin")


class UserBody(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    username: str = Field(max_length=names.MAX_LENGTH)  # the rule: backend.domain.names
    password: str = Field(min_length=1, max_length=256)
    role: Literal["clerk", "officer", "leader", "admin"]
    full_name: str = Field("", max_length=120)
    unit: str | None = Field(None, max_length=32)


class OverrideBody(Body):
    working: bool
    note: str = Field("", max_length=200)


@router.post("/users", status_code=201, **answers(User))
def add_user(body: UserBody, who: Principal = Depends(admin), store=Depends(deps.store),
             now=Depends(deps.now)) -> dict:
    return accounts.add_user(store, body.username, body.password, body.role,
                             full_name=body.full_name, unit=body.unit, must_change=True,
                             actor=who.username, now=now)


@router.get("/users", **answers(Items[User]))
def list_users(who: Principal = Depends(admin), store=Depends(deps.store)) -> dict:
    return {"items": accounts.list_users(store)}


@router.post("/users/{username}/disable", **answers(User))
def disable_user(username: str, who: Principal = Depends(admin), store=Depends(deps.store),
                 now=Depends(deps.now)) -> dict:
    """The account can no longer log in and every session it has ends now."""
    return accounts.set_active(store, username, False, who.username, now)


@router.post("/users/{username}/enable", **answers(User))
def enable_user(username: str, who: Principal = Depends(admin), store=Depends(deps.store),
                now=Depends(deps.now)) -> dict:
    return accounts.set_active(store, username, True, who.username, now)


@router.delete("/users/{username}/sessions", **answers(SessionsEnded))
def end_sessions(username: str, who: Principal = Depends(admin), store=Depends(deps.store),
                 now=Depends(deps.now)) -> dict:
    return {"username": username, "ended": accounts.end_sessions(store, username,
                                                                 who.username, now)}


class PasswordBody(Body):
    password: str = Field(min_length=1, max_length=256)


class AssignBody(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    role: Literal["clerk", "officer", "leader", "admin"]
    unit: str | None = Field(None, max_length=32)
    full_name: str | None = Field(None, max_length=120)


@router.post("/users/{username}/password", **answers(User))
def reset_password(username: str, body: PasswordBody, who: Principal = Depends(admin),
                   store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    """A temporary password, changed by its owner at the next sign-in."""
    return accounts.reset_password(store, username, body.password, who.username, now)


@router.patch("/users/{username}", **answers(User))
def assign_user(username: str, body: AssignBody, who: Principal = Depends(admin),
                store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    return accounts.assign(store, username, body.role, body.unit, who.username, now,
                           full_name=body.full_name)


@router.get("/calendar/overrides", **answers(Items[dict[str, Any]]))
def list_overrides(who: Principal = Depends(admin), store=Depends(deps.store)) -> dict:
    return {"items": settings.list_overrides(store)}


@router.get("/calendar/{year}", **answers(CalendarYear))
def calendar_year(year: int = Path(ge=2000, le=2100), who: Principal = Depends(admin),
                  store=Depends(deps.store), site=Depends(deps.site),
                  today=Depends(deps.today)) -> dict:
    """The days of `year` the calendar rests on a weekday or works on a weekend, and why."""
    return settings.calendar_year(store, site.calendar, year, today)


@router.put("/calendar/overrides/{day}", **answers(OverrideSet))
def set_override(day: Day, body: OverrideBody, who: Principal = Depends(admin),
                 store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    settings.set_override(store, day, body.working, body.note, who.username, now)
    return {"day": day.isoformat(), "working": body.working, "note": body.note}


@router.delete("/calendar/overrides/{day}", **answers(OverrideDeleted))
def delete_override(day: Day, who: Principal = Depends(admin), store=Depends(deps.store),
                    now=Depends(deps.now)) -> dict:
    settings.set_override(store, day, None, "", who.username, now)
    return {"day": day.isoformat(), "deleted": True}




class ProcedureFile(Body):
    file_name: str = Field(min_length=1, max_length=120)
    content: str = Field(min_length=1, max_length=60_000)  # under the 64 KB body limit


class AbolishBody(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    from_day: date = Field(ge=EARLIEST.date(), le=LATEST.date())
    note: str = Field("", max_length=200)


@router.get("/procedures", **answers(CatalogVersions))
def procedure_versions(who: Principal = Depends(admin), store=Depends(deps.store),
                       today=Depends(deps.today)) -> dict:
    return {"items": catalog.versions(store, today), "today": today.isoformat()}


@router.post("/procedures", status_code=201, **answers(ProcedureLoaded))
def load_procedure(body: ProcedureFile, who: Principal = Depends(admin),
                   store=Depends(deps.store)) -> dict:
    """One procedure file, checked as `motcua procedures load` checks it; a new version
    applies to cases received from its `version` date (its effective date) on."""
    proc, added = catalog.load_file(store, body.content, body.file_name)
    return {"code": proc.code, "version": str(proc.version),
            "effective_from": str(proc.version), "added": added}


@router.put("/procedures/{code}/abolition", **answers(Abolition))
def abolish_procedure(code: str, body: AbolishBody, who: Principal = Depends(admin),
                      store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    return catalog.abolish(store, code, body.from_day, body.note, who.username, now)


@router.delete("/procedures/{code}/abolition", **answers(Restored))
def restore_procedure(code: str, who: Principal = Depends(admin),
                      store=Depends(deps.store)) -> dict:
    catalog.restore(store, code)
    return {"code": code, "abolished_from": None}
