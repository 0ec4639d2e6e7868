"""Priority citizens at the desk: the clerk prints them a priority number on the counter's
printer, or serves them at once. Against the live server, the ticket through the virtual
printer's ESC/POS interpreter."""

from __future__ import annotations

import pytest

from counter_app.texts import CounterError

from .conftest import issue


def waiting(server, letter: str = "A") -> int:
    services = server.client().queue_status()["services"]
    return next(s["waiting"] for s in services if s["letter"] == letter)


def test_a_printed_priority_number_is_called_before_ordinary_ones(station, kiosk, server):
    issue(kiosk, "A")
    issue(kiosk, "A")
    printed = station.queue.priority_ticket("A", "elderly")
    ticket = printed.ticket
    assert ticket["priority"] and ticket["priority_reason"] == "elderly"
    assert ticket["status"] == "waiting" and ticket["label"] == "A-003"
    assert printed.msg.vi.startswith("Đã in số ưu tiên A-003 (người cao tuổi)")
    assert "(elderly)" in printed.msg.en and printed.msg.level == "ok"
    paper = " ".join(station.devices.printer.virtual.receipts[-1].text.split())
    assert "A-003" in paper and "ƯU TIÊN: người cao tuổi, được gọi trước số thường" in paper
    assert "PRIORITY: elderly, called before ordinary numbers" in paper
    assert "Số người chờ trước" not in paper  # the server's count ignores priority
    assert "?" not in paper  # every Vietnamese letter printed, none replaced
    assert station.queue.call_next().ticket["label"] == "A-003"


def test_a_priority_number_that_did_not_print_is_cancelled(station, kiosk, server):
    issue(kiosk, "A")
    station.devices.printer.virtual.faults.paper_out = True
    with pytest.raises(CounterError) as failed:
        station.queue.priority_ticket("A", "disabled")
    assert failed.value.key == "ticket_not_printed"
    assert "A-002" in failed.value.vi and "hết giấy" in failed.value.vi.lower()
    assert "A-002" in failed.value.en and "paper" in failed.value.en.lower()
    assert waiting(server) == 1  # nobody waits for a number nobody holds
    assert station.queue.call_next().ticket["label"] == "A-001"


def test_serve_a_priority_citizen_at_once(station, kiosk, server):
    issue(kiosk, "A")
    served = station.queue.serve_priority("A", "pregnant")
    assert served.ticket["label"] == "A-002" and served.ticket["priority_reason"] == "pregnant"
    assert served.msg.vi.startswith("Đang phục vụ người ưu tiên, số A-002")
    assert station.queue.view().current["label"] == "A-002"
    assert station.devices.announcer.played[-1].endswith("A 0 0 2, đến quầy số 1")
    assert waiting(server) == 1  # the ordinary ticket still waits its turn
    with pytest.raises(CounterError) as busy:
        station.queue.serve_priority("A", "elderly")  # someone is being served here
    assert busy.value.key == "priority_busy" and busy.value.en


def test_an_earlier_priority_citizen_keeps_their_turn(station, kiosk, server):
    earlier = issue(kiosk, "A", "elderly")
    served = station.queue.serve_priority("A", "disabled")
    assert served.ticket["label"] == earlier["label"]
    assert "A-002" in served.msg.vi and earlier["label"] in served.msg.vi
    assert station.queue.call_next().ticket["label"] == "A-002"


def test_priority_needs_a_group_and_a_service_of_this_counter(station, kiosk):
    with pytest.raises(CounterError) as no_reason:
        station.queue.priority_ticket("A", "")
    assert no_reason.value.key == "priority_reason" and no_reason.value.en
    with pytest.raises(CounterError) as other:
        station.queue.priority_ticket("B", "elderly")  # counter 1 serves A and D
    assert other.value.key == "unknown_service" and "B" in other.value.vi
    assert station.devices.printer.virtual.receipts == []
