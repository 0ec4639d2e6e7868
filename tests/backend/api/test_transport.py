"""The client's in-process transport: the real app and SQLite file, without a socket."""

import asyncio
import threading

import pytest

from backend.app import create_app
from backend.client import ApiError, BackendUnreachable, Client, InProcess
from backend.store import cases
from backend.store.db import Store
from tests.backend.api.helpers import intake, pick_procedure
from tests.backend.conftest import PASSWORD


def test_a_client_with_the_app_in_process_needs_no_network(store, clock):
    # A name that resolves nowhere: only the in-process transport can answer it.
    app = create_app(store.path, clock=clock)
    client = Client("http://motcua.invalid", transport=InProcess(app))
    assert client.login("clerk", PASSWORD)["user"]["username"] == "clerk"
    case = intake(client, pick_procedure(client, unit="KT"))
    fresh = Store(store.path)  # the file on disk, read through a connection of its own
    try:
        assert cases.get(fresh, case["code"])["code"] == case["code"]
    finally:
        fresh.close()
    assert client.lookup(case["code"], case["token"])["code"] == case["code"]
    with pytest.raises(ApiError) as err:
        client.case("000.00.06.H56-261123-9999")
    assert err.value.status == 404 and err.value.vi and err.value.en


def test_a_stopped_live_server_refuses_its_in_process_clients(server):
    clerk = server.client("clerk")
    assert clerk.me()["username"] == "clerk"
    server.stop()
    with pytest.raises(BackendUnreachable):
        clerk.me()


def test_the_in_process_transport_works_under_a_running_event_loop(server):
    # A sync Playwright page runs an event loop on the test's thread while the test calls us.
    # A thread of its own, so the loop is ours whatever this worker's thread already runs (a
    # session's Playwright keeps one going on the main thread).
    async def inside_a_loop():
        return server.client("clerk").me()["username"]

    answers = []
    runner = threading.Thread(target=lambda: answers.append(asyncio.run(inside_a_loop())))
    runner.start()
    runner.join(timeout=60)
    assert answers == ["clerk"]
