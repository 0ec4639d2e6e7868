"""What the unit's screen shows while first boot cannot enrol: three real failures (nothing
listening, an address that is no motcua server, an expired code) reported by the first-boot
agent against the real backend on loopback, each drawn by the first-boot screen
(`python -m kiosk_app.maintenance --firstboot`) in a real X server (Xvfb) and looked at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from backend import firstboot
from kiosk_app.maintenance import firstboot_message
from tests.backend.test_enrolment import card, code_for, provision

ROOT = Path(__file__).resolve().parents[2]
KEEP = os.environ.get("MOTCUA_KEEP_SCREENS")  # a folder: refresh docs/units/firstboot-*.png


def fail_once(tmp_path: Path, url: str, code: str) -> dict:
    """The real agent, one try: the status file it leaves for the screen."""
    status = tmp_path / "run" / "firstboot.json"
    lines: list[str] = []
    assert firstboot.run(card(tmp_path, provision(url, code)), tmp_path / "root",
                         tmp_path / "data", macs=[], tries=1, status=status,
                         say=lines.append) == 1
    assert not (tmp_path / "data" / "device-token").exists()
    return json.loads(status.read_text("utf-8"))


def screenshot(status: dict, tmp_path: Path, name: str) -> Path:
    path = tmp_path / "status.json"
    path.write_text(json.dumps(status, ensure_ascii=False), "utf-8")
    out = tmp_path / f"firstboot-{name}.png"
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1",
           "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1", "MOTCUA_DEVICE_NAME": "kiosk-01"}
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable,
                           "-m", "kiosk_app.maintenance", "--firstboot", str(path),
                           "--screenshot", str(out)], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    if KEEP:
        shutil.copy(out, Path(KEEP) / out.name)
    return out


def looks_drawn(png: Path) -> None:
    with Image.open(png) as image:
        colours = {rgb: n for n, rgb in image.convert("RGB").getcolors(1 << 20)}
    total = image.width * image.height
    assert colours.get((0xA5, 0x1C, 0x24), 0) > total / 2  # the maintenance screen's red
    assert colours.get((255, 255, 255), 0) > total / 100  # and words on it


@pytest.mark.parametrize("case", ["no-network", "wrong-url", "code-expired"])
def test_each_failure_is_said_on_screen_in_both_languages_and_retried(case, server, clock,
                                                                      tmp_path):
    url, code = {"no-network": ("http://127.0.0.1:9", "ABCD-EFGH-JKLM"),
                 "wrong-url": (f"{server.url}/motcua", "ABCD-EFGH-JKLM"),
                 "code-expired": (server.url, code_for(server))}[case]
    if case == "code-expired":
        clock.advance(hours=25)
    status = fail_once(tmp_path, url, code)
    key = {"no-network": "no_network", "wrong-url": "wrong_url",
           "code-expired": "enrol_code_expired"}[case]
    assert (status["state"], status["key"]) == ("failed", key)
    # While it retries the screen counts down to the next try.
    firstboot.report(tmp_path / "retrying.json", "retrying",
                     firstboot.EnrolFailed(status["vi"], status["en"], key=key), 20)
    retrying = json.loads((tmp_path / "retrying.json").read_text("utf-8"))
    text = firstboot_message(retrying, "kiosk-01", retrying["retry_at"] - 20)
    headline = {"no_network": "Không kết nối được máy chủ", "wrong_url": "Sai địa chỉ máy chủ",
                "enrol_code_expired": "Mã đăng ký đã hết hạn"}[key]
    assert headline in text and status["vi"] in text and status["en"] in text
    assert "Thử lại sau 20 giây / Retrying in 20 s" in text
    looks_drawn(screenshot(retrying, tmp_path, case))


def test_enrolled_and_enrolling_are_reported(server, tmp_path):
    lines: list[str] = []
    status = tmp_path / "firstboot.json"
    assert firstboot.run(card(tmp_path, provision(server.url, code_for(server))),
                         tmp_path / "root", tmp_path / "data", macs=[], tries=1, status=status,
                         say=lines.append) == 0, lines
    assert json.loads(status.read_text())["state"] == "enrolled"
    assert "Enrolling this unit" in firstboot_message({"state": "enrolling"}, "kiosk-01", 0)
    looks_drawn(screenshot({"state": "enrolling"}, tmp_path, "enrolling"))
