"""Fill a database with many realistic cases fast (bulk SQL), for the benchmarks."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from backend.catalog import load_catalog
from backend.cli import CATALOG_DIR
from backend.domain.calendar import VN_TZ
from backend.domain.codes import CaseCode, make_token
from backend.store import cases, catalog, site
from backend.store.cases import iso
from backend.store.db import Store


def seeded_store(path, n_cases: int, seed: int = 1) -> tuple[Store, list[tuple[str, str]]]:
    """Returns the store and (code, token) pairs for every case."""
    store = Store(path)
    store.migrate()
    the_catalog = load_catalog(CATALOG_DIR)
    site.init_settings(store, site.catalog_defaults(the_catalog))
    catalog.load_catalog_into(store, the_catalog)
    the_site = site.load_site(store)
    procs = catalog.search(store)
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=VN_TZ)
    rows, events, pairs = [], [], []
    for i in range(n_cases):
        day = start + timedelta(days=i // 400)
        code = CaseCode(the_site.agency_code, day.date(), i % 400 + 1)
        proc = rng.choice(procs)
        rows.append(_case_row(i + 1, code, proc, day, the_site))
        events.append((i + 1, "intake", "bench", "clerk", "MOTCUA", iso(day), None, 2, None,
                       "{}"))
        pairs.append((str(code), make_token(code, the_site.secret)))
    _bulk_insert(store, rows, events)
    return store, pairs


def _case_row(case_id, code, proc, received, the_site) -> tuple:
    due = the_site.calendar.due_at(received, proc.processing_time.amount,
                                   proc.processing_time.unit)
    snapshot = json.dumps(proc.model_dump(mode="json"), ensure_ascii=False)
    return (case_id, str(code), code.agency, f"{code.day:%y%m%d}", code.seq, proc.code,
            str(proc.version), snapshot, "Nguyễn Văn Bền", "", "", "", "{}", 1, "counter",
            proc.fee.amount, 2, 0, proc.workflow[0].unit, proc.processing_time.unit,
            iso(received), iso(due), "bench")


def _bulk_insert(store: Store, rows: list[tuple], events: list[tuple]) -> None:
    with store.tx() as db:
        db.conn.executemany(
            "insert into cases (id, code, agency, day, seq, procedure_code, procedure_version, "
            "procedure, applicant_name, applicant_id_number, applicant_phone, applicant_address,"
            " documents, sets, return_channel, fee, status, step, current_unit, time_unit, "
            "received_at, due_at, received_by) values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.conn.executemany(
            "insert into events (id, case_id, action, actor, role, unit, at, from_status, "
            "to_status, note, data, prev_hash, hash) values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _chained(events))


def _chained(events: list[tuple]) -> list[tuple]:
    """The event log is hash-chained: each row carries the previous row's hash."""
    names = ("case_id", "action", "actor", "role", "unit", "at", "from_status", "to_status",
             "note", "data")
    chained, prev = [], cases.GENESIS
    for event_id, values in enumerate(events, start=1):
        row = {"id": event_id, **dict(zip(names, values, strict=True))}
        digest = cases.event_hash(row, prev)
        chained.append((*row.values(), prev, digest))
        prev = digest
    return chained
