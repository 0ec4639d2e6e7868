"""The papers the counter prints, as printer-independent documents.

- Mẫu 01 "Giấy tiếp nhận hồ sơ và hẹn trả kết quả": every field the brief lists, with a Code 128
  of the case's 20-digit compact form and a QR of code + lookup token (the kiosk reads either);
  where the site has a public address the QR is `https://<address>/L/CODE/TOKEN`, which a
  phone opens, and the receipt prints `<address>/tra-cuu`; without one it prints no web
  address at all (a backend URL on the centre's network opens nothing on a phone);
- Mẫu 02 "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ": the documents still missing, no case opened;
- Mẫu 03 "Phiếu từ chối tiếp nhận giải quyết hồ sơ": the reason for refusing.

Each is built from a plain dict (the backend's case view, or the same shape made offline), so a
print job can be kept in the station's database as JSON and rebuilt for a reprint.
Personal data is masked: a thermal slip is easily lost, and the full data is in the file.
"""

from __future__ import annotations

from backend.domain.calendar import short_time
from backend.domain.codes import is_public_url
from backend.domain.privacy import mask_digits, mask_name
from counter_app import formats
from counter_app.config import StationConfig
from drivers.printers import QR, Barcode128, Cut, Document, Feed, Rule, Text

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
KINDS = ("receipt", "supplement", "refusal")


def build(kind: str, payload: dict, station: StationConfig, copy: int = 1) -> Document:
    """The document of a stored print job; `copy` 2 is the one kept with the paper file."""
    builders = {"receipt": receipt, "supplement": supplement, "refusal": refusal}
    return builders[kind](payload, station, copy)


def header(payload: dict, station: StationConfig, at: str) -> list:
    # Offline before the station ever saw a case, the agency's name is not known yet.
    agency = (payload.get("agency") or {}).get("name") or "Bộ phận tiếp nhận và trả kết quả"
    return [
        Text(station.issuer, align="center", bold=True),
        Text(agency.upper(), align="center", bold=True),
        Feed(),
        Text(MOTTO[0], align="center", bold=True),
        Text(MOTTO[1], align="center", bold=True),
        Rule("="),
        Text(f"{station.place}, {formats.long_date(at)}", align="center"),
        Feed(),
    ]


def mask_address(address: str) -> str:
    """Keep only the part after the first comma (ward, district): enough to tell it is yours."""
    head, sep, tail = (address or "").partition(",")
    if not head.strip():
        return ""
    return f"***,{tail}" if sep else "***"


def applicant_lines(applicant: dict) -> list:
    lines = [Text(f"Người nộp: {mask_name(applicant.get('name', ''))}")]
    if applicant.get("address"):
        lines.append(Text(f"Địa chỉ: {mask_address(applicant['address'])}"))
    if applicant.get("phone"):
        lines.append(Text(f"Điện thoại: {mask_digits(applicant['phone'])}"))
    return lines


def procedure_lines(procedure: dict) -> list:
    return [Text(f"Thủ tục: {procedure['name']}"), Text(f"Mã thủ tục: {procedure['code']}")]


def document_lines(documents: list[dict]) -> list:
    lines = [Text("Thành phần hồ sơ:", bold=True)]
    for number, doc in enumerate(documents, start=1):
        lines.append(Text(f"{number}. {doc['name']}: {doc['count']} bản"))
    return lines


def receipt(case: dict, station: StationConfig, copy: int = 1) -> Document:
    """Mẫu 01; printed at once when the case is created, reprinted on request."""
    doc = Document(header(case, station, case["received_at"]))
    doc.add(Text("GIẤY TIẾP NHẬN HỒ SƠ", align="center", bold=True),
            Text("VÀ HẸN TRẢ KẾT QUẢ", align="center", bold=True),
            Text("(Mẫu số 01)", align="center"),
            Text(f"Mã hồ sơ: {case['code']}", align="center", bold=True))
    doc.add(*barcode(case))
    doc.add(*applicant_lines(case["applicant"]), *procedure_lines(case["procedure"]))
    doc.add(*document_lines(case["documents"]), *time_lines(case, station))
    doc.add(*lookup_lines(case, station), *qr(case))
    doc.add(*footer(case, copy, station.copies))
    return doc


def time_lines(case: dict, station: StationConfig) -> list:
    proc = case["procedure"]
    collect = formats.channel(case.get("return_channel", "counter"))
    if case.get("return_channel", "counter") == "counter":
        collect = station.collect_at
    return [
        Text(f"Số bộ hồ sơ: {case.get('sets', 1)}"),
        Text(f"Thời hạn giải quyết: {formats.duration(proc['processing_time'])}"),
        Text(f"Nhận hồ sơ lúc: {short_time(case['received_at'])}", bold=True),
        Text(f"Hẹn trả kết quả: {short_time(case['due_at'])}", bold=True),
        Text(f"Nơi nhận kết quả: {collect}"),
        Text(f"Phí, lệ phí: {formats.fee_text(proc['fee'])}"),
    ]


