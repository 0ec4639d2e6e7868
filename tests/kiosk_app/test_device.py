"""The kiosk as a device: registration, heartbeat with hardware state, settings from the
backend, configuration, and the hidden admin screen (gesture, PIN, self-test, restart)."""

import os
import stat

import pytest

from backend.client import Client
from kiosk_app.admin import hash_pin, verify_pin
from kiosk_app.cli import main, register
from kiosk_app.config import KioskConfig, Settings
from tests.kiosk_app.conftest import PASSWORD, run_until, settle

PIN = "246810"


def test_register_keeps_the_token_private_and_heartbeats_report_version_and_hardware(
        server, admin, tmp_path, make_kiosk):
    config = KioskConfig.from_dict({"backend_url": server.address, "device_name": "kiosk-sanh-2",
                                    "station": "rpi-kiosk-portrait", "data_dir": tmp_path / "d"})
    token = register(config, admin)
    assert config.device_token() == token
    assert stat.S_IMODE(os.stat(config.token_path).st_mode) == 0o600
    kiosk = make_kiosk(device_name="kiosk-sanh-2", data_dir=tmp_path / "d", token=None)
    assert kiosk.registered and kiosk.last_heartbeat is not None
    fleet = {d["name"]: d for d in admin.devices()}["kiosk-sanh-2"]
    assert fleet["online"] and fleet["version"] == "0.1.0"
    assert fleet["hardware"]["printer"] == "ready" and fleet["hardware"]["camera"] == "none"
    assert fleet["hardware"]["orientation"] == "portrait"


def test_register_from_the_command_line(server, tmp_path, monkeypatch, capsys):
    import io

    monkeypatch.setenv("MOTCUA_BACKEND_URL", server.address)
    monkeypatch.setenv("MOTCUA_DEVICE_NAME", "kiosk-cli")
    monkeypatch.setenv("MOTCUA_KIOSK_DATA", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["register", "--admin", "admin"]) == 0
    assert (tmp_path / "device-token").read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["register", "--admin", "admin"]) == 1
    assert "mật khẩu" in capsys.readouterr().err.lower()


def test_settings_from_the_backend_apply_at_the_next_heartbeat(kiosk, admin, mono,
                                                              returned_case):
    admin.set_device_settings("kiosk-1", idle_seconds=90, language="en", services=["A", "D"],
                              rating_enabled=False)
    mono.advance(61)
    run_until(kiosk, lambda: kiosk.settings.idle_seconds == 90)
    assert kiosk.state.lang == "en"  # nobody was using it: the new default shows at once
    kiosk.queue.open()
    settle(kiosk)
    assert [s.letter for s in kiosk.state.services] == ["A", "D"]
    kiosk.scanned(returned_case["qr"])
    run_until(kiosk, lambda: kiosk.state.screen == "status" and not kiosk.busy)
    assert not kiosk.state.rating_offered
    kiosk.toggle_language()
    mono.advance(60)
    kiosk.pump()
    assert kiosk.state.screen == "status"  # 90 s now, not 45
    mono.advance(31)
    kiosk.pump()
    assert kiosk.state.screen == "home" and kiosk.state.lang == "en"


def test_odd_settings_keep_safe_defaults():
    settings = Settings.from_backend({"idle_seconds": 3, "language": "fr", "services": [1, "B"]})
    assert settings == Settings(services=("B",))
    assert Settings.from_backend(None) == Settings()


def test_configuration_from_environment_and_file(tmp_path):
    path = tmp_path / "kiosk.json"
    path.write_text('{"orientation": "landscape", "printer": "tcp:10.0.0.9"}', "utf-8")
    config = KioskConfig.load({"MOTCUA_KIOSK_CONFIG": str(path), "MOTCUA_KIOSK_PIN": PIN,
                               "MOTCUA_BACKEND_URL": "http://10.0.0.2:8000"})
    assert config.window_size == (1920, 1080) and config.printer == "tcp:10.0.0.9"
    assert config.backend_url == "http://10.0.0.2:8000" and PIN not in repr(config)
    assert verify_pin(PIN, config.pin_hash) and not verify_pin("000000", config.pin_hash)
    with pytest.raises(ValueError, match="unknown config keys"):
        KioskConfig.from_dict({"printr": "none"})
    with pytest.raises(ValueError, match="portrait or landscape"):
        KioskConfig.from_dict({"orientation": "sideways"})
    with pytest.raises(ValueError, match="4 to 8 digits"):
        hash_pin("12")


@pytest.fixture
def admin_kiosk(make_kiosk):
    return make_kiosk(pin_hash=hash_pin(PIN, iterations=1000))


def corner_taps(kiosk, n=5):
    for _ in range(n):
        kiosk.touch(0.03, 0.97)


def pin(kiosk, digits):
    for key in digits:
        kiosk.admin.press(key)
    kiosk.admin.press("ok")
    settle(kiosk)


def test_hidden_gesture_then_pin_opens_the_admin_screen(admin_kiosk, mono):
    kiosk = admin_kiosk
    corner_taps(kiosk, 4)
    kiosk.touch(0.5, 0.5)  # a tap elsewhere breaks the sequence
    corner_taps(kiosk, 4)
    assert kiosk.state.screen == "home"
    kiosk.touch(0.03, 0.97)
    assert kiosk.state.screen == "pin"
    pin(kiosk, "1111")
    assert kiosk.state.pin_message.en == "Wrong PIN (2 tries left)"
    pin(kiosk, PIN)
    assert kiosk.state.screen == "admin"
    info = {label.en: value for label, value in kiosk.state.admin.info}
    assert info["Device name"] == "kiosk-1" and info["Version"] == "0.1.0"
    assert "printer: ready" in info["Hardware"]


