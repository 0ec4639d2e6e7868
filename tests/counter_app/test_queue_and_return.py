"""Queue calling at counter 1 and handing back results."""

from __future__ import annotations

import pytest

from counter_app.texts import CounterError, OfflineError
from drivers.displays import DisplayNotResponding

from .conftest import fill, issue, resolve


def test_call_next_recall_skip_transfer_done(station, kiosk, server):
    issue(kiosk, "A")
    elderly = issue(kiosk, "A", "elderly")
    issue(kiosk, "D")
    issue(kiosk, "B")  # not a service of counter 1
    view = station.queue.view()
    assert [(s["letter"], s["waiting"]) for s in view.services] == [("A", 2), ("D", 1)]
    display, voice = station.devices.display.display, station.devices.announcer

    first = station.queue.call_next()
    assert first.ticket["label"] == elderly["label"] == "A-002"  # priority first
    assert display.lines[:2] == ["A002", "Quầy 1"]
    assert voice.played == ["Xin mời số thứ tự A 0 0 2, đến quầy số 1"] * 2  # said twice
    assert station.queue.recall().msg.vi == "Gọi lại số A-002" and len(voice.played) == 4
    hall = server.client().queue_status()
    assert hall["latest"]["label"] == "A-002" and hall["latest"]["counter"] == 1

    assert station.queue.call_next().ticket["label"] == "A-001"
    skipped = station.queue.skip()
    assert skipped.ticket["status"] == "no_show" and display.lines[0] == "Quầy 1"
    station.queue.call_next()  # D-001
    moved = station.queue.transfer(to_counter=3)
    assert moved.ticket["status"] == "waiting" and "quầy 3" in moved.msg.vi
    assert station.queue.call_next().ticket is None  # nobody left for counter 1
    issue(kiosk, "A")
    station.queue.call_next()
    done = station.queue.done()
    assert done.ticket["status"] == "done" and station.queue.view().current is None


def test_a_broken_display_is_reported_but_the_call_goes_on(station, kiosk):
    issue(kiosk, "A")
    station.devices.display.display.fail = DisplayNotResponding(
        "Bảng LED quầy 1 không phản hồi", "Counter 1 LED display not responding")
    called = station.queue.call_next()
    assert called.ticket["label"] == "A-001"
    assert called.device_problems[0].vi == "Bảng LED quầy 1 không phản hồi"
    assert len(station.devices.announcer.played) == 2


def test_queue_needs_the_server(station, server):
    server.stop()
    with pytest.raises(OfflineError) as offline:
        station.queue.call_next()
    assert offline.value.vi and offline.value.en and not station.link.online


@pytest.mark.parametrize("symbol", ["compact", "qr", "code"])
def test_return_by_scanning_the_receipt_then_rating(station, server, symbol):
    case = station.intake.confirm(fill(station)).payload
    early = station.returns.scan(case["code"])
    assert not early.can_return and "chưa có kết quả" in early.msg.vi
    resolve(server, case["code"])
    view = station.returns.scan(case[symbol] if symbol != "code" else case["code"].lower())
    assert view.can_return and view.code == case["code"]
    msg = station.returns.hand_over(view.code)
    assert msg.level == "ok"
    assert server.client("clerk").case(case["code"])["status"] == "returned"
    assert station.devices.display.display.lines[0] == "Mời đánh giá"
    assert station.returns.rate(view.code, "very_satisfied").vi.endswith("Rất hài lòng")
    again = station.returns.scan(case["code"])
    assert not again.can_return and "đã được trả" in again.msg.vi


def test_a_bad_scan_is_explained(station):
    with pytest.raises(CounterError) as bad:
        station.returns.scan("000.00.06.H56-261399-0001")
    assert bad.value.key == "invalid_code" and "không phải ngày có thật" in bad.value.vi


def test_return_asks_the_kiosk_to_offer_the_rating(station, server, kiosk):
    case = station.intake.confirm(fill(station)).payload
    resolve(server, case["code"])
    assert station.returns.hand_over(case["code"]).level == "ok"
    pending = kiosk.pending_rating()
    assert pending["code"] == case["code"] and pending["counter"] == station.config.counter
    station.returns.rate(case["code"], "satisfied")  # the counter's own rating still works
    assert kiosk.pending_rating() is None  # and it closes the kiosk's request


def test_a_refused_rating_request_does_not_break_the_return(station, server, kiosk):
    case = station.intake.confirm(fill(station)).payload
    resolve(server, case["code"])
    server.client("clerk").rate(case["code"], "satisfied", channel="counter")
    msg = station.returns.hand_over(case["code"])  # already rated: the backend says no
    assert msg.level == "ok" and "ki-ốt" in msg.vi and "kiosk" in msg.en
    assert server.client("clerk").case(case["code"])["status"] == "returned"
    assert kiosk.pending_rating() is None
