"""The acceptance test of offline mode: a real `motcua serve` process dies mid-session.

The station notices on its own, goes on taking cases from its leased numbers with receipts
printed at once, and when the server is started again (same database, same port) every case
taken offline lands exactly once, with its original time and the due date the calendar gives.
Real clocks on both sides, as at a desk.
"""

from __future__ import annotations

import os
import shutil
import signal
from datetime import datetime

import pytest

from backend.client import Client
from backend.domain.calendar import VN_TZ, WorkingCalendar
from counter_app.core import CounterStation
from tests.backend.test_crash import start_server

from .conftest import PASSWORD, fill, free_port, make_config, make_devices

pytestmark = pytest.mark.slow


def make_today_a_working_day(url: str) -> dict:
    """Leases are for working days: a run on a Sunday declares today worked (admin override)."""
    admin = Client(url)
    admin.login("admin", PASSWORD)
    today = datetime.now(VN_TZ).date()
    overrides = {}
    if not WorkingCalendar().is_working_day(today):
        admin.set_calendar_override(today.isoformat(), True, "test")
        overrides[today] = True
    admin.session.close()
    return overrides


def stop(process, sig=signal.SIGTERM) -> None:
    os.kill(process.pid, sig)
    process.wait(timeout=15)


def test_real_server_killed_and_restarted(template_db, tmp_path):
    db_path = tmp_path / "motcua.sqlite"
    shutil.copy(template_db, db_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(db_path, port)
    try:
        overrides = make_today_a_working_day(url)
        devices = make_devices(out_dir=tmp_path / "receipts")
        with CounterStation(make_config(tmp_path, url), devices=devices) as station:
            station.login("clerk", PASSWORD)
            online = station.intake.confirm(fill(station))
            stop(server, signal.SIGKILL)  # mid-session, without warning
            taken = [station.intake.confirm(fill(station, code))
                     for code in ("1.001612", "1.013225", "2.000635")]
            assert station.tick() is None and not station.link.online
            server = start_server(db_path, port)
            station.tick()
            assert station.link.online and not station.outbox.pending()
            check_landed(url, online, taken, overrides)
            station.tick()  # a second round sends nothing again
            assert len(station.outbox.entries("sent")) == 3
            check_landed(url, online, taken, overrides)
    finally:
        stop(server)


def check_landed(url: str, online, taken, overrides) -> None:
    clerk = Client(url)
    clerk.login("clerk", PASSWORD)
    calendar = WorkingCalendar(overrides=overrides)
    assert sorted(c["code"] for c in clerk.cases()) == sorted(
        [online.code, *(t.code for t in taken)])
    for outcome in taken:
        assert outcome.offline and outcome.job.confirmed
        case = clerk.case(outcome.code)
        received = datetime.fromisoformat(outcome.payload["received_at"])
        time = case["procedure"]["processing_time"]
        assert case["received_at"] == outcome.payload["received_at"]
        assert datetime.fromisoformat(case["due_at"]) == calendar.due_at(
            received, time["amount"], time["unit"])
        assert [e["action"] for e in clerk.events(outcome.code)] == ["intake"]
    clerk.session.close()
