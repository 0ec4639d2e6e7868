"""The texts of the SMS notices sent to citizens who agreed at intake: pure functions, so the
outbox can compose a notice inside the transaction that writes its event (backend/store/outbox.py)
without importing the modem side (backend/sms.py)."""

from __future__ import annotations

from datetime import datetime

from backend.domain.calendar import short_time
from backend.domain.text import unaccent


def notice_text(kind: str, code: str, at: datetime, new_due_at: str | None) -> str:
    """Code, status and date only: an SMS can be read by whoever holds the phone."""
    day = f"{at:%d/%m/%Y}"
    if kind == "result":
        return f"Hồ sơ {code}: Đã xử lý xong ngày {day}"  # fits one part with diacritics
    if kind == "supplement":
        return (f"Hồ sơ {code}: Yêu cầu bổ sung ngày {day}. Xin liên hệ bộ phận một cửa "
                "để biết giấy tờ cần bổ sung.")
    if kind == "new_date":
        return (f"Hồ sơ {code}: Xin lỗi vì trễ hẹn. Hẹn trả kết quả mới: "
                f"{short_time(new_due_at)}.")
    raise ValueError(f"unknown notice kind {kind!r}")


def fit(text: str) -> tuple[str, str, int]:
    """(text, alphabet, parts): with diacritics (UCS-2) unless dropping them (GSM 7-bit) needs
    fewer message parts — each part is paid for."""
    from drivers.modems.pdu import split_text

    accented, plain = split_text(text), split_text(unaccent(text))
    best = (unaccent(text), plain) if len(plain[1]) < len(accented[1]) else (text, accented)
    return best[0], best[1][0], len(best[1][1])
