"""The virtual printer has the limits of the model it stands for, and the driver keeps to them.

- A printer without combining support prints a CP1258 tone byte in a cell of its own, so the
  driver counts cells as the printer prints them: no receipt or ticket line overflows, in any
  text mode, at 58 or 80 mm (raster lines fit the dots likewise).
- A printer nobody has checked is a clone whose page 31 is Hebrew: it must never be sent a
  text-mode code page, from the counter or the kiosk.
- Long addresses break at "/" and "." instead of mid-word.
- Without a cutter, the job's last feed takes the page past the tear bar: it becomes a PNG.
"""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
import yaml
import zxingcpp
from PIL import Image

from counter_app import receipts
from counter_app.config import StationConfig
from counter_app.devices import make_printer as counter_printer
from drivers import profiles as hp
from drivers.printers import (
    Document,
    EscposPrinter,
    PrinterProfile,
    Text,
    VirtualPrinter,
    encode_cp1258,
)
from drivers.printers import raster as R
from drivers.printers.compiler import Compiler, wrap_columns
from drivers.printers.vietnamese import Tcvn3Encoder, plain_punctuation
from drivers.profiles import PrinterConfidence, load_profiles, printer_profile
from kiosk_app.devices import make_printer as kiosk_printer
from kiosk_app.tickets import self_test_slip, ticket_document

LONG_WEB = "https://dichvucong.tanninh.hochiminhcity.gov.vn/tra-cuu-ho-so"
STATION = StationConfig(lookup_web=LONG_WEB, issuer="ỦY BAN NHÂN DÂN PHƯỜNG TÂN NINH",
                        collect_at="Quầy trả kết quả số 3, Bộ phận Một cửa phường Tân Ninh")


def long_case() -> dict:
    """A receipt with the longest Vietnamese lines a centre prints (tones on most letters)."""
    case = receipts.sample_case({"name": "Trung tâm Phục vụ hành chính công phường Tân Ninh"},
                                "Trần Thị Ngọc Hường", "2026-11-23T08:15:00+07:00")
    case["applicant"] = {"name": "Nguyễn Thị Phượng Loan", "phone": "0912345678",
                         "address": "Số 12 ngõ 34 đường Lê Thánh Tông, khu phố Mỹ Thuận, "
                                    "phường Tân Ninh, thành phố Tây Ninh"}
    case["procedure"].update(name="Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm "
                                  "y tế cho trẻ em dưới sáu tuổi (liên thông)", code="1.001193")
    case["documents"] = [
        {"name": "Tờ khai đăng ký khai sinh theo mẫu (Mẫu số 01/HT)", "count": 1},
        {"name": "Giấy chứng sinh do cơ sở y tế nơi trẻ được sinh ra cấp", "count": 1},
        {"name": "Giấy tờ chứng minh nơi cư trú; văn bản ủy quyền (nếu có)", "count": 2}]
    return case


def documents() -> dict[str, Document]:
    ticket = {"label": "A-012", "people_ahead": 3, "issued_at": "2026-11-23T08:15:00+07:00"}
    return {
        "receipt": receipts.receipt(long_case(), STATION, copy=2),
        "refusal": receipts.refusal({"agency": {}, "applicant": long_case()["applicant"],
                                     "procedure": long_case()["procedure"],
                                     "clerk": {"full_name": "Trần Thị Ngọc Hường"},
                                     "at": "2026-11-23T08:15:00+07:00",
                                     "reason": "Giấy tờ chứng minh nơi cư trú không hợp lệ, "
                                               "đề nghị bổ sung xác nhận của công an phường"},
                                    STATION),
        "supplement": receipts.supplement({
            "agency": {}, "applicant": long_case()["applicant"],
            "procedure": long_case()["procedure"], "at": "2026-11-23T08:15:00+07:00",
            "clerk": {"full_name": "Trần Thị Ngọc Hường"},
            "missing": [d["name"] for d in long_case()["documents"]],
            "note": "Bản sao phải có chứng thực; xem https://dichvucong.gov.vn/p/home/dvc-tthc"},
            STATION),
        "ticket": ticket_document(ticket, "Hộ tịch, chứng thực, quốc tịch", "1, 2, 3",
                                  "Trung tâm Phục vụ hành chính công phường Tân Ninh"),
        "test slip": self_test_slip("kiosk-sanh-1", datetime(2026, 1, 1)),
    }


