"""`motcua demo` with the apps: the kiosk and a counter start against the demo backend (offscreen
here), the kiosk's heartbeat reaches the fleet, and stopping the demo stops them all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend.client import BackendUnreachable, Client
from tests.backend.conftest import free_port

pytestmark = pytest.mark.slow


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _kiosk_online(url: str) -> bool:
    try:
        admin = Client(url, timeout=2)
        admin.login("admin", "Demo@2026")
        return any(d["name"] == "kiosk-sanh-1" and d["online"] for d in admin.devices())
    except BackendUnreachable:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_demo_starts_kiosk_and_counter_and_stops_them(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["KIVY_HOME"] = str(tmp_path / "kivy")
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen([sys.executable, "-m", "backend.cli", "demo", "--dir",
                                 str(tmp_path / "demo"), "--port", str(port), "--apps", "yes"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        pids = _wait(lambda: [int(p) for p in re.findall(r"started \w+ \(pid (\d+)\)",
                                                         log.read_text())][:2]
                     if log.read_text().count("started") >= 2 else None, 60, "both apps")
        _wait(lambda: _kiosk_online(f"http://127.0.0.1:{port}"), 60, "the kiosk heartbeat")
        assert all(_alive(pid) for pid in pids), log.read_text()[-2000:]
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
    _wait(lambda: not any(_alive(pid) for pid in pids), 20, "the apps to stop")
