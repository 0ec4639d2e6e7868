"""Cases for staff: intake, read, list, one endpoint per workflow action, history."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Header, Query
from pydantic import ConfigDict, Field

from backend.api import deps
from backend.api.answers import (
    CaseEvent,
    CaseView,
    Counted,
    Items,
    LeasedBlock,
    NewCase,
    answers,
)
from backend.api.inputs import Body, Moment, Offset
from backend.domain import codes, privacy, workflow
from backend.domain.errors import Conflict, Forbidden, MotcuaError
from backend.domain.vocabulary import fields, label
from backend.domain.workflow import ACTIONS, Status
from backend.store import accounts, cases, catalog, leases
from backend.store.accounts import Principal
from backend.store.site import Site

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
staff = deps.require(*deps.STAFF)
Channel = Literal["counter", "post", "online"]
IntakeChannel = Literal["in_person", "post", "online"]


class ApplicantBody(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=2, max_length=120)
    id_number: str = Field("", pattern=r"^(\d{9}|\d{12})?$")
    phone: str = Field("", pattern=r"^(\+84|0)\d{9,10}$|^$")
    address: str = Field("", max_length=300)


class OfflineBody(Body):
    """A case received while the counter was offline, numbered from its leased block."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    received_at: Moment
    station: str = Field(min_length=1, max_length=64)


class LeaseBody(Body):
    model_config = ConfigDict(extra="forbid")
    station: str = Field(min_length=1, max_length=64)
    days: int = Field(2, ge=1, le=5)
    count: int = Field(30, ge=1, le=500)


class IntakeBody(Body):
    model_config = ConfigDict(extra="forbid")
    procedure_code: str = Field(min_length=1, max_length=32)
    applicant: ApplicantBody
    documents: dict[str, int] = Field(default_factory=dict)
    sets: int = Field(1, ge=1, le=20)
    return_channel: Channel = "counter"
    received: bool = True
    # How the file came in; unsaid: in person, or online for a registration not yet received.
    channel: IntakeChannel | None = None
    idempotency_key: str | None = Field(None, min_length=8, max_length=128)
    offline: OfflineBody | None = None
    notify_sms: bool = Field(False, description="the applicant agreed to an SMS when the result "
                             "is ready, a supplement is asked or a new date is set")


class ActionBody(Body):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=2000)
    to_step: int | None = Field(None, ge=0, le=50)
    new_due_at: Moment | None = None
    channel: Channel | None = None


def case_view(row: dict, site: Site, store, now: datetime,
              names: dict[str, str] | None = None) -> dict:
    """The staff view of a case: everything a receipt (Mẫu 01) and a work screen need."""
    proc = cases.procedure_of(row)
    code = codes.parse_code(row["code"])
    token = codes.make_token(code, site.secret)
    if names is None:
        names = accounts.full_names(store, [row["received_by"]])
    return {
        **{k: row[k] for k in ("code", "received_at", "due_at", "new_due_at", "paused_at",
                               "resolved_at", "result_class", "returned_at", "return_channel",
                               "channel", "step", "current_unit", "sets", "fee",
                               "procedure_version")},
        "status": Status(row["status"]).key, "status_code": row["status"],
        "notify_sms": bool(row.get("notify_sms")),
        **fields("status_label", label("status", Status(row["status"]).key)),
        "late": workflow.is_late(cases.state_of(row), now),
        "token": token,
        "compact": str(codes.make_compact(code, site.agency_index, token)),
        "qr": codes.qr_payload(code, token, site.public_base_url or None),
        "agency": {"code": site.agency_code, "name": site.agency_name},
        "applicant": {"name": row["applicant_name"], "id_number": row["applicant_id_number"],
                      "phone": row["applicant_phone"], "address": row["applicant_address"]},
        "documents": _documents(proc, json.loads(row["documents"] or "{}")),
        "procedure": proc.model_dump(mode="json"),
        "received_by": {"username": row["received_by"],
                        "full_name": names.get(row["received_by"], "")},
    }


def _documents(proc, counts: dict[str, int]) -> list[dict]:
    return [{"id": d.id, "name": d.name, "count": counts[d.id]}
            for d in proc.documents if d.id in counts]


