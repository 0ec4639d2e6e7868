"""The real `motcua hub serve --workers 2`: one lookup budget per client for the whole hub,
with the site's trusted-proxy rules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.backend.conftest import free_port
from tests.backend.test_workers import _statuses, started

pytestmark = pytest.mark.slow


def serve_hub(dsn: str, port: int, *extra: str) -> subprocess.Popen:
    return started(["hub", "serve", "--database", dsn, "--port", str(port), "--workers", "2",
                    "--lookup-rate", "10", *extra], port)


def _run(dsn: str, *extra: str, batches) -> list[list[int]]:
    port = free_port()
    server = serve_hub(dsn, port, *extra)
    try:
        return [_statuses(port, count, forwarded_for=who) for count, who in batches]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_hub_limit_holds_across_workers_and_spoofed_headers_change_nothing(hub_dsn):
    [statuses] = _run(hub_dsn, batches=[(40, lambda i: f"10.9.{i}.1")])
    assert statuses.count(404) == 10 and statuses.count(429) == 30, statuses


def test_a_trusted_proxy_gives_each_client_its_own_budget_at_the_hub(hub_dsn, tmp_path):
    limits = tmp_path / "limits"
    one_client, many = _run(hub_dsn, "--trusted-proxy", "127.0.0.1", "--limits", str(limits),
                            batches=[(12, lambda i: "198.51.100.7"),
                                     (12, lambda i: f"198.51.100.{20 + i}")])
    assert one_client.count(404) == 10 and one_client.count(429) == 2, one_client
    assert many.count(404) == 12, many
    assert limits.stat().st_size > 0  # the counters live in the file named


def test_a_bad_trusted_proxy_is_named(hub_dsn):
    done = subprocess.run([sys.executable, "-m", "backend.cli", "hub", "serve", "--database",
                           hub_dsn, "--trusted-proxy", "not-an-address"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--trusted-proxy" in done.stderr
    assert "không phải địa chỉ IP" in done.stderr
