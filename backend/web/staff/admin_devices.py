"""The admin's page for devices: the fleet with a form to register one (its token is shown
once, on the answer to that form, and never again), and each device's settings."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from backend.domain.errors import InvalidInput, MotcuaError
from backend.store import accounts
from backend.store.accounts import DEVICE_KINDS, Principal
from backend.web.staff.layout import StaffRoute, acted, render
from backend.web.staff.session import form_data, require_staff

router = APIRouter(prefix="/staff/admin/devices", route_class=StaffRoute,
                   include_in_schema=False)
admin = require_staff("admin")
STALE_AFTER = timedelta(minutes=3)  # as the fleet API: three missed heartbeats
KIND_NAMES = {"kiosk": ("Ki-ốt tra cứu", "Lobby kiosk"), "counter": ("Quầy tiếp nhận", "Counter"),
              "display": ("Màn hình gọi số", "Hall display")}
DEFAULTS = {"idle_seconds": 45, "language": "vi", "services": [], "rating_enabled": True,
            "read_aloud": False}


@router.get("")
def devices_page(request: Request, who: Principal = Depends(admin)):
    return _devices_page(request, who)


def _devices_page(request: Request, who: Principal, error: MotcuaError | None = None,
                  form: dict | None = None, token: str | None = None, status: int = 200):
    state = request.app.state
    devices = accounts.list_devices(state.store, state.clock(), STALE_AFTER)
    response = render(request, "staff/admin/devices.html",
                      {"devices": devices, "error": error, "form": form or {}, "token": token,
                       "kinds": [(k, *KIND_NAMES[k]) for k in DEVICE_KINDS],
                       "kind_names": KIND_NAMES},
                      who=who, status_code=error.status if error else status)
    response.headers["Cache-Control"] = "no-store"  # a token page must not linger in a cache
    return response


@router.post("")
async def register(request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    state = request.app.state
    try:
        token, device = accounts.register_device(state.store, form.get("name", ""),
                                                 form.get("kind", ""),
                                                 form.get("station", "").strip()[:64],
                                                 who.username, state.clock())
    except MotcuaError as exc:
        return _devices_page(request, who, exc, form)
    return _devices_page(request, who, token=token, form={"registered": device["name"]},
                         status=201)


@router.get("/{name}")
def device_page(name: str, request: Request, who: Principal = Depends(admin)):
    return _device_page(request, who, name)


def _device_page(request: Request, who: Principal, name: str,
                 error: MotcuaError | None = None, form: dict | None = None,
                 token: str | None = None):
    store = request.app.state.store
    device = accounts.get_device(store, accounts.device_named(store, name)["id"])
    settings = DEFAULTS | device["settings"] | (form or {})
    return render(request, "staff/admin/device.html",
                  {"device": device, "settings": settings, "error": error, "token": token,
                   "done": request.query_params.get("done"), "kind_names": KIND_NAMES,
                   "services": request.app.state.queue_config.services},
                  who=who, status_code=error.status if error else 200)


@router.post("/{name}/settings")
async def save_settings(name: str, request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    state = request.app.state
    letters = {s.letter for s in state.queue_config.services}
    return acted(lambda: accounts.set_device_settings(state.store, name, _settings(form, letters),
                                                      who.username, state.clock()),
                 f"/staff/admin/devices/{name}?done=settings",
                 lambda exc: _device_page(request, who, name, exc, _form_settings(form)))


def _form_settings(form: dict) -> dict:
    """The posted form as settings, so a refused form comes back as the admin left it."""
    return {"idle_seconds": form.get("idle_seconds", ""), "language": form.get("language"),
            "services": [k[8:] for k in form if k.startswith("service_")],
            "rating_enabled": "rating_enabled" in form, "read_aloud": "read_aloud" in form}


def _settings(form: dict, letters: set[str]) -> dict:
    values = _form_settings(form)
    idle = str(values["idle_seconds"]).strip()
    if not idle.isdigit() or not 10 <= int(idle) <= 600:
        raise InvalidInput("Thời gian chờ phải là số giây từ 10 đến 600",
                           "The idle time must be 10 to 600 seconds", field="idle_seconds")
    if values["language"] not in ("vi", "en"):
        raise InvalidInput("Ngôn ngữ phải là vi hoặc en", "The language must be vi or en",
                           field="language")
    unknown = sorted(set(values["services"]) - letters)
    if unknown:
        raise InvalidInput(f"Không có dịch vụ {', '.join(unknown)}",
                           f"No service {', '.join(unknown)}", field="services")
    return values | {"idle_seconds": int(idle), "services": sorted(values["services"])}


@router.post("/{name}/revoke")
async def revoke(name: str, request: Request, who: Principal = Depends(admin)):
    """The token stops working at once (a stolen or retired unit)."""
    state = request.app.state
    accounts.revoke_device(state.store, name, who.username, state.clock())
    return RedirectResponse(f"/staff/admin/devices/{name}?done=revoked", status_code=303)


@router.post("/{name}/rotate")
async def rotate(name: str, request: Request, who: Principal = Depends(admin)):
    """A new token, shown once on this answer; the old one stops working."""
    state = request.app.state
    token, _ = accounts.rotate_device(state.store, name, who.username, state.clock())
    response = _device_page(request, who, name, token=token)
    response.headers["Cache-Control"] = "no-store"
    return response
