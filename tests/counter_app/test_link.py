"""The background check of the link: a server that stops while the clerk is idle is noticed
within seconds by the station's own worker, and its return too; an emptied outbox is announced.

The station runs its real worker thread against a real uvicorn server that is stopped and
started again on the same port. Waits poll with a generous deadline (the machine is shared).
"""

from __future__ import annotations

from counter_app.core import CounterStation
from counter_app.strings import TEXTS
from tests import waiting

from .conftest import PASSWORD, fill, restarted

INTERVAL = 0.1  # the worker's round in these tests (5 s at a desk): each wait is a round or two


def wait_until(condition, seconds: float = 30.0) -> bool:
    return waiting.wait_until(condition, timeout=seconds, interval=0.05)


def test_an_idle_station_notices_the_server_dying_and_coming_back(config, devices, clock,
                                                                  server, store):
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.login("clerk", PASSWORD)
        station.start(INTERVAL)
        assert station.status().online and station.status().banner is None
        server.stop()  # nobody at the desk touches anything from here on
        assert wait_until(lambda: not station.status().online), "still shown online"
        assert "Mất kết nối" in station.status().banner.vi
        with restarted(server, store, clock):
            assert wait_until(lambda: station.status().online), "still shown offline"
            assert station.status().banner is None
        assert not station._worker.errors


def test_the_clerk_is_told_when_the_outbox_has_synced(config, devices, clock, server, store):
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.login("clerk", PASSWORD)
        server.stop()
        taken = [station.intake.confirm(fill(station)) for _ in range(2)]
        assert all(t.offline for t in taken) and station.take_notice() is None
        station.start(INTERVAL)
        with restarted(server, store, clock) as again:
            assert wait_until(lambda: not station.outbox.pending())
            notices = []
            assert wait_until(lambda: notices.append(station.take_notice()) or any(notices))
            notice = next(n for n in notices if n)
            assert notice.vi == TEXTS["synced"][0].format(n=2)
            assert notice.en == "2 cases synced to the server" and notice.level == "ok"
            assert station.take_notice() is None  # said once
            clerk = again.client("clerk")
            assert sorted(c["code"] for c in clerk.cases()) == sorted(t.code for t in taken)


def test_a_station_started_while_the_server_is_down_says_so_at_once(config, devices, clock,
                                                                   server):
    server.stop()
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.start(interval=600)  # the first check must not wait for the interval
        assert wait_until(lambda: not station.status().online, seconds=20)
