"""`motcua hw detect` and `motcua hw check-profiles`: output and exit codes."""

from __future__ import annotations

import argparse
import json
import shutil

import pytest

from drivers import discovery, hwcli
from drivers.profiles import DEFAULT_ROOT
from tests.drivers.test_discovery import counter_pc


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """`hw detect` sees the fake counter PC instead of this machine's hardware."""
    fake = counter_pc(tmp_path / "machine")
    monkeypatch.setattr(discovery, "default_sources", fake.sources)
    return fake


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = hwcli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_commands_plug_into_an_existing_parser():
    parser = argparse.ArgumentParser(prog="motcua")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve")
    hwcli.add_hw_commands(sub)
    args = parser.parse_args(["hw", "detect", "--json"])
    assert (args.func, args.json) == (hwcli.cmd_detect, True)
    args = parser.parse_args(["hw", "check-profiles", "--profiles", "/x"])
    assert (args.func, args.profiles) == (hwcli.cmd_check_profiles, "/x")
    with pytest.raises(SystemExit):
        parser.parse_args(["hw"])


def test_detect_lists_devices_with_their_profile(machine, capsys):
    code, out, err = run(capsys, "detect")
    assert code == 0 and err == ""
    assert out.startswith("Thiết bị đã kết nối / connected devices:\n")
    assert "  usb 04b8:0e28  EPSON TM-T82III\n      → epson-tm-t82iii (printer) — mã USB chưa " \
        "kiểm chứng / USB ID assumed, not verified\n" \
        "      đường dẫn cho trạm / station path: usb:04b8:0e28\n" in out
    assert "→ honeywell-voyager-1250g (scanner)\n" in out
    assert "→ simcom-sim7600 (modem)\n" in out
    assert out.count(hwcli.NO_MATCH) == 2  # the bare USB-serial adapter and the UART


def test_detect_json(machine, capsys):
    code, out, _ = run(capsys, "detect", "--json")
    data = json.loads(out)
    assert code == 0 and data["profile_problems"] == []
    rows = {row["ident"]: row for row in data["devices"]}
    assert rows["1e0e:9001"]["profile"] == "simcom-sim7600"
    assert rows["1e0e:9001"]["station_path"].endswith("-if02-port0")
    assert rows["1a86:7523"]["profile"] is None


def test_detect_with_nothing_connected(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(discovery, "default_sources",
                        lambda: discovery.Sources(tmp_path, tmp_path, None, None))
    assert run(capsys, "detect") == (0, "Không thấy thiết bị nào / no devices found\n", "")


def test_detect_still_works_when_a_profile_is_broken(machine, tmp_path, capsys):
    root = tmp_path / "hardware_profiles"
    shutil.copytree(DEFAULT_ROOT, root)
    path = root / "devices" / "scanner" / "honeywell-voyager-1250g.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "colour: black\n", encoding="utf-8")
    code, out, err = run(capsys, "detect", "--profiles", str(root))
    assert code == 0
    assert "2 lỗi trong hồ sơ" in err  # the profile, and the station that uses it
    assert "→ epson-tm-t82iii (printer)" in out
    assert "  usb 0c2e:0b61  Honeywell Scanning and Mobility Scanner\n" \
        f"      → {hwcli.NO_MATCH}\n" in out


def test_check_profiles_passes_on_the_shipped_profiles(capsys):
    code, out, err = run(capsys, "check-profiles")
    assert code == 0
    assert out.startswith("Hồ sơ hợp lệ / profiles valid: ")
    assert all(line.startswith("Cảnh báo / warning: ") for line in err.splitlines())


def test_check_profiles_fails_with_file_line_messages(tmp_path, capsys):
    root = tmp_path / "hardware_profiles"
    shutil.copytree(DEFAULT_ROOT, root)
    station = root / "stations" / "x86-counter.yaml"
    text = station.read_text(encoding="utf-8")
    station.write_text(text.replace("  receipt_printer:", "  recipt_printer:"), encoding="utf-8")
    line = text.splitlines().index("  receipt_printer:") + 1
    code, out, err = run(capsys, "check-profiles", "--profiles", str(root))
    assert (code, out) == (2, "")
    assert (f"hardware_profiles/stations/x86-counter.yaml dòng {line}: trường 'recipt_printer' "
            f"không hợp lệ / line {line}: unknown field 'recipt_printer'") in err
    assert err.rstrip().endswith("1 lỗi trong hồ sơ phần cứng / 1 mistake(s) in the hardware "
                                 "profiles")


def test_selftest_run_without_the_backend_keeps_the_report(tmp_path, capsys):
    code = hwcli.main(["selftest", "--station", "demo-fake", "--report-dir", str(tmp_path),
                       "--backend", "http://127.0.0.1:9"])
    assert code in (0, 1)
    assert "needs the motcua command" in capsys.readouterr().err
    assert len(list(tmp_path.glob("selftest-demo-fake-*.json"))) == 1
