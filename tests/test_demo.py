"""`motcua demo`: the data it builds, the folders its apps write to, and a real run with the
apps: the kiosk and a counter start against the demo backend (offscreen here), the kiosk's
heartbeat reaches the fleet, and stopping the demo stops them all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from backend import demo
from backend.client import BackendUnreachable, Client
from backend.domain.calendar import VN_TZ
from backend.store.db import Store
from tests.backend.conftest import free_port


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _kiosk_online(url: str) -> bool:
    try:
        admin = Client(url, timeout=2)
        admin.login("admin", "Demo@2026")
        return any(d["name"] == "kiosk-sanh-1" and d["online"] for d in admin.devices())
    except BackendUnreachable:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.slow
def test_demo_starts_kiosk_and_counter_and_stops_them(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["KIVY_HOME"] = str(tmp_path / "kivy")
    log = tmp_path / "demo.log"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with log.open("w") as out:
        demo = subprocess.Popen([sys.executable, "-m", "backend.cli", "demo", "--dir",
                                 str(tmp_path / "demo"), "--port", str(port), "--apps", "yes"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=elsewhere)
    try:
        pids = _wait(lambda: [int(p) for p in re.findall(r"started \w+ \(pid (\d+)\)",
                                                         log.read_text())][:2]
                     if log.read_text().count("started") >= 2 else None, 60, "both apps")
        _wait(lambda: _kiosk_online(f"http://127.0.0.1:{port}"), 60, "the kiosk heartbeat")
        assert all(_alive(pid) for pid in pids), log.read_text()[-2000:]
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
    _wait(lambda: not any(_alive(pid) for pid in pids), 20, "the apps to stop")
    assert list(elsewhere.iterdir()) == []  # everything went under --dir
    assert (tmp_path / "demo" / "kiosk.json").exists()
    assert f"receipts, tickets: {tmp_path / 'demo' / 'receipts'}" in log.read_text()


# --- the demo's data and the folders its apps write to ------------------------------------

def _built(tmp_path, now: datetime) -> tuple[Store, dict]:
    store = demo.fresh_store(tmp_path / "motcua.sqlite")
    return store, demo.build(store, now=now)


@pytest.mark.parametrize("now", [datetime(2026, 11, 23, 7, 5, tzinfo=VN_TZ),  # Monday, opening
                                 datetime(2026, 11, 29, 12, 0, tzinfo=VN_TZ)],  # a Sunday
                         ids=["monday-07:05", "sunday"])
def test_no_demo_case_is_received_or_moved_after_now(tmp_path, now):
    store, built = _built(tmp_path, now)
    received = [datetime.fromisoformat(r["received_at"])
                for r in store.all("select received_at from cases")]
    moved = [datetime.fromisoformat(r["at"]) for r in store.all("select at from events")]
    assert len(received) == 40 and max(received) <= now and max(moved) <= now
    calendar = built["site"].calendar
    odd = [at for at in received + moved
           if not (calendar.is_working_day(at.date()) and 7 <= at.hour < 17)]
    assert not odd, odd  # nobody works at night or on a rest day
    channels = {r["channel"] for r in store.all("select channel from cases")}
    assert channels == {"in_person", "post", "online"}  # the report's split has something


def test_a_demo_case_waits_resolved_to_be_returned_at_the_counter(tmp_path, capsys):
    now = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)
    store, built = _built(tmp_path, now)
    ready = store.one("select code, status, received_at, return_channel from cases "
                      "where code = ?", [built["codes"][0]])
    assert ready["status"] == 9 and datetime.fromisoformat(ready["received_at"]) < now
    assert ready["return_channel"] == "counter"
    from backend.store.lookup import public_lookup

    answer = public_lookup(store, built["site"], ready["code"], None, now)
    assert answer["status"] == "resolved"
    demo.print_summary("http://127.0.0.1:8000", built, tmp_path)
    assert f"ready to return at the counter: {ready['code']}" in capsys.readouterr().out


@pytest.fixture
def launcher(tmp_path, monkeypatch):
    """The demo's apps as the demo starts them, seen from an unrelated working directory."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "demo"
    built = {"devices": {"kiosk-sanh-1": "kiosk-token"},
             "site": SimpleNamespace(agency_code="000.00.06.H56")}
    yield demo.AppLauncher("http://127.0.0.1:8000", built, folder), folder
    assert list(elsewhere.iterdir()) == []  # nothing written where the demo was started


def _png_in(folder: Path, timeout: float = 10) -> Path:
    return _wait(lambda: next(iter(sorted(folder.glob("*.png"))), None), timeout,
                 f"a PNG in {folder}")


def _looks_printed(png: Path, width: int) -> None:
    from PIL import Image

    with Image.open(png) as page:
        grey = page.convert("L")
        dark = sum(grey.histogram()[:128])
        assert page.width == width and page.height > 300 and dark > 2000, (page.size, dark)


def test_demo_kiosk_prints_tickets_into_the_demo_folder_and_idles_after_45_s(launcher):
    from kiosk_app.config import KioskConfig
    from kiosk_app.devices import make_printer
    from kiosk_app.entry import CodeEntry
    from kiosk_app.tickets import ticket_document

    apps, folder = launcher
    config = KioskConfig.load(apps.commands()["kiosk"][1])
    assert config.settings.idle_seconds == 45 and config.data_dir == folder / "kiosk"
    assert CodeEntry(config.agency_code).text == "000.00.06.H56-"  # citizens type 10 digits
    printer = make_printer(config.printer, config.paper_mm, config.printer_model)
    ticket = {"label": "A-001", "people_ahead": 0, "issued_at": "2026-11-23T09:30:00+07:00"}
    assert printer.print_document(ticket_document(ticket, "Hộ tịch", "1, 2")).ok
    printer.close()
    png = _png_in(folder / "tickets")
    assert printer.virtual.receipts[-1].path == png
    _looks_printed(png, width=384)  # the 58 mm ticket model (its text is printed as raster)


def test_demo_counter_prints_receipts_into_the_demo_folder(launcher):
    from counter_app.__main__ import parse
    from counter_app.config import load
    from counter_app.devices import open_devices
    from counter_app.profile import config_from_profile
    from counter_app.receipts import receipt, sample_case

    apps, folder = launcher
    command, env = apps.commands()["counter"]
    args = vars(parse(command[3:]))
    config = config_from_profile("demo-fake", load(**{k: v for k, v in args.items()
                                                      if k != "config"}))
    assert env["KIVY_HOME"].startswith(str(folder))
    assert config.window == "window"  # beside the kiosk, not maximised over it
    devices = open_devices(config)
    try:
        agency = {"code": "000.00.06.H56", "name": "Trung tâm Phục vụ hành chính công"}
        case = sample_case(agency, "Lan", "2026-11-23T09:30:00+07:00")
        assert devices.printer.print_document(receipt(case, config)).ok
        png = _png_in(folder / "receipts")
    finally:
        devices.close()
    assert devices.printer.profile.name == "epson-tm-t82iii"
    _looks_printed(png, width=576)
