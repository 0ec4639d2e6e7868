"""How dates, money and durations are written on the counter's screens and receipts."""

from __future__ import annotations

from datetime import datetime

from backend.domain import vocabulary
from backend.domain.calendar import VN_TZ

TIME_UNITS = {
    "working_days": ("ngày làm việc", "working days"),
    "calendar_days": ("ngày", "days"),
    "working_hours": ("giờ làm việc", "working hours"),
}
CHANNELS = vocabulary.RETURN_CHANNELS  # as the lookup and the kiosk say where to collect
FEE_WHEN = {
    "at_intake": ("nộp khi nộp hồ sơ", "paid at intake"),
    "at_return": ("nộp khi nhận kết quả", "paid when collecting the result"),
    "none": ("không thu phí", "free"),
}


def parse(moment: str | datetime) -> datetime:
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(VN_TZ)


def long_date(moment: str | datetime) -> str:
    """ "ngày 23 tháng 11 năm 2026", as after the place name on an official paper."""
    day = parse(moment)
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def money(amount: int) -> str:
    """75000 -> "75.000 đồng" (Vietnamese groups thousands with dots)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def amount(value: float) -> str:
    """15.0 -> "15", 0.5 -> "0,5" (decimal comma)."""
    text = f"{value:g}"
    return text.replace(".", ",")


def duration(time: dict) -> str:
    vi, _ = TIME_UNITS.get(time["unit"], (time["unit"], time["unit"]))
    return f"{amount(time['amount'])} {vi}"


def fee_text(fee: dict) -> str:
    if not fee.get("amount"):
        return "Không thu phí, lệ phí"
    when, _ = FEE_WHEN.get(fee.get("when", ""), ("", ""))
    return f"{money(fee['amount'])} ({when})" if when else money(fee["amount"])


def channel(name: str) -> str:
    return CHANNELS.get(name, (name, name))[0]
