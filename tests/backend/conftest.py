"""Backend fixtures: a template database built once, copied per test; a live server on loopback.

Building users costs argon2 hashes, so the template is made once per session and each test gets
its own copy of the file: tests stay independent and fast.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from datetime import datetime

import pytest
import requests
import uvicorn

from backend.app import bind, create_app
from backend.client import IN_PROCESS, Client, InProcess
from backend.domain.calendar import VN_TZ
from backend.store import accounts, site
from backend.store.db import Store

PASSWORD = "Matkhau123"
STAFF = [  # username, role, unit, must change password
    ("admin", "admin", None, False),
    ("clerk", "clerk", "MOTCUA", False),
    ("officer.kt", "officer", "KT", False),
    ("officer.vh", "officer", "VHXH", False),
    ("leader", "leader", "LD", False),
    ("leader.kt", "leader", "KT", False),  # signs off the KT procedures' last working step
    ("newbie", "clerk", "MOTCUA", True),
]


class Clock:
    """A settable clock the server reads: tests move time instead of sleeping."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    from backend.catalog import load_catalog
    from backend.cli import CATALOG_DIR
    from backend.store.catalog import load_catalog_into

    path = tmp_path_factory.mktemp("template") / "motcua.sqlite"
    store = Store(path)
    store.migrate()
    the_catalog = load_catalog(CATALOG_DIR)
    site.init_settings(store, site.catalog_defaults(the_catalog))
    load_catalog_into(store, the_catalog)
    now = datetime(2026, 11, 2, 8, 0, tzinfo=VN_TZ)
    for username, role, unit, must_change in STAFF:
        accounts.add_user(store, username, PASSWORD, role, unit=unit, must_change=must_change,
                          full_name=username.title(), now=now)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def store(template_db, tmp_path):
    path = tmp_path / "motcua.sqlite"
    shutil.copy(template_db, path)
    the_store = Store(path)
    yield the_store
    the_store.close()


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ))  # a Monday morning


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuickServer(uvicorn.Server):
    """uvicorn's server with its fixed waits cut short: it notices `should_exit` within 5 ms
    rather than its 0.1 s tick, and shuts down as soon as its connections are gone rather than
    after a 0.1 s pause. A test stops a server or two; at 0.2 s each that was a sixth of the
    fast suite's time. Serving itself is uvicorn's own."""

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            for _ in range(20):
                await asyncio.sleep(0.005)
                if self.should_exit:
                    return
            counter = (counter + 1) % 864000

    async def shutdown(self, sockets=None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + 5
        while (self.server_state.connections or self.server_state.tasks) and not self.force_exit:
            if time.monotonic() > deadline:
                for task in self.server_state.tasks:
                    task.cancel()
                break
            await asyncio.sleep(0.005)
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()


SERVING: dict[str, LiveServer] = {}  # URL -> the live server listening there now


class ServedInProcess(InProcess):
    """Whichever live server now listens on a URL, called without a socket; refused when none
    does, as the network would refuse it (a server restarted on the same port answers again)."""

    def __init__(self, url: str) -> None:
        super().__init__(None)
        self.url = url

    def send(self, request, **kw):
        live = SERVING.get(self.url)
        if live is None:
            raise requests.ConnectionError(f"nothing serves {self.url}")
        return InProcess(live.app).send(request, **kw)


class LiveServer:
    """A uvicorn server on loopback for what needs a socket (browsers, raw HTTP, processes);
    `client()`, and any `Client` made for its `address` while it serves (the counter's, the
    kiosk's), reach the same app in process, which is quicker and steadier.

    `start(lazily=True)` opens the socket only when a test first reads `url`: a test that talks
    through `client()` alone never pays for a server thread."""

    def __init__(self, app, port: int):
        self.app = app
        self.address = f"http://127.0.0.1:{port}"
        self.transport = ServedInProcess(self.address)
        self.port = port
        self.server: QuickServer | None = None  # made with the socket: uvicorn's Config
        self.thread = threading.Thread(target=self._serve, daemon=True)  # sets up logging
        self.pending = False  # started lazily, socket not open yet
        self.opening = threading.Lock()  # threads may read `url` at once

    @property
    def url(self) -> str:
        with self.opening:
            if self.pending:
                self.pending = False
                self._listen()
        return self.address

    def start(self, lazily: bool = False) -> LiveServer:
        if lazily:
            self.pending = True
        else:
            self._listen()
        SERVING[self.address] = self
        IN_PROCESS[self.address] = self.transport
        return self

    def _listen(self) -> None:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error",
                                access_log=False, proxy_headers=False)
        self.server = QuickServer(config)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.pending = False
        if SERVING.get(self.address) is self:
            del SERVING[self.address]
            del IN_PROCESS[self.address]
        if self.thread.is_alive():
            self.server.should_exit = True
            self.thread.join(timeout=10)

    def _serve(self) -> None:
        self.server.run()

    def client(self, username: str | None = None) -> Client:
        client = Client(self.address, transport=self.transport)
        if username:
            client.login(username, PASSWORD)
        return client


IDLE_APPS: list = []  # apps whose test has ended: routes analysed, ready to be bound afresh


def fresh_app(path, clock):
    """`create_app(path, clock=clock)`, reusing an app an earlier test is done with: FastAPI
    analyses every route on an app's first requests (about 0.1 s of CPU), once per worker so."""
    if IDLE_APPS:
        return bind(IDLE_APPS.pop(), path, clock)
    return create_app(path, clock=clock)


@pytest.fixture
def server(store, clock):
    live = LiveServer(fresh_app(store.path, clock), free_port()).start(lazily=True)
    yield live
    live.stop()
    if not live.thread.is_alive():  # nothing can still be serving from it
        IDLE_APPS.append(live.app)


@pytest.fixture
def admin(server):
    return server.client("admin")


@pytest.fixture
def clerk(server):
    return server.client("clerk")
