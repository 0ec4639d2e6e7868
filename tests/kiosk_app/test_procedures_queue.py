"""Procedures (browse, search without diacritics, details) and queue tickets (print, confirm,
cancel on paper out, button hidden and back)."""

from drivers.cameras.decoder import Decoder
from drivers.printers import Text
from kiosk_app.tickets import ticket_document
from tests.kiosk_app.conftest import run_until, settle


def test_browse_by_field_then_open_a_procedure(kiosk):
    kiosk.procedures.open()
    assert kiosk.state.screen == "procedures" and kiosk.state.busy.en == "Loading…"
    settle(kiosk)
    fields = {f.code: f for f in kiosk.state.fields}
    assert fields["ho-tich"].name == "Hộ tịch" and fields["ho-tich"].count == 5
    kiosk.procedures.choose_field("ho-tich")
    settle(kiosk)
    assert kiosk.state.screen == "procedure_list"
    assert "Đăng ký khai sinh" in [p.name for p in kiosk.state.procedures]
    kiosk.procedures.open_procedure("1.004873")
    settle(kiosk)
    view = kiosk.state.procedure
    rows = {label.en: value for label, value in view.rows}
    assert kiosk.state.screen == "procedure" and view.name.startswith("Cấp Giấy xác nhận")
    assert rows["Processing time"].vi == "3 ngày làm việc"
    assert rows["Fees"].vi.endswith("3.000 đồng, nộp khi nộp hồ sơ")
    assert rows["Where to apply"].vi.startswith("Bộ phận Một cửa")
    assert "dịch vụ A (Hộ tịch, chứng thực)" in rows["Where to apply"].vi
    assert any("bản chính" in d.vi for d in view.documents)
    assert view.documents[-1].en.startswith("Number of sets")
    kiosk.back()
    assert kiosk.state.screen == "procedure_list"
    kiosk.back()
    settle(kiosk)
    assert kiosk.state.screen == "procedures" and kiosk.state.field is None


def test_search_as_you_type_without_diacritics(kiosk, mono):
    kiosk.procedures.open()
    settle(kiosk)
    for key in ["K", "H", "A", "I", "space", "S", "I", "N", "H"]:
        kiosk.procedures.type(key)
    assert kiosk.state.query == "khai sinh" and kiosk.state.procedures == ()
    mono.advance(0.5)  # the search waits for a pause in typing
    kiosk.pump()
    settle(kiosk)
    assert [p.name for p in kiosk.state.procedures] == ["Đăng ký khai sinh"]
    for key in ["space", "X", "Y", "Z"]:
        kiosk.procedures.type(key)
    mono.advance(0.5)
    kiosk.pump()
    settle(kiosk)
    assert kiosk.state.procedures == () and "khai sinh xyz" in kiosk.state.notice.vi
    kiosk.procedures.type("clear")
    mono.advance(0.5)
    kiosk.pump()
    assert kiosk.state.procedures == () and kiosk.state.query == ""


def test_a_ticket_prints_then_counts(kiosk, server):
    assert kiosk.state.ticket_available and kiosk.state.ticket_reason is None
    kiosk.queue.open()
    settle(kiosk)
    services = {s.letter: s for s in kiosk.state.services}
    assert services["A"].counters == "1, 2" and services["A"].waiting == 0
    kiosk.queue.take("A")
    assert kiosk.state.busy.vi == "Đang in số thứ tự…"
    settle(kiosk)
    ticket = kiosk.state.ticket
    assert kiosk.state.screen == "ticket" and ticket.label == "A-001" and ticket.confirmed
    assert ticket.ahead == 0 and ticket.issued_at == "09:30 23/11/2026"
    printed = kiosk.hardware.printer.virtual.receipts
    assert len(printed) == 1 and printed[0].complete and printed[0].path.exists()
    status = server.client().queue_status()
    assert status["services"][0]["waiting"] == 1
    kiosk.go_home()
    kiosk.queue.open()
    settle(kiosk)
    kiosk.queue.take("A")
    settle(kiosk)
    assert kiosk.state.ticket.label == "A-002" and kiosk.state.ticket.ahead == 1


def test_paper_out_mid_ticket_cancels_it_and_hides_the_button_until_reloaded(kiosk, server,
                                                                             mono):
    printer = kiosk.hardware.printer.virtual
    kiosk.queue.open()
    settle(kiosk)
    printer.faults.paper_out_after_rows = 5  # the roll ends halfway through the ticket
    kiosk.queue.take("B")
    settle(kiosk)
    assert kiosk.state.screen == "home" and kiosk.state.ticket is None
    assert kiosk.state.notice.vi.startswith("Không in được số thứ tự: Máy in hết giấy")
    assert "does not count" in kiosk.state.notice.en
    assert not kiosk.state.ticket_available
    assert kiosk.state.ticket_reason.en == "Printer out of paper"
    assert server.client().queue_status()["services"][1]["waiting"] == 0  # cancelled
    kiosk.queue.open()  # a stale screen cannot issue one either
    assert kiosk.state.screen == "home" and "paused" in kiosk.state.notice.en
    printer.load_paper()
    mono.advance(31)  # the next printer check
    run_until(kiosk, lambda: kiosk.state.ticket_available)


def test_the_button_hides_before_anyone_tries_when_the_printer_reports_no_paper(kiosk, mono):
    kiosk.hardware.printer.virtual.faults.paper_out = True
    mono.advance(31)
    run_until(kiosk, lambda: not kiosk.state.ticket_available)
    assert kiosk.state.ticket_reason.vi == "Máy in hết giấy"


