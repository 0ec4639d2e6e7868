"""Station settings and device specs."""

from __future__ import annotations

import json

import pytest

from counter_app.__main__ import main, parse
from counter_app.config import load
from counter_app.devices import make_printer, open_devices
from counter_app.texts import CounterError
from drivers.printers import FileConnection, NetworkConnection, SerialConnection


def test_settings_file_and_flags(tmp_path):
    path = tmp_path / "counter.json"
    path.write_text(json.dumps({"counter": 3, "paper_mm": 58, "copies": 2}), encoding="utf-8")
    config = load(path, backend_url="http://10.0.0.2:8000", station=None)
    assert (config.counter, config.paper_mm, config.copies) == (3, 58, 2)
    assert config.lookup_page == "http://10.0.0.2:8000/tra-cuu"


@pytest.mark.parametrize("content, word", [
    ({"countr": 3}, "countr"), ({"counter": 0}, "1-99"), ({"paper_mm": 76}, "76")])
def test_bad_settings_are_explained(tmp_path, content, word):
    path = tmp_path / "counter.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CounterError) as bad:
        load(path)
    assert word in bad.value.vi and word in bad.value.en


def test_the_command_refuses_a_missing_file(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert "Không đọc được tệp cấu hình" in err and "Cannot read" in err


def window_of(argv: list[str], **file) -> dict[str, str]:
    """The window the command would open: settings file values, then the flags."""
    flags = {k: v for k, v in vars(parse(argv)).items() if k != "config" and v is not None}
    return load(None, **{**file, **flags}).kivy_graphics()


def test_the_window_starts_maximised_and_flags_change_it():
    assert window_of([]) == {"width": "1366", "height": "768", "fullscreen": "0",
                             "window_state": "maximized"}
    assert window_of(["--fullscreen"])["fullscreen"] == "auto"
    assert window_of(["--window", "--size", "1024x768"]) == {
        "width": "1024", "height": "768", "fullscreen": "0", "window_state": "visible"}
    assert window_of(["--size", "1920x1080"])["window_state"] == "maximized"
    assert window_of([], window="fullscreen")["fullscreen"] == "auto"  # settings file
    assert window_of(["--window"], window="fullscreen")["fullscreen"] == "0"  # flag wins
    with pytest.raises(SystemExit):
        parse(["--window", "--fullscreen"])


@pytest.mark.parametrize("size", ["800x600", "1366", "big", "1366x768x2", "99999x768"])
def test_a_bad_window_size_is_explained(size, capsys):
    assert main(["--size", size]) == 2
    err = capsys.readouterr().err
    assert f"Kích thước cửa sổ '{size}' không hợp lệ" in err
    assert f"Window size '{size}' is invalid" in err and "1366x768" in err


def test_printer_specs(tmp_path):
    def connection(spec):
        return make_printer(load(None, data_dir=str(tmp_path), printer=spec)).printer.connection

    assert isinstance(connection("tcp://10.0.0.9:9100"), NetworkConnection)
    serial = connection("serial:/dev/ttyUSB0@19200")
    assert isinstance(serial, SerialConnection) and serial.baudrate == 19200
    assert isinstance(connection("/dev/usb/lp0"), FileConnection)
    assert isinstance(connection("/dev/serial/by-id/usb-Prolific-if00-port0"), SerialConnection)


def test_a_bad_printer_address_is_explained(tmp_path):
    with pytest.raises(CounterError) as bad:
        open_devices(load(None, data_dir=str(tmp_path), printer="lpt:1"))
    assert bad.value.vi.startswith("Địa chỉ thiết bị không rõ: 'lpt'")
    assert bad.value.en.startswith("Unknown device address: 'lpt'")
    assert "serial:DEV[@BAUD]" in bad.value.en and bad.value.field == "printer"


def test_simulated_devices(tmp_path):
    devices = open_devices(load(None, data_dir=str(tmp_path), display="fake", audio="fake"))
    try:
        assert devices.printer.virtual is not None and devices.printer.refresh().ready
        assert devices.display.show_call("A-001") is None
        assert devices.display.display.lines[0] == "A001"
        devices.announcer.call("A-001", 1, "Xin mời")
        assert devices.announcer.played == ["Xin mời", "Xin mời"]
    finally:
        devices.close()


def test_devices_from_the_demo_station_profile(tmp_path):
    from counter_app.profile import config_from_profile

    config = config_from_profile("demo-fake", load(None, data_dir=str(tmp_path),
                                                   profile="demo-fake"))
    assert config.paper_mm == 80 and config.scanner == "keyboard"
    devices = open_devices(config)
    try:
        assert devices.printer.virtual is not None
        assert devices.printer.profile.name == "epson-tm-t82iii"
        assert devices.display.show_call("B-007") is None
        assert devices.display.display.lines[:2] == ["B007", "Quầy 1"]
    finally:
        devices.close()


def test_devices_from_the_x86_counter_profile_are_real_drivers(tmp_path):
    from counter_app.devices import devices_from_profile
    from drivers.printers import UsbConnection

    devices = devices_from_profile("x86-counter", load(None, data_dir=str(tmp_path)))
    try:  # nothing is opened until the first job, so no hardware is needed to build them
        assert isinstance(devices.printer.printer.connection, UsbConnection)
        assert devices.printer.profile.paper_width_dots == 576
        assert type(devices.display.display).__name__ == "LedCounterDisplay"
    finally:
        devices.announcer.close()


def test_an_unknown_profile_is_explained(tmp_path):
    from counter_app.devices import devices_from_profile

    with pytest.raises(CounterError) as bad:
        devices_from_profile("no-such-station", load(None, data_dir=str(tmp_path)))
    assert "no-such-station" in bad.value.vi and bad.value.key == "profile"


def test_the_counter_docs_commands_parse_and_images_exist():
    import re
    from pathlib import Path

    from counter_app.__main__ import parse

    docs = Path(__file__).resolve().parents[2] / "docs" / "counter"
    text = (docs / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"python -m counter_app (.*?)\s+#", text)
    assert len(commands) == 5
    for command in commands:
        parse(command.split())
    for image in re.findall(r"\]\(([\w-]+\.png)\)", text):
        assert (docs / image).exists(), image


@pytest.mark.skipif(not __import__("shutil").which("espeak-ng"), reason="apt espeak-ng")
def test_the_voice_is_the_audio_drivers_call_said_twice(tmp_path):
    from counter_app.devices import VoiceAnnouncer
    from drivers.audio import FakePlayer

    player = FakePlayer()
    voice = VoiceAnnouncer(tmp_path / "voice", player=player)
    voice.call("A-012", 3, "Xin mời số thứ tự A 0 1 2, đến quầy số 3")
    voice.close()  # waits for the driver's worker
    assert len(player.played) == 1 and player.played[0][:4] == b"RIFF"  # one WAV, both passes
    assert voice.problem is None
