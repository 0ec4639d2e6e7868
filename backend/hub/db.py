"""PostgreSQL access for the hub (psycopg 3): a small pool of connections, explicit
transactions.

A request borrows a connection for as long as it needs one and gives it back, so a worker
with many threads holds only `size` connections and PostgreSQL's connection limit is shared
sanely between workers. Connections live on, so psycopg prepares the statements they repeat
(the lookup's after five uses). A connection PostgreSQL dropped (restart, failover) is
replaced on next use; the request that met the drop fails with a 503 and is simply retried.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator

import psycopg
from psycopg.rows import dict_row

from backend.hub import migrations

POOL_SIZE = 8


class HubStore:
    def __init__(self, dsn: str, size: int = POOL_SIZE):
        self.dsn = dsn
        self._idle: queue.LifoQueue[psycopg.Connection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(size)

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A connection of the pool, given back afterwards (dropped if it broke meanwhile)."""
        with self._slots:
            conn = self._take()
            try:
                yield conn
            finally:
                if conn.closed or conn.broken:
                    conn.close()
                else:
                    self._idle.put(conn)

    def _take(self) -> psycopg.Connection:
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return psycopg.connect(self.dsn, autocommit=True, row_factory=dict_row,
                                       connect_timeout=10)
            if not (conn.closed or conn.broken):
                return conn

    @contextlib.contextmanager
    def tx(self) -> Iterator[psycopg.Connection]:
        """Everything inside commits together or not at all."""
        with self.connection() as conn, conn.transaction():
            yield conn

    def one(self, sql: str, params=()) -> dict | None:
        with self.connection() as conn:
            return conn.execute(sql, params).fetchone()

    def all(self, sql: str, params=()) -> list[dict]:
        with self.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def migrate(self) -> int:
        return migrations.apply(self)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
