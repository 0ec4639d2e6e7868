"""Every word the kiosk shows, in Vietnamese first and English beside it, in one table.

Screens never hold text of their own: they ask `tr(key, lang)` or render a `Msg` the core made,
so a translation fix is one line here and both languages always exist (a test checks that).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("vi", "en")

TEXTS: dict[str, tuple[str, str]] = {
    # --- frame --------------------------------------------------------------------------
    "site": ("BỘ PHẬN MỘT CỬA", "ONE-STOP SERVICE CENTRE"),
    "lang_toggle": ("English", "Tiếng Việt"),
    "home": ("Về trang chủ", "Home"),
    "back": ("Quay lại", "Back"),
    "done": ("Xong", "Done"),
    # --- home ---------------------------------------------------------------------------
    "home_title": ("Xin mời quét mã trên giấy biên nhận", "Please scan the code on your receipt"),
    "home_sub": ("Đưa mã vạch hoặc mã QR vào trước camera hay máy quét để xem hồ sơ của bạn",
                 "Hold the barcode or QR code up to the camera or scanner to see your case"),
    "code_here": ("MÃ Ở ĐÂY", "CODE HERE"),
    "receipt": ("GIẤY TIẾP NHẬN HỒ SƠ", "CASE RECEIPT"),
    "btn_scan": ("Quét biên nhận", "Scan receipt"),
    "btn_type": ("Nhập mã hồ sơ", "Type the case code"),
    "btn_procedures": ("Thủ tục hành chính", "Procedures"),
    "btn_ticket": ("Lấy số thứ tự", "Take a queue number"),
    # --- scanning -----------------------------------------------------------------------
    "scan_title": ("Giữ biên nhận trước camera", "Hold your receipt up to the camera"),
    "scan_hint": ("Đặt mã vào trong khung. Máy quét cầm tay cũng dùng được.",
                  "Put the code inside the frame. The hand scanner works too."),
    "no_camera": ("Camera chưa sẵn sàng. Hãy dùng máy quét hoặc nhập mã.",
                  "The camera is not available. Use the scanner or type the code."),
    # --- typing -------------------------------------------------------------------------
    "type_title": ("Nhập mã hồ sơ", "Type your case code"),
    "type_hint": ("Mã hồ sơ in trên biên nhận, ví dụ 000.00.06.H56-261123-0007, "
                  "hoặc dãy 20 số dưới mã vạch",
                  "The case code on your receipt, e.g. 000.00.06.H56-261123-0007, "
                  "or the 20 digits under the barcode"),
    "type_empty": ("Chưa nhập mã hồ sơ", "No case code typed yet"),
    "type_more": ("Còn thiếu {n} ký tự: tiếp theo là {what}",
                  "{n} more character(s): next is {what}"),
    "type_more_digits": ("Còn thiếu {n} chữ số", "{n} more digit(s) needed"),
    "type_compact_long": ("Dãy số dưới mã vạch chỉ có {n} chữ số",
                          "The number under the barcode has only {n} digits"),
    "type_bad_month": ("Tháng '{month}' không có thật (01 đến 12)",
                       "Month '{month}' does not exist (01 to 12)"),
    "type_ok": ("Mã hợp lệ. Bấm Tra cứu.", "The code looks right. Press Look up."),
    "type_too_long": ("Mã quá dài: mã hồ sơ có 25 ký tự",
                      "Too long: a case code has 25 characters"),
    "type_bad_char": ("Ký tự thứ {pos} là '{char}' nhưng phải là {want}",
                      "Character {pos} is '{char}' but must be {want}"),
    "want_digit": ("một chữ số", "a digit"),
    "want_dot": ("dấu chấm '.'", "a dot '.'"),
    "want_dash": ("dấu gạch '-'", "a dash '-'"),
    "want_letter": ("một chữ cái in hoa", "a capital letter"),
    "part_agency": ("mã cơ quan", "the agency code"),
    "part_day": ("ngày nhận (năm-tháng-ngày, 6 số)", "the date received (yymmdd, 6 digits)"),
    "part_seq": ("số thứ tự (4 số)", "the sequence number (4 digits)"),
    "btn_lookup": ("Tra cứu", "Look up"),
    "key_clear": ("Xóa hết", "Clear"),
    "key_letters": ("ABC", "ABC"),
    "key_digits": ("123", "123"),
    "key_space": ("Dấu cách", "Space"),
    # --- lookups ------------------------------------------------------------------------
    "looking_up": ("Đang tra cứu hồ sơ…", "Looking up your case…"),
    "bad_scan": ("Mã vừa quét không phải mã biên nhận hồ sơ: {detail}",
                 "The code scanned is not a case receipt: {detail}"),
    "status_code": ("Mã hồ sơ", "Case code"),
    "status_title": ("Tình trạng hồ sơ", "Case status"),
    "late": ("TRỄ HẠN", "LATE"),
    "on_time": ("Trong hạn", "On time"),
    "f_procedure": ("Thủ tục", "Procedure"),
    "f_applicant": ("Người nộp", "Applicant"),
    "f_received": ("Ngày nhận", "Received"),
    "f_due": ("Hẹn trả", "Due"),
    "f_new_due": ("Hẹn trả mới (sau thư xin lỗi)", "New date (after an apology)"),
    "f_unit": ("Đơn vị đang xử lý", "Handled now by"),
    "f_handler": ("Cán bộ xử lý", "Official"),
    "f_collect": ("Nhận kết quả", "Collect the result"),
    "f_history": ("Quá trình xử lý", "History"),
    "collect_ready": ("Đã có kết quả. {where}", "The result is ready. {where}"),
    "collect_returned": ("Đã trả kết quả lúc {at}", "Result handed back at {at}"),
    "collect_expected": ("{where}, dự kiến từ {at}", "{where}, expected from {at}"),
    "collect_late": ("{where}; hồ sơ đã trễ hẹn, xin hỏi Bộ phận Một cửa ngày trả",
                     "{where}; the case is overdue, please ask at the one-stop desk for the date"),
    "collect_none": ("Hồ sơ không có kết quả để nhận", "There is no result to collect"),
    "where_counter": ("Nhận tại Bộ phận Một cửa", "At the one-stop counter"),
    "where_post": ("Nhận qua dịch vụ bưu chính", "By post"),
    "where_online": ("Nhận trực tuyến", "Online"),
    "coarse_hint": ("Quét mã trên biên nhận để xem tên người nộp và quá trình xử lý",
                    "Scan the code on your receipt to see the applicant and the history"),
    "btn_other_case": ("Tra cứu hồ sơ khác", "Look up another case"),
    "btn_read_aloud": ("Đọc to", "Read aloud"),
    "say_status": ("Tình trạng hồ sơ: {status}.", "Case status: {status}."),
    # --- rating -------------------------------------------------------------------------
    "rate_title": ("Ông/bà có hài lòng với việc giải quyết hồ sơ?",
                   "Are you satisfied with how your case was handled?"),
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "unsatisfied": ("Chưa hài lòng", "Not satisfied"),
    "rate_counter": ("Quầy số {n} mời ông/bà đánh giá sự hài lòng về việc giải quyết hồ sơ",
                     "Counter {n} asks you to rate how your case was handled"),
    "rate_counter_hint": ("Chạm vào một lựa chọn. Đánh giá không ghi tên người đánh giá.",
                          "Touch one choice. Your name is not recorded with the rating."),
    "rate_thanks": ("Cảm ơn ông/bà đã đánh giá!", "Thank you for your rating!"),
    "rating": ("Đang gửi đánh giá…", "Sending your rating…"),
    # --- procedures ---------------------------------------------------------------------
    "proc_title": ("Thủ tục hành chính", "Administrative procedures"),
    "proc_fields": ("Chọn lĩnh vực hoặc gõ tên thủ tục (không cần dấu)",
                    "Choose a field or type a procedure name (no accents needed)"),
    "proc_search": ("Tìm thủ tục…", "Search procedures…"),
    "proc_count": ("{n} thủ tục", "{n} procedures"),
    "proc_none": ("Không có thủ tục nào khớp với '{q}'", "No procedure matches '{q}'"),
    "loading": ("Đang tải…", "Loading…"),
    "p_code": ("Mã thủ tục", "Procedure code"),
    "p_field": ("Lĩnh vực", "Field"),
    "p_level": ("Cấp thực hiện", "Level"),
    "p_time": ("Thời hạn giải quyết", "Processing time"),
    "p_fee": ("Phí, lệ phí", "Fees"),
    "p_docs": ("Thành phần hồ sơ", "Documents to bring"),
    "p_sets": ("Số lượng: {n} bộ", "Number of sets: {n}"),
    "p_where": ("Nơi nộp hồ sơ", "Where to apply"),
    "p_where_queue": ("{unit}. Lấy số thứ tự dịch vụ {letter} ({service})",
                      "{unit}. Take a number for service {letter} ({service})"),
    "p_results": ("Cách nhận kết quả", "How to get the result"),
    "doc_line": ("{name}: {counts}{optional}", "{name}: {counts}{optional}"),
    "doc_originals": ("{n} bản chính", "{n} original(s)"),
    "doc_copies": ("{n} bản sao", "{n} copy(ies)"),
    "doc_optional": (" (nếu có)", " (if applicable)"),
    "free": ("Miễn phí", "Free of charge"),
    "fee_line": ("{name}: {amount}{when}", "{name}: {amount}{when}"),
    "fee_at_intake": (", nộp khi nộp hồ sơ", ", paid when you apply"),
    "fee_at_return": (", nộp khi nhận kết quả", ", paid when you collect the result"),
    "time_working_days": ("{n} ngày làm việc", "{n} working days"),
    "time_calendar_days": ("{n} ngày", "{n} days"),
    "time_working_hours": ("{n} giờ làm việc", "{n} working hours"),
    # --- queue --------------------------------------------------------------------------
    "queue_title": ("Lấy số thứ tự", "Take a queue number"),
    "queue_choose": ("Chọn dịch vụ ông/bà cần", "Choose the service you need"),
    "queue_waiting": ("Đang chờ: {n} người", "Waiting: {n}"),
    "queue_counters": ("Quầy {counters}", "Counter {counters}"),
    "queue_priority": ("Ưu tiên người cao tuổi, người khuyết tật, phụ nữ mang thai: chọn "
                       "trước khi chọn dịch vụ",
                       "Priority for elderly, disabled and pregnant people: choose before "
                       "the service"),
    "prio_none": ("Không ưu tiên", "No priority"),
    "prio_elderly": ("Người cao tuổi", "Elderly person"),
    "prio_disabled": ("Người khuyết tật", "Person with a disability"),
    "prio_pregnant": ("Phụ nữ mang thai", "Pregnant woman"),
    "ticket_priority": ("Số ưu tiên: {reason}", "Priority number: {reason}"),
    "t_priority": ("ƯU TIÊN: {reason}", "PRIORITY: {reason}"),
    "printing": ("Đang in số thứ tự…", "Printing your number…"),
    "ticket_yours": ("Số của ông/bà", "Your number"),
    "ticket_ahead": ("Trước ông/bà còn {n} người", "{n} people ahead of you"),
    "ticket_next": ("Ông/bà là người tiếp theo", "You are next"),
    "ticket_take": ("Mời nhận phiếu ở khe máy in và chờ gọi số",
                    "Please take the ticket from the printer and wait to be called"),
    "ticket_unconfirmed": ("Phiếu đã in. Hệ thống sẽ ghi nhận số khi có kết nối lại.",
                           "The ticket is printed; it will be registered once the server is back."),
    "ticket_failed": ("Không in được số thứ tự: {reason}. Số này không được tính; "
                      "xin mời đến quầy hướng dẫn.",
                      "The number could not be printed: {reason}. It does not count; "
                      "please ask at the information desk."),
    "ticket_unavailable": ("Tạm ngừng cấp số thứ tự: {reason}",
                           "Queue numbers are paused: {reason}"),
    "queue_closed": ("ngoài giờ làm việc. Lấy số lại lúc {at}",
                     "outside office hours. Tickets again from {at}"),
    "queue_closed_day": ("ngoài giờ làm việc. Lấy số lại lúc {at} ngày {day}",
                         "outside office hours. Tickets again from {at} on {day}"),
    "not_registered": ("Ki-ốt chưa được đăng ký với máy chủ", "This kiosk is not registered"),
    "no_printer": ("Ki-ốt không có máy in", "This kiosk has no printer"),
    "t_header": ("PHIẾU SỐ THỨ TỰ", "QUEUE TICKET"),
    "t_service": ("Dịch vụ: {service}", "Service: {service}"),
    "t_ahead": ("Số người chờ trước: {n}", "People ahead: {n}"),
    "t_counters": ("Quầy phục vụ: {counters}", "Counters: {counters}"),
    "t_time": ("Giờ lấy số: {at}", "Issued at: {at}"),
    "t_note": ("Xin vui lòng chờ gọi số", "Please wait to be called"),
    # --- connection and errors ----------------------------------------------------------
    "offline": ("Mất kết nối máy chủ. Tự động thử lại sau {s} giây…",
                "Cannot reach the server. Retrying in {s} s…"),
    "idle_warning": ("Màn hình sẽ trở về trang đầu sau {s} giây — chạm để tiếp tục",
                     "Returning to start in {s} s — touch to stay"),
    "offline_now": ("Mất kết nối máy chủ. Đang thử lại…", "Cannot reach the server. Retrying…"),
    "error": ("Có lỗi xảy ra, xin vui lòng thử lại", "Something went wrong, please try again"),
    # --- admin --------------------------------------------------------------------------
    "pin_title": ("Nhập mã PIN quản trị", "Enter the admin PIN"),
    "pin_wrong": ("Sai mã PIN (còn {n} lần thử)", "Wrong PIN ({n} tries left)"),
    "pin_locked": ("Nhập sai quá nhiều lần. Thử lại sau {s} giây.",
                   "Too many wrong PINs. Try again in {s} s."),
    "pin_ok": ("Xác nhận", "OK"),
    "admin_title": ("Quản trị thiết bị", "Device administration"),
    "admin_selftest": ("Tự kiểm tra", "Self-test"),
    "admin_print_test": ("In thử", "Test print"),
    "admin_restart": ("Khởi động lại ứng dụng", "Restart the app"),
    "admin_close": ("Đóng", "Close"),
    "admin_testing": ("Đang kiểm tra…", "Testing…"),
    "admin_restarting": ("Đang khởi động lại…", "Restarting…"),
    "test_pass": ("ĐẠT", "PASS"),
    "test_fail": ("LỖI", "FAIL"),
    "test_skip": ("KHÔNG CÓ", "NONE"),
    "i_name": ("Tên thiết bị", "Device name"),
    "i_station": ("Trạm", "Station"),
    "i_version": ("Phiên bản", "Version"),
    "i_backend": ("Máy chủ", "Server"),
    "i_heartbeat": ("Báo trạng thái lần cuối", "Last heartbeat"),
    "i_settings": ("Cài đặt", "Settings"),
    "i_hardware": ("Thiết bị ngoại vi", "Hardware"),
    "never": ("chưa lần nào", "never"),
    "t_backend": ("Kết nối máy chủ", "Server connection"),
    "t_printer": ("Máy in", "Printer"),
    "t_camera": ("Camera", "Camera"),
    "t_scanner": ("Máy quét mã", "Barcode scanner"),
    "camera_ok": ("Đang nhận hình", "Receiving frames"),
    "printer_ready": ("Sẵn sàng", "Ready"),
    "printer_no_status": ("Máy in không báo trạng thái", "The printer reports no status"),
    "test_slip": ("IN THỬ - KI-ỐT {name}", "TEST PRINT - KIOSK {name}"),
}

# Words for data keys that the backend sends in one language only.
STATUS_EN_FALLBACK = "Status"
HISTORY: dict[str, tuple[str, str]] = {
    "intake": ("Tiếp nhận hồ sơ", "Case received"),
    "receive": ("Tiếp nhận hồ sơ", "Case received"),
    "refuse": ("Từ chối tiếp nhận", "Not accepted"),
    "transfer": ("Chuyển xử lý", "Passed on for processing"),
    "request_supplement": ("Yêu cầu bổ sung hồ sơ", "Supplement requested"),
    "supplied": ("Đã nhận hồ sơ bổ sung", "Supplement received"),
    "request_payment": ("Yêu cầu nộp phí, lệ phí", "Payment requested"),
    "paid": ("Đã nộp phí, lệ phí", "Payment received"),
    "stop": ("Dừng xử lý", "Processing stopped"),
    "withdraw": ("Công dân rút hồ sơ", "Withdrawn by the applicant"),
    "apologize": ("Xin lỗi và hẹn lại ngày trả", "Apology and a new date"),
    "resolve": ("Đã xử lý xong", "Resolved"),
    "return": ("Đã trả kết quả", "Result handed back"),
}


@dataclass(frozen=True)
class Msg:
    """One message in both languages; `kind` picks its colour (info, ok, warn, error)."""

    vi: str
    en: str
    kind: str = "info"

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    @classmethod
    def of(cls, error: object, kind: str = "error") -> Msg:
        """From anything with .vi/.en (ApiError, InvalidInput, PrinterError)."""
        return cls(getattr(error, "vi", str(error)), getattr(error, "en", str(error)), kind)


def msg(key: str, kind: str = "info", **values: object) -> Msg:
    vi, en = TEXTS[key]
    en_values = {k: (v.en if isinstance(v, Msg) else v) for k, v in values.items()}
    vi_values = {k: (v.vi if isinstance(v, Msg) else v) for k, v in values.items()}
    return Msg(vi.format(**vi_values), en.format(**en_values), kind)


def tr(key: str, lang: str, **values: object) -> str:
    return msg(key, **values).text(lang)
