"""Words the counter shows, Vietnamese first and English beside it, in one table.

Screens ask `msg(key)` (a `Msg` with both halves) or `tr(key)` (the Vietnamese a button shows,
with the English underneath where there is room), so a wording fix is one line here and both
languages always exist (a test checks that every entry has both, with the same placeholders).
"""

from __future__ import annotations

from counter_app.texts import CounterError, Msg

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
    # --- intake, returns and the queue --------------------------------------------------------
    "received": ("Đã tiếp nhận hồ sơ {code}", "Case {code} received"),
    "received_offline": ("Đã tiếp nhận hồ sơ {code} (lưu trên máy, gửi khi có mạng)",
                         "Case {code} received (kept on this station, sent later)"),
    "received_not_printed": ("Đã tiếp nhận hồ sơ {code}, nhưng phiếu chưa in được: {reason}",
                             "Case {code} received, but the paper did not print: {reason}"),
    "not_printed": ("nhưng phiếu chưa in được: {reason}", "but the paper did not print: {reason}"),
    "no_result_yet": ("Hồ sơ chưa có kết quả (trạng thái: {status})",
                      "No result yet (status: {status})"),
    "display_rate": ("Mời đánh giá\nsự hài lòng", "Please rate\nour service"),
    "kiosk_not_asked": ("{done} (chưa mời được ki-ốt đánh giá; đánh giá tại quầy)",
                        "{done} (the kiosk could not be asked; rate at the counter)"),
    "rated": ("Cảm ơn ông/bà đã đánh giá: {rating}", "Thank you for rating: {rating}"),
    "calling": ("Mời số {label}", "Calling {label}"),
    "called_again": ("Gọi lại số {label}", "Called again {label}"),
    "finished": ("{label}: {what}", "{label}: {what}"),
    "to_counter": ("quầy {n}", "counter {n}"),
    "to_service": ("dịch vụ {letter}", "service {letter}"),
    "transferred": ("Đã chuyển số {label} sang {where}", "Ticket {label} sent to {where}"),
    "display_counter": ("Quầy {n}", "Counter {n}"),
    "target_service": ("Dịch vụ {letter}", "Service {letter}"),
    "call_line": ("{label}  →  quầy {n}", "{label}  →  counter {n}"),
    "people": ("{n} người", "{n} people"),
    "idle_detail": ("Quầy số {n} · chưa gọi ai · {waiting} người đang chờ",
                    "Counter {n} · nobody called · {waiting} waiting"),
    "serving_detail": ("{priority}Quầy số {n} · {waiting} người đang chờ",
                       "{priority}Counter {n} · {waiting} waiting"),
    "priority_prefix": ("Ưu tiên: {group} · ", "Priority: {group} · "),
    "group_child": ("trẻ em", "children"),
    "group_other": ("ưu tiên", "priority"),
    "supplement_printed": ("Hồ sơ chưa đủ: đã in phiếu yêu cầu bổ sung (Mẫu 02), chưa tạo hồ sơ",
                           "Incomplete file: supplement request (form 02) printed, no case opened"),
    "refusal_printed": ("Đã in phiếu từ chối tiếp nhận (Mẫu 03)", "Refusal (form 03) printed"),
    "unknown_document": ("Thủ tục không có giấy tờ '{doc_id}'",
                         "The procedure has no document '{doc_id}'"),
    "reason_required": ("Cần ghi rõ lý do từ chối", "A reason for refusing is required"),
    "no_procedure": ("Chưa chọn thủ tục", "No procedure chosen"),
    "invalid_name": ("Nhập họ tên người nộp (2-120 ký tự)",
                     "Enter the applicant's name (2-120 characters)"),
    "invalid_id": ("Số định danh/CCCD phải gồm 9 hoặc 12 chữ số",
                   "The ID number must be 9 or 12 digits"),
    "invalid_phone": ("Số điện thoại không hợp lệ (ví dụ 0912345678)",
                      "The phone number is invalid (e.g. 0912345678)"),
    "invalid_address": ("Địa chỉ quá dài (tối đa 300 ký tự)",
                        "The address is too long (300 characters at most)"),
    "invalid_sets": ("Số bộ hồ sơ phải từ 1 đến 20", "Sets must be 1 to 20"),
    "sms_needs_phone": ("Muốn nhận tin nhắn thì cần số điện thoại",
                        "SMS notices need a phone number"),
    "invalid_intake_channel": ("Cách nộp hồ sơ không hợp lệ (trực tiếp hoặc bưu chính)",
                               "How the file came is not valid (in person or post)"),
    "invalid_channel": ("Thủ tục này không trả kết quả theo cách đã chọn",
                        "This procedure does not return results that way"),
    "login_required": ("Cần đăng nhập", "Please log in"),
    "password_change_required": ("Cần đổi mật khẩu trước khi làm việc",
                                 "You must change your password before working"),
    "missing_credentials": ("Nhập tên đăng nhập và mật khẩu", "Enter your username and password"),
    "wrong_role": ("Tài khoản vai trò '{role}' không làm việc tại quầy",
                   "An account with role '{role}' cannot work at the counter"),
    "password_mismatch": ("Hai lần nhập mật khẩu mới không khớp", "The two new passwords differ"),
    "offline_login_refused": ("Mất kết nối máy chủ: chỉ đăng nhập được tài khoản đã từng đăng "
                              "nhập tại quầy này, với đúng mật khẩu",
                              "Server unreachable: only an account that has logged in at this "
                              "station before can log in, with its correct password"),
    "offline_by_hand": ("Đang làm việc ngoại tuyến (chuyển bằng tay). Hồ sơ lưu trên máy, gửi khi "
                        "trực tuyến lại.",
                        "Working offline (switched by hand). Cases are kept on this station and "
                        "sent when back online."),
    "offline_lost": ("Mất kết nối máy chủ. Vẫn tiếp nhận được; hồ sơ lưu trên máy và tự gửi khi "
                     "có kết nối.",
                     "Server unreachable. Intake goes on; cases are kept on this station and sent "
                     "automatically on reconnection."),
    "printer_ready": ("Máy in sẵn sàng", "Printer ready"),
    "needs_printer": ("Quầy cần một máy in biên nhận (printer)",
                      "The counter needs a receipt printer (printer)"),
    "profile_no_printer": ("Hồ sơ trạm '{name}' không có máy in biên nhận",
                           "Station profile '{name}' has no receipt printer"),
    "printer_no_status": ("Máy in không báo trạng thái", "This printer reports no status"),
    "outbox_sent": ("Đã gửi {sent} hồ sơ lưu trên máy, còn {left}, bị từ chối {rejected}",
                    "Sent {sent} kept cases, {left} left, {rejected} refused"),
    "no_lease": ("Hết số hồ sơ dự phòng cho hôm nay: ghi sổ tay và nhập lại khi có mạng",
                 "No offline case numbers left for today: record by hand and enter the case when "
                 "the network is back"),
    "no_job": ("Không có lệnh in số {job_id}", "No print job {job_id}"),
    "job_done": ("Lệnh in này đã in xong; dùng In lại để in thêm bản",
                 "This job is done; use Reprint for another copy"),
    "printer_failed": ("Máy in không in được", "The printer did not print"),
    "printer_unconfirmed": ("Máy in không xác nhận được, hãy kiểm tra phiếu đã ra",
                            "The printer cannot confirm; check the paper came out"),
    "unknown_procedure": ("Thủ tục {code} chưa có trên máy này",
                          "Procedure {code} is not kept on this station"),
    "profile_unusable": ("Không dùng được hồ sơ trạm '{name}': {error}",
                         "Cannot use station profile '{name}': {error}"),
    "group_elderly": ("người cao tuổi", "elderly"),
    "group_disabled": ("người khuyết tật", "disabled"),
    "group_pregnant": ("phụ nữ mang thai", "pregnant"),
    "unknown_counter": ("Quầy số {counter} không có trong cấu hình hàng đợi",
                        "Counter {counter} is not in the queue configuration"),
    "served": ("Đã phục vụ xong", "Served"),
    "skipped": ("Vắng mặt, đã bỏ qua", "No-show, skipped"),
    "unknown_service": ("Quầy {counter} không phục vụ dịch vụ '{letter}'",
                        "Counter {counter} does not serve service '{letter}'"),
    "nobody_waiting": ("Không còn ai chờ ở quầy này", "Nobody is waiting for this counter"),
    "speaker_failed": ("Loa gọi số lỗi: {error}", "Call speaker failed: {error}"),
    "invalid_rating": ("Mức đánh giá '{rating}' không có", "No rating '{rating}'"),
    "result_ready": ("Hồ sơ đã có kết quả, mời trả cho công dân",
                     "The result is ready: hand it over"),
    "already_returned": ("Kết quả hồ sơ này đã được trả trước đó",
                         "This result was already handed back"),
    "return_recorded": ("Đã ghi nhận trả kết quả hồ sơ {code}", "Return of case {code} recorded"),
    "return_kept": ("Đã lưu việc trả kết quả {code}, sẽ gửi khi có mạng",
                    "Return of {code} kept, sent when back online"),
    "return_offline": ("Mất kết nối: không xem được hồ sơ; việc trả kết quả sẽ được ghi khi có "
                       "mạng",
                       "Offline: the case cannot be shown; the return is recorded when back "
                       "online"),
    "offline_compact": ("Mất kết nối: hãy nhập mã hồ sơ thay cho mã vạch số",
                        "Offline: type the case code instead of the numeric barcode"),
    # --- screens ---------------------------------------------------------------------------------
    "printer_line": ("Máy in: {state}", "Printer: {state}"),
    "open_jobs": (" · {n} phiếu chưa in", " · {n} papers not printed"),
    "procedure_facts": ("Thời hạn: {time} · Phí: {fee} · {field}",
                        "Processing time: {time} · Fee: {fee} · {field}"),
    "due_line": ("Hẹn trả kết quả: {due}", "Result due: {due}"),
    "station_line": ("Quầy số {n} · trạm {station}", "Counter {n} · station {station}"),
    "case_code": ("Mã hồ sơ: {code}", "Case code: {code}"),
    "return_details": ("Người nộp: {name}\nThủ tục: {procedure}\nTrạng thái: {status}\n"
                       "Nhận: {received} · Hẹn trả: {due}\nNơi nhận kết quả: {channel}",
                       "Applicant: {name}\nProcedure: {procedure}\nStatus: {status}\n"
                       "Received: {received} · Due: {due}\nCollect the result: {channel}"),
    "window_title": ("motcua — quầy tiếp nhận", "motcua — intake counter"),
    "tab_queue": ("Hàng đợi", "Queue"),
    "tab_intake": ("Tiếp nhận", "Intake"),
    "tab_receipt": ("Biên nhận", "Receipts"),
    "tab_returns": ("Trả kết quả", "Returns"),
    "logout": ("Đăng xuất", "Log out"),
    "not_logged_in": ("Chưa đăng nhập", "Not logged in"),
    "go_online": ("Trực tuyến lại", "Back online"),
    "go_offline": ("Làm ngoại tuyến", "Work offline"),
    "field_name": ("Họ tên người nộp *", "Applicant's full name *"),
    "arrival": ("Hồ sơ nộp:", "File came:"),
    "arrival_in_person": ("Trực tiếp tại quầy", "In person at the counter"),
    "arrival_post": ("Qua bưu chính", "By post"),
    "sms_consent": ("Đồng ý nhận tin nhắn SMS khi có kết quả, cần bổ sung hoặc hẹn lại "
                    "(cần số điện thoại)",
                    "SMS when the result is ready, papers are missing or the date moves "
                    "(needs a phone number)"),
    "field_id_number": ("Số định danh / CCCD", "ID number"),
    "field_phone": ("Số điện thoại", "Phone number"),
    "field_address": ("Địa chỉ", "Address"),
    "procedure_search_hint": ("Tìm theo tên hoặc mã (gõ không dấu được)",
                              "Search by name or code (diacritics optional)"),
    "refusal_reason": ("Lý do từ chối (Mẫu 03)", "Reason for refusing (form 03)"),
    "procedure_title": ("1. Thủ tục", "1. Procedure"),
    "search": ("Tìm", "Search"),
    "applicant_title": ("2. Người nộp", "2. Applicant"),
    "receive_and_print": ("Tiếp nhận và in biên nhận", "Receive and print the receipt"),
    "print_supplement": ("In phiếu bổ sung (Mẫu 02)", "Print supplement request (form 02)"),
    "refuse": ("Từ chối", "Refuse"),
    "result_by": ("Nhận kết quả:", "Result by:"),
    "field_username": ("Tên đăng nhập", "Username"),
    "field_password": ("Mật khẩu", "Password"),
    "field_old_password": ("Mật khẩu hiện tại", "Current password"),
    "field_new_password": ("Mật khẩu mới", "New password"),
    "field_again": ("Nhập lại mật khẩu mới", "New password again"),
    "login_title": ("Đăng nhập quầy tiếp nhận", "Counter sign-in"),
    "login": ("Đăng nhập", "Log in"),
    "login_note": ("Mỗi cán bộ dùng tài khoản riêng và giữ bí mật mật khẩu.",
                   "Each official uses their own account and keeps the password secret."),
    "change_title": ("Đổi mật khẩu trước khi làm việc", "Change your password before working"),
    "change_note": ("Mật khẩu do quản trị cấp chỉ dùng một lần.",
                    "A password set by the administrator works only once."),
    "change_password": ("Đổi mật khẩu", "Change password"),
    "no_calls": ("Chưa có lượt gọi hôm nay", "No calls yet today"),
    "serving_title": ("Đang phục vụ tại quầy", "Being served here"),
    "call_next": ("Gọi tiếp", "Call next"),
    "recall": ("Gọi lại", "Call again"),
    "no_show": ("Vắng mặt", "No-show"),
    "transfer_to": ("Chuyển sang:", "Transfer to:"),
    "transfer_choose": ("Chọn quầy / dịch vụ", "Choose a counter / service"),
    "transfer": ("Chuyển", "Transfer"),
    "waiting_title": ("Đang chờ", "Waiting"),
    "latest_title": ("Vừa gọi (màn hình sảnh)", "Just called (hall screen)"),
    "no_jobs": ("Chưa có phiếu nào", "No papers yet"),
    "reprint_by_code": ("In lại biên nhận theo mã hồ sơ", "Reprint a receipt by case code"),
    "reprint": ("In lại", "Reprint"),
    "retry": ("In tiếp sau khi sửa máy", "Print again after fixing the printer"),
    "paper_out_confirmed": ("Phiếu đã ra", "The paper came out"),
    "printer_title": ("Máy in", "Printer"),
    "recent_jobs": ("Phiếu gần đây", "Recent papers"),
    "hand_over": ("Trả kết quả cho công dân", "Hand the result over"),
    "no_scan": ("Chưa quét biên nhận", "No receipt scanned yet"),
    "find_case": ("Tìm hồ sơ", "Find the case"),
    "ask_rating": ("Mời công dân đánh giá sự hài lòng:", "Ask the citizen to rate the service:"),
    "welcome": ("Xin chào {full_name}", "Welcome {full_name}"),
    "offline_login": ("Đăng nhập ngoại tuyến: hồ sơ sẽ được gửi khi có kết nối",
                      "Logged in offline: cases are sent when the connection is back"),
    "first_login": ("Lần đầu đăng nhập: hãy đổi mật khẩu", "First login: change the password"),
    "password_changed": ("Đã đổi mật khẩu", "Password changed"),
    "transfer_choose_first": ("Chọn quầy hoặc dịch vụ để chuyển",
                              "Choose a counter or a service to transfer to"),
    "job_printed": ("Đã in xong, máy in xác nhận", "Printed, confirmed by the printer"),
    "job_unverified": ("Đã gửi, máy in không xác nhận: kiểm tra phiếu",
                       "Sent; the printer cannot confirm: check the paper"),
    "job_failed": ("Chưa in được", "Not printed"),
    "job_pending": ("Đang chờ in", "Waiting to print"),
}

PRIORITY_REASONS = ("elderly", "disabled", "pregnant")


def msg(key: str, level: str = "info", /, **values: object) -> Msg:
    """Values that are themselves a `Msg` fill each half with their own language."""
    return Msg.filled(TEXTS[key], level, key, **values)


def fail(name: str, /, *, key: str | None = None, field: str | None = None, **values: object
         ) -> CounterError:
    """The problem worded by the entry `name`, as a CounterError keyed `key` (else `name`)."""
    text = msg(name, "error", **values)
    return CounterError(text.vi, text.en, key or name, field)


def pair(key: str, **values: object) -> str:
    """Both languages on one line, for a field hint or a button too narrow for two lines."""
    return str(msg(key, **values))


def tr(key: str, **values: object) -> str:
    """The Vietnamese text, for a button or a label."""
    return TEXTS[key][0].format(**values)


def both(key: str, **values: object) -> str:
    """Vietnamese on the first line, English on the second, for a button with room."""
    text = msg(key, **values)
    return f"{text.vi}\n{text.en}"
