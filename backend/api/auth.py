"""Login, logout, the caller's own account, and the forced first password change.

Password guessing is slowed three ways: each client address has a few wrong passwords a minute
(right ones are never held back, so a whole office behind one address logs in at 07:00); when
failures pile up across the whole site, addresses that have not logged in lately wait (staff at
the office keep working); and each (name, address) pair locks after five wrong passwords.
"""

from __future__ import annotations

import asyncio
import math

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from backend.api import deps
from backend.api.answers import Login, Me, Ok, answers
from backend.api.inputs import Body
from backend.domain.errors import Forbidden, Unauthorized
from backend.ratelimit import Throttled
from backend.store import accounts
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
FAILURES_PER_MINUTE = 10  # per client address
SITE_FAILURES_PER_MINUTE = 30  # past this, only addresses with a recent login get through
KNOWN_FOR = 86400.0  # seconds an address that logged in stays "known"
FAILURE_DELAY = 0.5  # seconds every wrong answer waits, without holding a worker thread


class LoginBody(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordBody(Body):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


def _throttle(request: Request, client: str) -> None:
    limiter = request.app.state.limiter
    if limiter.level(f"login-failures:{client}") >= FAILURES_PER_MINUTE:
        raise Throttled("Đăng nhập sai quá nhiều lần, vui lòng thử lại sau một phút",
                        "Too many failed logins, please try again in a minute", 60)
    if (limiter.level("login-failures") >= SITE_FAILURES_PER_MINUTE
            and limiter.level(f"login-ok:{client}", KNOWN_FOR) < 1):
        raise Throttled("Hệ thống đang tạm chậm đăng nhập do có nhiều lần sai mật khẩu, "
                        "vui lòng thử lại sau một phút",
                        "Logins are slowed down after many wrong passwords at this site; "
                        "please try again in a minute", 60)


async def _guarded(request: Request, client: str, work, *args):
    """Run a password check off the event loop; a wrong one counts site-wide and waits."""
    _throttle(request, client)
    try:
        return await run_in_threadpool(work, *args)
    except Unauthorized:
        for key in ("login-failures", f"login-failures:{client}"):
            request.app.state.limiter.hit(key, math.inf)
        await asyncio.sleep(FAILURE_DELAY)
        raise


@router.post("/login", **answers(Login))
async def login(body: LoginBody, request: Request, store=Depends(deps.store),
                now=Depends(deps.now)) -> dict:
    client = deps.client(request)
    token, user = await _guarded(request, client, accounts.login, store, body.username,
                                 body.password, now, client)
    request.app.state.limiter.hit(f"login-ok:{client}", math.inf, KNOWN_FOR)
    return {"token": token, "token_type": "bearer", "user": user,
            "must_change_password": user["must_change_password"]}


@router.post("/logout", **answers(Ok))
def logout(token: str = Depends(deps.bearer), store=Depends(deps.store)) -> dict:
    accounts.logout(store, token)
    return {"ok": True}


@router.get("/me", **answers(Me))
def me(who: Principal = Depends(deps.principal)) -> dict:
    return {"username": who.username, "role": who.role, "unit": who.unit,
            "full_name": who.full_name, "must_change_password": who.must_change}


@router.post("/password", **answers(Ok))
async def change_password(body: PasswordBody, request: Request,
                          token: str = Depends(deps.bearer),
                          who: Principal = Depends(deps.principal), store=Depends(deps.store),
                          now=Depends(deps.now)) -> dict:
    """Other sessions of the account end; this one stays."""
    if who.role == "device":
        raise Forbidden("Thiết bị không có mật khẩu", "Devices have no password",
                        key="wrong_role")
    await _guarded(request, deps.client(request), accounts.change_password, store, who,
                   body.old_password, body.new_password, now, deps.client(request), token)
    return {"ok": True}
