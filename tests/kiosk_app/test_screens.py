"""The Kivy screens in both orientations, each in its own process (one window size per process,
its own KIVY_HOME). The checks themselves are in ui/check_screens.py.

No display is needed: with DISPLAY unset SDL renders offscreen. MOTCUA_UPDATE_SCREENSHOTS=1
rewrites the reference screenshots instead of comparing.
"""

import os
import signal
import subprocess
import sys
import time
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
        timeout=600)  # about 4 minutes on a busy 2-core machine
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]


def test_no_word_is_cut_in_a_smaller_landscape_window(tmp_path):
    """The demo's kiosk window (1280x800) scales everything down: no label may lose letters."""
    env = {**os.environ, "MOTCUA_UI_ORIENTATION": "landscape", "MOTCUA_UI_WINDOW": "1280x800",
           "KIVY_HOME": str(tmp_path), "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_ARGS": "1"}
    env.pop("DISPLAY", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-o", "python_files=check_*.py", "--basetemp", str(tmp_path / "run"),
         "-k", "fits_its_button", "tests/kiosk_app/ui"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout


def test_python_m_kiosk_app_runs_and_stops_cleanly_on_sigterm(tmp_path):
    from tests.kiosk_app.conftest import free_port

    env = {**os.environ, "KIVY_HOME": str(tmp_path), "KIVY_NO_CONSOLELOG": "1",
           "MOTCUA_BACKEND_URL": f"http://127.0.0.1:{free_port()}",  # nobody there: no crash
           "MOTCUA_KIOSK_DATA": str(tmp_path / "data")}
    env.pop("DISPLAY", None)
    app = subprocess.Popen([sys.executable, "-m", "kiosk_app", "--window", "--printer",
                            f"virtual:{tmp_path / 'tickets'}", "--camera", "fake"], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while "Start application main loop" not in _kivy_log(tmp_path):
            assert app.poll() is None, app.stdout.read()
            assert time.monotonic() < deadline, "the kiosk did not start"
            time.sleep(0.2)
        time.sleep(1)  # a few frames of the main loop, retrying the absent backend
        assert app.poll() is None
        app.send_signal(signal.SIGTERM)
        assert app.wait(20) == 0, app.stdout.read()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        app.stdout.close()


def _kivy_log(home: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in (home / "logs").glob("*.txt"))
