"""PostgreSQL access for the hub (psycopg 3): a small pool of connections, explicit
transactions.

A request borrows a connection for as long as it needs one and gives it back, so a worker
with many threads holds only `size` connections and PostgreSQL's connection limit is shared
sanely between workers. Connections live on, so psycopg prepares the statements they repeat
(the lookup's after five uses). A connection PostgreSQL dropped (restart, failover) is
replaced on next use; the request that met the drop fails with a 503 and is simply retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Iterator

import psycopg
from psycopg.rows import dict_row

from backend.hub import migrations

POOL_SIZE = 8
# A gathered read holds its worker's event loop: PostgreSQL cancels one that takes longer
# (its lookups answer 503) rather than let a stuck query stop the worker.
READ_TIMEOUT_MS = 5000


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


class Gathered:
    """Rows of one query by key, for the many requests one event loop serves at once.

    The keys asked by the requests the event loop has in hand go together in one read
    (`= any(%s)`); those that arrive during it, in the next. So a busy hub pays one round
    trip and one plan for many lookups where it paid one each (measured in bench/sync.py).
    Every key is still read from PostgreSQL at the moment it is asked for: nothing is kept
    here. `sql` selects the column `key` and takes one parameter, the array of keys; `get`
    gives every row of a key, in SQL order.
    """

    def __init__(self, dsn: str, sql: str, key: str, timeout_ms: int = READ_TIMEOUT_MS):
        self.dsn, self.sql, self.key, self.timeout_ms = dsn, sql, key, timeout_ms
        self._asked: dict[object, list[asyncio.Future]] = {}
        self._reading: asyncio.Task | None = None
        self._conn: psycopg.Connection | None = None

    async def get(self, key) -> list[dict]:
        future = asyncio.get_running_loop().create_future()
        self._asked.setdefault(key, []).append(future)
        if self._reading is None:
            self._reading = asyncio.create_task(self._read_all())
        return await future

    async def _read_all(self) -> None:
        try:
            while self._asked:
                asked, self._asked = self._asked, {}
                try:
                    rows = await self._read(list(asked))
                except Exception as exc:  # every request of the read fails alike (503)
                    _settle(asked, exc=exc)
                else:
                    _settle(asked, rows=rows, key=self.key)
        finally:
            self._reading = None

    async def _read(self, keys: list) -> list[dict]:
        # Read in place, as a site reads its SQLite: over the local socket the round trip is
        # shorter than the event loop's work to await it (readers, futures, wake-ups), and the
        # lookups that arrive meanwhile wait in the socket to share the next read.
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = psycopg.connect(
                self.dsn, autocommit=True, row_factory=dict_row, connect_timeout=10,
                options=f"-c statement_timeout={self.timeout_ms}")
        return self._conn.execute(self.sql, [keys], prepare=True).fetchall()

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def _settle(asked: dict, rows: list[dict] = (), key: str = "", exc: Exception | None = None):
    found: dict[object, list[dict]] = {}
    for row in rows:
        found.setdefault(row[key], []).append(row)
    for k, futures in asked.items():
        for future in futures:
            if future.done():  # its request was cancelled meanwhile
                continue
            if exc is not None:
                future.set_exception(exc)
            else:
                future.set_result(found.get(k, []))
