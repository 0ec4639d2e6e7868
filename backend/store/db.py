"""SQLite access: one connection per thread, WAL, and one explicit transaction per write path.

Writes start with BEGIN IMMEDIATE so the write lock is taken up front: two concurrent intakes
queue on the lock instead of both reading a sequence and failing to upgrade.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from backend.domain import durability
from backend.store import migrations


class Store:
    def __init__(self, path: str | Path):
        self.path = str(path)
        self._local = threading.local()
        # Writers in this process queue here; SQLite's own busy handler sleeps with back-off
        # (up to 100 ms a try), which turns a short queue of clerks into second-long stalls.
        self._write_lock = threading.Lock()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(_connect(self.path))
            self._local.db = db
        return db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite_utils.Database]:
        """The one way to write: everything inside commits together or not at all."""
        conn = self.conn
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def one(self, sql: str, params=()) -> dict | None:
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None

    def found(self, sql: str, params, missing: Exception) -> dict:
        """The first row; `missing` (a NotFound, say) is raised when there is none."""
        row = self.one(sql, params)
        if row is None:
            raise missing
        return row

    def all(self, sql: str, params=()) -> list[dict]:
        return list(self.db.query(sql, params))

    def migrate(self) -> int:
        return migrations.apply(self)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _connect(path: str) -> sqlite3.Connection:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged case must survive a power cut at the centre, not only a crash.
    conn.execute(f"PRAGMA synchronous={durability.synchronous()}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn
