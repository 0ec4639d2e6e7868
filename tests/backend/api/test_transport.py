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


def test_in_process_requests_share_one_worker_thread_and_connection(server, monkeypatch):
    # As under a server: a loop per request started a worker thread for each sync route, and
    # the store opened a new SQLite connection in each (half an in-process request's CPU).
    from backend.store import db

    opened = []
    connect = db._connect
    monkeypatch.setattr(db, "_connect", lambda path: opened.append(path) or connect(path))
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda t: started.append(t) or start(t))
    clerk = server.client("clerk")
    clerk.me()
    before = len(opened), len(started)
    for _ in range(20):
        assert clerk.me()["username"] == "clerk"
    assert (len(opened), len(started)) == before
    # Requests from many threads at once still each get their answer.
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(clerk.me()["username"]))
               for _ in range(8)]
    for thread in threads:
        start(thread)
    for thread in threads:
        thread.join(timeout=60)
    assert answers == ["clerk"] * 8


def test_an_async_route_may_call_an_app_in_process(server):
    # Its request already runs on the transport's loop; waiting there for another would hang.
    from fastapi import FastAPI

    outer = FastAPI()

    @outer.get("/via")
    async def via():
        return server.client("clerk").me()

    client = Client("http://outer.invalid", transport=InProcess(outer))
    assert client._request("GET", "/via")["username"] == "clerk"


def test_a_client_made_from_a_served_address_goes_in_process(server):
    # As the counter and the kiosk make theirs: from a URL alone.
    by_url = Client(server.address)
    assert by_url.health()["ok"]
    assert not server.thread.is_alive()  # no socket was opened for it
    server.stop()
    with pytest.raises(BackendUnreachable):
        by_url.health()
    with pytest.raises(BackendUnreachable):  # made now: over the network, where none listens
        Client(server.address, timeout=5).health()
