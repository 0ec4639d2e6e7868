"""Reports (leaders and admins) and printable forms of a case (staff who may see the case)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from backend import forms
from backend.api import deps
from backend.domain import codes
from backend.domain.errors import Forbidden, InvalidInput
from backend.store import cases
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1", tags=["reports"])
leaders = deps.require("leader", "admin")
staff = deps.require(*deps.STAFF)
staff_or_admin = deps.require(*deps.STAFF, "admin")
Day = Query(..., alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
Last = Query(..., pattern=r"^\d{4}-\d{2}-\d{2}$")


def send(out: forms.Output) -> Response:
    inline = out.media_type.startswith(("text/html", "application/json"))
    disposition = "inline" if inline else "attachment"
    return Response(out.body, media_type=out.media_type,
                    headers={"Content-Disposition": f'{disposition}; filename="{out.filename}"'})


@router.get("/reports/period", summary="Báo cáo kết quả giải quyết TTHC / period report")
def period_report(first: str = Day, to: str = Last, by: str = "unit", format: str = "csv",
                  who: Principal = Depends(leaders), store=Depends(deps.store),
                  site=Depends(deps.site), now=Depends(deps.now)) -> Response:
    return send(forms.period_report(store, site, first, to, by, format, now))


@router.get("/forms/mau06", summary="Mẫu 06: sổ theo dõi hồ sơ / case register")
def register(first: str = Day, to: str = Last, unit: str = Query(..., max_length=32),
             format: str = "html", who: Principal = Depends(staff_or_admin),
             store=Depends(deps.store), site=Depends(deps.site),
             now=Depends(deps.now)) -> Response:
    if who.role not in ("leader", "admin") and who.unit != unit:
        raise Forbidden(f"Chỉ cán bộ đơn vị '{unit}' hoặc lãnh đạo được xem sổ của đơn vị này",
                        f"Only staff of unit '{unit}' or leaders may see its register")
    return send(forms.register(store, site, first, to, unit, format, deps.actor_of(who), now))


@router.get("/forms/{kind}/{code}", summary="Mẫu 02–05 của một hồ sơ / a case's forms")
def case_form(kind: str, code: str, format: str = "html", who: Principal = Depends(staff),
              store=Depends(deps.store), site=Depends(deps.site),
              now=Depends(deps.now)) -> Response:
    if kind not in forms.CASE_FORMS:
        raise InvalidInput(f"Không có mẫu '{kind}' (mau02, mau03, mau04, mau05)",
                           f"There is no form '{kind}' (mau02, mau03, mau04, mau05)",
                           field="kind")
    row = cases.get(store, str(codes.parse_code(code)))
    actor = deps.actor_of(who)
    if not cases.shown_in_full(store, actor, [row]):
        raise Forbidden("Chỉ cán bộ đơn vị đã hoặc đang giải quyết hồ sơ được in mẫu này",
                        "Only staff of a unit that handles or handled the case may print it")
    out = forms.case_form(store, site, kind, row, format)
    cases.log_personal_data_access(store, actor, [row], now, kind)
    return send(out)
