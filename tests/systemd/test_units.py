"""The units under systemd/ pass `systemd-analyze verify` (with the image's virtualenv,
/opt/motcua/venv, pointed at this checkout's, so every ExecStart program really exists) and
stay sandboxed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted(p.name for p in (ROOT / "systemd").glob("motcua-*"))
APPS = ("motcua-backend.service", "motcua-kiosk.service", "motcua-counter.service")
# Exposure from `systemd-analyze security` (0 safest .. 10): firstboot runs as root because it
# sets the hostname and time zone and writes /etc/motcua; the rest must stay "OK" (< 2).
MAX_EXPOSURE = {"motcua-firstboot.service": 8.0}


@pytest.fixture(scope="module")
def unit_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("units")
    for name in UNITS:
        text = (ROOT / "systemd" / name).read_text("utf-8")
        (out / name).write_text(text.replace("/opt/motcua/venv/", f"{ROOT}/.venv/"), "utf-8")
    return out


def analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    assert shutil.which("systemd-analyze"), "apt install systemd (see the Makefile)"
    return subprocess.run(["systemd-analyze", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def as_loadable(name: str) -> str:
    return name.replace("@.service", "@kiosk.service")


def test_the_expected_units_exist():
    for name in (*APPS, "motcua-selftest.service", "motcua-selftest.timer",
                 "motcua-firstboot.service", "motcua-firstboot-screen.service",
                 "motcua-maintenance@.service", "motcua-hub.service", "motcua-sync.service"):
        assert name in UNITS


def test_every_unit_verifies_cleanly(unit_dir):
    # verify exits 0 on unknown keys or bad values, only warning: any output is a failure.
    done = analyze("verify", *[str(unit_dir / as_loadable(n)) for n in UNITS
                               if "@" not in n], cwd=unit_dir)
    assert (done.returncode, done.stderr + done.stdout) == (0, "")
    done = analyze("verify", "motcua-maintenance@kiosk.service", cwd=unit_dir)
    assert (done.returncode, done.stderr + done.stdout) == (0, "")


def test_a_broken_unit_is_caught(unit_dir, tmp_path):
    bad = tmp_path / "motcua-kiosk.service"
    bad.write_text((unit_dir / "motcua-kiosk.service").read_text().replace(
        "Type=notify", "Type=notifyy"))
    assert analyze("verify", str(bad), cwd=tmp_path).stderr


@pytest.mark.parametrize("name", APPS)
def test_apps_notify_restart_and_fall_back_to_maintenance(name):
    text = (ROOT / "systemd" / name).read_text("utf-8")
    for line in ("Type=notify", "Restart=on-failure", "WatchdogSec=30s", "StartLimitBurst=5",
                 "OnFailure=motcua-maintenance@%N.service", "User=motcua",
                 "NoNewPrivileges=yes", "ProtectSystem=strict"):
        assert line in text.splitlines(), (name, line)


@pytest.mark.parametrize("name", [n for n in UNITS if n.endswith(".service")])
def test_sandbox_exposure(name, unit_dir):
    done = analyze("security", "--offline=true", str(unit_dir / name.replace("@.", "@kiosk.")),
                   cwd=unit_dir)
    score = float(re.search(r"exposure level for \S+: ([\d.]+)", done.stdout).group(1))
    print(f"{name}: {score}")
    assert score <= MAX_EXPOSURE.get(name, 2.0), done.stdout[-2000:]


def test_timer_fires_on_working_week_mornings(unit_dir):
    done = analyze("calendar", "--iterations=7", "--base-time=2026-04-26 00:00 UTC",
                   "Mon..Sat *-*-* 07:30:00 Asia/Ho_Chi_Minh", cwd=unit_dir)
    assert done.returncode == 0, done.stderr
    assert "Mon..Sat *-*-* 07:30:00 Asia/Ho_Chi_Minh" in (
        ROOT / "systemd" / "motcua-selftest.timer").read_text()
    assert "Sun" not in done.stdout and done.stdout.count("Mon ") >= 1


def test_the_unit_user_is_created_with_its_device_groups(tmp_path):
    (tmp_path / "etc").mkdir()
    for name in ("passwd", "group"):  # a Debian system's own users and groups
        shutil.copy(f"/etc/{name}", tmp_path / "etc" / name)
    conf = ROOT / "systemd" / "lockdown" / "etc" / "sysusers.d" / "motcua.conf"
    done = subprocess.run(["systemd-sysusers", f"--root={tmp_path}", "--dry-run", str(conf)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Creating user 'motcua'" in done.stderr + done.stdout
    for unit in APPS:
        assert "User=motcua" in (ROOT / "systemd" / unit).read_text()
