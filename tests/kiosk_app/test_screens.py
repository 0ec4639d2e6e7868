"""The Kivy screens in both orientations, each in its own process (one window size per process,
its own KIVY_HOME). The checks themselves are in ui/check_screens.py.

No display is needed: with DISPLAY unset SDL renders offscreen. MOTCUA_UPDATE_SCREENSHOTS=1
rewrites the reference screenshots instead of comparing.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_screens(orientation, tmp_path):
    env = {**os.environ, "MOTCUA_UI_ORIENTATION": orientation, "KIVY_HOME": str(tmp_path),
           "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_ARGS": "1"}
    env.pop("DISPLAY", None)  # offscreen SDL: the same pixels on a laptop and in CI
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-o", "python_files=check_*.py", "--basetemp", str(tmp_path / "run"),
         "tests/kiosk_app/ui"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
