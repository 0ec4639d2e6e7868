"""The hub's gathered reads (backend.hub.db.Gathered): lookups asked together share one
read, each gets its own rows, and a failed read fails its askers only."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from backend.hub.db import Gathered, HubStore


@pytest.fixture
def filled(hub_dsn):
    store = HubStore(hub_dsn)
    with store.tx() as conn:
        conn.execute("create table items (name text, n int)")
        conn.execute("insert into items values ('a', 1), ('a', 2), ('b', 3), ('c', 4)")
    yield hub_dsn
    store.close()


def run(coroutine):
    """On a thread of its own: a Playwright test earlier in the session keeps an event loop
    running on this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Counted(Gathered):
    def __init__(self, *args):
        super().__init__(*args)
        self.reads: list[list] = []

    async def _read(self, keys):
        self.reads.append(sorted(keys))
        return await super()._read(keys)


def test_keys_asked_together_share_one_read_and_each_gets_its_own_rows(filled):
    async def ask():
        items = Counted(filled, "select name, n from items where name = any(%s) "
                                "order by n", "name")
        found = await asyncio.gather(*(items.get(k) for k in ("a", "b", "a", "x", "c")))
        later = await items.get("b")
        await items.close()
        return items.reads, found, later

    reads, found, later = run(ask())
    assert reads == [["a", "b", "c", "x"], ["b"]]
    assert [[r["n"] for r in rows] for rows in found] == [[1, 2], [3], [1, 2], [], [4]]
    assert later == [{"name": "b", "n": 3}]


def test_a_failed_read_fails_every_asker_and_the_next_read_reconnects(filled):
    async def ask():
        items = Gathered(filled, "select name, n from items where name = any(%s)", "name")
        assert (await items.get("a"))[0]["n"] in (1, 2)
        killer = await psycopg.AsyncConnection.connect(filled, autocommit=True)
        await killer.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                             "where pid <> pg_backend_pid() and datname = current_database()")
        await killer.close()
        failed = await asyncio.gather(items.get("a"), items.get("b"), return_exceptions=True)
        again = await items.get("c")
        await items.close()
        return failed, again

    failed, again = run(ask())
    assert all(isinstance(f, psycopg.OperationalError) for f in failed)
    assert again == [{"name": "c", "n": 4}]


def test_a_read_slower_than_its_timeout_is_cancelled_and_fails_its_askers(filled):
    """A read holds its worker's event loop, so PostgreSQL cancels one that is stuck."""
    async def ask():
        items = Gathered(filled, "select name, n from items where name = any(%s) "
                                 "and pg_sleep(2) is not null", "name", timeout_ms=200)
        failed = await asyncio.gather(items.get("a"), return_exceptions=True)
        await items.close()
        return failed

    assert isinstance(run(ask())[0], psycopg.errors.QueryCanceled)