def _request_hash(body: IntakeBody) -> str:
    payload = body.model_dump(mode="json", exclude={"idempotency_key"})
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@router.post("", status_code=201, **answers(NewCase))
def intake(body: IntakeBody, who: Principal = Depends(deps.require("clerk")),
           idempotency_key: str | None = Header(None, min_length=8, max_length=128),
           store=Depends(deps.store), site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    received_at = now
    if body.offline:
        leases.check_offline_time(body.offline.received_at, now)
        received_at = body.offline.received_at
    data = cases.Intake(
        procedure=catalog.current(store, body.procedure_code, deps.vn_day(received_at)),
        applicant=cases.Applicant(**body.applicant.model_dump()),
        documents=body.documents, sets=body.sets, return_channel=body.return_channel,
        received=body.received,
        channel=body.channel or ("in_person" if body.received else "online"),
        offline_code=codes.parse_code(body.offline.code) if body.offline else None,
        station=body.offline.station if body.offline else None, notify_sms=body.notify_sms)
    row, created = cases.intake(store, site, data, deps.actor_of(who), received_at,
                                key=body.idempotency_key or idempotency_key,
                                request_hash=_request_hash(body))
    view = staff_view(row, who, site, store, now, "intake", logged=created)
    return {**view, "created": created}


@router.post("/leases", status_code=201, **answers(Items[LeasedBlock]))
def lease(body: LeaseBody, who: Principal = Depends(deps.require("clerk", "device")),
          store=Depends(deps.store), site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    """Numbers for offline intake: a block on each of the next working days."""
    _check_counter_station(store, who, body.station)
    return {"items": leases.lease(store, site, body.station, body.days, body.count,
                                  who.username, now)}


def _check_counter_station(store, who: Principal, station: str) -> None:
    """Only a counter device (for its own station) or a clerk leases: a kiosk never numbers."""
    if who.device_id is None:
        return
    device = accounts.get_device(store, who.device_id)
    if device["kind"] != "counter":
        raise Forbidden("Chỉ máy tại quầy tiếp nhận mới được xin số hồ sơ dự phòng",
                        "Only a counter station may lease case numbers", key="not_a_counter")
    if device["station"] and device["station"] != station:
        raise Forbidden(f"Thiết bị này thuộc quầy '{device['station']}', không được xin số "
                        f"cho quầy '{station}'",
                        f"This device belongs to station '{device['station']}' and may not "
                        f"lease for station '{station}'", key="wrong_station", field="station")


@router.get("", **answers(Counted[CaseView]))
def list_cases(status: int | None = Query(None, ge=1, le=10),
               unit: str | None = Query(None, max_length=32), overdue: bool = False,
               received_from: Moment | None = None, received_to: Moment | None = None,
               limit: int = Query(100, ge=1, le=1000), offset: Offset = 0,
               who: Principal = Depends(staff), store=Depends(deps.store),
               site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    rows = cases.list_cases(store, status=status, unit=unit, overdue_at=now if overdue else None,
                            received_from=received_from, received_to=received_to,
                            limit=limit, offset=offset)
    return {"items": staff_views(rows, who, site, store, now, "list"), "count": len(rows)}


def staff_views(rows: list[dict], who: Principal, site: Site, store, now: datetime,
                purpose: str, *, logged: bool = False) -> list[dict]:
    """Full personal data only where the caller's unit handles or handled the case, masked
    elsewhere (Decree 13/2023); every full view is logged (writes log their own answer)."""
    names = accounts.full_names(store, [r["received_by"] for r in rows])
    full = {r["id"] for r in cases.shown_in_full(store, deps.actor_of(who), rows)}
    views = [_guard(_listed_view(row, site, store, now, names), row["id"] in full)
             for row in rows]
    shown = [row for row, view in zip(rows, views, strict=True)
             if view.get("personal_data") == "full"]
    if not logged:
        cases.log_personal_data_access(store, deps.actor_of(who), shown, now, purpose)
    return views


def _guard(view: dict, full: bool) -> dict:
    """Mask the view unless the caller may see it in full."""
    if not view.get("damaged"):
        view["personal_data"] = "full" if full else "masked"
        if not full:
            view["applicant"] = privacy.masked_applicant(view["applicant"])
    return view


def staff_view(row: dict, who: Principal, site: Site, store, now: datetime,
               purpose: str, *, logged: bool = False) -> dict:
    view = staff_views([row], who, site, store, now, purpose, logged=logged)[0]
    if view.get("damaged"):
        raise Conflict(view["vi"], view["en"], key="case_unreadable")
    return view


def _listed_view(row: dict, site: Site, store, now: datetime, names: dict[str, str]) -> dict:
    """One damaged row (a code or snapshot no longer readable) shows as such, never sinks the
    whole list."""
    try:
        return case_view(row, site, store, now, names)
    except (MotcuaError, ValueError, KeyError, TypeError):
        return {"code": row["code"], "status_code": row["status"], "damaged": True,
                "vi": "Không đọc được dữ liệu hồ sơ này; vui lòng báo quản trị hệ thống",
                "en": "This case's data cannot be read; please tell the system administrator"}


@router.get("/{code}", **answers(CaseView))
def get_case(code: str, who: Principal = Depends(staff), store=Depends(deps.store),
             site=Depends(deps.site), now=Depends(deps.now)) -> dict:
    return staff_view(cases.get(store, str(codes.parse_code(code))), who, site, store, now,
                      "view")


@router.get("/{code}/events", **answers(Items[CaseEvent]))
def case_events(code: str, who: Principal = Depends(staff), store=Depends(deps.store)) -> dict:
    row = cases.get(store, str(codes.parse_code(code)))
    return {"items": cases.events(store, row["id"])}


def _action_endpoint(name: str):
    def endpoint(code: str, body: ActionBody | None = None, who: Principal = Depends(staff),
                 store=Depends(deps.store), site=Depends(deps.site),
                 now=Depends(deps.now)) -> dict:
        body = body or ActionBody()
        params = body.model_dump(exclude_none=True, exclude={"note"})
        row = cases.act(store, site, str(codes.parse_code(code)), name, deps.actor_of(who), now,
                        note=body.note, params=params)
        return staff_view(row, who, site, store, now, name, logged=True)

    endpoint.__name__ = f"case_{name}"
    return endpoint


for _name, _action in ACTIONS.items():
    router.add_api_route(f"/{{code}}/{_name}", _action_endpoint(_name), methods=["POST"],
                         **answers(CaseView), summary=f"{_action.vi} / {_action.en}")