TEXT_MODES = [("tcvn3", False), ("cp1258", False), ("cp1258", True)]


def model(mm: int, encoding: str, combining: bool = False) -> PrinterProfile:
    return PrinterProfile.for_paper(mm, text_encoding=encoding, cp1258_combining=combining)


# -- CP1258 tones -------------------------------------------------------------------------------


def test_cp1258_tone_byte_takes_its_own_cell_on_a_printer_without_combining():
    line = "Việt Nam ấm áp"  # ệ, ấ, á: letter + separate tone byte in CP1258
    data = b"\x1bt\x34" + encode_cp1258(line) + b"\n\x1dVA\x00"
    plain = VirtualPrinter(combining=False)
    plain.feed(data)
    combining = VirtualPrinter(combining=True)
    combining.feed(data)
    assert plain.receipts[0].lines == combining.receipts[0].lines == [line]
    # The letters read the same, but the plain printer used a cell per byte: wider print.
    assert len(encode_cp1258(line)) > len(line)
    width = {p: R.trim(p.receipts[0].image)[0].width for p in (plain, combining)}
    assert width[plain] == 12 * len(encode_cp1258(line)) - (12 - width[combining] % 12) % 12


def test_a_full_line_of_toned_letters_overflows_only_where_counted_wrong():
    line = "ấ" * 32  # 32 letters, 64 CP1258 bytes
    printer = VirtualPrinter(paper_width_dots=384, combining=False)
    printer.feed(b"\x1bt\x34" + encode_cp1258(line) + b"\n")
    assert printer.overflows  # the printer had to wrap: what the issue saw at 58 mm
    assert wrap_columns(line, 32, Compiler(model(58, "cp1258")).cells) == ["ấ" * 16] * 2


@pytest.mark.parametrize("mm", [58, 80])
@pytest.mark.parametrize("encoding, combining", TEXT_MODES)
def test_no_receipt_or_ticket_line_overflows_in_text_mode(tmp_path, mm, encoding, combining):
    prof = model(mm, encoding, combining)
    for name, doc in documents().items():
        printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path / name)
        result = EscposPrinter(printer.connection(), prof).print_document(doc)
        assert result.ok, result.reason
        assert printer.overflows == [], (name, printer.overflows)
        assert printer.receipts and not printer.unknown


@pytest.mark.parametrize("mm", [58, 80])
def test_no_receipt_or_ticket_line_overflows_in_raster(mm):
    width = PrinterProfile.for_paper(mm).paper_width_dots
    for name, doc in documents().items():
        for block in (b for b in doc if isinstance(b, Text)):
            px = R.BASE_FONT_PX * block.size
            for line in R.wrap_pixels(block.text, width, block.bold, px):
                assert R.text_width(line, block.bold, px) <= width, (name, line)


# -- long addresses -------------------------------------------------------------------------------


def test_long_address_breaks_at_slash_and_dot_not_mid_word():
    lines = wrap_columns(f"- Web: {LONG_WEB}", 32)
    assert lines == ["- Web: https://dichvucong", ".tanninh.hochiminhcity.gov.vn/", "tra-cuu-ho-so"]
    assert "".join(lines).replace("- Web: ", "") == LONG_WEB
    pixels = R.wrap_pixels(f"- Web: {LONG_WEB}", 384)
    assert "".join(pixels).replace("- Web: ", "") == LONG_WEB
    assert all(line.endswith(("/", "-")) or after.startswith(".")
               for line, after in itertools.pairwise(pixels)), pixels


def test_a_part_wider_than_the_line_is_still_cut_to_fit():
    assert wrap_columns("x" * 40, 32) == ["x" * 32, "x" * 8]
    assert wrap_columns("a " + "b" * 31, 32) == ["a", "b" * 31]


# -- unknown printers -----------------------------------------------------------------------------


