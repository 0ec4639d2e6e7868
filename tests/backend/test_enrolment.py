"""First-boot enrolment against the real backend on loopback: a one-time code made by an admin
(API and CLI), traded once by the first-boot agent for a device token, on a temporary root."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from backend import firstboot
from backend.client import Client
from counter_app.config import load as load_counter_config
from tests.backend.conftest import free_port

MAC = "dc:a6:32:01:02:03"


def auth(client: Client) -> dict:
    return {"Authorization": f"Bearer {client.token}"}


def code_for(server, **body) -> str:
    admin = server.client("admin")
    answer = admin.session.post(f"{server.url}/api/v1/devices/enrol-codes",
                                json={"station": "rpi-kiosk-portrait", **body},
                                headers=auth(admin))
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


def card(tmp_path: Path, text: str) -> Path:
    boot = tmp_path / "boot"
    boot.mkdir(parents=True, exist_ok=True)
    (boot / "motcua.toml").write_text(text, "utf-8")
    return boot / "motcua.toml"


def provision(url: str, code: str, hostname: str = "kiosk-sanh-1") -> str:
    return (f'backend_url = "{url}"\nstation = "rpi-kiosk-portrait"\n'
            f'hostname = "{hostname}"\ntimezone = "Asia/Ho_Chi_Minh"\nenrol_code = "{code}"\n')


def enrol(tmp_path: Path, boot: Path, lines: list[str], macs=(), tries: int = 1) -> int:
    return firstboot.run(boot, tmp_path / "root", tmp_path / "data", macs=list(macs),
                         tries=tries, backoff=0.01, say=lines.append)


def test_code_traded_once_for_a_working_token(server, tmp_path):
    code = code_for(server)
    boot, lines = card(tmp_path, provision(server.url, code.lower())), []
    assert enrol(tmp_path, boot, lines) == 0, lines
    token = (tmp_path / "data" / "device-token").read_text().strip()
    assert (tmp_path / "data" / "device-token").stat().st_mode & 0o777 == 0o600
    me = requests.get(f"{server.url}/api/v1/devices/me", timeout=5,
                      headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["name"], me["kind"], me["station"]) == ("kiosk-sanh-1", "kiosk",
                                                        "rpi-kiosk-portrait")
    etc = tmp_path / "root" / "etc"
    assert (etc / "hostname").read_text() == "kiosk-sanh-1\n"
    assert str((etc / "localtime").readlink()) == "/usr/share/zoneinfo/Asia/Ho_Chi_Minh"
    assert "MOTCUA_BACKEND_URL=" + server.url in (etc / "motcua" / "motcua.env").read_text()
    # The same code again, on another unit: refused, in both languages.
    again = card(tmp_path / "b", provision(server.url, code, "kiosk-sanh-2"))
    lines.clear()
    assert enrol(tmp_path / "b", again, lines) == 1
    assert "Mã đăng ký đã được dùng" in lines[0] and "has been used already" in lines[0]
    assert not (tmp_path / "b" / "data" / "device-token").exists()


def test_expired_code_is_refused_and_retried(server, clock, tmp_path):
    code = code_for(server, ttl_hours=1)
    clock.advance(hours=2)
    boot, lines = card(tmp_path, provision(server.url, code)), []
    assert enrol(tmp_path, boot, lines, tries=2) == 1
    assert sum("Mã đăng ký đã hết hạn" in line and "has expired" in line for line in lines) == 2
    assert any("retrying" in line for line in lines)


def test_no_network_and_wrong_url_are_told_apart(server, tmp_path):
    lines = []
    boot = card(tmp_path, provision(f"http://127.0.0.1:{free_port()}", "ABCD-EFGH-JKLM"))
    assert enrol(tmp_path, boot, lines) == 1
    assert "Không kết nối được máy chủ" in lines[0] and "Cannot reach the server" in lines[0]
    lines.clear()
    boot = card(tmp_path, provision(f"{server.url}/not-motcua", "ABCD-EFGH-JKLM"))
    assert enrol(tmp_path, boot, lines) == 1
    assert "không phải máy chủ motcua" in lines[0] and "is not a motcua server" in lines[0]


def test_mac_table_serves_a_batch(server, tmp_path):
    first, second = code_for(server), code_for(server, kind="counter")
    text = (f'backend_url = "{server.url}"\nstation = "rpi-kiosk-portrait"\n'
            f'hostname = "unset"\nenrol_code = "{first}"\n'
            f'[units."{MAC.upper()}"]\nhostname = "quay-3"\n'
            f'station = "x86-counter"\ncounter = 3\nenrol_code = "{second}"\n')
    lines = []
    assert enrol(tmp_path, card(tmp_path, text), lines, macs=["02:00:00:00:00:01", MAC]) == 0
    etc = tmp_path / "root" / "etc"
    assert (etc / "hostname").read_text() == "quay-3\n"
    config = load_counter_config(etc / "motcua" / "counter.json")  # the counter app reads it
    assert (config.backend_url, config.station, config.profile, config.counter) == (
        server.url, "quay-3", "x86-counter", 3)


def test_bad_card_is_named_and_nothing_written(tmp_path):
    lines = []
    boot = card(tmp_path, 'backend_url = "ftp://x"\nstation = "s"\nhostname = "h"\n'
                          'enrol_code = "c"\n')
    assert enrol(tmp_path, boot, lines) == 2
    assert "backend_url phải bắt đầu" in lines[0] and "must start with http" in lines[0]
    assert not (tmp_path / "root").exists()


def test_later_boots_reapply_settings_without_the_server(server, tmp_path):
    # The root is an overlay that forgets /etc at each reboot; the data partition remembers.
    boot = card(tmp_path, provision(server.url, code_for(server, kind="counter"), "quay-7"))
    lines = []
    assert enrol(tmp_path, boot, lines) == 0, lines
    shutil.rmtree(tmp_path / "root")
    away = card(tmp_path / "later", provision(f"http://127.0.0.1:{free_port()}", "SPENT-CODE",
                                              "quay-7"))
    assert enrol(tmp_path, away, lines) == 0  # enrolled: no exchange, no network needed
    etc = tmp_path / "root" / "etc"
    assert (etc / "hostname").read_text() == "quay-7\n"
    assert load_counter_config(etc / "motcua" / "counter.json").station == "quay-7"


def test_without_a_code_the_settings_still_apply(tmp_path):
    lines = []
    text = ('backend_url = "http://10.0.0.2:8000"\nstation = "x86-kiosk-landscape"\n'
            'hostname = "k-1"\n[wifi]\nssid = "MotCua-Devices"\npsk = "bi-mat-2026"\n')
    assert enrol(tmp_path, card(tmp_path, text), lines) == 0
    assert "no enrol_code" in lines[0] and "không có enrol_code" in lines[0]
    assert (tmp_path / "root" / "etc" / "hostname").read_text() == "k-1\n"
    assert not (tmp_path / "data" / "device-token").exists()
    wifi = tmp_path / "root/etc/NetworkManager/system-connections/motcua.nmconnection"
    assert wifi.stat().st_mode & 0o777 == 0o600  # the Wi-Fi key: root only
    assert "ssid=MotCua-Devices" in wifi.read_text() and "psk=bi-mat-2026" in wifi.read_text()


def test_guessing_codes_is_rate_limited(server):
    answers = [requests.post(f"{server.url}/api/v1/devices/enrol", timeout=5,
                             json={"code": f"WRONG-CODE-{i:03d}", "name": "x-1"}).status_code
               for i in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]


def test_only_admin_makes_codes_and_bad_input_is_bilingual(server):
    clerk: Client = server.client("clerk")
    answer = clerk.session.post(f"{server.url}/api/v1/devices/enrol-codes",
                                json={"station": "s"}, headers=auth(clerk))
    assert answer.status_code == 403
    admin = server.client("admin")
    answer = admin.session.post(f"{server.url}/api/v1/devices/enrol-codes",
                                json={"station": "s", "ttl_hours": 500},
                                headers=auth(admin))
    assert answer.status_code == 422 and answer.json()["vi"] and answer.json()["en"]


def test_cli_makes_a_code_the_api_accepts(server, store):
    done = subprocess.run([sys.executable, "-m", "backend.cli", "--db", str(store.path), "device",
                           "enrol-code", "--station", "x86-counter", "--kind", "counter",
                           "--ttl", "30m"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    code = done.stdout.split("code: ")[1].split()[0]
    answer = requests.post(f"{server.url}/api/v1/devices/enrol", timeout=5,
                           json={"code": code, "name": "quay-1"})
    assert answer.status_code == 201 and answer.json()["device"]["kind"] == "counter"
    bad = subprocess.run([sys.executable, "-m", "backend.cli", "--db", str(store.path), "device",
                          "enrol-code", "--station", "s", "--ttl", "soon"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "a duration like" in bad.stderr


def test_selftest_due_follows_the_site_calendar(server, tmp_path):
    admin = server.client("admin")
    token = admin.register_device("kiosk-9", "kiosk", "lobby")["token"]
    admin.session.put(f"{server.url}/api/v1/admin/calendar/overrides/2026-11-30",
                      json={"working": False, "note": "test"}, headers=auth(admin))
    (tmp_path / "token").write_text(token)

    def due(day: str) -> int:
        return subprocess.run([sys.executable, "-m", "backend.cli", "selftest-due", "--backend",
                               server.url, "--token-file", str(tmp_path / "token"), "--date",
                               day], capture_output=True, text=True, timeout=60).returncode

    assert [due("2026-11-23"), due("2026-11-24"), due("2026-11-30"), due("2026-12-01")] == [
        0, 1, 1, 0]


def test_the_command_finds_the_card_where_the_image_says(server, tmp_path):
    toml = card(tmp_path, provision(server.url, code_for(server), "kiosk-cli"))
    root = tmp_path / "root"
    (root / "etc" / "motcua").mkdir(parents=True)
    (root / "etc" / "motcua" / "image.toml").write_text(f'provisioning = "{toml}"\n')
    done = subprocess.run([sys.executable, "-m", "backend.cli", "firstboot", "--root", str(root),
                           "--data", str(tmp_path / "data"), "--tries", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "enrolled kiosk-cli" in done.stdout
    assert (tmp_path / "data" / "device-token").exists()


def test_the_token_is_handed_to_the_app_user(tmp_path, monkeypatch):
    """The agent runs as root, the apps as `motcua`: the token must be theirs to read."""
    import os
    import pwd

    if os.geteuid() != 0:
        pytest.skip("only root can hand a file to another user")
    monkeypatch.setattr(firstboot, "APP_USER", "nobody")
    path = firstboot.save_device(tmp_path, "tok", {"name": "k", "kind": "kiosk", "station": ""})
    nobody = pwd.getpwnam("nobody")
    for written in (path, tmp_path / "device.json"):
        assert (written.stat().st_uid, written.stat().st_gid) == (nobody.pw_uid, nobody.pw_gid)
    assert path.stat().st_mode & 0o777 == 0o600
