"""The real `motcua serve --workers 2`: one lookup budget per client for the whole site."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest
import requests

from backend.store import site
from backend.store.db import Store
from tests.backend.conftest import free_port

pytestmark = pytest.mark.slow
CODE = "000.00.06.H56-261123-0999"  # unknown: a 404 still spends the budget


def serve(db_path, port: int, *extra: str) -> subprocess.Popen:
    return started(["--db", str(db_path), "serve", "--port", str(port), "--workers", "2",
                    *extra], port)


def started(argv: list[str], port: int) -> subprocess.Popen:
    """`motcua ARGV` serving on `port` (the hub's tests start theirs the same way)."""
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return proc
        except requests.RequestException:  # not up yet, or slow to answer on a busy machine
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


@pytest.fixture
def site_db(template_db, tmp_path):
    path = tmp_path / "motcua.sqlite"
    shutil.copy(template_db, path)
    store = Store(path)
    site.set_setting(store, "lookup_rate_per_minute", "10")
    store.close()
    return path


def _statuses(port: int, count: int, forwarded_for=None) -> list[int]:
    """Each request on a new connection, so the kernel spreads them over both workers."""
    url = f"http://127.0.0.1:{port}/api/v1/lookup/{CODE}"
    return [requests.get(url, timeout=10, headers={
        "Connection": "close", **({"X-Forwarded-For": forwarded_for(i)} if forwarded_for
                                  else {})}).status_code for i in range(count)]


def test_the_limit_holds_across_workers_and_spoofed_headers_change_nothing(site_db):
    port = free_port()
    server = serve(site_db, port)
    try:
        statuses = _statuses(port, 40, forwarded_for=lambda i: f"10.9.{i}.1")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert statuses.count(404) == 10 and statuses.count(429) == 30, statuses


def test_a_trusted_proxy_gives_each_client_its_own_budget(site_db):
    port = free_port()
    server = serve(site_db, port, "--trusted-proxy", "127.0.0.1")
    try:
        one_client = _statuses(port, 12, forwarded_for=lambda i: "198.51.100.7")
        many = _statuses(port, 12, forwarded_for=lambda i: f"198.51.100.{20 + i}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert one_client.count(404) == 10 and one_client.count(429) == 2, one_client
    assert many.count(404) == 12, many
