import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend.app import create_app
from backend.cli import main
from backend.client import ApiError, BackendUnreachable, Client
from backend.store.db import Store
from backend.store.migrations import MIGRATIONS
from tests.backend.conftest import LiveServer, free_port

SUBCOMMANDS = [["serve"], ["db", "init"], ["db", "migrate"], ["user", "add"], ["device", "add"],
               ["device", "revoke"], ["device", "rotate"],
               ["procedures", "load"], ["demo"], ["hw", "detect"], ["hw", "check-profiles"]]


def test_entry_point_help_lists_every_subcommand():
    motcua = Path(sys.executable).parent / "motcua"
    out = subprocess.run([str(motcua), "--help"], capture_output=True, text=True, check=True)
    for name in ("serve", "db", "user", "device", "procedures", "demo", "hw"):
        assert name in out.stdout


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_each_subcommand_has_help(words, capsys):
    with pytest.raises(SystemExit) as done:
        main([*words, "--help"])
    assert done.value.code == 0
    assert "usage: motcua" in capsys.readouterr().out


def test_a_refused_command_line_is_told_in_vietnamese_first(capsys):
    with pytest.raises(SystemExit) as done:
        main(["nosuch"])
    assert done.value.code == 2
    said = capsys.readouterr().err
    assert said.index("lệnh không hợp lệ") < said.index("error: argument command")


def test_a_token_starting_with_a_dash_is_refused_with_how_to_pass_it(capsys):
    with pytest.raises(SystemExit):
        main(["sync", "connect", "--token", "-Ab3", "http://127.0.0.1:9"])
    said = capsys.readouterr().err
    assert "--token=-…" in said and "expected one argument" in said


def test_db_init_user_add_and_device_add(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "m.sqlite")
    assert main(["--db", db, "db", "init"]) == 0
    assert "database ready" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("Matkhau2026x\n"))
    assert main(["--db", db, "user", "add", "lan", "--role", "clerk", "--unit", "MOTCUA",
                 "--password-stdin"]) == 0
    assert "must change password" in capsys.readouterr().out
    user = Store(db).one("select role, must_change from users where username = 'lan'")
    assert user == {"role": "clerk", "must_change": 1}
    assert main(["--db", db, "device", "add", "kiosk-1", "--kind", "kiosk"]) == 0
    assert "token" in capsys.readouterr().out
    assert main(["--db", db, "db", "init"]) == 0  # a second init changes nothing
    assert Store(db).one("select count(*) as n from users")["n"] == 1


