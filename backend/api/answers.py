"""What the API answers, declared so that /openapi.json describes each route's JSON.

The routes build plain dicts from the store; these models describe those dicts. Every model
allows keys it does not name, and `answers()` sets `response_model_exclude_unset`, so declaring
a model never drops a key, never adds one the route did not set, and never changes a value: the
JSON the apps read stays what the route built. Types follow the stored values (SQLite flags
such as `active` stay 0/1).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from backend.domain.procedures import Procedure

T = TypeVar("T")


def answers(model: type) -> dict:
    """Keyword arguments for a route decorator: `@router.get(path, **answers(Model))`."""
    return {"response_model": model, "response_model_exclude_unset": True}


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class Items(Answer, Generic[T]):
    items: list[T]


class Counted(Items[T], Generic[T]):
    count: int


class Ok(Answer):
    ok: bool


# --- accounts ------------------------------------------------------------------------------


class User(Answer):
    id: int
    username: str
    full_name: str | None
    role: str
    unit: str | None
    active: int
    must_change_password: bool


class Login(Answer):
    token: str
    token_type: str
    user: User
    must_change_password: bool


class Me(Answer):
    username: str
    role: str
    unit: str | None
    full_name: str | None
    must_change_password: bool


class SessionsEnded(Answer):
    username: str
    ended: int


# --- catalogue and site --------------------------------------------------------------------


class FieldAnswer(Answer):
    code: str
    name: str
    procedures: int


class UnitAnswer(Answer):
    code: str
    name: str
    kind: str


class SiteInfo(Answer):
    agency_code: str
    agency_name: str
    agency_index: int
    public_base_url: str
    public_address: str | None
    lookup_page: str | None


class CalendarDay(Answer):
    day: str
    weekday: int
    working: bool


class CalendarYear(Answer):
    year: int
    overrides: list[dict[str, Any]]
    days: list[CalendarDay]
    reminder_year: int | None


class OverrideSet(Answer):
    day: str
    working: bool
    note: str


class OverrideDeleted(Answer):
    day: str
    deleted: bool


class CatalogEntry(Answer):
    """A procedure code with every version loaded and which one is in force today."""

    code: str
    name: str
    versions: list[dict[str, Any]]
    in_force_version: str | None
    abolished_from: str | None


class CatalogVersions(Items[CatalogEntry]):
    today: str


class ProcedureLoaded(Answer):
    code: str
    version: str
    effective_from: str
    added: bool


class Abolition(Answer):
    code: str
    from_day: str
    note: str


class Restored(Answer):
    code: str
    abolished_from: None


# --- cases ---------------------------------------------------------------------------------


class Agency(Answer):
    code: str
    name: str


class Applicant(Answer):
    """Masked unless the caller may see personal data."""

    name: str
    id_number: str | None
    phone: str | None
    address: str | None


class PaperCount(Answer):
    id: str
    name: str
    count: int


class Clerk(Answer):
    username: str | None
    full_name: str


class CaseView(Answer):
    """A case as staff see it; a damaged row carries only code, status_code, damaged, vi, en."""

    code: str
    status_code: int
    status: str | None = None
    status_label: str | None = None
    received_at: str | None = None
    due_at: str | None = None
    new_due_at: str | None = None
    resolved_at: str | None = None
    returned_at: str | None = None
    return_channel: str | None = None
    current_unit: str | None = None
    late: bool | None = None
    token: str | None = None
    compact: str | None = None
    qr: str | None = None
    agency: Agency | None = None
    applicant: Applicant | None = None
    documents: list[PaperCount] | None = None
    procedure: dict[str, Any] | None = None
    received_by: Clerk | None = None
    damaged: bool | None = None


class NewCase(CaseView):
    created: bool


class LeasedBlock(Answer):
    """Case numbers `first`..`last` of `day`, held for one counter station's offline intake."""

    station: str
    agency: str
    day: str
    first: int
    last: int
    leased_at: str


class CaseEvent(Answer):
    id: int
    action: str
    actor: str | None
    role: str | None
    unit: str | None
    at: str
    from_status: int | None
    to_status: int
    note: str | None
    data: dict[str, Any]
    hash: str


class Lookup(Answer):
    """The public answer: what any citizen may see; `verified` answers add the masked
    applicant and the history."""

    code: str
    status: str
    status_code: int
    status_label: str
    status_label_en: str
    procedure: str
    procedure_code: str | None
    received_at: str | None
    due_at: str | None
    late: bool
    return_channel: str | None
    verified: bool


# --- devices and queue ---------------------------------------------------------------------


class Device(Answer):
    id: int
    name: str
    kind: str
    station: str | None
    last_seen: str | None
    version: str | None
    hardware: dict[str, Any]
    settings: dict[str, Any]
    active: int


class DeviceToken(Answer):
    """The token is shown this once; only its hash is kept."""

    token: str
    device: Device


class Heartbeat(Ok):
    settings: dict[str, Any]
    server_time: str


class Selftest(Answer):
    at: str
    ok: bool
    report: dict[str, Any]


class EnrolCode(Answer):
    """The one-time code is shown this once; only its hash is kept."""

    code: str
    station: str | None
    kind: str
    expires_at: str


class SelftestDue(Answer):
    day: str
    due: bool


class QueueService(Answer):
    letter: str
    name: str
    fields: list[str]
    daily_limit: int


class Ticket(Answer):
    id: int
    day: str
    service: str
    number: int
    label: str
    priority: bool
    status: str
    people_ahead: int


class CallAnswer(Answer):
    """What a counter's button did; `announcement` comes with a call, not with done or skip."""

    ticket: Ticket | None
    announcement: str | None = None


class ServiceWaiting(Answer):
    letter: str
    name: str
    waiting: int


class CounterNow(Answer):
    number: int
    services: list[str]
    current: str | None


class CallMade(Answer):
    label: str
    counter: int
    at: str
    kind: str


class QueueStatus(Answer):
    day: str
    services: list[ServiceWaiting]
    counters: list[CounterNow]
    calls: list[CallMade]
    latest: CallMade | None
    ticketing: dict[str, Any]


class RatingRequest(Answer):
    code: str
    counter: int | None
    requested_at: str


class PendingRating(Answer):
    request: RatingRequest | None


class Rated(Answer):
    code: str
    rating: str
    channel: str | None


class ProcedureList(Counted[Procedure]):
    pass
