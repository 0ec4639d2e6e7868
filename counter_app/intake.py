"""Intake at the desk: choose the procedure, fill the applicant, tick the papers, confirm.

Three outcomes, as the lifecycle in the brief says:
- complete file: the case is created (online by the backend, offline from a leased number into
  the outbox) and the receipt (Mẫu 01) prints at once;
- incomplete file: `confirm` prints nothing and raises `IncompleteFile` naming the missing
  papers (a box left unticked by mistake must not send the citizen home); the clerk then either
  ticks them or asks for `supplement`, which prints the request (Mẫu 02) and opens no case;
- refused: Mẫu 03 with the clerk's reason (online the refusal is also recorded on a case).

An online intake whose answer never came back is the one hard case: it may have landed. The
offline copy made for the citizen reuses that attempt's idempotency key, so when it is sent the
server either takes it (the attempt never landed) or refuses the key (it did): nothing twice.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from backend.client import ApiError
from backend.domain.calendar import VN_TZ, WorkingCalendar
from counter_app.catalogue import Catalogue
from counter_app.config import StationConfig
from counter_app.link import Link
from counter_app.localstore import LocalStore, remember_agency
from counter_app.offline import Leases, Outbox
from counter_app.printing import PrintJob, PrintQueue
from counter_app.session import Session
from counter_app.strings import fail, msg
from counter_app.texts import CounterError, Msg, OfflineError

APPLICANT_FIELDS = ("name", "id_number", "phone", "address")
ID_NUMBER = re.compile(r"^(\d{9}|\d{12})?$")  # the same rules as the backend, checked offline
PHONE = re.compile(r"^((\+84|0)\d{9,10})?$")
INTAKE_CHANNELS = ("in_person", "post")  # at the counter; online files come through the API


@dataclass
class IntakeForm:
    procedure: dict | None = None
    applicant: dict = field(default_factory=lambda: dict.fromkeys(APPLICANT_FIELDS, ""))
    documents: dict[str, int] = field(default_factory=dict)  # document id -> papers received
    sets: int = 1
    return_channel: str = "counter"
    notify_sms: bool = False  # the citizen said yes to SMS notices; never ticked by default
    channel: str = "in_person"  # how the file came: in_person at the desk, or post


@dataclass(frozen=True)
class Outcome:
    kind: str  # receipt, supplement, refusal
    payload: dict
    job: PrintJob
    offline: bool = False

    @property
    def code(self) -> str | None:
        return self.payload.get("code")

    @property
    def msg(self) -> Msg:
        """What happened, and first of all whether the paper is in the citizen's hands."""
        if self.job.status == "failed":
            reason = self.job.reason or Msg("", "")
            said = "received_not_printed" if self.code else "not_printed"
            return msg(said, "error", code=self.code, reason=reason)
        if self.kind == "supplement":
            return msg("supplement_printed", "warning")
        if self.kind == "refusal":
            return msg("refusal_printed", "warning")
        return msg("received_offline" if self.offline else "received", "ok", code=self.code)


def slim_procedure(proc: dict) -> dict:
    """What a receipt needs of a procedure; the full snapshot stays on the server."""
    return {k: proc[k] for k in ("code", "name", "processing_time", "fee")}


def receipt_payload(case: dict) -> dict:
    """The part of the backend's case view that Mẫu 01 prints, kept with the print job."""
    keep = ("code", "compact", "qr", "agency", "applicant", "documents", "sets", "received_at",
            "due_at", "return_channel", "received_by")
    return {**{k: case.get(k) for k in keep}, "procedure": slim_procedure(case["procedure"]),
            "offline": False}


class IncompleteFile(CounterError):
    """Required papers are not ticked: nothing was sent or printed, the form is as it was."""

    def __init__(self, missing: list[str]) -> None:
        text = msg("incomplete_title")
        super().__init__(f"{text.vi}: {'; '.join(missing)}", f"{text.en}: {'; '.join(missing)}",
                         "incomplete_file", "documents")
        self.missing = missing


def missing_from(error: ApiError) -> list[str]:
    """The backend lists missing papers after a colon: 'Hồ sơ chưa đủ giấy tờ: A; B'."""
    return [name.strip() for name in error.vi.partition(":")[2].split(";") if name.strip()]


