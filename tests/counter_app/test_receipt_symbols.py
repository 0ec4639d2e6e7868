"""The receipt's symbols as a camera sees them: printed, rendered to PNG, decoded by zxing-cpp."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from backend.domain.codes import parse_compact, parse_scan
from counter_app.core import CounterStation
from counter_app.devices import CounterDisplay, Devices, PrinterPort, RecordingAnnouncer
from drivers.printers import EscposPrinter, PrinterProfile, VirtualPrinter

from .conftest import PASSWORD, fill


def decode(path) -> dict:
    with Image.open(path) as image:
        return {b.format: b.text for b in zxingcpp.read_barcodes(image.convert("L"))}


def station_with(config, clock, tmp_path, profile: PrinterProfile) -> CounterStation:
    virtual = VirtualPrinter.from_profile(profile, out_dir=tmp_path / "png")
    devices = Devices(PrinterPort(EscposPrinter(virtual.connection(), profile), virtual),
                      CounterDisplay(None, 1), RecordingAnnouncer())
    return CounterStation(config, devices=devices, clock=clock)


@pytest.mark.parametrize("mm, encoding, native", [
    (80, "tcvn3", True), (58, "raster", True), (58, "cp1258", False), (80, "raster", False)])
def test_printed_symbols_decode_to_the_case(config, clock, server, tmp_path, mm, encoding,
                                            native):
    profile = PrinterProfile.for_paper(mm, text_encoding=encoding, native_barcode=native,
                                       native_qr=native)
    with station_with(config, clock, tmp_path, profile) as station:
        station.login("clerk", PASSWORD)
        case = station.intake.confirm(fill(station, "1.013225")).payload
        (receipt,) = station.devices.printer.virtual.receipts
        assert receipt.complete and receipt.path.exists()
        found = decode(receipt.path)
        compact = found[zxingcpp.BarcodeFormat.Code128]
        qr = found[zxingcpp.BarcodeFormat.QRCode]
        assert compact == case["compact"] and qr == case["qr"]
        code, token = qr.split("/")
        assert code == case["code"] and len(token) == 8
        assert str(parse_compact(compact)).endswith(token)  # both carry the same token
        looked_up = server.client().lookup(compact)  # the kiosk's way in
        assert looked_up["code"] == case["code"] and looked_up["applicant"]
        assert station.returns.scan(qr).code == str(parse_scan(qr).code) == case["code"]


def test_offline_receipt_carries_both_symbols_from_the_lease(station, server, tmp_path):
    from backend.domain.codes import verify_token
    from backend.store.site import load_site

    station.set_offline(True)
    outcome = station.intake.confirm(fill(station))
    found = decode(station.devices.printer.virtual.receipts[-1].path)
    code, token = found[zxingcpp.BarcodeFormat.QRCode].split("/")
    assert code == outcome.code
    assert verify_token(code, token, load_site(server.app.state.store).secret)
    compact = parse_compact(found[zxingcpp.BarcodeFormat.Code128])
    assert compact.token == token and compact.seq == int(code[-4:])


@pytest.mark.parametrize("mm, native", [(58, True), (80, False)])
def test_the_raster_cache_gives_the_drivers_bytes(mm, native):
    from counter_app import receipts
    from counter_app.config import StationConfig
    from drivers.printers import compile_document
    from drivers.printers.rastercache import RasterCache

    profile = PrinterProfile.for_paper(mm, text_encoding="raster", native_barcode=native,
                                       native_qr=native)
    cache = RasterCache(profile)
    agency = {"code": "000.00.06.H56", "name": "Trung tâm Phục vụ hành chính công"}
    for name in ("Nguyễn Thị Ánh Tuyết", "Lê Văn Bàn"):
        case = receipts.sample_case(agency, "Trần Thị Bích", "2026-11-23T09:30:00+07:00")
        case["applicant"] = {"name": name, "address": "1 Lê Lợi, phường Tân Ninh"}
        doc = receipts.receipt(case, StationConfig(paper_mm=mm))
        assert cache.compile(doc) == compile_document(doc, profile)
    assert cache.hits > 20  # the second receipt drew only its own lines


def test_without_a_public_address_the_receipt_prints_no_web_address(station, server):
    outcome = station.intake.confirm(fill(station))
    receipt = station.devices.printer.virtual.receipts[-1]
    assert "127.0.0.1" not in receipt.text and "Web:" not in receipt.text
    assert "- SMS: Soạn TTHC <mã hồ sơ> gửi 8188" in receipt.lines  # still told how to look up
    assert "- Ki-ốt tại Bộ phận Một cửa: quét mã trên giấy này" in " ".join(receipt.lines)
    assert decode(receipt.path)[zxingcpp.BarcodeFormat.QRCode] == outcome.payload["qr"]
    assert outcome.payload["qr"].startswith(outcome.code + "/")


def test_with_a_public_address_the_qr_opens_it_and_the_receipt_prints_it(station, server):
    from backend.store.site import set_public

    set_public(server.app.state.store, "public_address", "https://tracuu.tanninh.gov.vn")
    outcome = station.intake.confirm(fill(station))
    receipt = station.devices.printer.virtual.receipts[-1]
    assert "- Web: https://tracuu.tanninh.gov.vn/tra-cuu" in receipt.lines
    qr = decode(receipt.path)[zxingcpp.BarcodeFormat.QRCode]
    token = outcome.payload["compact"][-8:]
    assert qr == f"HTTPS://TRACUU.TANNINH.GOV.VN/L/{outcome.code}/{token}"
    assert station.returns.scan(qr).code == outcome.code  # the counter's returns scan
    assert server.client().lookup(qr)["applicant"]  # the kiosk's way in: token proves it


def test_offline_receipt_qr_opens_the_public_address_learned_online(station, server):
    from backend.store.site import set_public

    set_public(server.app.state.store, "public_address", "https://tracuu.tanninh.gov.vn")
    station.intake.confirm(fill(station))  # online: the station learns the address
    station.set_offline(True)
    outcome = station.intake.confirm(fill(station))
    assert outcome.offline
    receipt = station.devices.printer.virtual.receipts[-1]
    qr = decode(receipt.path)[zxingcpp.BarcodeFormat.QRCode]
    assert qr.startswith(f"HTTPS://TRACUU.TANNINH.GOV.VN/L/{outcome.code}/")
    assert "- Web: https://tracuu.tanninh.gov.vn/tra-cuu" in receipt.lines
    station.set_offline(False)  # back online, the outbox is sent: the QR opens the case
    assert server.client().lookup(qr)["applicant"]


@pytest.mark.parametrize("qr, lookup_web, printed", [
    ("HTTPS://TRACUU.VN/L/000.00.06.H56-261123-0007/48213907", "", "https://tracuu.vn/tra-cuu"),
    ("000.00.06.H56-261123-0007/48213907", "https://dvc.tayninh.gov.vn/tra-cuu",
     "https://dvc.tayninh.gov.vn/tra-cuu"),
    ("000.00.06.H56-261123-0007/48213907", "http://192.168.1.20:8000/tra-cuu", None),
    ("000.00.06.H56-261123-0007/48213907", "", None),
])
def test_the_web_line_is_only_ever_an_address_a_phone_can_open(qr, lookup_web, printed):
    from counter_app import receipts
    from counter_app.config import StationConfig

    station = StationConfig(backend_url="http://127.0.0.1:8000", lookup_web=lookup_web)
    lines = [b.text for b in receipts.lookup_lines({"qr": qr}, station) if hasattr(b, "text")]
    web = [line for line in lines if line.startswith("- Web:")]
    assert web == ([f"- Web: {printed}"] if printed else [])
    assert any(line.startswith("- SMS:") for line in lines)
