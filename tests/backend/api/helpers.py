"""Small helpers shared by the API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from backend.client import ApiError, Client
from backend.store.cases import event_hash

APPLICANT = {"name": "Nguyễn Văn Hùng", "id_number": "079203001234", "phone": "0912345678",
             "address": "12 Lê Lợi, phường Tân Ninh"}


def pick_procedure(client: Client, *, unit: str | None = None, sensitive: bool = False,
                   time_unit: str = "working_days") -> dict:
    """A procedure with the wanted shape, so tests do not hard-code catalogue codes."""
    for proc in client.procedures():
        units = [s["unit"] for s in proc["workflow"]]
        if proc["sensitive"] != sensitive or proc["processing_time"]["unit"] != time_unit:
            continue
        if unit is None or unit in units:
            return proc
    raise LookupError(f"no procedure through {unit} (sensitive={sensitive}, {time_unit})")


def all_documents(proc: dict) -> dict[str, int]:
    return {d["id"]: 1 for d in proc["documents"] if d["required"]}


def intake(client: Client, proc: dict, **kw) -> dict:
    return client.intake(proc["code"], APPLICANT, all_documents(proc), **kw)


KNOWN = {("clerk", "MOTCUA"): "clerk", ("officer", "KT"): "officer.kt",
         ("officer", "VHXH"): "officer.vh", ("leader", "LD"): "leader"}


def account(server, role: str, unit: str) -> str:
    """The test account for (role, unit): a fixture account, or one made on first use."""
    from datetime import datetime

    from backend.domain.calendar import VN_TZ
    from backend.store import accounts
    from tests.backend.conftest import PASSWORD

    name = KNOWN.get((role, unit), f"{role}.{unit.lower()}")
    store = server.app.state.store
    if store.one("select 1 from users where username = ?", [name]) is None:
        accounts.add_user(store, name, PASSWORD, role, unit=unit, must_change=False,
                          full_name=name.title(), now=datetime(2026, 11, 2, tzinfo=VN_TZ))
    return name


def step_owner(server, step: dict) -> Client:
    role = next(r for r in ("officer", "leader", "clerk") if r in step["roles"])
    name = account(server, role, step["unit"])
    logged_in = server.__dict__.setdefault("logged_in", {})  # one login (argon2) per account
    if name not in logged_in:
        logged_in[name] = server.client(name)
    return logged_in[name]


def walk(server, code: str, proc: dict, *, to_step: int | None = None) -> dict:
    """Move a case along its workflow as each step's owner would: one step at a time, then
    resolve at the signing step. With `to_step`, stop once the case is at that step."""
    steps, last = proc["workflow"], len(proc["workflow"]) - 2
    case = server.client(account(server, "clerk", steps[0]["unit"])).case(code)
    while case["status"] != "resolved" and case["step"] != to_step:
        owner = step_owner(server, steps[case["step"]])
        case = owner.action(code, "resolve" if case["step"] == last else "transfer")
    return case


def api_error(call: Callable[[], object]) -> ApiError:
    """The ApiError `call()` must raise, to check its status and message."""
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value


def append_damaged_event(store, case: dict, action: str = "note") -> None:
    """An event row someone wrote by hand: unknown status, data that is not JSON."""
    last = store.one("select id, hash from events order by id desc limit 1")
    case_id = store.one("select id from cases where code = ?", [case["code"]])["id"]
    row = {"id": last["id"] + 1, "case_id": case_id, "action": action, "actor": "x",
           "role": "clerk", "unit": "MOTCUA", "at": "2026-11-23T09:31:00+07:00",
           "from_status": 2, "to_status": 77, "note": None, "data": "{broken"}
    store.conn.execute(
        "insert into events (id, case_id, action, actor, role, unit, at, from_status, "
        "to_status, note, data, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*row.values(), last["hash"], event_hash(row, last["hash"])])