def test_a_clone_prints_tcvn3_sent_to_page_31_with_hebrew_page_glyphs():
    clone = VirtualPrinter.from_profile(PrinterProfile.for_paper(58))  # nobody checked it
    clone.feed(b"\x1b@" + Tcvn3Encoder().encode("ĐỖ VĂN AN") + b"\n\x1dVA\x00")
    [line] = clone.receipts[0].lines
    assert line == "ºτ VíN AN"  # DOS Hebrew (CP862) glyphs where the letters should be
    assert clone.pages_selected == [31] and clone.codepages[31] == "cp862"


def test_counter_without_a_profile_sends_no_code_page(tmp_path):
    port = counter_printer(StationConfig(data_dir=str(tmp_path)))
    assert port.profile.text_encoding == "raster"
    assert not (port.profile.native_barcode or port.profile.native_qr)
    case = long_case()
    case["qr"] = "000.00.06.H56-261123-0007/48213907"
    assert port.print_document(receipts.receipt(case, STATION)).ok
    assert port.virtual.pages_selected == [] and port.virtual.receipts


def test_kiosk_without_a_model_sends_no_code_page(tmp_path):
    printer = kiosk_printer(f"virtual:{tmp_path}", 80)
    assert printer.print_document(documents()["ticket"]).ok
    assert printer.virtual.pages_selected == []


def test_text_mode_prints_right_only_on_a_model_that_has_the_page():
    for encoding in ("tcvn3", "cp1258"):
        prof = model(58, encoding)
        printer = VirtualPrinter.from_profile(prof)
        text = "Đỗ Thị Hường"
        assert EscposPrinter(printer.connection(), prof).print_document(
            Document([Text(text)])).ok
        assert printer.receipts[0].lines == [text]
        assert printer.pages_selected[-1] in (prof.cp1258_codepage, *prof.tcvn3_codepages)


# -- profiles: only verified capabilities are used ---------------------------------------------


def test_cheap_58mm_printers_get_raster_symbols_and_text():
    shipped = load_profiles()
    for name in ("generic-pos-58", "generic-escpos-58mm", "generic-escpos-80mm"):
        prof = printer_profile(shipped.devices[name])
        assert (prof.text_encoding, prof.native_barcode, prof.native_qr) == (
            "raster", False, False), name
    epson = printer_profile(shipped.devices["epson-tm-t82iii"])
    assert epson.native_barcode and epson.native_qr  # verified in Epson's specification
    assert epson.text_encoding == "raster"  # TCVN-3 on 30/31 only assumed so far


def test_assumed_code_page_or_symbols_fall_back_to_raster(tmp_path):
    marks = dict.fromkeys(PrinterConfidence.model_fields, "verified")
    caps = {"paper_width_dots": 576, "chars_per_line": 48, "text_encoding": "tcvn3",
            "native_barcode": True, "native_qr": True, "cut": True, "status": True}
    device = {"kind": "printer", "vendor": "T", "model": "P", "connection": "usb",
              "driver": "drivers.printers.escpos.EscposPrinter", "capabilities": caps}
    root = tmp_path / "hardware_profiles"
    (root / "devices" / "printer").mkdir(parents=True)
    for name, assumed in (("all-verified", ()), ("page-assumed", ("tcvn3_codepages",)),
                          ("qr-assumed", ("native_qr",))):
        data = {**device, "confidence": {**marks, **dict.fromkeys(assumed, "assumed")}}
        (root / "devices" / "printer" / f"{name}.yaml").write_text(yaml.safe_dump(data))
    devices = load_profiles(root).devices
    got = {name: printer_profile(d) for name, d in devices.items()}
    assert got["all-verified"].text_encoding == "tcvn3" and got["all-verified"].native_qr
    assert got["page-assumed"].text_encoding == "raster"
    assert not got["qr-assumed"].native_qr and got["qr-assumed"].native_barcode


def test_check_profiles_explains_a_missing_or_misspelt_mark(tmp_path):
    path = tmp_path / "hardware_profiles" / "devices" / "printer" / "test-p.yaml"
    path.parent.mkdir(parents=True)
    text = (hp.DEFAULT_ROOT / "devices" / "printer" / "generic-escpos-80mm.yaml").read_text()
    text = text.replace("  native_qr: assumed\n", "  native_qr: maybe\n")
    path.write_text(text.replace("  status: assumed\n", "  stauts: assumed\n"))
    found = [str(p) for p in hp.read_profiles(path.parents[2]).problems]
    assert any("trường 'confidence.native_qr' phải là một trong 'verified' hoặc 'assumed'"
               in p and "(got 'maybe')" in p for p in found), found
    assert any("trường 'confidence.status' bị thiếu" in p for p in found), found
    assert any("trường 'stauts' không hợp lệ" in p and "(trong/in 'confidence')" in p
               for p in found), found


