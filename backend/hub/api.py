"""The hub's own routes: the sync receiver for site agents and the province report."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from backend.api.deps import bearer
from backend.api.reports import send
from backend.hub import receiver, report

router = APIRouter(prefix="/api/v1", tags=["hub"])

HASH = r"^[0-9a-f]{64}$"
DAY = r"^\d{4}-\d{2}-\d{2}$"


class SiteHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency: str = Field(max_length=40)
    name: str = Field(max_length=300)
    units: dict[str, dict[str, str]]
    lookup_key: str = Field(pattern=HASH)
    agency_index: int | None = Field(None, ge=0, le=99)  # an agent from before it was sent


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int = Field(ge=1)
    case_id: int
    case_code: str = Field(max_length=40)
    action: str = Field(max_length=60)
    actor: str | None = None
    role: str | None = None
    unit: str | None = None
    at: str = Field(max_length=40)
    from_status: int | None = None
    to_status: int | None = None
    note: str | None = None
    data: str | None = None
    prev_hash: str = Field(pattern=HASH)
    hash: str = Field(pattern=HASH)


class CaseView(BaseModel):
    """The public view of one case (`backend.store.sync.case_view`); kept as sent."""

    model_config = ConfigDict(extra="allow")
    code: str = Field(max_length=40)
    day: str = Field(max_length=6)
    procedure_code: str | None = None
    procedure_digest: str = Field(pattern=HASH)
    status: int
    current_unit: str | None = None
    received_at: str
    last_event_id: int
    token_digest: str = Field(pattern=HASH)


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site: SiteHeader
    events: list[EventIn] = Field(max_length=5000)
    procedures: dict[str, str] = Field(max_length=5000)  # sha256 of the snapshot -> snapshot
    cases: list[CaseView] = Field(max_length=5000)


def site_of(request: Request, token: str = Depends(bearer)) -> str:
    return receiver.authenticate(request.app.state.hub, token)


@router.post("/sync/events")
def push_events(batch: Batch, request: Request, agency: str = Depends(site_of)) -> dict:
    return receiver.receive(request.app.state.hub, agency, batch.model_dump())


@router.get("/sync/state")
def sync_state(request: Request, agency: str = Depends(site_of)) -> dict:
    return receiver.state(request.app.state.hub, agency)


@router.get("/sync/days")
def sync_days(request: Request, agency: str = Depends(site_of),
              day: str | None = Query(None, pattern=DAY)) -> dict:
    return receiver.day_digests(request.app.state.hub, agency, day)


def reader_of(request: Request, token: str = Depends(bearer)) -> str:
    return receiver.authenticate_reader(request.app.state.hub, token)


@router.get("/hub/report", summary="Báo cáo kết quả giải quyết TTHC của tỉnh / province report")
def province_report(request: Request, reader: str = Depends(reader_of),
                    first: str = Query(..., alias="from", max_length=10),
                    to: str = Query(..., max_length=10), by: str = Query("site", max_length=20),
                    format: str = Query("json", max_length=8)) -> Response:
    """The national template for the province, as `motcua hub report` gives it."""
    return send(report.period_output(request.app.state.hub, first, to, by, format,
                                     request.app.state.clock()))


@router.get("/hub/statuses", summary="Hồ sơ theo trạng thái hiện tại / cases per status now")
def province_statuses(request: Request, reader: str = Depends(reader_of),
                      by: Literal["site", "unit", "field", "procedure"] = "site") -> dict:
    return report.by_group(request.app.state.hub, by)
