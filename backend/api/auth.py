"""Login, logout, the caller's own account, and the forced first password change."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from backend.api import deps
from backend.store import accounts
from backend.store.accounts import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


@router.post("/login")
def login(body: LoginBody, store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    token, user = accounts.login(store, body.username, body.password, now)
    return {"token": token, "token_type": "bearer", "user": user,
            "must_change_password": user["must_change_password"]}


@router.post("/logout")
def logout(token: str = Depends(deps.bearer), store=Depends(deps.store)) -> dict:
    accounts.logout(store, token)
    return {"ok": True}


@router.get("/me")
def me(who: Principal = Depends(deps.principal)) -> dict:
    return {"username": who.username, "role": who.role, "unit": who.unit,
            "full_name": who.full_name, "must_change_password": who.must_change}


@router.post("/password")
def change_password(body: PasswordBody, who: Principal = Depends(deps.principal),
                    store=Depends(deps.store), now=Depends(deps.now)) -> dict:
    accounts.change_password(store, who, body.old_password, body.new_password, now)
    return {"ok": True}
