"""Print jobs that are never silently lost.

A job is written to the station's database before a byte goes to the printer and stays open
until the printer confirms it (the driver's JobResult is ok and verified: the printer answered
that it worked through the job). A failed job keeps its reason (the driver's message, e.g. "Máy
in hết giấy", stored as JSON) for the clerk and is retried with `retry()` after the paper is
fixed; a copy cut short by the roll running out is printed again whole. Printers that cannot
confirm (write-only links) leave the job "unverified" until the clerk says the paper came out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from counter_app import receipts
from counter_app.config import StationConfig
from counter_app.devices import PrinterPort
from counter_app.localstore import LocalStore
from counter_app.strings import fail, msg
from counter_app.texts import Msg
from drivers.printers import JobResult, VirtualPrinter

OPEN = ("pending", "failed", "unverified")


@dataclass(frozen=True)
class PrintJob:
    id: int
    kind: str  # receipt (Mẫu 01), supplement (Mẫu 02), refusal (Mẫu 03)
    code: str | None
    payload: dict
    copies: int
    done_copies: int
    status: str  # pending, printed, unverified, failed
    reason: Msg | None
    attempts: int
    bytes: int | None
    created_at: str
    printed_at: str | None

    @property
    def confirmed(self) -> bool:
        return self.status == "printed"

    @property
    def title(self) -> Msg:
        names = {"receipt": ("Giấy tiếp nhận (Mẫu 01)", "Receipt (form 01)"),
                 "supplement": ("Phiếu yêu cầu bổ sung (Mẫu 02)", "Supplement request (form 02)"),
                 "refusal": ("Phiếu từ chối (Mẫu 03)", "Refusal (form 03)")}
        return Msg(*names[self.kind])


def _job(row: dict) -> PrintJob:
    reason = Msg.from_json(row["reason"]) if row["reason"] else None
    return PrintJob(row["id"], row["kind"], row["code"], json.loads(row["payload"]),
                    row["copies"], row["done_copies"], row["status"], reason, row["attempts"],
                    row["bytes"], row["created_at"], row["printed_at"])


class PrintQueue:
    def __init__(self, store: LocalStore, printer: PrinterPort, station: StationConfig,
                 clock: Callable[[], datetime]) -> None:
        self.store, self.printer, self.station, self.clock = store, printer, station, clock

    # -- keeping jobs ----------------------------------------------------------------------
    def add(self, db, kind: str, payload: dict, copies: int = 1) -> int:
        """Record a job inside the caller's transaction (with the case it belongs to)."""
        if kind not in receipts.KINDS:
            raise ValueError(f"unknown print job kind {kind!r}")
        if kind == "receipt":
            payload = self._public_qr(db, payload)
        return db["print_jobs"].insert({
            "kind": kind, "code": payload.get("code"), "copies": copies,
            "payload": json.dumps(payload, ensure_ascii=False),
            "created_at": self.clock().isoformat()}).last_pk

    def _public_qr(self, db, payload: dict) -> dict:
        """Online receipts teach the station the site's public address (their QR opens it),
        so a receipt numbered offline gets the same https://<address>/L/CODE/TOKEN QR."""
        qr = payload.get("qr") or ""
        if not payload.get("offline"):
            base, sep, _ = qr.partition("/L/")
            db["kv"].upsert({"key": "public_qr_base", "value": json.dumps(base if sep else "")},
                            pk="key")
            return payload
        base = self.store.get("public_qr_base", "")
        if base and qr and "/L/" not in qr:
            return {**payload, "qr": f"{base}/L/{qr}"}
        return payload

    def submit(self, kind: str, payload: dict, copies: int = 1) -> PrintJob:
        """Keep a job, then print it at once."""
        with self.store.tx() as db:
            job_id = self.add(db, kind, payload, copies)
        return self.run(job_id)

    def get(self, job_id: int) -> PrintJob:
        row = self.store.one("select * from print_jobs where id = ?", [job_id])
        if row is None:
            raise fail("no_job", job_id=job_id)
        return _job(row)

    def open_jobs(self) -> list[PrintJob]:
        """Jobs the printer has not confirmed: the clerk sees them until they are done."""
        marks = ",".join("?" * len(OPEN))
        return [_job(r) for r in self.store.all(
            f"select * from print_jobs where status in ({marks}) order by id", OPEN)]

    def recent(self, limit: int = 20) -> list[PrintJob]:
        return [_job(r) for r in self.store.all(
            "select * from print_jobs order by id desc limit ?", [limit])]

    def latest_for(self, code: str) -> PrintJob | None:
        row = self.store.one("select * from print_jobs where code = ? and kind = 'receipt' "
                             "order by id desc limit 1", [code])
        return _job(row) if row else None

    def warm(self, agency: dict | None, clerk: str) -> None:
        """Compile a receipt once at login, so the first real one finds its common lines
        ready (raster printers; a no-op cost for text mode)."""
        case = receipts.sample_case(agency or {}, clerk, self.clock().isoformat())
        self.printer.compile(receipts.receipt(case, self.station))

    def preview(self, job_id: int, copy: int = 1) -> Image.Image:
        """The paper as it comes out of this station's printer: the job's bytes for this
        printer's profile, played through a virtual printer of the same paper width."""
        job = self.get(job_id)
        doc = receipts.build(job.kind, job.payload, self.station, copy)
        paper = VirtualPrinter.from_profile(self.printer.profile)
        paper.feed(self.printer.compile(doc))
        return paper.receipts[-1].image

    # -- printing -------------------------------------------------------------------------
    def run(self, job_id: int) -> PrintJob:
        """Print the copies not yet confirmed; stop at the first failure and say why."""
        job = self.get(job_id)
        for copy in range(job.done_copies + 1, job.copies + 1):
            doc = receipts.build(job.kind, job.payload, self.station, copy)
            result = self.printer.print_document(doc)
            if not result.ok:
                self._failed(job, result)
                return self.get(job_id)
            self._copy_done(job, copy, result)
        return self.get(job_id)

    def retry(self, job_id: int) -> PrintJob:
        """After the clerk fixed the paper or the cover: the missing copies again."""
        if self.get(job_id).status not in ("pending", "failed"):
            raise fail("job_done")
        return self.run(job_id)

    def reprint(self, job_id: int, copies: int = 1) -> PrintJob:
        """A fresh copy of any earlier paper, kept as its own job."""
        job = self.get(job_id)
        return self.submit(job.kind, job.payload, copies)

    def confirm_by_hand(self, job_id: int) -> PrintJob:
        """The clerk saw the paper come out of a printer that cannot say so itself."""
        with self.store.tx() as db:
            db["print_jobs"].update(job_id, {"status": "printed", "reason": None,
                                             "printed_at": self.clock().isoformat()})
        return self.get(job_id)

    def _failed(self, job: PrintJob, result: JobResult) -> None:
        reason = result.reason or msg("printer_failed", "error")
        with self.store.tx() as db:
            db["print_jobs"].update(job.id, {"status": "failed", "reason": reason.to_json(),
                                             "attempts": job.attempts + 1})
        self.printer.refresh()

    def _copy_done(self, job: PrintJob, copy: int, result: JobResult) -> None:
        finished = copy == job.copies
        status = "printed" if result.verified else "unverified"
        warning = result.reason if result.verified else msg("printer_unconfirmed", "warning")
        row = self.get(job.id)
        with self.store.tx() as db:
            db["print_jobs"].update(job.id, {
                "done_copies": copy, "attempts": row.attempts + 1,
                "bytes": (row.bytes or 0) + result.bytes_sent,
                "status": status if finished else "pending",
                "reason": warning.to_json() if warning else None,
                "printed_at": self.clock().isoformat() if finished else None})
