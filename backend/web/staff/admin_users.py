"""The admin's page for staff accounts: the list with a form to create one, and each account's
page to change its role or unit, reset its password, or disable it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from backend.domain import names
from backend.domain.errors import MotcuaError
from backend.store import accounts, catalog
from backend.store.accounts import ROLES, Principal
from backend.web.staff.layout import StaffRoute, acted, render
from backend.web.staff.session import form_data, require_staff

router = APIRouter(prefix="/staff/admin/users", route_class=StaffRoute,
                   include_in_schema=False)
admin = require_staff("admin")

ROLE_NAMES = {"clerk": ("Cán bộ một cửa", "Clerk"), "officer": ("Chuyên viên", "Officer"),
              "leader": ("Lãnh đạo", "Leader"), "admin": ("Quản trị", "Admin")}


def _choices(request: Request) -> dict:
    units = sorted(catalog.units(request.app.state.store).values(), key=lambda u: u["code"])
    return {"roles": [(r, *ROLE_NAMES[r]) for r in ROLES], "units": units}


@router.get("")
def users_page(request: Request, who: Principal = Depends(admin)):
    return _users_page(request, who)


def _users_page(request: Request, who: Principal, error: MotcuaError | None = None,
                form: dict | None = None):
    users = accounts.list_users(request.app.state.store, active_first=True)
    return render(request, "staff/admin/users.html",
                  {"users": users, "error": error,
                   "form": form or {}, "role_names": ROLE_NAMES, **_choices(request)},
                  who=who, status_code=error.status if error else 200)


@router.post("")
async def create_user(request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    username = form.get("username", "").strip()
    return acted(lambda: _add_user(request, form, who),
                 f"/staff/admin/users/{username}?done=created",
                 lambda exc: _users_page(request, who, exc, form | {"password": ""}))


def _add_user(request: Request, form: dict, who: Principal) -> None:
    state = request.app.state
    username = names.username(form.get("username", ""))
    role = form.get("role", "")
    unit = accounts.check_assignment(state.store, role, form.get("unit") or None)
    accounts.add_user(state.store, username, form.get("password", "")[:256], role,
                      full_name=form.get("full_name", "").strip()[:120], unit=unit,
                      must_change=True, actor=who.username, now=state.clock())


@router.get("/{username}")
def user_page(username: str, request: Request, who: Principal = Depends(admin)):
    return _user_page(request, who, username)


def _user_page(request: Request, who: Principal, username: str,
               error: MotcuaError | None = None):
    row = accounts.user_row(request.app.state.store, username)
    return render(request, "staff/admin/user.html",
                  {"user": accounts.public_user(row), "locked_until": row["locked_until"],
                   "error": error, "done": request.query_params.get("done"),
                   "role_names": ROLE_NAMES, **_choices(request)},
                  who=who, status_code=error.status if error else 200)


@router.post("/{username}/assign")
async def assign(username: str, request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    state = request.app.state
    return _acted(request, who, username, "assigned", lambda: accounts.assign(
        state.store, username, form.get("role", ""), form.get("unit") or None, who.username,
        state.clock(), full_name=form.get("full_name", "").strip()[:120] or None))


@router.post("/{username}/password")
async def reset_password(username: str, request: Request, who: Principal = Depends(admin)):
    form = await form_data(request)
    state = request.app.state
    return _acted(request, who, username, "password", lambda: accounts.reset_password(
        state.store, username, form.get("password", "")[:256], who.username, state.clock()))


@router.post("/{username}/active")
async def set_active(username: str, request: Request, who: Principal = Depends(admin)):
    """Disable (every session ends at once) or enable the account again."""
    form = await form_data(request)
    state, active = request.app.state, form.get("active") == "1"
    return _acted(request, who, username, "enabled" if active else "disabled",
                  lambda: accounts.set_active(state.store, username, active, who.username,
                                              state.clock()))


def _acted(request: Request, who: Principal, username: str, done: str, act):
    """`act()`, then the user's page saying `done`; a refusal shows the page with the reason."""
    return acted(act, f"/staff/admin/users/{username}?done={done}",
                 lambda exc: _user_page(request, who, username, exc))
