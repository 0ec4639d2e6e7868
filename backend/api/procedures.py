"""The public procedure catalogue (kiosk, web, counter search)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from backend.api import deps
from backend.api.answers import (
    FieldAnswer,
    Items,
    ProcedureList,
    SiteInfo,
    UnitAnswer,
    answers,
)
from backend.domain.procedures import Procedure
from backend.store import catalog
from backend.store import site as settings

router = APIRouter(prefix="/api/v1", tags=["procedures"])


@router.get("/procedures", **answers(ProcedureList))
def search(q: str = Query("", max_length=200), field: str | None = Query(None, max_length=64),
           store=Depends(deps.store), today=Depends(deps.today)) -> JSONResponse:
    # A ready JSONResponse: the procedures are already checked models, and running their
    # dumps back through the response model cost ~3 ms an answer (bench/procedures.py); the
    # model still documents the answer in /openapi.json.
    found = catalog.search(store, q, field, today)
    return JSONResponse({"items": [p.model_dump(mode="json") for p in found],
                         "count": len(found)})


@router.get("/procedures/{code}", **answers(Procedure))
def get(code: str, store=Depends(deps.store), today=Depends(deps.today)) -> dict:
    return catalog.current(store, code, today).model_dump(mode="json")


@router.get("/fields", **answers(Items[FieldAnswer]))
def fields(store=Depends(deps.store), today=Depends(deps.today)) -> dict:
    return {"items": catalog.fields(store, today)}


@router.get("/site", **answers(SiteInfo))
def site_info(site=Depends(deps.site)) -> dict:
    """Public: what a receipt header and an offline station need to know about the site.

    ``public_address`` is where citizens open the lookup page from outside (None when the
    site has none); ``lookup_page`` is the page a receipt prints, or None.
    """
    address = site.public_base_url or None
    return {"agency_code": site.agency_code, "agency_name": site.agency_name,
            "agency_index": site.agency_index, "public_base_url": site.public_base_url,
            "public_address": address, "lookup_page": f"{address}/tra-cuu" if address else None}


class SiteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    public_address: str = Field(max_length=200)  # "" removes it


@router.put("/site", **answers(SiteInfo))
def set_site(body: SiteBody, who=Depends(deps.require("admin")), store=Depends(deps.store)):
    """Admin: the public address, checked as `motcua site set public_address` checks it."""
    settings.set_public(store, "public_address", body.public_address)
    return site_info(settings.load_site(store))


@router.get("/units", **answers(Items[UnitAnswer]))
def units(store=Depends(deps.store)) -> dict:
    return {"items": list(catalog.units(store).values())}