class IntakeDesk:
    def __init__(self, *, link: Link, store: LocalStore, session: Session, catalogue: Catalogue,
                 printing: PrintQueue, leases: Leases, outbox: Outbox, station: StationConfig,
                 clock: Callable[[], datetime], calendar: WorkingCalendar | None = None) -> None:
        self.link, self.store, self.session, self.catalogue = link, store, session, catalogue
        self.printing, self.leases, self.outbox = printing, leases, outbox
        self.station, self.clock = station, clock
        self.calendar = calendar or WorkingCalendar()

    # -- filling the form --------------------------------------------------------------------
    def new_form(self) -> IntakeForm:
        return IntakeForm()

    def search(self, query: str) -> list[dict]:
        return self.catalogue.search(query)

    def choose(self, form: IntakeForm, code: str) -> IntakeForm:
        proc = self.catalogue.get(code)
        form.procedure, form.documents = proc, {}
        form.sets = proc.get("sets", 1)
        form.return_channel = proc["result_channels"][0]
        return form

    def tick(self, form: IntakeForm, doc_id: str, count: int = 1) -> None:
        """Papers received of one document; 0 unticks it."""
        if doc_id not in {d["id"] for d in self._procedure(form)["documents"]}:
            raise fail("unknown_document", doc_id=doc_id)
        if count > 0:
            form.documents[doc_id] = count
        else:
            form.documents.pop(doc_id, None)

    def missing(self, form: IntakeForm) -> list[str]:
        return [d["name"] for d in self._procedure(form)["documents"]
                if d["required"] and d["id"] not in form.documents]

    def due_preview(self, form: IntakeForm, at: datetime | None = None) -> datetime:
        """The appointment if the file were received now (the server's word is final)."""
        time = self._procedure(form)["processing_time"]
        return self.calendar.due_at(at or self.clock(), time["amount"], time["unit"])

    def problems(self, form: IntakeForm) -> list[CounterError]:
        """Everything wrong with the form, so the screen can mark each field at once."""
        found = [] if form.procedure else [fail("no_procedure", field="procedure")]
        found += _applicant_problems(form.applicant)
        if form.notify_sms and not (form.applicant.get("phone") or "").strip():
            found.append(fail("sms_needs_phone", key="phone_needed", field="phone"))
        if not 1 <= form.sets <= 20:
            found.append(fail("invalid_sets", field="sets"))
        if form.channel not in INTAKE_CHANNELS:
            found.append(fail("invalid_intake_channel", field="channel"))
        if form.procedure and form.return_channel not in form.procedure["result_channels"]:
            found.append(fail("invalid_channel", field="return_channel"))
        return found

    # -- the three outcomes ------------------------------------------------------------------
    def confirm(self, form: IntakeForm) -> Outcome:
        self._check(form)
        missing = self.missing(form)
        if missing:
            raise IncompleteFile(missing)
        was_online, key, started = self.link.online, self._key(), self.clock()
        try:
            case = self.link.call(self.link.client.intake, *self._request(form),
                                  sets=form.sets, return_channel=form.return_channel,
                                  channel=form.channel, idempotency_key=key,
                                  notify_sms=form.notify_sms)
        except OfflineError:
            return self._offline(form, key if was_online else None,
                                 started if was_online else None)
        except ApiError as error:
            if error.key == "incomplete_file":  # the server's catalogue is newer
                raise IncompleteFile(missing_from(error)) from None
            raise
        remember_agency(self.store, case)
        payload = receipt_payload(case)
        return Outcome("receipt", payload, self.printing.submit("receipt", payload,
                                                                 self.station.copies))

    def supplement(self, form: IntakeForm, missing: list[str], note: str = "") -> Outcome:
        self._check(form)
        payload = {**self._paper(form), "missing": missing, "note": note}
        return Outcome("supplement", payload, self.printing.submit("supplement", payload))

    def refuse(self, form: IntakeForm, reason: str) -> Outcome:
        reason = reason.strip()
        if not reason:
            raise fail("reason_required", field="reason")
        self._check(form)
        code = self._record_refusal(form, reason)
        payload = {**self._paper(form), "code": code, "reason": reason}
        return Outcome("refusal", payload, self.printing.submit("refusal", payload),
                       offline=code is None)

    # -- helpers -----------------------------------------------------------------------------
    def _record_refusal(self, form: IntakeForm, reason: str) -> str | None:
        """Online the refusal goes on record: registered, then refused (status 3)."""
        try:
            case = self.link.call(self.link.client.intake, *self._request(form),
                                  sets=form.sets, return_channel=form.return_channel,
                                  channel=form.channel, received=False,
                                  idempotency_key=self._key())
            self.link.call(self.link.client.action, case["code"], "refuse", note=reason)
        except OfflineError:
            return None
        return case["code"]

    def _offline(self, form: IntakeForm, key: str | None, attempted: datetime | None) -> Outcome:
        """Number the case from today's leased block; outbox entry and print job together."""
        now = self.clock().astimezone(VN_TZ).replace(microsecond=0)
        due = self.due_preview(form, now)
        with self.store.tx() as db:
            leased = self.leases.take(db, now.date())
            code = str(leased)
            body = self._body(form, now, attempted)
            payload = self._offline_payload(form, code, now, due)
            payload["compact"], payload["qr"] = self.leases.symbols(db, leased)
            self.outbox.add(db, "intake", key or f"offline-{self.station.station}-{code}",
                            code, body, now.isoformat(), due.isoformat())
            job_id = self.printing.add(db, "receipt", payload, self.station.copies)
        return Outcome("receipt", payload, self.printing.run(job_id), offline=True)

    def _body(self, form: IntakeForm, now: datetime, attempted: datetime | None) -> dict:
        proc_code, applicant, documents = self._request(form)
        return {"procedure_code": proc_code, "applicant": applicant, "documents": documents,
                "sets": form.sets, "return_channel": form.return_channel,
                "channel": form.channel, "received_at": now.isoformat(),
                "notify_sms": form.notify_sms,
                "attempted_online_at": attempted.isoformat() if attempted else None}

    def _offline_payload(self, form: IntakeForm, code: str, now: datetime,
                         due: datetime) -> dict:
        proc = form.procedure
        documents = [{"id": d["id"], "name": d["name"], "count": form.documents[d["id"]]}
                     for d in proc["documents"] if d["id"] in form.documents]
        return {"code": code, "compact": None, "qr": None, "agency": self._agency(code),
                "applicant": self._applicant(form), "documents": documents, "sets": form.sets,
                "received_at": now.isoformat(), "due_at": due.isoformat(),
                "return_channel": form.return_channel, "procedure": slim_procedure(proc),
                "received_by": self._clerk(), "offline": True}

    def _paper(self, form: IntakeForm) -> dict:
        """What Mẫu 02 and 03 print besides their own part."""
        return {"agency": self.store.get("agency", {}), "applicant": self._applicant(form),
                "procedure": slim_procedure(form.procedure), "clerk": self._clerk(),
                "at": self.clock().isoformat()}

    def _agency(self, code: str) -> dict:
        known = self.store.get("agency", {}) or {}
        return {"code": code.split("-")[0], "name": known.get("name", "")}

    def _clerk(self) -> dict:
        user = self.session.user or {}
        return {"username": user.get("username", ""), "full_name": self.session.full_name}

    def _request(self, form: IntakeForm) -> tuple[str, dict, dict]:
        return form.procedure["code"], self._applicant(form), dict(form.documents)

    @staticmethod
    def _applicant(form: IntakeForm) -> dict:
        return {k: (form.applicant.get(k) or "").strip() for k in APPLICANT_FIELDS}

    def _key(self) -> str:
        return f"{self.station.station}-{uuid.uuid4().hex}"

    def _procedure(self, form: IntakeForm) -> dict:
        if form.procedure is None:
            raise fail("no_procedure", field="procedure")
        return form.procedure

    def _check(self, form: IntakeForm) -> None:
        self.session.require()
        problems = self.problems(form)
        if problems:
            raise problems[0]


def _applicant_problems(applicant: dict) -> list[CounterError]:
    name = (applicant.get("name") or "").strip()
    found = []
    if not 2 <= len(name) <= 120:
        found.append(fail("invalid_name", field="name"))
    if not ID_NUMBER.match((applicant.get("id_number") or "").strip()):
        found.append(fail("invalid_id", field="id_number"))
    if not PHONE.match((applicant.get("phone") or "").strip()):
        found.append(fail("invalid_phone", field="phone"))
    if len(applicant.get("address") or "") > 300:
        found.append(fail("invalid_address", field="address"))
    return found
