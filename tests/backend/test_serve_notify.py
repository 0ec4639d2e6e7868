"""`motcua serve` under systemd: READY once it answers /healthz, then WATCHDOG while it keeps
answering (the pings come from a health check over HTTP, not from a timer)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.backend.conftest import free_port
from tests.systemd.test_sdnotify import ROOT, Listener


def test_serve_is_ready_once_healthy_then_pings(store, tmp_path):
    store.close()
    listener = Listener(tmp_path / "notify.sock")
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify.sock"),
           "WATCHDOG_USEC": "1000000"}
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "--db", str(store.path), "serve", "--port",
         str(free_port()), "--workers", "2"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        listener.until("READY=1", timeout=90)
        listener.until("WATCHDOG=1", timeout=10)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        listener.sock.close()
