"""Small helpers shared by the API tests."""

from __future__ import annotations

from backend.client import Client

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
