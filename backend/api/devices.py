"""Kiosks and counters: registration (admin), heartbeat (device), fleet status (admin, leader)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from backend.api import deps
from backend.api.answers import (
    Device,
    DeviceToken,
    EnrolCode,
    Heartbeat,
    Items,
    Selftest,
    SelftestDue,
    answers,
)
from backend.api.inputs import Body
from backend.domain import names
from backend.store import accounts, enrolment
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1/devices", tags=["devices"])
STALE_AFTER = timedelta(minutes=3)


class RegisterBody(Body):
    name: str = Field(max_length=names.MAX_LENGTH)  # the rule: backend.domain.names
    kind: Literal["kiosk", "counter", "display"]
    station: str = Field("", max_length=64)


class HeartbeatBody(Body):
    version: str = Field(min_length=1, max_length=64)
    hardware: dict[str, str | int | float | bool | dict | None] = Field(
        default_factory=dict, max_length=64)


class SettingsBody(Body):
    """What an admin may set for a device; the kiosk applies it at the next heartbeat."""

    idle_seconds: int = Field(45, ge=10, le=600)
    language: Literal["vi", "en"] = "vi"
    services: list[Annotated[str, Field(pattern=r"^[A-Z]$")]] = Field(default_factory=list,
                                                                    max_length=26)
    rating_enabled: bool = True
    read_aloud: bool = False


@router.post("", status_code=201, **answers(DeviceToken))
def register(body: RegisterBody, who: Principal = Depends(deps.require("admin")),
             store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    token, device = accounts.register_device(store, body.name, body.kind, body.station,
                                             who.username, now)
    return {"token": token, "device": device}


@router.post("/heartbeat", **answers(Heartbeat))
def heartbeat(body: HeartbeatBody, who: Principal = Depends(deps.require("device")),
              store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    device = accounts.heartbeat(store, who.device_id, body.version, body.hardware, now)
    return {"ok": True, "settings": device["settings"], "server_time": now.isoformat()}


class SelftestBody(Body):
    ok: bool
    checks: list[dict] = Field(default_factory=list, max_length=50)
    station: str = Field("", max_length=64)
    version: str = Field("", max_length=64)
    at: str = Field("", max_length=40)  # when the device ran it (its own clock)


@router.post("/selftest", status_code=201, **answers(Selftest))
def selftest(body: SelftestBody, who: Principal = Depends(deps.require("device")),
             store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    return accounts.record_selftest(store, who.device_id, body.ok, body.model_dump(), now)


@router.get("", **answers(Items[Device]))
def fleet(who: Principal = Depends(deps.require("admin", "leader")), store=Depends(deps.store),
          now=Depends(deps.now)) -> dict:
    return {"items": accounts.list_devices(store, now, STALE_AFTER)}


@router.get("/me", **answers(Device))
def me(who: Principal = Depends(deps.require("device")), store=Depends(deps.store)) -> dict:
    return accounts.get_device(store, who.device_id)


@router.put("/{name}/settings", **answers(Device))
def set_settings(name: str, body: SettingsBody, who: Principal = Depends(deps.require("admin")),
                 store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    return accounts.set_device_settings(store, name, body.model_dump(), who.username, now)


@router.post("/{name}/revoke", **answers(Device))
def revoke(name: str, who: Principal = Depends(deps.require("admin")),
           store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    """The device's token stops working at once (a stolen or retired kiosk)."""
    return accounts.revoke_device(store, name, who.username, now)


@router.post("/{name}/rotate", **answers(DeviceToken))
def rotate(name: str, who: Principal = Depends(deps.require("admin")),
           store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    """A new token, shown once; the old one stops working."""
    token, device = accounts.rotate_device(store, name, who.username, now)
    return {"token": token, "device": device}


ENROL_PER_MINUTE = 10  # per client address: codes are 12 letters, but guessing stays slow


class EnrolCodeBody(Body):
    station: str = Field(min_length=1, max_length=64)
    kind: Literal["kiosk", "counter", "display"] = "kiosk"
    ttl_hours: float = Field(24, gt=0, le=168)


class EnrolBody(Body):
    code: str = Field(min_length=8, max_length=32)
    name: str = Field(max_length=names.MAX_LENGTH)  # the rule: backend.domain.names


@router.post("/enrol-codes", status_code=201, **answers(EnrolCode))
def create_enrol_code(body: EnrolCodeBody, who: Principal = Depends(deps.require("admin")),
                      store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    return enrolment.create_code(store, body.station, body.kind,
                                 timedelta(hours=body.ttl_hours), who.username, now)


@router.post("/enrol", status_code=201, **answers(DeviceToken))
def enrol(body: EnrolBody, request: Request, store=Depends(deps.store),
          now=Depends(deps.now)) -> dict:
    """First boot of a unit: its one-time code for its own device token (no login)."""
    client = request.client.host if request.client else "?"
    request.app.state.limiter.check(f"enrol:{client}", ENROL_PER_MINUTE)
    token, device_id = enrolment.redeem(store, body.code, body.name, now)
    return {"token": token, "device": accounts.get_device(store, device_id)}


@router.get("/selftest-due", **answers(SelftestDue))
def selftest_due(day: date | None = None, who: Principal = Depends(deps.require("device")),
                 site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    """Whether the weekly equipment check is due on `day` (today): the first working day of
    the week by the site's calendar, overrides included (Tây Ninh art. 7.4)."""
    day = day or now.date()
    return {"day": day.isoformat(), "due": site.calendar.is_first_working_day_of_week(day)}
