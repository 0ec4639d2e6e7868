"""Fixtures for the printer tests: profiles, a receipt-like document, virtual printers."""

from __future__ import annotations

import pytest

from drivers.printers import (
    QR,
    Barcode128,
    Cut,
    Document,
    EscposPrinter,
    PrinterProfile,
    Rule,
    Text,
    VirtualPrinter,
)

CASE_CODE = "000.00.06.H56-261123-0007"
QR_PAYLOAD = f"{CASE_CODE}/48213907"
COMPACT = "01261123000748213907"


def receipt_document(lines: int = 30) -> Document:
    """A counter receipt of about ``lines`` printed lines (title, fields, symbols, footer)."""
    doc = Document([
        Text("UBND PHƯỜNG BẾN NGHÉ", align="center", bold=True),
        Text("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", align="center", bold=True),
        Text("GIẤY TIẾP NHẬN HỒ SƠ", align="center", bold=True, size=2),
        Rule(),
        Text(f"Mã hồ sơ: {CASE_CODE}"),
        Text("Người nộp: Nguyễn Thị Ánh Tuyết"),
        Text("Thủ tục: Cấp bản sao trích lục hộ tịch"),
        Text("Ngày nhận: 23/11/2026 08:15"),
        Text("Hẹn trả: 27/11/2026 (4 ngày làm việc)"),
    ])
    papers = ["Tờ khai theo mẫu", "Bản sao giấy khai sinh", "Căn cước công dân (bản chụp)",
              "Giấy ủy quyền (nếu có)", "Sổ hộ khẩu cũ (để đối chiếu)"]
    doc.add(Text("Thành phần hồ sơ:", bold=True))
    i = 0
    while len(doc) < lines - 8:
        doc.add(Text(f"{i % len(papers) + 1}. {papers[i % len(papers)]}"))
        i += 1
    return doc.add(
        Rule(),
        Barcode128(COMPACT),
        QR(QR_PAYLOAD),
        Text("Tra cứu tại ki-ốt hoặc cổng dịch vụ công", align="center"),
        Text("Cảm ơn ông/bà!", align="center", bold=True),
        Cut(),
    )


def profile(mm: int, encoding: str = "tcvn3", native: bool = True) -> PrinterProfile:
    return PrinterProfile.for_paper(mm, text_encoding=encoding, native_barcode=native,
                                    native_qr=native,
                                    name=f"p{mm}-{encoding}-{'native' if native else 'raster'}")


@pytest.fixture
def vprinter(tmp_path):
    """A 58 mm virtual printer (TCVN-3 profile) with its driver, in-process."""
    prof = profile(58)
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path)
    return printer, EscposPrinter(printer.connection(), prof)
