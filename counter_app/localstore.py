"""The station's own SQLite file: outbox, leased numbers, print jobs, catalogue cache.

Everything here must survive a power cut at the desk: WAL, synchronous=FULL, and one explicit
transaction per write (`tx()`), so a case taken offline is either wholly in the outbox with its
number marked used and its print job, or not there at all. The UI thread, the background
worker and the printer poller share one connection behind a lock: the file is small and writes
are rare (a few per minute), so a single writer costs nothing and rules out lock errors.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from backend.domain import durability

SCHEMA = """
create table if not exists kv (key text primary key, value text not null);
create table if not exists procedures (
    code text primary key, name text not null, fold text not null, data text not null,
    fetched_at text not null);
create table if not exists credentials (
    username text primary key, hash text not null, user text not null, updated_at text not null);
create table if not exists leases (
    id integer primary key, station text not null, agency text not null, day text not null,
    first integer not null, last integer not null, next integer not null,
    leased_at text not null, tokens text, agency_index integer, unique (agency, day, first));
create table if not exists outbox (
    id integer primary key, kind text not null, key text not null unique, code text,
    body text not null, status text not null default 'pending', attempts integer default 0,
    last_error text, result text, created_at text not null, sent_at text,
    local_due_at text, server_due_at text);
create table if not exists print_jobs (
    id integer primary key, kind text not null, code text, payload text not null,
    copies integer not null default 1, done_copies integer not null default 0,
    status text not null default 'pending', reason text, attempts integer not null default 0,
    bytes integer, created_at text not null, printed_at text);
create index if not exists outbox_status on outbox (status, id);
create index if not exists print_jobs_status on print_jobs (status, id);
"""


class LocalStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                    timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a receipt handed to a citizen means the case is on disk, even after a power cut.
        self.conn.execute(f"PRAGMA synchronous={durability.synchronous()}")
        self.db = sqlite_utils.Database(self.conn)
        self.lock = threading.RLock()
        with self.lock:  # "if not exists" makes a re-run harmless; DDL commits on its own
            self.conn.executescript(SCHEMA)
            self._add_lease_symbols()

    def _add_lease_symbols(self) -> None:
        """Station files from before leases carried tokens get the two columns added."""
        columns = self.db["leases"].columns_dict
        for name, kind in (("tokens", str), ("agency_index", int)):
            if name not in columns:
                self.db["leases"].add_column(name, kind)

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite_utils.Database]:
        """The one way to write: all of it commits, or none of it."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def all(self, sql: str, params: list | tuple = ()) -> list[dict]:
        with self.lock:
            return list(self.db.query(sql, params))

    def one(self, sql: str, params: list | tuple = ()) -> dict | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    # -- small key/value settings learned from the backend (agency name, last user) ---------
    def get(self, key: str, default: object = None) -> object:
        row = self.one("select value from kv where key = ?", [key])
        return json.loads(row["value"]) if row else default

    def put(self, key: str, value: object) -> None:
        with self.tx() as db:
            db["kv"].upsert({"key": key, "value": json.dumps(value, ensure_ascii=False)},
                            pk="key")

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def remember_agency(store: LocalStore, case: dict) -> None:
    """Learn from a case the server showed: the agency's name (for receipts printed offline)
    and which two-digit index stands for it in compact scans (for returns offline)."""
    if store.get("agency") != case["agency"]:
        store.put("agency", case["agency"])
    if case.get("compact"):
        index, known = case["compact"][:2], store.get("agency_index", {}) or {}
        if known.get(index) != case["agency"]["code"]:
            store.put("agency_index", {**known, index: case["agency"]["code"]})
