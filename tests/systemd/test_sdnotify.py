"""The apps tell systemd they are up once a frame is drawn, ping the watchdog from the UI loop
(so a hung loop goes quiet and systemd restarts it), and say STOPPING on the way out.

Each app runs for real in a subprocess (SDL's offscreen driver, simulated devices, a backend
address where nothing answers), with `$NOTIFY_SOCKET` on a datagram socket the test reads.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.sdnotify import Notifier, watchdog_interval

ROOT = Path(__file__).resolve().parents[2]
HANG_AFTER, HANG_FOR = 6.0, 4.0
PING_EVERY = 0.25  # WATCHDOG_USEC=500000


class Listener:
    def __init__(self, path: Path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[tuple[float, str]] = []

    def until(self, line: str, timeout: float) -> float:
        """Read messages until one holds `line`; its arrival time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except TimeoutError:
                break
            self.messages.append((time.monotonic(), data))
            if line in data.splitlines():
                return self.messages[-1][0]
        raise AssertionError(f"no {line} within {timeout}s; got {self.messages}")

    def pings(self) -> list[float]:
        return [at for at, data in self.messages if "WATCHDOG=1" in data.splitlines()]


def start(which: str, tmp_path: Path, sock_path: Path, log) -> subprocess.Popen:
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy-home"), "KIVY_NO_ARGS": "1",
           "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1", "NOTIFY_SOCKET": str(sock_path),
           "WATCHDOG_USEC": str(int(PING_EVERY * 2e6)),
           "MOTCUA_KIOSK_DATA": str(tmp_path / "kiosk")}
    env.pop("DISPLAY", None)
    nowhere = "http://127.0.0.1:9"  # discard port: nothing answers, the apps keep retrying
    args = (["--window", "--backend-url", nowhere] if which == "kiosk"
            else ["--backend", nowhere, "--counter", "1", "--data", str(tmp_path / "counter")])
    return subprocess.Popen(
        [sys.executable, "-m", "tests.systemd.frozen_app", which, str(HANG_AFTER),
         str(HANG_FOR), *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=log)


@pytest.mark.parametrize("which", ["kiosk", "counter"])
def test_ready_watchdog_hang_and_stopping(which, tmp_path):
    sock_path = tmp_path / "notify.sock"
    listener = Listener(sock_path)
    log = (tmp_path / "stderr.txt").open("w")
    app = start(which, tmp_path, sock_path, log)
    try:
        listener.until("READY=1", timeout=90)
        listener.until("WATCHDOG=1", timeout=10)
        started = time.monotonic()
        # The loop hangs at HANG_AFTER s after start-up, for HANG_FOR s; then pings resume.
        while time.monotonic() - started < HANG_AFTER + HANG_FOR + 20:
            listener.until("WATCHDOG=1", timeout=HANG_FOR + 20)
            gaps = [b - a for a, b in itertools.pairwise(listener.pings())]
            if any(gap >= HANG_FOR * 0.9 for gap in gaps) and gaps[-1] < HANG_FOR / 2:
                break
        else:
            raise AssertionError(f"the hang never showed as a gap in the pings: {gaps}")
        normal = [gap for gap in gaps if gap < HANG_FOR / 2]
        assert normal and max(normal) < 2.0, gaps  # pinging at its pace outside the hang
        app.send_signal(signal.SIGTERM)
        listener.until("STOPPING=1", timeout=30)
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        log.close()
        print((tmp_path / "stderr.txt").read_text()[-3000:])
        listener.sock.close()


def test_notifier_is_silent_outside_systemd(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not Notifier().enabled and Notifier().ready() is False


def test_abstract_socket_and_interval(tmp_path, monkeypatch):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind("\0motcua-test-" + tmp_path.name)
    try:
        assert Notifier("@motcua-test-" + tmp_path.name).ready("up")
        assert server.recv(100) == b"READY=1\nSTATUS=up"
    finally:
        server.close()
    monkeypatch.setenv("WATCHDOG_USEC", "20000000")
    assert watchdog_interval() == 10.0
