"""A year's period report over a large district's cases, against `SELECT count(*)`.

Seeds N cases (default 1,000,000) received from December 2025 to December 2026 in bulk SQL
(minutes, not hours): full rows as intake writes them, each with its procedure snapshot, in
the shares a busy centre sees — resolved early, on time or late, returned (many rated),
withdrawn, stopped, refused, some still open and some resolved only after the year's end.
Those last ones are the cases the report re-reads from their event log, so they get their
intake events; the other events are left out, as the report never reads them.

The database's triggers tally each case's report facts per day as the rows go in, as they do
for intake and every workflow action. Then times, in the same process on the same file: the
baseline `SELECT count(*) FROM cases` and the report for 2026 by unit, field and procedure,
CSV included. Target: under 2 s.

    .venv/bin/python bench/report.py                 # 1,000,000 cases (~2.5 GB, kept in /tmp)
    .venv/bin/python bench/report.py -n 100000 --keep /tmp/r.sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from backend.catalog import load_catalog
from backend.cli import CATALOG_DIR
from backend.domain import reports as definitions
from backend.domain.calendar import VN_TZ
from backend.forms import period as formats
from backend.store import catalog, site
from backend.store import reports as store_reports
from backend.store.cases import GENESIS, event_hash, iso
from backend.store.db import Store

START = datetime(2025, 12, 1, 7, 30, tzinfo=VN_TZ)
PER_DAY = 2600  # a large district's daily intake; well under the 9,999 a code allows
CHUNK = 50_000
COLUMNS = ("id", "code", "agency", "day", "seq", "procedure_code", "procedure_version",
           "procedure", "applicant_name", "applicant_id_number", "applicant_phone",
           "applicant_address", "documents", "sets", "return_channel", "fee", "status", "step",
           "current_unit", "time_unit", "received_at", "due_at", "paused_at", "resolved_at",
           "result_class", "returned_at", "received_by", "updated_at", "channel")
CHANNELS = ("in_person",) * 7 + ("post",) * 1 + ("online",) * 2


def prepare(path: Path) -> tuple[str, list]:
    store = Store(path)
    store.migrate()
    the_catalog = load_catalog(CATALOG_DIR)
    site.init_settings(store, site.catalog_defaults(the_catalog))
    catalog.load_catalog_into(store, the_catalog)
    agency = site.load_site(store).agency_code
    store.close()
    procs = [(p, json.dumps(p.model_dump(mode="json"), ensure_ascii=False))
             for p in the_catalog.procedures.values()]
    return agency, procs


def case_row(i: int, agency: str, procs: list, rng: random.Random) -> tuple[tuple, bool]:
    """One case as intake and the workflow leave it; True when resolved after 2026."""
    day_index, seq = divmod(i, PER_DAY)
    received = START + timedelta(days=day_index, seconds=rng.randint(0, 8 * 3600))
    proc, snapshot = procs[i % len(procs)]
    due = received + timedelta(days=rng.choice([1, 3, 5, 7, 10, 15]))
    status, resolved, result, returned, updated = _fate(rng, received, due)
    code = f"{agency}-{received:%y%m%d}-{seq + 1:04d}"
    row = (i + 1, code, agency, f"{received:%y%m%d}", seq + 1, proc.code, str(proc.version),
           snapshot, "Nguyễn Văn Bền", "079203001234", "0912345678", "12 Lê Lợi", "{}", 1,
           "counter", proc.fee.amount, status, 0, proc.workflow[0].unit,
           proc.processing_time.unit, iso(received), iso(due), None, iso(resolved), result,
           iso(returned), "clerk", iso(updated), CHANNELS[i % len(CHANNELS)])
    return row, bool(resolved and resolved.year > 2026)


def _fate(rng: random.Random, received: datetime, due: datetime):
    roll = rng.random()
    if roll < 0.02:
        return 7, None, None, None, received + timedelta(days=1)
    if roll < 0.03:
        return 8, None, None, None, received + timedelta(days=2)
    if roll < 0.04:
        return 3, None, None, None, received + timedelta(hours=1)
    if roll < 0.07:
        return 4, None, None, None, received + timedelta(hours=3)
    resolved = received + timedelta(days=rng.uniform(0.2, 1.3) * (due - received).days)
    result = "late" if resolved > due else ("early" if resolved.date() < due.date()
                                            else "on_time")
    returned = resolved + timedelta(days=1) if roll < 0.9 else None
    return (10 if returned else 9), resolved, result, returned, returned or resolved


def seed(path: Path, n: int) -> int:
    agency, procs = prepare(path)
    rng = random.Random(2026)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=OFF")
    marks = ", ".join("?" for _ in COLUMNS)
    late_ids = []
    for first in range(0, n, CHUNK):
        rows = []
        for i in range(first, min(n, first + CHUNK)):
            row, after = case_row(i, agency, procs, rng)
            rows.append(row)
            if after:
                late_ids.append(row)
        with conn:
            conn.executemany(f"insert into cases ({', '.join(COLUMNS)}) values ({marks})", rows)
        print(f"\r  seeded {min(n, first + CHUNK):,} cases", end="", flush=True)
    _events_and_ratings(conn, late_ids, rng)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    print()
    return len(late_ids)


def _events_and_ratings(conn, rows: list[tuple], rng: random.Random) -> None:
    prev, events = GENESIS, []
    for number, row in enumerate(rows, 1):
        event = {"id": number, "case_id": row[0], "action": "intake", "actor": "clerk",
                 "role": "clerk", "unit": row[18], "at": row[20], "from_status": None,
                 "to_status": 2, "note": None, "data": json.dumps({"due_at": row[21]})}
        prev_hash, prev = prev, event_hash(event, prev)
        events.append((*event.values(), prev_hash, prev))
    with conn:
        conn.executemany("insert into events (id, case_id, action, actor, role, unit, at, "
                         "from_status, to_status, note, data, prev_hash, hash) values "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
        conn.execute("insert into ratings (case_id, rating, channel, at, by) "
                     "select id, case abs(random()) % 3 when 0 then 'very_satisfied' "
                     "when 1 then 'satisfied' else 'unsatisfied' end, 'kiosk', returned_at, "
                     "'kiosk' from cases where returned_at is not null and id % 3 = 0")


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def best_of(runs: int, work) -> tuple[float, float, object]:
    """(best wall seconds, CPU seconds of all threads in that run, result)."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), _cpu()
        result = work()
        took = time.perf_counter() - began
        if took < best:
            best, cpu = took, _cpu() - began_cpu
    return best, cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="cases to seed")
    parser.add_argument("--keep", help="database file to keep (and reuse when it exists)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="motcua-report-")
    path = Path(args.keep) if args.keep else Path(folder.name) / "motcua.sqlite"
    if not path.exists():
        began = time.perf_counter()
        reread = seed(path, args.n)
        print(f"seeding {args.n:,} cases: {time.perf_counter() - began:.1f} s "
              f"({reread:,} resolved after the year, re-read from events)")
    store = Store(path)
    store.migrate()
    year = definitions.period("2026-01-01", "2026-12-31")
    count_s, _, count = best_of(3, lambda: store.conn.execute(
        "select count(*) from cases").fetchone()[0])
    print(f"baseline SELECT count(*): {count_s * 1000:.1f} ms ({count:,} cases)")
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for by in ("unit", "field", "procedure"):
        took, cpu, rows = best_of(2, lambda by=by: formats.to_csv(
            store_reports.period_report(store, year, by)))
        print(f"report 2026 by {by:<9}: {took:.2f} s wall = {took / count_s:.0f}x count(*), "
              f"{cpu:.2f} s CPU over all threads [{'OK' if took < 2 else 'OVER'} target 2 s]")
    print(f"TOTAL row: {rows.splitlines()[-1]}")
    store.close()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
