"""The weekly self-test on the all-simulator station, with faults, and its report upload."""

import json
import time
from datetime import datetime

import pytest

from drivers.selftest import check_scanner, run_selftest
from drivers.station import StationError, open_station
from tests.backend.conftest import clock, server, store, template_db  # noqa: F401 - fixtures

ROLES = {"receipt_printer", "ticket_printer", "scanner", "camera", "counter_display",
         "pole_display", "audio", "modem"}


def _by_role(report):
    return {c["role"]: c for c in report["checks"]}


def test_demo_station_passes_every_check_with_real_bytes(tmp_path, clock):  # noqa: F811
    with open_station("demo-fake") as station:
        report = run_selftest(station, clock.now)
        printer = station.fakes["receipt_printer"]
        receipt = printer.receipts[-1]
        board = station.fakes["counter_display"]
    assert report["ok"] and set(_by_role(report)) == ROLES
    # The demo's Epson has TCVN-3 only as an assumption: the alphabet is drawn (raster), and
    # no code page is selected; its native symbols are verified, so they are sent as such.
    assert printer.pages_selected == [] and "?" not in " ".join(receipt.lines)
    assert receipt.lines == ["-" * 48, "0" * 20]  # text only in the rule and under the bars
    assert ("qr", "MOTCUA-SELFTEST") in receipt.symbols
    assert ("code128", "00000000000000000000") in receipt.symbols
    assert "MOTCUA-SELFTEST" in _by_role(report)["camera"]["vi"]
    assert board.frames, "the LED board received framed commands"


def test_faults_fail_their_own_check_only(clock):  # noqa: F811
    with open_station("demo-fake") as station:
        station.fakes["receipt_printer"].faults.paper_out = True
        station.fakes["counter_display"].unplug()
        report = run_selftest(station, clock.now)
    checks = _by_role(report)
    assert not report["ok"]
    assert not checks["receipt_printer"]["ok"] and "hết giấy" in checks["receipt_printer"]["vi"]
    assert not checks["counter_display"]["ok"] and checks["counter_display"]["en"]
    assert all(checks[r]["ok"] for r in ROLES - {"receipt_printer", "counter_display"})


def test_unknown_station_is_named():
    with pytest.raises(StationError, match="nope"):
        open_station("nope")


def motcua(argv: list[str]) -> int:
    """The `motcua` command: it hands `motcua hw` the client that sends the report (drivers
    never import the backend themselves)."""
    from backend.cli import main

    return main(argv)


def test_cli_writes_the_report_and_sends_it_to_the_backend(tmp_path, server, capsys):  # noqa: F811
    token = server.client("admin").register_device("quay-9", "counter")["token"]
    code = motcua(["hw", "selftest", "--station", "demo-fake", "--report-dir", str(tmp_path),
                    "--backend", server.url, "--token", token])
    out = capsys.readouterr().out
    assert code == 0 and "ĐẠT / PASSED" in out and "report sent" in out
    written = json.loads(next(tmp_path.glob("selftest-demo-fake-*.json")).read_text())
    assert written["ok"] is True and len(written["checks"]) == len(ROLES)
    fleet = {d["name"]: d for d in server.client("admin").devices()}
    assert fleet["quay-9"]["last_selftest"]["ok"] is True


def test_cli_keeps_the_report_when_the_backend_is_down(tmp_path, capsys):
    from tests.backend.conftest import free_port

    code = motcua(["hw", "selftest", "--station", "demo-fake", "--report-dir", str(tmp_path),
                    "--backend", f"http://127.0.0.1:{free_port()}", "--token", "x"])
    assert code == 0 and "not sent" in capsys.readouterr().err
    assert list(tmp_path.glob("*.json"))




def test_real_stations_map_each_role_to_the_right_driver():
    from drivers.cameras.opencv_camera import OpenCVCamera
    from drivers.cameras.picamera2_camera import Picamera2Camera
    from drivers.printers.connections import UsbConnection

    with open_station("rpi-kiosk-portrait") as pi:
        assert isinstance(pi.devices["camera"], Picamera2Camera)
        assert isinstance(pi.devices["ticket_printer"].connection, UsbConnection)
    with open_station("x86-kiosk-landscape") as x86:
        assert isinstance(x86.devices["camera"], OpenCVCamera)


class LateScanner:
    """Connected `after` seconds after start; never if `after` is None."""

    last_error = "cannot open: /dev/ttyACM0"

    def __init__(self, after):
        self.after, self.started, self.stopped = after, None, False

    def start(self):
        self.started = time.monotonic()

    @property
    def connected(self):
        return self.after is not None and time.monotonic() - self.started >= self.after

    def stop(self):
        self.stopped = True


def test_the_scanner_check_waits_for_the_port_then_gives_up():
    now = datetime(2026, 12, 2, 9, 0)
    assert check_scanner("scanner", LateScanner(0.3), now).ok  # within its 2 s
    never = LateScanner(None)
    check = check_scanner("scanner", never, now, patience=0.2)
    assert not check.ok and check.en == "Scanner not connected cannot open: /dev/ttyACM0"
    assert check.vi.startswith("Không kết nối được máy quét") and never.stopped
