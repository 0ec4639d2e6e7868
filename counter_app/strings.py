"""Words the counter shows, Vietnamese first and English beside it, in one table.

Screens ask `msg(key)` (a `Msg` with both halves) or `tr(key)` (the Vietnamese a button shows,
with the English underneath where there is room), so a wording fix is one line here and both
languages always exist (a test checks that every entry has both, with the same placeholders).
"""

from __future__ import annotations

from counter_app.texts import Msg

TEXTS: dict[str, tuple[str, str]] = {
    # --- status bar and background ---------------------------------------------------------
    "online": ("● Trực tuyến", "● Online"),
    "offline": ("● Ngoại tuyến", "● Offline"),
    "outbox_waiting": ("chờ gửi {n}", "{n} waiting to send"),
    "attention": ("{n} cần xử lý", "{n} need attention"),
    "synced": ("Đã đồng bộ {n} hồ sơ lưu trên máy lên máy chủ",
               "{n} cases synced to the server"),
    # --- intake: papers --------------------------------------------------------------------
    "papers_title": ("3. Giấy tờ nhận (số bản; * bắt buộc)",
                     "3. Papers received (copies; * required)"),
    "paper_have": ("ĐÃ NHẬN", "RECEIVED"),
    "paper_missing": ("CHƯA CÓ", "MISSING"),
    "paper_optional": ("tùy chọn", "optional"),
    # --- intake: an incomplete file ----------------------------------------------------------
    "incomplete_title": ("Hồ sơ chưa đủ giấy tờ bắt buộc", "Required papers are missing"),
    "incomplete_body": ("Còn thiếu {n} giấy tờ:", "{n} required paper(s) missing:"),
    "incomplete_kept": ("Thông tin đã nhập được giữ nguyên.", "Everything typed is kept."),
    "incomplete_print": ("In phiếu yêu cầu bổ sung (Mẫu 02)",
                         "Print supplement request (form 02)"),
    "incomplete_back": ("Quay lại đánh dấu giấy tờ", "Go back and tick the papers"),
    "incomplete_back_said": ("Đánh dấu các giấy tờ còn thiếu rồi bấm Tiếp nhận lại",
                             "Tick the missing papers, then press Receive again"),
    # --- returns -----------------------------------------------------------------------------
    "scan_hint": ("Quét mã vạch / QR trên biên nhận, hoặc gõ mã hồ sơ rồi Enter",
                  "Scan the receipt's barcode or QR, or type the case code and press Enter"),
    # --- queue: priority -----------------------------------------------------------------------
    "priority_title": ("Người ưu tiên tại quầy", "Priority citizen at the desk"),
    "priority_hint": ("Người cao tuổi, người khuyết tật, phụ nữ mang thai: cấp số ưu tiên, "
                      "được gọi trước mọi số thường.",
                      "Elderly, disabled, pregnant: a priority number, called before every "
                      "ordinary one."),
    "priority_elderly": ("Người cao tuổi", "Elderly"),
    "priority_disabled": ("Người khuyết tật", "Disabled"),
    "priority_pregnant": ("Phụ nữ mang thai", "Pregnant"),
    "priority_print": ("In số ưu tiên", "Print priority number"),
    "priority_serve": ("Phục vụ ngay tại quầy", "Serve now, here"),
    "priority_choose": ("Chọn đối tượng ưu tiên trước", "Choose the priority group first"),
    "priority_printed": ("Đã in số ưu tiên {label} ({reason}); số này được gọi trước số thường",
                         "Priority number {label} printed ({reason}); it is called before "
                         "ordinary numbers"),
    "priority_not_printed": ("Chưa in được số ưu tiên, số {label} đã hủy: {reason}",
                             "The priority number did not print, {label} was cancelled: "
                             "{reason}"),
    "priority_serving": ("Đang phục vụ người ưu tiên, số {label} ({reason})",
                         "Serving priority citizen, number {label} ({reason})"),
    "priority_behind": ("Đã cấp số ưu tiên {label}; quầy gọi {called} trước vì chờ lâu hơn",
                        "Priority number {label} issued; {called} was called first as it "
                        "waited longer"),
    "priority_paper": ("ƯU TIÊN: {reason}, được gọi trước số thường",
                       "PRIORITY: {reason}, called before ordinary numbers"),
    "priority_busy": ("Hãy bấm Xong cho số đang phục vụ trước",
                      "Press Done for the number being served first"),
}

PRIORITY_REASONS = ("elderly", "disabled", "pregnant")


def msg(key: str, level: str = "info", **values: object) -> Msg:
    """Values that are themselves a `Msg` fill each half with their own language."""
    vi, en = TEXTS[key]
    vi_values = {k: (v.vi if isinstance(v, Msg) else v) for k, v in values.items()}
    en_values = {k: (v.en if isinstance(v, Msg) else v) for k, v in values.items()}
    return Msg(vi.format(**vi_values), en.format(**en_values), level)


def tr(key: str, **values: object) -> str:
    """The Vietnamese text, for a button or a label."""
    return TEXTS[key][0].format(**values)


def both(key: str, **values: object) -> str:
    """Vietnamese on the first line, English on the second, for a button with room."""
    text = msg(key, **values)
    return f"{text.vi}\n{text.en}"