def test_user_add_refuses_weak_password_with_both_languages(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "m.sqlite")
    main(["--db", db, "db", "init"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("12345\n"))
    assert main(["--db", db, "user", "add", "lan", "--role", "clerk", "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert "Mật khẩu phải" in err and "The password needs" in err


def test_broken_catalogue_is_reported_and_nothing_loaded(tmp_path, capsys):
    db = str(tmp_path / "m.sqlite")
    main(["--db", db, "db", "init"])
    before = Store(db).one("select count(*) as n from procedures")["n"]
    broken = tmp_path / "catalog"
    (broken / "procedures").mkdir(parents=True)
    (broken / "units.yaml").write_text("units: [\n", encoding="utf-8")
    assert main(["--db", db, "procedures", "load", str(broken)]) == 2
    assert "units.yaml" in capsys.readouterr().err
    assert Store(db).one("select count(*) as n from procedures")["n"] == before


def test_demo_builds_cases_in_many_states(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path), "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert "/docs" in out and "Demo@2026" in out and "/api/v1/lookup/" in out
    assert "/tra-cuu" in out and "/hall" in out
    store = Store(tmp_path / "motcua.sqlite")
    statuses = {r["status"] for r in store.all("select distinct status from cases")}
    assert len(statuses) >= 4, statuses
    assert store.one("select count(*) as n from cases")["n"] == 40


def _serve(db: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--db", str(db), "serve",
                             "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, f"http://127.0.0.1:{port}"


def _health(url: str, proc: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            return Client(url, timeout=2).health()
        except BackendUnreachable:
            time.sleep(0.1)
    raise AssertionError(f"the server did not answer /healthz: {proc.poll()}")


def test_serve_refuses_a_database_never_initialised(tmp_path):
    db = tmp_path / "var" / "motcua.sqlite"
    proc, _ = _serve(db)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "Cơ sở dữ liệu chưa được khởi tạo" in err and "motcua db init" in err
    assert "The database has not been initialised" in err
    assert not db.exists()  # refusing wrote nothing


def test_serve_refuses_an_empty_schema_too(tmp_path):
    db = tmp_path / "m.sqlite"
    Store(db).migrate()  # tables but no site settings: what a bare create_app leaves behind
    proc, _ = _serve(db)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "motcua db init" in err


def test_serve_init_initialises_then_serves_lookups(tmp_path):
    proc, url = _serve(tmp_path / "m.sqlite", "--init")
    try:
        health = _health(url, proc)
        assert health["ok"] is True
        assert health["database"] == {"schema_version": len(MIGRATIONS),
                                      "schema_latest": len(MIGRATIONS), "initialised": True}
        with pytest.raises(ApiError) as missing:
            Client(url).lookup("000.00.06.H56-261123-0001")
        assert missing.value.status == 404  # an answer about the case, not a server error
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_healthz_is_not_ok_on_an_uninitialised_database(tmp_path):
    live = LiveServer(create_app(tmp_path / "m.sqlite"), free_port()).start()
    try:
        with pytest.raises(ApiError) as answer:
            Client(live.url).health()
    finally:
        live.stop()
    assert answer.value.status == 503
    assert answer.value.body["ok"] is False
    assert answer.value.body["database"]["initialised"] is False
    assert answer.value.body["database"]["schema_version"] == len(MIGRATIONS)


def test_hw_check_profiles_passes_on_the_shipped_profiles(capsys):
    assert main(["hw", "check-profiles"]) == 0


def test_device_revoke_and_rotate(tmp_path, capsys):
    from datetime import datetime

    from backend.domain.calendar import VN_TZ
    from backend.domain.errors import Unauthorized
    from backend.store import accounts

    db = str(tmp_path / "m.sqlite")
    main(["--db", db, "db", "init"])
    main(["--db", db, "device", "add", "kiosk-1", "--kind", "kiosk"])
    old = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    now = datetime.now(VN_TZ)
    assert accounts.authenticate(Store(db), old, now).kind == "kiosk"
    assert main(["--db", db, "device", "revoke", "kiosk-1"]) == 0
    assert "revoked device kiosk-1" in capsys.readouterr().out
    with pytest.raises(Unauthorized):
        accounts.authenticate(Store(db), old, now)
    assert main(["--db", db, "device", "rotate", "kiosk-1"]) == 0
    new = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert new != old and accounts.authenticate(Store(db), new, now).username == "kiosk-1"
    assert main(["--db", db, "device", "revoke", "nope"]) == 2
    err = capsys.readouterr().err
    assert "Không có thiết bị 'nope'" in err and "No device 'nope'" in err


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address(tmp_path):
    with pytest.raises(SystemExit) as err:
        main(["--db", str(tmp_path / "m.sqlite"), "serve", "--trusted-proxy", "proxy.local"])
    assert "không phải địa chỉ IP" in str(err.value) and "not an IP address" in str(err.value)


@pytest.mark.parametrize("words", [
    ["user", "add", "Lan Anh", "--role", "clerk", "--password-stdin"],
    ["device", "add", "kiosk sảnh", "--kind", "kiosk"]])
def test_names_follow_the_same_rule_as_the_api_and_the_staff_pages(tmp_path, capsys, monkeypatch,
                                                                    words):
    db = str(tmp_path / "m.sqlite")
    main(["--db", db, "db", "init"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("Matkhau2026x\n"))
    assert main(["--db", db, *words]) == 2
    err = capsys.readouterr().err
    assert "không dấu" in err and ("Username: 3–64" in err or "Device name: 2–64" in err)
    assert Store(db).one("select count(*) as n from users")["n"] == 0
    assert Store(db).one("select count(*) as n from devices")["n"] == 0
