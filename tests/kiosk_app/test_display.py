"""The screen settings of a station profile reach the code that applies them: rotation and the
pointer (Kivy's config), screen blanking (the X server, through xset), fullscreen on a unit and
a window of a chosen size for a technician."""

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk_app.app import apply_screen_blanking, kivy_settings
from kiosk_app.cli import _config, build_parser, main
from kiosk_app.config import KioskConfig
from tests.kiosk_app.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def settings_of(config: KioskConfig) -> dict[str, str]:
    return {key: value for _section, key, value in kivy_settings(config)}


def test_a_pi_unit_starts_fullscreen_turned_and_without_a_pointer():
    pi = KioskConfig.load({"MOTCUA_STATION": "rpi-kiosk-portrait"})
    assert (pi.rotation, pi.hide_cursor, pi.screen_blank_s, pi.fullscreen) == (90, True, None,
                                                                               True)
    kivy = settings_of(pi)
    assert kivy["fullscreen"] == "auto" and kivy["rotation"] == "90"
    assert kivy["show_cursor"] == "0"
    assert (kivy["width"], kivy["height"]) == ("1920", "1080")  # the panel, mounted upright


def test_the_demo_station_is_a_window_of_its_own_size_with_a_pointer():
    demo = KioskConfig.load({"MOTCUA_STATION": "demo-fake"})
    kivy = settings_of(demo)
    assert (kivy["width"], kivy["height"], kivy["fullscreen"]) == ("1280", "800", "0")
    assert kivy["show_cursor"] == "1" and kivy["rotation"] == "0"


def test_a_window_of_a_chosen_size_from_the_command_line(tmp_path):
    config = _config(build_parser().parse_args(["--size", "1280x720"]))
    assert config.window_size == (1280, 720) and not config.fullscreen
    assert settings_of(config)["show_cursor"] == "1"
    assert _config(build_parser().parse_args([])).fullscreen  # a unit: fullscreen


@pytest.mark.parametrize(("values", "words"), [
    ({"rotation": 45}, "0, 90, 180 or 270"), ({"window": "huge"}, "1280x800"),
    ({"screen_blank_s": 5}, "10 seconds or more")])
def test_bad_screen_settings_are_refused_in_both_languages(values, words):
    with pytest.raises(ValueError, match=words):
        KioskConfig.from_dict(values)


def test_a_bad_window_size_on_the_command_line_is_explained(capsys):
    assert main(["--size", "big"]) == 2
    err = capsys.readouterr().err
    assert "kích thước cửa sổ" in err and "window size" in err


@pytest.fixture
def x_server():
    """A real X server (Xvfb) on a display number it picks itself: `-displayfd` writes the
    number once the server accepts connections, so parallel test runs never race for one."""
    read_end, write_end = os.pipe()
    # -noreset: as in a kiosk session, where the app's window keeps the server's settings.
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp",
                               "-noreset", "-screen", "0", "1280x800x24"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        ready = select.select([announced], [], [], 30)[0]
        number = announced.readline().strip() if ready else ""  # empty: Xvfb died or hung
    if not number:
        server.kill()
        server.wait()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(10)


def saver_timeout(display: str) -> int:
    out = subprocess.run(["xset", "-display", display, "q"], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split("timeout:")[1].split()[0])


def test_blanking_is_set_on_the_x_server(x_server):
    applied = apply_screen_blanking(300, x_server)
    assert ["xset", "s", "300", "300"] in applied and saver_timeout(x_server) == 300
    apply_screen_blanking(None, x_server)
    assert saver_timeout(x_server) == 0  # never blanks
    assert apply_screen_blanking(300, "") == []  # no X display (console, Wayland): nothing


def kiosk_window(display: str) -> str:
    """The kiosk window's size on the X server, e.g. "540x960" ("" while it has none)."""
    tree = subprocess.run(["xwininfo", "-display", display, "-root", "-tree"],
                          capture_output=True, text=True, check=True).stdout
    return next((line.split(")")[-1].split("+")[0].strip() for line in tree.splitlines()
                 if '"motcua kiosk"' in line), "")


def test_the_kiosk_applies_the_profiles_blanking_and_rotation_when_it_starts(x_server, tmp_path):
    config = tmp_path / "kiosk.json"
    # A 960x540 panel mounted upright: Kivy turns the picture and the window is the panel's.
    config.write_text(json.dumps({"screen_blank_s": 240, "window": "960x540", "rotation": 90,
                                  "fullscreen": False}), "utf-8")
    env = {**os.environ, "DISPLAY": x_server, "KIVY_HOME": str(tmp_path),
           "KIVY_NO_CONSOLELOG": "1", "MOTCUA_KIOSK_CONFIG": str(config),
           "MOTCUA_BACKEND_URL": f"http://127.0.0.1:{free_port()}",
           "MOTCUA_KIOSK_DATA": str(tmp_path / "data")}
    app = subprocess.Popen([sys.executable, "-m", "kiosk_app"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while saver_timeout(x_server) != 240:
            assert app.poll() is None, app.stdout.read()
            assert time.monotonic() < deadline, "the kiosk did not set the screen saver"
            time.sleep(0.2)
        while kiosk_window(x_server) != "540x960":
            assert app.poll() is None, app.stdout.read()
            assert time.monotonic() < deadline, f"window {kiosk_window(x_server)!r}"
            time.sleep(0.2)
        app.send_signal(signal.SIGTERM)
        assert app.wait(90) == 0, app.stdout.read()  # generous: a loaded machine is slow
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        app.stdout.close()
