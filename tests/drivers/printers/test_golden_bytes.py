"""Golden ESC/POS bytes for small documents.

Inline expectations document the command layout; the files in ``golden/`` pin whole jobs.
Refresh them (after checking the rendered PNGs) with ``MOTCUA_REFRESH_GOLDEN=1 pytest ...``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drivers.printers import (
    QR,
    Barcode128,
    Cut,
    Document,
    DocumentError,
    Feed,
    PrinterProfile,
    Rule,
    Text,
    compile_document,
)

from .conftest import COMPACT, QR_PAYLOAD, profile

GOLDEN = Path(__file__).with_name("golden")
INIT, LEFT, PLAIN = b"\x1b@", b"\x1ba\x00", b"\x1bE\x00\x1d!\x00"
FULL_CUT = b"\x1dV\x41\x00"


def test_tcvn3_text_line():
    data = compile_document([Text("Xin chào"), Cut()], profile(58, "tcvn3"))
    assert data == (INIT + LEFT + PLAIN + b"Xin ch\x1bt\x1e\xb5o\n"
                    + b"\x1d!\x00\x1bE\x00\x1ba\x00" + FULL_CUT)


def test_cp1258_text_line_bold_centred_double():
    data = compile_document([Text("Ấn", align="center", bold=True, size=2)],
                            profile(58, "cp1258"))
    assert data == (INIT + b"\x1bt\x34" + b"\x1ba\x01\x1bE\x01\x1d!\x11" + b"\xc2\xecn\n"
                    + b"\x1d!\x00\x1bE\x00\x1ba\x00" + FULL_CUT)


def test_cut_is_appended_once_and_feed_without_cutter():
    no_cutter = PrinterProfile.for_paper(58, text_encoding="cp1258", cut=False)
    assert compile_document([Feed(2), Cut()], no_cutter) == (
        INIT + b"\x1bt\x34" + b"\x1bd\x02" + b"\x1bd\x04")
    assert compile_document([Rule("=")], profile(58)).count(b"\x1dV") == 1


def test_native_code128_uses_set_c_digit_pairs():
    data = compile_document([Barcode128(COMPACT), Cut()], profile(58))
    expected_payload = b"{C" + bytes([1, 26, 11, 23, 0, 7, 48, 21, 39, 7])
    assert (b"\x1ba\x01" + b"\x1dw\x02\x1dh\x50\x1dH\x02\x1df\x00"
            + b"\x1dk\x49\x0c" + expected_payload) in data
    wider = compile_document([Barcode128(COMPACT)], profile(80))
    assert b"\x1dw\x03" in wider  # 3 dots per module fit on 80 mm


def test_native_qr_function_sequence():
    data = compile_document([QR(QR_PAYLOAD)], profile(58))
    stored = b"\x1d(k" + bytes([len(QR_PAYLOAD) + 3, 0]) + b"\x31\x50\x30" + QR_PAYLOAD.encode()
    sequence = (b"\x1d(k\x04\x00\x31\x41\x32\x00"  # model 2
                + b"\x1d(k\x03\x00\x31\x43\x06"  # 6 dots per module on 58 mm
                + b"\x1d(k\x03\x00\x31\x45\x31"  # error correction M
                + stored + b"\x1d(k\x03\x00\x31\x51\x30")  # print
    assert b"\x1ba\x01" + sequence + b"\x1ba\x00" in data


def test_raster_text_is_gs_v_0_never_question_marks():
    data = compile_document([Text("Đặng Thị Ửng", align="center")], profile(58, "raster"))
    assert data.startswith(INIT + LEFT)
    start = data.index(b"\x1dv0\x00")
    width_bytes, height = data[start + 4] | data[start + 5] << 8, data[start + 6] | data[
        start + 7] << 8
    assert width_bytes <= 48 and 20 <= height <= 40
    end = start + 8 + width_bytes * height
    # blank rows above/below the glyphs are fed (ESC J), not sent as zero bytes
    assert data[5:start] in (b"", b"\x1bJ" + bytes([data[7]]))
    assert data[end:] in (FULL_CUT, b"\x1bJ" + data[end + 2 : end + 3] + FULL_CUT)


def test_unencodable_line_falls_back_to_raster_in_text_mode():
    data = compile_document([Text("Kính gửi: 日本"), Text("Xong")], profile(58, "tcvn3"))
    assert b"?" not in data
    assert b"\x1dv0" in data and b"Xong\n" in data


def test_barcode_too_wide_for_paper_is_refused():
    with pytest.raises(DocumentError, match=r"quá rộng.*too wide"):
        compile_document([Barcode128("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123")], profile(58))


GOLDEN_JOBS = {
    "tcvn3-58-native": ([Text("PHIẾU HẸN", align="center", bold=True, size=2),
                         Text("Nguyễn Văn Ánh"), Rule(), Barcode128(COMPACT), QR(QR_PAYLOAD)],
                        profile(58, "tcvn3")),
    "cp1258-80-native": ([Text("Số thứ tự", align="center"), Text("A012", size=4),
                          Text("Quầy 3 – Tư pháp"), Feed(1)], profile(80, "cp1258")),
    "tcvn3-58-raster-symbols": ([Barcode128(COMPACT, hri=False), QR(QR_PAYLOAD)],
                                profile(58, "tcvn3", native=False)),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_JOBS))
def test_golden_job(name):
    blocks, prof = GOLDEN_JOBS[name]
    data = compile_document(blocks, prof)
    path = GOLDEN / f"{name}.bin"
    if os.environ.get("MOTCUA_REFRESH_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name}: bytes changed; check the PNGs, then refresh"


def test_document_model_is_typed_and_validated():
    with pytest.raises(ValueError):
        Text("x", size=5)
    with pytest.raises(ValueError):
        Rule("—")
    with pytest.raises(ValueError):
        Barcode128("số")
    doc = Document().text("a").add(Cut())
    assert len(doc) == 2 and doc.with_cut() is doc
    assert Barcode128(COMPACT).set_c and not Barcode128("123").set_c
