import pytest

from backend.client import ApiError, Client


def test_register_heartbeat_and_fleet_status(server, clock):
    admin = server.client("admin")
    registered = admin.register_device("kiosk-sanh-1", "kiosk", "rpi-kiosk-portrait")
    kiosk = Client(server.address, token=registered["token"])
    answer = kiosk.heartbeat("0.1.0", {"printer": "online", "camera": "ok", "temp_c": 51.5})
    assert answer["ok"] is True and answer["settings"] == {}
    fleet = {d["name"]: d for d in admin.devices()}
    assert fleet["kiosk-sanh-1"]["online"] is True
    assert fleet["kiosk-sanh-1"]["hardware"]["printer"] == "online"
    assert fleet["kiosk-sanh-1"]["version"] == "0.1.0"
    clock.advance(minutes=10)
    assert admin.devices()[0]["online"] is False


def test_device_token_cannot_read_cases_and_names_are_unique(server):
    admin = server.client("admin")
    token = admin.register_device("quay-1", "counter")["token"]
    with pytest.raises(ApiError) as err:
        Client(server.address, token=token).cases()
    assert err.value.status == 403
    with pytest.raises(ApiError) as dup:
        admin.register_device("quay-1", "counter")
    assert dup.value.status == 409
    with pytest.raises(ApiError) as bad:
        admin.register_device("quay 2!", "toaster")
    assert bad.value.status == 422


def test_unknown_token_is_refused(server):
    with pytest.raises(ApiError) as err:
        Client(server.address, token="made-up").heartbeat("1", {})
    assert err.value.status == 401 and err.value.vi


def test_admin_sets_device_settings_the_device_reads_them(server):
    admin = server.client("admin")
    kiosk = Client(server.address, token=admin.register_device("kiosk-2", "kiosk")["token"])
    admin.set_device_settings("kiosk-2", idle_seconds=60, language="en", services=["A", "B"])
    assert kiosk.heartbeat("0.1.0", {})["settings"]["idle_seconds"] == 60
    assert kiosk.device_me()["settings"]["services"] == ["A", "B"]
    with pytest.raises(ApiError) as bad:
        admin.set_device_settings("kiosk-2", idle_seconds=1)
    assert bad.value.status == 422
    with pytest.raises(ApiError) as missing:
        admin.set_device_settings("nope", idle_seconds=60)
    assert missing.value.status == 404


def test_selftest_reports_show_in_the_fleet(server):
    admin = server.client("admin")
    kiosk = Client(server.address, token=admin.register_device("kiosk-3", "kiosk")["token"])
    kiosk.send_selftest({"ok": False, "station": "rpi-kiosk-portrait", "checks": [
        {"name": "printer", "ok": False, "message": "Máy in hết giấy / Printer out of paper"}]})
    fleet = {d["name"]: d for d in admin.devices()}
    last = fleet["kiosk-3"]["last_selftest"]
    assert last["ok"] is False and last["report"]["checks"][0]["name"] == "printer"
    with pytest.raises(ApiError) as err:
        admin.send_selftest({"ok": True})
    assert err.value.status == 403


def test_hw_selftest_sends_its_report_through_the_client(server, tmp_path, capsys):
    from backend.cli import main

    admin = server.client("admin")
    token = admin.register_device("quay-9", "counter", "demo-fake")["token"]
    argv = ["hw", "selftest", "--station", "demo-fake", "--report-dir", str(tmp_path),
            "--backend", server.address]
    code = main([*argv, "--token", token])
    assert "report sent to the backend" in capsys.readouterr().out
    last = {d["name"]: d for d in admin.devices()}["quay-9"]["last_selftest"]
    assert last["report"]["station"] == "demo-fake" and code == (0 if last["ok"] else 1)
    main([*argv, "--token", "made-up"])
    err = capsys.readouterr().err
    # The server's own words say why it was refused.
    assert "report kept locally, not sent: Phiên đăng nhập không hợp lệ" in err
    assert len(list(tmp_path.glob("selftest-demo-fake-*.json"))) == 2
