"""The words for every case status, action, rating and return channel: once, in both languages.

The API sends these labels beside each code, and the kiosk, the counter and the staff pages show
what it sent; when an app is offline it falls back to this same table (the apps import
`backend.domain`), so a citizen never reads two names for one status. A test checks that no
Vietnamese label here is written anywhere else in the sources.
"""

from __future__ import annotations

from drivers.message import Message

# National portal status codes 1–10 (Decree 118/2025): the Vietnamese is the portal's own.
STATUSES: dict[str, tuple[str, str]] = {
    "registered": ("Mới đăng ký", "Registered"),
    "received": ("Được tiếp nhận", "Received"),
    "refused": ("Không được tiếp nhận", "Not accepted"),
    "processing": ("Đang xử lý", "Being processed"),
    "supplement": ("Yêu cầu bổ sung", "Supplement requested"),
    "payment": ("Yêu cầu thực hiện nghĩa vụ tài chính", "Payment of fees requested"),
    "withdrawn": ("Công dân rút hồ sơ", "Withdrawn by the applicant"),
    "stopped": ("Dừng xử lý", "Processing stopped"),
    "resolved": ("Đã xử lý xong", "Resolved"),
    "returned": ("Đã trả kết quả", "Result returned"),
}

# What staff do to a case, as a verb: buttons ("Chuyển xử lý") and refusals ("Không thể …").
_RECEIVE = ("tiếp nhận", "receive")
ACTIONS: dict[str, tuple[str, str]] = {
    "intake": _RECEIVE,  # a case opened at the desk: received, in one step
    "receive": _RECEIVE,
    "refuse": ("từ chối tiếp nhận", "refuse"),
    "transfer": ("chuyển xử lý", "transfer"),
    "request_supplement": ("yêu cầu bổ sung", "request a supplement"),
    "supplied": ("nhận hồ sơ bổ sung", "record the supplement"),
    "request_payment": ("yêu cầu thực hiện nghĩa vụ tài chính", "request payment"),
    "paid": ("xác nhận đã nộp", "record payment"),
    "stop": ("dừng xử lý", "stop processing"),
    "withdraw": ("rút hồ sơ", "withdraw"),
    "apologize": ("xin lỗi và hẹn lại", "apologize and reschedule"),
    "resolve": ("hoàn thành xử lý", "resolve"),
    "return": ("trả kết quả", "return the result"),
}

_RECEIVED = ("Tiếp nhận hồ sơ", "Case received")
# What an action did, as a case's history reads it. An action not here reads as the status it
# led to (stop → "Dừng xử lý"), so those words stay the status's own.
EVENTS: dict[str, tuple[str, str]] = {
    "intake": _RECEIVED,
    "receive": _RECEIVED,
    "refuse": ("Từ chối tiếp nhận", "Not accepted"),
    "transfer": ("Chuyển xử lý", "Passed on for processing"),
    "request_supplement": ("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
    "supplied": ("Đã nhận hồ sơ bổ sung", "Supplement received"),
    "request_payment": ("Yêu cầu nộp phí, lệ phí", "Payment requested"),
    "paid": ("Đã nộp phí, lệ phí", "Payment received"),
    "apologize": ("Xin lỗi và hẹn lại ngày trả", "Apology and a new date"),
}

# Satisfaction (Quảng Nam art. 2.4): three choices, one rating per case.
RATINGS: dict[str, tuple[str, str]] = {
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "unsatisfied": ("Chưa hài lòng", "Not satisfied"),
}

# Where the citizen collects the result (Mỹ Tho art. 14.2, 16), as the receipt and lookup say.
RETURN_CHANNELS: dict[str, tuple[str, str]] = {
    "counter": ("Nhận tại Bộ phận Một cửa", "At the one-stop counter"),
    "post": ("Nhận qua dịch vụ bưu chính", "By post"),
    "online": ("Nhận trực tuyến", "Online"),
}

TABLES = {"status": STATUSES, "action": ACTIONS, "event": EVENTS, "rating": RATINGS,
          "return_channel": RETURN_CHANNELS}


def label(table: str, code: str) -> Message:
    """The label of `code` in one table; an unknown code reads as itself in both languages."""
    vi, en = TABLES[table].get(code, (code, code))
    return Message(vi, en, key=code)


def event_label(action: str, status: str) -> Message:
    """What one step of a case's history did: the action's own words, else its new status."""
    return label("event", action) if action in EVENTS else label("status", status)


def sent(answer: dict, name: str, table: str, code: str) -> Message:
    """The label an API answer carried beside a code (`name`, `name_en`); an answer without it
    (an older server, a case kept offline) reads from this same table."""
    if answer.get(name) and answer.get(f"{name}_en"):
        return Message(answer[name], answer[f"{name}_en"], key=code)
    return label(table, code)


def fields(name: str, message: Message) -> dict[str, str]:
    """The API's pair of fields for a label: `<name>` in Vietnamese, `<name>_en` beside it."""
    return {name: message.vi, f"{name}_en": message.en}