def test_ticket_printed_while_the_server_vanished_is_confirmed_later(kiosk, server, mono):
    kiosk.queue.open()
    settle(kiosk)
    real = kiosk.client.ticket_printed
    calls = []

    def flaky(ticket_id):
        calls.append(ticket_id)
        if len(calls) == 1:
            from backend.client import BackendUnreachable

            raise BackendUnreachable("test", OSError("cable pulled"))
        return real(ticket_id)

    kiosk.client.ticket_printed = flaky
    kiosk.queue.take("C")
    settle(kiosk)
    assert kiosk.state.ticket.label == "C-001" and not kiosk.state.ticket.confirmed
    assert kiosk.queue.unconfirmed
    mono.advance(6)
    run_until(kiosk, lambda: not kiosk.queue.unconfirmed)
    assert server.client().queue_status()["services"][2]["waiting"] == 1


def test_no_ticket_button_without_a_printer_or_registration(make_kiosk):
    from kiosk_app.devices import Hardware

    bare = make_kiosk(hardware=Hardware())
    assert not bare.state.ticket_available and bare.state.ticket_reason.en.endswith("no printer")
    anonymous = make_kiosk(registered=False)
    assert anonymous.state.ticket_reason.en == "This kiosk is not registered"


def test_the_queue_ticket_decodes_nothing_it_should_not(kiosk):
    """A ticket has no barcode: a citizen holding it to the camera gets no false case."""
    kiosk.queue.open()
    settle(kiosk)
    kiosk.queue.take("D")
    settle(kiosk)
    import numpy as np

    image = np.asarray(kiosk.hardware.printer.virtual.receipts[-1].image.convert("L"))
    assert Decoder().decode(image) == []


def test_the_ticket_says_number_service_counters_time_and_people_ahead():
    ticket = {"label": "B-017", "people_ahead": 4, "issued_at": "2026-11-23T09:31:00+07:00"}
    doc = ticket_document(ticket, "Đất đai, xây dựng", "3, 4", "UBND phường Tân Ninh")
    texts = [b.text for b in doc if isinstance(b, Text)]
    big = [b for b in doc if isinstance(b, Text) and b.size == 4]
    assert [b.text for b in big] == ["B-017"]
    for line in ("UBND phường Tân Ninh", "Dịch vụ: Đất đai, xây dựng", "Số người chờ trước: 4",
                 "People ahead: 4", "Quầy phục vụ: 3, 4", "Giờ lấy số: 09:31 23/11/2026"):
        assert line in texts


def test_fields_and_procedures_come_in_vietnamese_order(kiosk, server):
    names = [f["name"] for f in server.client().fields()]
    assert names.index("Đất đai") < names.index("Hộ tịch") < names.index("Lý lịch tư pháp")
    kiosk.procedures.open()
    settle(kiosk)
    shown = [f.name for f in kiosk.state.fields]
    assert shown == names and shown.index("Đất đai") < shown.index("Lý lịch tư pháp")


def test_a_priority_ticket_is_called_first(kiosk, clerk):
    kiosk.queue.open()
    settle(kiosk)
    kiosk.queue.take("A")  # an ordinary ticket first
    settle(kiosk)
    kiosk.go_home()
    kiosk.queue.open()
    settle(kiosk)
    kiosk.choose_priority("pregnant")
    kiosk.queue.take("A")
    settle(kiosk)
    assert kiosk.state.ticket.label == "A-002" and kiosk.state.priority == "pregnant"
    assert clerk.call(1)["ticket"]["label"] == "A-002"  # before A-001, issued earlier
    kiosk.choose_priority("vip")  # not a reason the counter knows: ignored
    assert kiosk.state.priority == "pregnant"
    kiosk.go_home()
    assert kiosk.state.priority is None


def test_during_lunch_the_button_says_when_tickets_resume(kiosk, clock, mono):
    clock.now = clock.now.replace(hour=11, minute=45)
    mono.advance(31)  # the next check of the opening hours
    run_until(kiosk, lambda: not kiosk.state.ticket_available)
    reason = kiosk.state.ticket_reason
    assert reason.vi == "ngoài giờ làm việc. Lấy số lại lúc 13:30"
    assert reason.en == "outside office hours. Tickets again from 13:30"
    # Monday evening: Tuesday 24/11 is a public holiday (from 2026), so Wednesday morning.
    clock.now = clock.now.replace(hour=17, minute=30)
    mono.advance(31)
    run_until(kiosk, lambda: "25/11" in kiosk.state.ticket_reason.vi)
    assert kiosk.state.ticket_reason.vi.endswith("Lấy số lại lúc 07:00 ngày 25/11")
    clock.now = clock.now.replace(hour=13, minute=30, day=25)
    mono.advance(31)
    run_until(kiosk, lambda: kiosk.state.ticket_available)


def test_a_priority_ticket_says_so_on_paper():
    ticket = {"label": "A-003", "people_ahead": 0, "issued_at": "2026-11-23T09:31:00+07:00",
              "priority": True, "priority_reason": "elderly"}
    texts = [b.text for b in ticket_document(ticket, "Hộ tịch", "1, 2") if isinstance(b, Text)]
    assert "ƯU TIÊN: Người cao tuổi" in texts and "PRIORITY: Elderly person" in texts
    ordinary = ticket_document({**ticket, "priority": False, "priority_reason": None}, "Hộ tịch",
                               "1, 2")
    assert not any("ƯU TIÊN" in b.text for b in ordinary if isinstance(b, Text))
