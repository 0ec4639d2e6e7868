"""The kiosk with no screen (`python -m kiosk_app --headless`), as the reduced image's kiosk unit
runs it: a real subprocess against the backend on loopback, `$NOTIFY_SOCKET` read by the test.
READY comes only once the backend has answered a heartbeat made with the unit's own token."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.systemd.test_sdnotify import Listener

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, url: str, token: str | None) -> subprocess.Popen:
    data = tmp_path / "data"
    data.mkdir()
    if token:
        (data / "device-token").write_text(token + "\n")
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify.sock"),
           "WATCHDOG_USEC": "1000000", "MOTCUA_KIOSK_DATA": str(data),
           "MOTCUA_BACKEND_URL": url, "MOTCUA_DEVICE_NAME": "kiosk-1"}
    env.pop("DISPLAY", None)
    return subprocess.Popen([sys.executable, "-m", "kiosk_app", "--headless"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(app: subprocess.Popen) -> str:
    if app.poll() is None:
        app.send_signal(signal.SIGTERM)
    try:
        return app.communicate(timeout=30)[0]
    finally:
        if app.poll() is None:
            app.kill()


def test_ready_after_the_first_heartbeat_then_watchdog_and_stopping(server, device_token,
                                                                    tmp_path):
    listener = Listener(tmp_path / "notify.sock")
    app = start(tmp_path, server.url, device_token)
    try:
        listener.until("READY=1", timeout=60)
        listener.until("WATCHDOG=1", timeout=5)
        fleet = server.client("admin")._request("GET", "/api/v1/devices")["items"]
        assert next(d for d in fleet if d["name"] == "kiosk-1")["last_seen"]
        app.send_signal(signal.SIGTERM)
        listener.until("STOPPING=1", timeout=30)
        assert app.wait(timeout=30) == 0
    finally:
        out = stop(app)
        listener.sock.close()
    assert "READY (headless)" in out


def test_no_ready_while_the_backend_refuses_the_token(server, tmp_path):
    listener = Listener(tmp_path / "notify.sock")
    app = start(tmp_path, server.url, "not-a-token")
    try:
        listener.until("WATCHDOG=1", timeout=60)  # alive, retrying
        listener.until("WATCHDOG=1", timeout=5)
        assert not any("READY=1" in data for _, data in listener.messages)
    finally:
        stop(app)
        listener.sock.close()


def test_a_unit_without_camera_or_opencv_builds_its_hardware():
    """The reduced image has no OpenCV: devices set to none must not import it."""
    script = ("import sys; sys.modules['cv2'] = None\n"
              "from kiosk_app.config import KioskConfig\n"
              "from kiosk_app.devices import Hardware\n"
              "none = dict.fromkeys(('printer', 'camera', 'scanner', 'audio'), 'none')\n"
              "h = Hardware.from_config(KioskConfig.from_dict(none))\n"
              "print(h.printer, h.camera, h.scanners)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "None None []\n"), done.stderr[-2000:]
