"""Station settings and device specs."""

from __future__ import annotations

import json

import pytest

from counter_app.__main__ import main
from counter_app.config import load
from counter_app.devices import _connection, open_devices
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


def test_printer_specs():
    assert isinstance(_connection("tcp://10.0.0.9:9100"), NetworkConnection)
    serial = _connection("serial:/dev/ttyUSB0@19200")
    assert isinstance(serial, SerialConnection) and serial.baudrate == 19200
    assert isinstance(_connection("/dev/usb/lp0"), FileConnection)


def test_simulated_devices(tmp_path):
    devices = open_devices(load(None, data_dir=str(tmp_path), display="fake", audio="fake"))
    try:
        assert devices.printer.virtual is not None and devices.printer.refresh().ready
        assert devices.display.show_call("A-001") is None
        assert devices.display.display.lines[0] == "A001"
        devices.announcer.announce("Xin mời", times=2)
        assert devices.announcer.played == ["Xin mời", "Xin mời"]
    finally:
        devices.close()
