"""Real processes on loopback: two site backends with their sync agents, a hub, PostgreSQL.

Intake goes on at both sites while the hub (its server and its database) is down; once it is
back, one site is SIGKILLed (backend and agent) in the middle of its catch-up and started
again. In the end the hub holds each site's event log exactly (nothing lost, nothing twice)
and answers every lookup exactly as the site does.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from backend.client import BackendUnreachable, Client
from backend.store import site as site_settings
from backend.store.db import Store
from tests.backend.api.helpers import intake
from tests.backend.conftest import PASSWORD, free_port
from tests.backend.test_crash import start_server

pytestmark = pytest.mark.slow

AGENCIES = {"a": "000.00.06.H56", "b": "000.00.08.H56"}


def motcua(*argv: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "backend.cli", *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def run(*argv: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", "backend.cli", *argv], input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_for(what: str, check, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    proc.send_signal(sig)
    proc.wait(timeout=30)


class Site:
    def __init__(self, name: str, template, tmp_path):
        self.db = tmp_path / f"{name}.sqlite"
        shutil.copy(template, self.db)
        store = Store(self.db)
        site_settings.init_settings(store, agency_code=AGENCIES[name],
                                    agency_name=f"Trung tâm {name.upper()}")
        with store.tx() as db:  # the test looks every case up at the site too
            db["settings"].upsert({"key": "lookup_rate_per_minute", "value": "100000"},
                                  pk="key")
        store.close()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self.agent = None
        self.made: list[dict] = []

    def start(self) -> None:
        self.server = start_server(self.db, self.port)
        self.clerk = Client(self.url)
        self.clerk.login("clerk", PASSWORD)
        self.proc = self.clerk.procedures()[0]
        self.agent = motcua("--db", str(self.db), "sync", "run", "--batch", "1",
                            "--max-backoff", "1")

    def kill(self) -> None:
        for proc in (self.agent, self.server):
            stop(proc, signal.SIGKILL)

    def intake(self, count: int) -> None:
        self.made += [intake(self.clerk, self.proc) for _ in range(count)]

    def last_event(self) -> int:
        store = Store(self.db)
        try:
            return store.one("select coalesce(max(id), 0) as id from events")["id"]
        finally:
            store.close()


class Hub:
    def __init__(self, dsn: str):
        self.dsn, self.port = dsn, free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = motcua("hub", "serve", "--database", self.dsn, "--port", str(self.port),
                             "--lookup-rate", "100000")
        wait_for("the hub", self._up, timeout=60)

    def _up(self) -> bool:
        try:
            return Client(self.url, timeout=2).health()["ok"]
        except BackendUnreachable:
            return False

    def held(self, agency: str) -> int:
        import psycopg

        with psycopg.connect(self.dsn) as conn:
            return conn.execute("select count(*) from events where site = %s",
                                [agency]).fetchone()[0]


def test_two_sites_and_a_hub_through_outages_and_a_kill(template_db, tmp_path, postgres,
                                                        hub_dsn):
    hub = Hub(hub_dsn)
    hub.start()
    sites = {name: Site(name, template_db, tmp_path) for name in AGENCIES}
    try:
        for name, site in sites.items():
            token = run("hub", "site", "add", AGENCIES[name], "--name", f"Trung tâm {name}",
                        "--database", hub_dsn).rsplit(": ", 1)[1].strip()
            run("--db", str(site.db), "sync", "connect", hub.url, "--token-stdin", stdin=token)
            site.start()
        _phases(hub, postgres, sites)
        for name, site in sites.items():
            _check_site(hub, AGENCIES[name], site)
    finally:
        for site in sites.values():
            for proc in (site.agent, site.server):
                if proc and proc.poll() is None:
                    stop(proc)
        if hub.server.poll() is None:
            stop(hub.server)


def _phases(hub: Hub, postgres, sites: dict) -> None:
    a, b = sites["a"], sites["b"]
    for site in sites.values():
        site.intake(5)
    for name, site in sites.items():  # live: the agents keep the hub up to date
        wait_for(f"site {name} live", lambda s=site, n=name: hub.held(AGENCIES[n])
                 == s.last_event())
    before = hub.held(AGENCIES["a"])
    stop(hub.server, signal.SIGKILL)
    postgres.stop()
    for site in sites.values():  # the hub is away: intake goes on
        site.intake(30)
    time.sleep(1.5)  # the agents meet the outage and back off
    postgres.start()
    hub.start()
    backlog = a.last_event()
    wait_for("site a's catch-up to begin", lambda: hub.held(AGENCIES["a"]) > before)
    a.kill()  # mid-push: the catch-up had begun and was not over
    assert hub.held(AGENCIES["a"]) < backlog, "site a was killed after it had caught up"
    b.intake(5)
    a.start()
    a.intake(5)
    for name, site in sites.items():
        wait_for(f"site {name} caught up", lambda s=site, n=name: hub.held(AGENCIES[n])
                 == s.last_event())


def _check_site(hub: Hub, agency: str, site: Site) -> None:
    import psycopg

    store = Store(site.db)
    mine = [(r["id"], r["hash"]) for r in store.all("select id, hash from events order by id")]
    store.close()
    with psycopg.connect(hub.dsn) as conn:
        held = conn.execute("select id, hash from events where site = %s order by id",
                            [agency]).fetchall()
    assert held == mine  # nothing lost, nothing twice, nothing changed
    assert len(site.made) == 40
    at_site, at_hub = Client(site.url), Client(hub.url)
    for case in site.made:
        for token in (case["token"], None):
            assert at_hub.lookup(case["code"], token) == at_site.lookup(case["code"], token)
    check = subprocess.run([sys.executable, "-m", "backend.cli", "--db", str(site.db), "sync",
                            "check"], capture_output=True, text=True, timeout=120,
                           env={**os.environ})
    assert check.returncode == 0 and "site and hub agree" in check.stdout, check.stderr