# -- no cutter: the page ends with the job ---------------------------------------------------------


def test_without_a_cutter_closing_the_connection_tears_the_page_off(tmp_path):
    prof = PrinterProfile.for_paper(58, cut=False)
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path)
    link = printer.connection()
    link.write(b"\x1b@" + b"Phieu tu phan mem khac\n")  # another program's job: no tear feed
    assert not printer.receipts
    link.close()
    [receipt] = printer.receipts
    assert receipt.lines == ["Phieu tu phan mem khac"] and receipt.path.exists()


def test_kiosk_tickets_on_the_demo_ticket_printer_become_pngs(tmp_path):
    _spec, device = load_profiles().station_devices("demo-fake")["ticket_printer"]
    assert device.name == "generic-pos-58" and not device.capabilities.cut
    printer = kiosk_printer(f"virtual:{tmp_path}", 58, device.name)
    for label in ("A-001", "A-002"):
        ticket = {"label": label, "people_ahead": 0, "issued_at": "2026-11-23T08:15:00+07:00"}
        assert printer.print_document(ticket_document(ticket, "Hộ tịch", "1, 2")).ok
    pngs = sorted(tmp_path.glob("*.png"))
    assert [p.name for p in pngs] == ["generic-pos-58-0001.png", "generic-pos-58-0002.png"]
    assert all(r.kept is None for r in printer.virtual.receipts)  # on disk, not in memory
    with Image.open(pngs[1]) as png:
        assert png.width == 384 and 300 < png.height < 900
        top = R.trim(png.convert("1"))[1]
        assert top < 40  # the second ticket starts on its own paper, not below the first


def test_a_line_the_code_page_lacks_is_drawn_wrapped_to_the_paper():
    line = "✓ ĐÃ KIỂM TRA ĐỦ GIẤY TỜ HỢP LỆ"  # 31 cells; "✓" is in no code page: drawn
    prof = model(58, "tcvn3")
    data = Compiler(prof).compile(Document([Text(line, bold=True)]))
    parts = R.wrap_pixels(line, 384, True)
    assert len(parts) == 2 and R.text_width(line, True) > 384  # as one image it would be cut
    assert data.count(b"\x1dv0") == 2  # two images, each within the paper


def test_a_cheap_printer_prints_nothing_for_native_symbols_so_they_are_drawn(tmp_path):
    from drivers.printers import QR, Barcode128

    doc = Document([Barcode128("01261123000748213907"), QR("HTTPS://TRACUU.VN/L/X/1")])
    cheap = printer_profile(load_profiles().devices["generic-pos-58"])
    as_before = PrinterProfile.for_paper(58, cut=False, native_barcode=True, native_qr=True)
    for prof, readable in ((as_before, False), (cheap, True)):
        printer = VirtualPrinter.from_profile(cheap, out_dir=tmp_path / str(readable))
        assert EscposPrinter(printer.connection(), prof).print_document(doc).ok
        found = zxingcpp.read_barcodes(printer.receipts[-1].image.convert("L"))
        assert bool(found) is readable and bool(printer.unknown) is not readable
        assert len(found) == (2 if readable else 0)


@pytest.mark.parametrize("encoding", ["tcvn3", "cp1258"])
def test_punctuation_the_page_lacks_is_counted_as_what_replaces_it(encoding):
    prof = model(58, encoding)
    text = "Ghi chú… thêm “giấy tờ” — xem mục 3… và mục 4… rồi ký tên…"
    printer = VirtualPrinter.from_profile(prof)
    assert EscposPrinter(printer.connection(), prof).print_document(Document([Text(text)])).ok
    printed = printer.receipts[0].text.replace("\n", " ")
    assert printer.overflows == [] and printed in (text, plain_punctuation(text))
    assert ("..." in printed) is (encoding == "tcvn3")  # CP1258 has "…", TCVN-3 does not