def test_three_wrong_pins_lock_the_pad(admin_kiosk, mono):
    kiosk = admin_kiosk
    corner_taps(kiosk)
    for _ in range(3):
        pin(kiosk, "0000")
    assert kiosk.state.pin_message.en == "Too many wrong PINs. Try again in 300 s."
    pin(kiosk, PIN)  # even the right PIN waits out the lockout
    assert kiosk.state.screen == "pin"
    mono.advance(301)
    kiosk.pump()
    assert kiosk.state.screen == "home"  # idle meanwhile; the lockout outlived it
    corner_taps(kiosk)
    pin(kiosk, PIN)
    assert kiosk.state.screen == "admin"


def test_self_test_print_test_and_restart(admin_kiosk):
    kiosk = admin_kiosk
    corner_taps(kiosk)
    pin(kiosk, PIN)
    kiosk.admin.self_test()
    assert kiosk.state.admin.busy.en == "Testing…"
    settle(kiosk)
    tests = {name.en: (result, detail) for name, result, detail in kiosk.state.admin.tests}
    assert tests["Server connection"][0] == "test_pass"
    assert tests["Printer"] == ("test_pass", "Sẵn sàng")
    assert tests["Camera"][0] == "test_skip" and tests["Barcode scanner"][0] == "test_skip"
    kiosk.admin.print_test()
    settle(kiosk)
    assert kiosk.state.notice.en == "PASS"
    assert len(kiosk.hardware.printer.virtual.receipts) == 1
    kiosk.scanned("000.00.06.H56-261123-0001/12345678")  # a receipt waved at it is ignored
    assert kiosk.state.screen == "admin"
    kiosk.admin.restart()
    assert kiosk.restart_requested and kiosk.state.admin.busy.vi == "Đang khởi động lại…"


def test_no_pin_configured_means_no_admin_screen(kiosk):
    corner_taps(kiosk, 10)
    assert kiosk.state.screen == "home"


def test_a_revoked_token_hides_the_ticket_button(kiosk, server, mono, store):
    with store.tx() as db:  # an admin revokes the device's session
        db.execute("delete from sessions where device_id is not null")
    mono.advance(61)
    run_until(kiosk, lambda: not kiosk.registered)
    assert not kiosk.state.ticket_available
    assert Client(server.address).health()


def test_the_station_profile_sets_screen_backend_and_devices():
    pi = KioskConfig.load({"MOTCUA_STATION": "rpi-kiosk-portrait"})
    assert (pi.orientation, pi.backend_url, pi.idle_seconds) == ("portrait",
                                                                 "http://motcua.local:8000", 60)
    assert (pi.printer, pi.printer_model, pi.paper_mm) == ("usb:0416:5011", "generic-pos-58", 58)
    assert pi.camera == "csi:0" and pi.settings.idle_seconds == 60
    x86 = KioskConfig.load({"MOTCUA_STATION": "x86-kiosk-landscape",
                            "MOTCUA_BACKEND_URL": "http://10.0.0.2:8000"})  # the unit's own wins
    assert x86.window_size == (1920, 1080) and x86.backend_url == "http://10.0.0.2:8000"
    assert x86.scanner == "evdev:05e0:1200" and x86.paper_mm == 80
    assert KioskConfig.load({"MOTCUA_STATION": "lobby"}).orientation == "portrait"  # no profile


def test_the_demo_station_runs_on_simulators(tmp_path):
    from drivers.cameras import FakeCamera
    from drivers.scanners import FakeScanner
    from kiosk_app.devices import Hardware

    config = KioskConfig.load({"MOTCUA_STATION": "demo-fake"})
    assert (config.printer, config.camera, config.scanner) == (
        "virtual:var/demo/tickets", "fake", "virtual")
    hardware = Hardware.from_config(KioskConfig.from_dict(
        {**{f: getattr(config, f) for f in config.__dataclass_fields__},
         "printer": f"virtual:{tmp_path}"}))
    assert hardware.printer.virtual is not None and isinstance(hardware.camera, FakeCamera)
    assert isinstance(hardware.scanners[0], FakeScanner)
    hardware.stop()


@pytest.mark.parametrize(("spec", "connection"), [
    ("tcp:10.0.0.9", "NetworkConnection"), ("serial:/dev/ttyS0:19200", "SerialConnection"),
    ("usb:0416:5011", "UsbConnection"), ("file:/dev/usb/lp0", "FileConnection")])
def test_printer_specs(spec, connection):
    from kiosk_app.devices import make_printer

    printer = make_printer(spec, 58)  # nothing is opened until the first job
    assert type(printer.printer.connection).__name__ == connection
    assert printer.printer.profile.paper_width_dots == 384


def test_bad_device_specs_are_refused_in_both_languages():
    from kiosk_app.devices import make_printer, make_scanner

    with pytest.raises(ValueError, match=r"thiết bị không rõ: 'lpt'.* / Unknown device address"):
        make_printer("lpt:1")
    with pytest.raises(ValueError, match=r"không rõ: 'bluetooth'.* / Unknown device address"):
        make_scanner("bluetooth:1")
    assert make_printer("none") is None and make_scanner("none") is None


def test_a_bad_command_line_value_is_explained(capsys):
    assert main(["--orientation", "sideways"]) == 2
    err = capsys.readouterr().err
    assert "Cấu hình ki-ốt sai / kiosk configuration error" in err and "portrait" in err
