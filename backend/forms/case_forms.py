"""The case forms of Circular 01/2018/TT-VPCP as A4 documents: Mẫu 02 (supplement request),
03 (refusal), 04 (apology and new date), 05 (control sheet) and 06 (register)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backend.domain import privacy, reports
from backend.domain.calendar import short_time
from backend.domain.errors import Conflict
from backend.domain.reports import Period
from backend.domain.workflow import Status
from backend.forms.document import Document, Table
from backend.store.cases import parse_time, procedure_of

RESULT_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


@dataclass(frozen=True)
class Context:
    agency: str
    units: dict[str, str]  # code -> name
    place: str = ""  # the town a letter is dated from, when the site names one

    def unit(self, code: str | None) -> str:
        return self.units.get(code or "", code or "")

    def dated(self, moment: datetime) -> str:
        dated = f"ngày {moment:%d} tháng {moment:%m} năm {moment:%Y}"
        return f"{self.place}, {dated}" if self.place else dated.capitalize()


def hm(text: str | datetime | None) -> str:
    moment = parse_time(text) if isinstance(text, str) else text
    return f"{moment:%H giờ %M, ngày %d/%m/%Y}" if moment else ""


def day(text: str | None) -> str:
    return f"{parse_time(text):%d/%m/%Y}" if text else ""


def _last(events: list[dict], action: str, code: str, vi: str, en: str) -> dict:
    found = [e for e in events if e["action"] == action]
    if not found:
        raise Conflict(f"Hồ sơ {code} chưa {vi}", f"Case {code} has no {en}", key="no_such_form")
    return found[-1]


def _desk(ctx: Context, row: dict) -> str:
    return ctx.unit(procedure_of(row).workflow[0].unit)


def mau02(ctx: Context, row: dict, events: list[dict]) -> Document:
    event = _last(events, "request_supplement", row["code"], "có yêu cầu bổ sung",
                  "supplement request")
    return _desk_notice(ctx, row, event, "Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", [
        "Sau khi xem xét thành phần hồ sơ, cơ quan giải quyết đề nghị Ông/Bà bổ sung, "
        "hoàn thiện hồ sơ gồm những nội dung sau:",
        f"- {event['note'] or ''}",
        f"Yêu cầu ngày: {hm(event['at'])}, do {ctx.unit(event['unit'])} đề nghị.",
        "Thời gian chờ bổ sung không tính vào thời hạn giải quyết hồ sơ. Trong quá trình "
        "hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ Bộ phận Một cửa để được "
        "hướng dẫn.",
    ], signer="NGƯỜI HƯỚNG DẪN")


def mau03(ctx: Context, row: dict, events: list[dict]) -> Document:
    event = _last(events, "refuse", row["code"], "bị từ chối tiếp nhận", "refusal")
    return _desk_notice(ctx, row, event, "Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", [
        "Cơ quan, đơn vị tiếp nhận hồ sơ và giải quyết thủ tục hành chính xin thông báo: "
        "yêu cầu của Ông/Bà không đủ điều kiện để giải quyết với lý do như sau:",
        f"- {event['note'] or ''}",
        "Xin thông báo để Ông/Bà được biết và thực hiện.",
    ], signer="NGƯỜI TIẾP NHẬN HỒ SƠ")


def _desk_notice(ctx: Context, row: dict, event: dict, form: str, title: str, body: list[str],
                 signer: str) -> Document:
    """Mẫu 02 and 03 are one letter from the intake desk about a case (dated the day its clerk
    acted, signed by that clerk); they differ only in what they tell the applicant."""
    return Document(
        form=form, title=title, agency=ctx.agency, unit=_desk(ctx, row),
        place_date=ctx.dated(event["at"]), subtitle=f"Hồ sơ của: {row['applicant_name']}",
        paragraphs=[f"Mã hồ sơ: {row['code']}",
                    f"Nội dung yêu cầu giải quyết: {procedure_of(row).name}", *body],
        signatures=[(signer, event["official"] or "")])


def mau04(ctx: Context, row: dict, events: list[dict]) -> Document:
    event = _last(events, "apologize", row["code"], "có thư xin lỗi", "apology")
    proc = procedure_of(row)
    return Document(
        form="Mẫu số 04", title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", agency=ctx.agency,
        unit=ctx.unit(event["unit"]), place_date=ctx.dated(event["at"]),
        subtitle=f"Kính gửi: {row['applicant_name']}",
        paragraphs=[
            f"Ngày {day(row['received_at'])}, {_desk(ctx, row)} tiếp nhận hồ sơ đề nghị giải "
            f"quyết thủ tục hành chính: {proc.name}.",
            f"Mã hồ sơ: {row['code']}.",
            f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {hm(row['due_at'])}.",
            "Tuy nhiên đến nay, cơ quan giải quyết thủ tục hành chính chưa trả kết quả giải "
            f"quyết hồ sơ cho Ông/Bà. Lý do: {event['note'] or ''}.",
            "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. "
            f"{ctx.unit(event['unit'])} xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho "
            f"Ông/Bà vào {hm(row['new_due_at'])}.",
            "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà.",
        ],
        signatures=[("THỦ TRƯỞNG CƠ QUAN", event["official"] or "")])


def mau05(ctx: Context, row: dict, events: list[dict], calendar) -> Document:
    proc = procedure_of(row)
    stays = reports.handoffs(proc, events, calendar)
    body = [[str(i), f"{ctx.unit(s.unit)}\n{s.task}", s.official or "", hm(s.received_at),
             hm(s.handed_at) or "đang giữ", hm(s.due_at), RESULT_VI.get(s.result or "", "")]
            for i, s in enumerate(stays, 1)]
    return Document(
        form="Mẫu số 05", title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        agency=ctx.agency, unit=_desk(ctx, row),
        paragraphs=[f"Mã hồ sơ: {row['code']}", f"Thủ tục: {proc.name}",
                    f"Người nộp: {row['applicant_name']}",
                    f"Tiếp nhận: {hm(row['received_at'])}; hẹn trả: {hm(row['due_at'])}"
                    + (f"; hẹn lại: {hm(row['new_due_at'])}" if row["new_due_at"] else "")],
        table=Table(["STT", "Đơn vị giữ hồ sơ / Bước", "Người xử lý", "Nhận lúc", "Giao lúc",
                     "Hạn của bước", "Kết quả"], body, [3, 16, 9, 9, 9, 9, 6]),
        after=["Hạn của mỗi bước tính theo phần thời gian quy trình dành cho bước đó, kể từ khi "
               "bước nhận hồ sơ; thời gian chờ công dân bổ sung không tính."])


def mau06(ctx: Context, rows: list[dict], period: Period, unit: str,
          first_moves: dict[int, str | None], full: set[int]) -> Document:
    """`full`: the cases whose applicant the reader may see unmasked (Decree 13/2023)."""
    body = [[str(i), r["code"], procedure_of(r).name, str(r["sets"] or 1), *_applicant(r, full),
             ctx.unit(procedure_of(r).workflow[1].unit),
             short_time(r["received_at"]), short_time(r["due_at"]),
             short_time(first_moves.get(r["id"])), short_time(r["resolved_at"]),
             short_time(r["returned_at"]), _remark(r)]
            for i, r in enumerate(rows, 1)]
    headers = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số bộ", "Tên cá nhân, tổ chức",
               "Địa chỉ", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
               "Chuyển hồ sơ đến cơ quan giải quyết", "Có kết quả", "Trả kết quả", "Ghi chú"]
    return Document(
        form="Mẫu số 06", title="SỔ THEO DÕI HỒ SƠ", agency=ctx.agency, unit=ctx.unit(unit),
        subtitle=f"Kỳ {period.label()} — {len(rows)} hồ sơ",
        table=Table(headers, body, [3, 16, 16, 3, 10, 10, 10, 7, 7, 7, 7, 7, 7]),
        landscape=True)


def _remark(row: dict) -> str:
    """The result class once resolved, else where the case stands."""
    if row["result_class"]:
        return RESULT_VI.get(row["result_class"], "")
    return Status(row["status"]).label


def _applicant(row: dict, full: set[int]) -> tuple[str, str]:
    name, address = row["applicant_name"] or "", row["applicant_address"] or ""
    if row["id"] in full:
        return name, address
    return privacy.mask_name(name), privacy.mask_address(address)
