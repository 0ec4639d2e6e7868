"""Nothing lost at the printer: jobs kept until confirmed, reasons shown, reprint after fixing."""

from __future__ import annotations

import re

import pytest

from backend.domain.calendar import short_time
from counter_app.texts import CounterError

from .conftest import fill


def test_paper_out_keeps_the_job_and_says_why_then_retry_prints_it(station, server):
    virtual = station.devices.printer.virtual
    virtual.faults.paper_out = True
    outcome = station.intake.confirm(fill(station))
    job = outcome.job
    assert outcome.code and server.client("clerk").case(outcome.code)  # the case exists
    assert job.status == "failed" and not virtual.receipts
    assert job.reason.vi == "Máy in hết giấy" and job.reason.en == "Printer out of paper"
    assert outcome.msg.level == "error" and "chưa in được: Máy in hết giấy" in outcome.msg.vi
    state = station.status().printer
    assert state.level == "error" and state.paper_out and state.msg.vi == "Máy in hết giấy"
    assert [j.id for j in station.printing.open_jobs()] == [job.id]
    with pytest.raises(CounterError):
        station.printing.reprint(10_000)
    virtual.load_paper()
    again = station.printing.retry(job.id)
    assert again.confirmed and again.attempts == 2 and not station.printing.open_jobs()
    assert outcome.code in virtual.receipts[-1].text
    assert station.devices.printer.refresh().ready


def test_paper_running_out_mid_receipt_reprints_the_whole_copy(station):
    virtual = station.devices.printer.virtual
    virtual.faults.paper_out_after_bytes = 600
    job = station.intake.confirm(fill(station)).job
    assert job.status == "failed" and "giữa chừng" in job.reason.vi
    assert virtual.receipts and not virtual.receipts[-1].complete  # the torn-off stub
    virtual.load_paper()
    done = station.printing.retry(job.id)
    assert done.confirmed and virtual.receipts[-1].complete
    assert "Hẹn trả kết quả" in virtual.receipts[-1].text


def test_cover_open_and_paper_near_end_are_visible(station):
    virtual = station.devices.printer.virtual
    virtual.faults.cover_open = True
    assert station.devices.printer.refresh().msg.vi == "Nắp máy in đang mở"
    virtual.faults.cover_open = False
    virtual.faults.paper_near_end = True
    state = station.devices.printer.refresh()
    assert state.level == "warning" and state.paper_near_end and state.ready
    job = station.intake.confirm(fill(station)).job
    assert job.confirmed and job.reason.vi == "Giấy in sắp hết"  # printed, with a warning


def test_a_silent_printer_is_reported_not_waited_for(station):
    station.devices.printer.printer.status_timeout = 0.05
    station.devices.printer.virtual.faults.mute = True
    state = station.devices.printer.refresh()
    assert state.level == "error" and state.msg.vi.startswith("Máy in không phản hồi")


def test_jobs_survive_a_restart_of_the_station(station, config, devices, clock):
    from counter_app.core import CounterStation

    station.devices.printer.virtual.faults.offline = True
    job = station.intake.confirm(fill(station)).job
    assert job.status == "failed"
    station.store.close()
    with CounterStation(config, devices=devices, clock=clock) as again:
        assert [j.id for j in again.printing.open_jobs()] == [job.id]
        devices.printer.virtual.faults.offline = False
        assert again.printing.retry(job.id).confirmed


def test_unverified_printers_wait_for_the_clerk(config, clock):
    """A write-only printer cannot confirm: the job stays open until the clerk confirms."""
    from counter_app.core import CounterStation
    from counter_app.devices import PrinterPort
    from drivers.printers import EscposPrinter, PrinterProfile, VirtualPrinter

    from .conftest import PASSWORD, make_devices

    devices = make_devices()
    profile = PrinterProfile.for_paper(80, status=False)
    virtual = VirtualPrinter.from_profile(profile)
    devices.printer = PrinterPort(EscposPrinter(virtual.connection(), profile), virtual)
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.login("clerk", PASSWORD)
        assert station.devices.printer.refresh().level == "warning"
        job = station.intake.confirm(fill(station)).job
        assert job.status == "unverified" and "kiểm tra" in job.reason.vi
        assert [j.id for j in station.printing.open_jobs()] == [job.id]
        assert station.printing.confirm_by_hand(job.id).confirmed
        assert not station.printing.open_jobs()


def test_the_receipt_writes_its_times_as_the_register_and_the_sms_do(station, server):
    code = station.intake.confirm(fill(station)).code
    case = server.client("clerk").case(code)
    text = station.devices.printer.virtual.receipts[-1].text
    assert re.search(r"Nhận hồ sơ lúc: \d\d:\d\d \d\d/\d\d/\d{4}", text)
    assert f"Nhận hồ sơ lúc: {short_time(case['received_at'])}" in text
    assert f"Hẹn trả kết quả: {short_time(case['due_at'])}" in text