def lookup_page(case: dict, station: StationConfig) -> str | None:
    """The lookup page a citizen can open: the site's public address (the one its QR opens),
    else the station's own lookup_web if it is public; None rather than a local address."""
    base, sep, _ = (case.get("qr") or "").partition("/L/")
    if sep and is_public_url(base):
        return base.lower() + "/tra-cuu"  # the QR holds it in upper case
    return station.lookup_web if is_public_url(station.lookup_web) else None


def lookup_lines(case: dict, station: StationConfig) -> list:
    web = lookup_page(case, station)
    lines = [Rule(),
             Text("Kết quả có thể được trả trước ngày hẹn. Tra cứu tình trạng hồ sơ:"),
             *([Text(f"- Web: {web}")] if web else []),
             Text(f"- SMS: {station.lookup_sms}"),
             Text("- Ki-ốt tại Bộ phận Một cửa: quét mã trên giấy này")]
    if case.get("offline"):
        lines.append(Text("(Lập khi mất kết nối máy chủ; tra cứu bằng mã hồ sơ)", align="center"))
    return lines


def barcode(case: dict) -> list:
    """Code 128 of the 20-digit compact form, sized by the driver for the camera to read.

    A case numbered offline carries the token the server sent with its leased block; only a
    block from an older server without tokens leaves the receipt with no barcode.
    """
    return [Barcode128(case["compact"], height=72)] if case.get("compact") else []


def qr(case: dict) -> list:
    """QR of CODE/TOKEN (or the lookup URL with them); offline, of the bare code."""
    return [QR(case.get("qr") or case["code"], ecc="M")]


def footer(payload: dict, copy: int, copies: int) -> list:
    clerk = payload.get("received_by", {}).get("full_name", "")
    lines = [Text(f"Người tiếp nhận: {clerk}", bold=True)]
    if copies > 1:
        lines.append(Text("Liên 2: lưu hồ sơ" if copy == 2 else "Liên 1: giao người nộp",
                          align="center"))
    return [*lines, Feed(), Cut()]


def supplement(payload: dict, station: StationConfig, copy: int = 1) -> Document:
    """Mẫu 02: what is missing; the clerk keeps nothing, so the list must be complete."""
    doc = Document(header(payload, station, payload["at"]))
    doc.add(Text("PHIẾU YÊU CẦU BỔ SUNG,", align="center", bold=True),
            Text("HOÀN THIỆN HỒ SƠ", align="center", bold=True),
            Text("(Mẫu số 02)", align="center"))
    doc.add(*applicant_lines(payload["applicant"]), *procedure_lines(payload["procedure"]))
    doc.add(Text("Hồ sơ chưa đầy đủ. Đề nghị bổ sung:", bold=True))
    for number, name in enumerate(payload["missing"], start=1):
        doc.add(Text(f"{number}. {name}"))
    if payload.get("note"):
        doc.add(Text(f"Ghi chú: {payload['note']}"))
    doc.add(Text("Khi đủ giấy tờ, mời ông/bà nộp lại tại Bộ phận Một cửa."))
    return doc.add(*footer({"received_by": payload["clerk"]}, copy, 1))


def refusal(payload: dict, station: StationConfig, copy: int = 1) -> Document:
    """Mẫu 03: the reason in the clerk's words, never shown in public lookups."""
    doc = Document(header(payload, station, payload["at"]))
    doc.add(Text("PHIẾU TỪ CHỐI TIẾP NHẬN", align="center", bold=True),
            Text("GIẢI QUYẾT HỒ SƠ", align="center", bold=True),
            Text("(Mẫu số 03)", align="center"))
    if payload.get("code"):
        doc.add(Text(f"Mã hồ sơ: {payload['code']}", bold=True))
    doc.add(*applicant_lines(payload["applicant"]), *procedure_lines(payload["procedure"]))
    doc.add(Text("Hồ sơ không đủ điều kiện tiếp nhận. Lý do:", bold=True),
            Text(payload["reason"]),
            Text("Xin thông báo để ông/bà được biết."))
    return doc.add(*footer({"received_by": payload["clerk"]}, copy, 1))


def sample_case(agency: dict, clerk: str, at: str) -> dict:
    """A receipt's worth of placeholder data (warming the raster cache, previews)."""
    return {"code": "000.00.00.A00-000101-0001", "compact": "00000101000100000000",
            "qr": "000.00.00.A00-000101-0001/00000000", "agency": agency,
            "applicant": {"name": "Nguyễn Văn A"}, "documents": [], "sets": 1,
            "received_at": at, "due_at": at, "return_channel": "counter",
            "received_by": {"full_name": clerk},
            "procedure": {"code": "0.000000", "name": "-",
                          "processing_time": {"amount": 1, "unit": "working_days"},
                          "fee": {"amount": 0, "when": "none"}}}
