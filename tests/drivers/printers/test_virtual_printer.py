"""The ESC/POS simulator itself: chunking, unknown commands, foreign streams."""

from __future__ import annotations

import logging

import barcode
import zxingcpp
from escpos.printer import Dummy
from PIL import Image, ImageChops, ImageOps

from drivers.printers import (
    QR,
    Barcode128,
    Document,
    EscposPrinter,
    Feed,
    PrinterProfile,
    Text,
    VirtualPrinter,
)
from drivers.printers import Image as DocImage
from drivers.printers.commands import code128, code128_data
from drivers.printers.raster import code128_modules, code128_values

from .conftest import COMPACT, QR_PAYLOAD, profile, receipt_document


def job(encoding: str = "cp1258", native: bool = True) -> bytes:
    prof = profile(58, encoding, native)
    return EscposPrinter(VirtualPrinter().connection(), prof).compile(receipt_document())


def test_byte_by_byte_equals_one_write():
    data = job("tcvn3")
    whole, drip = VirtualPrinter(), VirtualPrinter()
    whole.feed(data)
    for i in range(len(data)):
        drip.feed(data[i : i + 1])
    a, b = whole.receipts[0], drip.receipts[0]
    assert a.lines == b.lines and a.symbols == b.symbols
    assert ImageChops.difference(a.image.convert("L"), b.image.convert("L")).getbbox() is None


def test_unknown_commands_are_logged_not_fatal(caplog):
    printer = VirtualPrinter()
    with caplog.at_level(logging.INFO, logger="drivers.printers.fake_parser"):
        printer.feed(b"\x1b@\x1b\x99A\n\x1dZ\x1dk\x02123456789012\x00\x1dk\x43\x0c123456789012\x07B\n\x1dV\x00")
    assert printer.receipts[0].lines == ["A", "B"]
    assert printer.unknown == ["ESC b'\\x99'", "GS b'Z'",
                               "GS k 2 (only Code 128, m=73, is rendered)",
                               "GS k 67 (only Code 128, m=73, is rendered)", "control 0x07"]
    assert "unknown command" in caplog.text


def test_receipts_cut_to_cut_with_png_per_receipt(tmp_path):
    printer = VirtualPrinter(tmp_path, name="quay-3")
    printer.feed(b"\x1b@A012\n\x1dVA\x00" + b"A013\n\x1dVB\x00" + b"unfinished\n")
    assert [r.lines for r in printer.receipts] == [["A012"], ["A013"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quay-3-0001.png", "quay-3-0002.png"]
    assert printer.lines == ["unfinished"]  # still on the paper, not yet cut


def test_native_symbols_recorded():
    printer = VirtualPrinter()
    printer.feed(job())
    assert printer.receipts[0].symbols == [("code128", COMPACT), ("qr", QR_PAYLOAD)]


def test_python_escpos_stream_is_understood(capsys):
    """A python-escpos job runs on the simulator - and shows why we build Code 128 ourselves."""
    p = Dummy()
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p.text("HELLO\n")
    p.barcode("{C" + COMPACT, "CODE128", function_type="B")
    p.qr("HELLO", native=True, size=6)
    p.cut()
    assert "hardware barcode renderer" in capsys.readouterr().out  # its stdout notice
    printer = VirtualPrinter()
    printer.feed(p.output)
    receipt = printer.receipts[0]
    assert receipt.lines[0] == "HELLO" and ("qr", "HELLO") in receipt.symbols
    # python-escpos sends set C digits as ASCII: the printer encodes "48", "49", ...
    (bad,) = [data for kind, data in receipt.symbols if kind == "code128"]
    assert bad.startswith("4849") and bad != COMPACT
    assert not printer.unknown


def test_native_code128_payload_is_values_not_ascii():
    printer = VirtualPrinter()
    printer.feed(code128(COMPACT, 2, 60, hri=True) + b"\x1dVA\x00")
    assert printer.receipts[0].symbols == [("code128", COMPACT)]
    assert printer.receipts[0].lines == [COMPACT]  # the HRI line


def test_profile_presets():
    assert PrinterProfile.for_paper(58).paper_width_dots == 384
    p80 = PrinterProfile.for_paper(80, text_encoding="cp1258", cp1258_codepage=94)
    assert (p80.paper_width_dots, p80.chars_per_line, p80.cp1258_codepage) == (576, 48, 94)
    printer = VirtualPrinter.from_profile(p80)
    assert printer.width == 576 and printer.codepages[94] == "cp1258"


def test_code128_encoder_agrees_with_python_barcode():
    ours = code128_modules(code128_values(code128_data(COMPACT)))
    assert ours == barcode.get("code128", COMPACT).build()[0]


def test_set_b_barcode_and_small_qr_decode_in_both_renderings(tmp_path):
    for native in (True, False):
        prof = profile(58, "raster", native)
        printer = VirtualPrinter.from_profile(prof)
        doc = Document([Barcode128("HS-0007", hri=False), QR("A012", size=4)])
        assert EscposPrinter(printer.connection(), prof).print_document(doc).ok
        found = {b.format: b.text for b in zxingcpp.read_barcodes(printer.receipts[0].image)}
        assert found == {zxingcpp.BarcodeFormat.Code128: "HS-0007",
                         zxingcpp.BarcodeFormat.QRCode: "A012"}


def test_picture_and_printer_without_cutter(tmp_path):
    logo = Image.new("L", (100, 40), 0)  # a black bar
    prof = PrinterProfile.for_paper(58, text_encoding="cp1258", cut=False)
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path)
    doc = Document([DocImage(logo), Feed(2), Text("Hết")])
    assert EscposPrinter(printer.connection(), prof).print_document(doc).ok
    # No cutter: the job ends by feeding the paper past the tear bar, and there it is torn off.
    [receipt] = printer.receipts
    assert receipt.lines == ["Hết"] and receipt.path.exists() and printer.tear_off() is None
    assert receipt.kept is None  # saved as a PNG, not held in memory
    box = ImageOps.invert(receipt.image.convert("L").crop((0, 0, 384, 40))).getbbox()
    assert box == (142, 0, 242, 40)  # the logo, centred on 384 dots
