"""The maintenance screen runs on its own (no backend) and says so in both languages."""

from __future__ import annotations

import os
import subprocess
import sys

from PIL import Image

from kiosk_app.maintenance import message
from tests.systemd.test_sdnotify import ROOT


def test_screen_renders_offscreen(tmp_path):
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1",
           "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1",
           "MOTCUA_SUPPORT_PHONE": "0276 3822 123"}
    env.pop("DISPLAY", None)
    out = tmp_path / "maintenance.png"
    done = subprocess.run([sys.executable, "-m", "kiosk_app.maintenance", "--unit",
                           "motcua-kiosk.service", "--screenshot", str(out)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(out) as image:
        colours = {rgb: n for n, rgb in image.convert("RGB").getcolors(1 << 20)}
    total = image.width * image.height
    assert colours.get((0xA5, 0x1C, 0x24), 0) > total / 2  # the red ground, not a blank frame
    assert colours.get((255, 255, 255), 0) > total / 100  # and white words on it
    text = message("motcua-kiosk", "0276 3822 123", "kiosk-sanh-1")
    assert "Thiết bị đang bảo trì" in text and "under maintenance" in text
    assert "0276\u00a03822\u00a0123" in text and "motcua-kiosk" in text
