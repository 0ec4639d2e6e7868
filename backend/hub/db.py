"""PostgreSQL access for the hub (psycopg 3): one connection per thread, explicit transactions.

A connection that PostgreSQL dropped (restart, failover) is replaced on next use; the request
that met the drop fails with a 503 and the site's agent simply retries.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import psycopg
from psycopg.rows import dict_row

from backend.hub import migrations


class HubStore:
    def __init__(self, dsn: str):
        self.dsn = dsn
        self._local = threading.local()
        self._opened: list[psycopg.Connection] = []  # every thread's, so close() ends them all
        self._lock = threading.Lock()

    @property
    def conn(self) -> psycopg.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = psycopg.connect(self.dsn, autocommit=True, row_factory=dict_row,
                                   connect_timeout=10)
            self._local.conn = conn
            with self._lock:
                self._opened = [c for c in self._opened if not c.closed] + [conn]
        return conn

    @contextlib.contextmanager
    def tx(self) -> Iterator[psycopg.Connection]:
        """Everything inside commits together or not at all."""
        conn = self.conn
        with conn.transaction():
            yield conn

    def one(self, sql: str, params=()) -> dict | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params=()) -> list[dict]:
        return self.conn.execute(sql, params).fetchall()

    def migrate(self) -> int:
        return migrations.apply(self)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
