"""Server-rendered pages: the citizen lookup (web channel of the one lookup function) and the
hall display that shows queue calls. No names of citizens appear on either."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from backend.api import deps, lookup
from backend.domain.errors import MotcuaError
from backend.web import staff

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)

# The IANA name of calendar.VN_TZ: the hall shows the site's time whatever zone the
# display's browser was set up in.
SITE_TIME_ZONE = "Asia/Ho_Chi_Minh"

STATUS_COLOURS = {"received": "blue", "processing": "blue", "supplement": "amber",
                  "payment": "amber", "resolved": "green", "returned": "grey",
                  "refused": "red", "withdrawn": "grey", "stopped": "red", "registered": "blue"}


@router.get("/tra-cuu", response_class=HTMLResponse)
def lookup_page(request: Request, ma: str = Query("", max_length=120),
                t: str | None = Query(None, max_length=16)):
    context = {"code": ma, "result": None, "error": None, "colours": STATUS_COLOURS}
    if ma.strip():
        try:
            context["result"] = lookup.answer(request, ma, t)
        except MotcuaError as exc:
            context["error"] = exc
    status = context["error"].status if context["error"] else 200
    return templates.TemplateResponse(request, "lookup.html", context, status_code=status)


@router.get("/L/{code}/{token}")
def receipt_qr(code: str, token: str):
    """The receipt's QR opens this (upper case, as QR alphanumeric mode requires)."""
    return RedirectResponse(f"/tra-cuu?ma={code}&t={token}")


@router.get("/hall", response_class=HTMLResponse)
def hall(request: Request, interval: int = Query(2000, ge=200, le=60000)):
    site = deps.site(request)
    now = request.app.state.clock()
    return templates.TemplateResponse(request, "hall.html", {
        "agency": site.agency_name, "interval": interval, "time_zone": SITE_TIME_ZONE,
        "server_now_ms": int(now.timestamp() * 1000)})

router.include_router(staff.router)
