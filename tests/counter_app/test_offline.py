"""Offline mode against the in-process server: leased numbers, outbox, exactly-once sending."""

from __future__ import annotations

import pytest

from backend.client import BackendUnreachable
from backend.domain.codes import parse_code
from counter_app.texts import CounterError

from .conftest import fill, resolve, restarted


def test_cases_taken_offline_land_once_with_their_own_times(station, server, store, clock):
    online = station.intake.confirm(fill(station))
    assert parse_code(online.code).seq == 31  # 1-30 were leased to this station at login
    server.stop()
    first = station.intake.confirm(fill(station))
    clock.advance(minutes=20)
    posted = fill(station, "1.013225")
    posted.channel = "post"
    second = station.intake.confirm(posted)
    assert first.offline and second.offline and not station.link.online
    assert [first.code, second.code] == ["000.00.06.H56-261123-0001",
                                         "000.00.06.H56-261123-0002"]
    assert first.job.confirmed and "(Lập khi mất kết nối" in " ".join(
        station.devices.printer.virtual.receipts[-2].text.split())
    assert station.status().outbox_pending == 2 and station.status().banner.level == "warning"
    clock.advance(hours=1)
    assert station.tick() is None  # still down: nothing sent, nothing lost
    with restarted(server, store, clock):
        station.tick()
        assert station.link.online and not station.outbox.pending()
        clerk = server.client("clerk")
        for outcome in (first, second):
            case = clerk.case(outcome.code)
            assert case["received_at"] == outcome.payload["received_at"]
            assert case["due_at"] == outcome.payload["due_at"]  # the receipt told the truth
            (event,) = clerk.events(outcome.code)
            assert event["data"]["offline"] and event["at"] == outcome.payload["received_at"]
        assert [clerk.case(o.code)["channel"] for o in (first, second)] == ["in_person", "post"]
        assert len(clerk.cases()) == 3
        assert not station.outbox.needs_attention()


def test_a_resend_after_a_lost_answer_lands_nothing_twice(station, server):
    station.set_offline(True)  # by hand: the server is there, the station does not use it
    taken = station.intake.confirm(fill(station))
    assert taken.offline and station.link.banner.vi.startswith("Đang làm việc ngoại tuyến")
    assert not server.client("clerk").cases()
    station.set_offline(False)  # back by hand: the outbox goes at once
    (entry,) = station.outbox.entries()
    assert entry.status == "sent" and entry.result["created"]
    with station.store.tx() as db:  # the answer was "lost": the same entry goes out again
        db.execute("update outbox set status = 'pending'")
    report = station.sync_now()
    assert report.sent == 1 and station.outbox.entries()[0].result["created"] is False
    assert [c["code"] for c in server.client("clerk").cases()] == [taken.code]


def test_an_online_attempt_that_landed_unseen_is_not_entered_twice(station, server):
    real_intake = station.client.intake

    def lost_answer(*args, **kwargs):
        real_intake(*args, **kwargs)  # the server takes it, the answer never arrives
        raise BackendUnreachable(server.address, TimeoutError("read timed out"))

    station.client.intake = lost_answer
    outcome = station.intake.confirm(fill(station))
    assert outcome.offline and outcome.job.confirmed  # the citizen still gets a receipt
    station.client.intake = real_intake
    station.tick()
    (entry,) = station.outbox.entries()
    assert entry.status == "duplicate" and entry.result["code"] != outcome.code
    assert station.outbox.needs_attention() == [entry]
    codes = [c["code"] for c in server.client("clerk").cases()]
    assert codes == [entry.result["code"]]  # one case, the one the server numbered


def test_an_online_attempt_that_never_arrived_lands_from_the_outbox(station, server):
    def refused(*args, **kwargs):
        raise BackendUnreachable(server.address, ConnectionRefusedError())

    real_intake, station.client.intake = station.client.intake, refused
    outcome = station.intake.confirm(fill(station))
    station.client.intake = real_intake
    station.tick()
    assert station.outbox.entries()[0].status == "sent"
    assert [c["code"] for c in server.client("clerk").cases()] == [outcome.code]


def test_entries_are_sent_in_order_and_refusals_do_not_block(station, server, clock):
    station.set_offline(True)
    codes = [station.intake.confirm(fill(station)).code for _ in range(3)]
    with station.store.tx() as db:  # the middle one was numbered outside the lease
        db.execute("update outbox set code = ? where code = ?",
                   [codes[1].replace("-0002", "-0099"), codes[1]])
    station.set_offline(False)
    statuses = [e.status for e in station.outbox.entries()]
    assert statuses == ["sent", "rejected", "sent"]
    (rejected,) = station.outbox.needs_attention()
    assert "không thuộc dải số" in rejected.last_error
    landed = [c["code"] for c in server.client("clerk").cases()]  # newest first
    assert landed == [codes[2], codes[0]]


def test_no_numbers_left_means_by_hand(station, server, clock):
    station.set_offline(True)
    with station.store.tx() as db:
        db.execute("update leases set next = last + 1")
    with pytest.raises(CounterError) as none_left:
        station.intake.confirm(fill(station))
    assert none_left.value.key == "no_lease" and "ghi sổ tay" in none_left.value.vi
    assert not station.outbox.entries() and not station.printing.recent()


def test_return_and_rating_offline_wait_in_the_outbox(station, server, clock):
    case = station.intake.confirm(fill(station)).payload
    resolve(server, case["code"])
    station.set_offline(True)
    view = station.returns.scan(case["compact"])  # mapped by the agency index learned online
    assert view.code == case["code"] and view.case is None and view.can_return
    assert station.returns.hand_over(view.code).level == "warning"
    station.returns.rate(view.code, "satisfied")
    assert [e.kind for e in station.outbox.pending()] == ["action", "rating"]
    station.set_offline(False)
    assert server.client("clerk").case(case["code"])["status"] == "returned"
    assert not station.outbox.pending()


def test_consent_given_offline_reaches_the_case_when_synced(station, server):
    station.set_offline(True)
    form = fill(station)
    form.notify_sms = True
    taken = station.intake.confirm(form)
    assert taken.offline
    station.set_offline(False)  # back: the outbox goes at once
    assert server.client("clerk").case(taken.code)["notify_sms"] is True
