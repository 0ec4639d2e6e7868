"""The Kivy kiosk, driven by real touches, checked against reference screenshots.

Run by ../test_screens.py in a separate process per orientation; by hand:
    MOTCUA_UI_ORIENTATION=landscape KIVY_HOME=$(mktemp -d) .venv/bin/python -m pytest \\
        -o python_files='check_*.py' tests/kiosk_app/ui
Each check starts at home (fixture `home`); screenshots are compared with
tests/kiosk_app/screenshots/<orientation>/<name>.png (MOTCUA_UPDATE_SCREENSHOTS=1 rewrites them).
"""

from kiosk_app.strings import tr
from tests.kiosk_app.conftest import MASKED
from tests.kiosk_app.ui.harness import PIN


def vi(key: str, **values) -> str:
    return tr(key, "vi", **values)


def test_home_shows_where_the_code_is_and_the_journeys(home):
    assert home.core.state.screen == "home"
    home.shot("home")
    home.tap("English")
    assert home.core.state.lang == "en"
    home.shot("home-en")
    home.tap("Tiếng Việt")
    assert home.core.state.lang == "vi"


def test_scanning_screen_shows_the_camera_with_a_guide_frame(home):
    home.tap("▶  " + vi("btn_scan"))
    assert home.core.state.screen == "scan"
    home.settle()
    camera = home.app.root.screens["scan"].camera
    assert camera.texture is not None
    width, height = camera.texture.size
    assert width % 4 == 0  # GL's 4-byte row alignment: another width sheared the picture
    # cut to the area's shape even when the first frame came before the screen was laid out
    assert abs(width / height - camera.width / camera.height) < 0.01
    home.shot("scan")
    home.tap("‹ " + vi("back"))
    assert home.core.state.screen == "home"


def type_keys(ui, keys: str) -> None:
    for key in keys:
        ui.tap(key)


def test_typing_explains_a_bad_code_then_looks_up_a_good_one(home, backend):
    home.tap(vi("btn_type"))
    type_keys(home, "2613")
    assert home.core.state.entry.check.state == "invalid"
    home.shot("type-invalid")
    for _ in range(2):
        home.tap("⌫")
    code = backend.cases["new"]["code"]
    type_keys(home, code.split("-", 1)[1].replace("-", "")[2:])
    assert home.core.state.entry.text == code
    display = home.app.root.screens["type"].display
    assert display.texture_size[1] < 1.6 * display.font_size  # one line, never cut mid-number
    home.shot("type-full")
    home.tap(vi("btn_lookup"))
    assert home.core.state.screen == "status" and not home.core.state.case.verified
    assert MASKED not in home.texts()  # a typed code never shows the name
    assert "ℹ " + vi("coarse_hint") in home.texts()
    home.shot("status-typed")
    home.tap(vi("btn_other_case"))  # typed once, typed again: the keypad, not the camera
    assert home.core.state.screen == "type" and home.core.state.entry.text == "000.00.06.H56-"


def test_a_scanned_receipt_shows_the_case_with_masked_name(home, backend):
    home.core.scanned(backend.cases["new"]["qr"])
    home.settle()
    assert home.core.state.screen == "status" and MASKED in home.texts()
    home.shot("status")


def test_a_late_case_with_a_new_date(home, backend):
    home.core.scanned(backend.cases["late"]["compact"])
    home.settle()
    assert home.core.state.case.late and vi("late") in home.texts()
    home.shot("status-late")


def test_rating_a_returned_case(home, backend):
    home.core.scanned(backend.cases["returned"]["qr"])
    home.settle()
    assert home.core.state.rating_offered
    home.shot("status-rating")
    home.tap(vi("satisfied"))
    assert home.core.state.rating_done.vi == vi("rate_thanks")
    home.shot("status-rated")
    home.tap(vi("done"))
    home.core.scanned(backend.cases["returned"]["qr"])
    home.settle()
    assert home.core.state.case.rated and not home.core.state.rating_offered
    assert vi("rate_title") not in home.texts()  # one rating per case: not asked again


def test_a_counter_asks_for_a_rating(home, backend):
    code = backend.cases["late"]["code"]  # any case not rated yet
    backend.client("clerk").request_rating(code, 1)
    home.core.poll_rating()
    home.settle()
    assert home.core.state.screen == "rate" and vi("rate_counter", n=1) in home.texts()
    assert code not in home.texts() and MASKED not in home.texts()
    home.shot("rate-counter")
    home.tap(vi("very_satisfied"))
    assert home.core.state.rating_done.vi == vi("rate_thanks")
    home.tap(vi("done"))
    assert home.core.state.screen == "home"


def test_procedures_by_search_and_by_field(home):
    home.tap(vi("btn_procedures"))
    home.shot("procedures")
    fields = [w.text for w in home.widgets() if "·" in str(getattr(w, "text", ""))]
    assert fields.index(f"Đất đai  ·  {vi('proc_count', n=2)}") < fields.index(
        f"Lý lịch tư pháp  ·  {vi('proc_count', n=1)}")  # Vietnamese order, not code points
    results = home.app.root.screens["procedures"].results.parent
    results.scroll_y = 0  # a citizen scrolled to the end of the fields, then types
    home.frames(2)
    type_keys(home, "KHAI")
    home.tap(vi("key_space"))
    type_keys(home, "SINH")
    home.mono.advance(1)  # the search runs after a pause in typing
    home.settle()
    assert [p.name for p in home.core.state.procedures] == ["Đăng ký khai sinh"]
    found = home.find("Đăng ký khai sinh")
    top_of = lambda w: w.to_window(w.x, w.top)[1]  # noqa: E731
    assert abs(top_of(found) - top_of(results)) < 4  # at the top of its panel
    home.shot("procedures-search")
    home.tap("Đăng ký khai sinh")
    assert home.core.state.screen == "procedure"
    home.shot("procedure")
    home.tap("‹ " + vi("back"))
    home.tap(vi("key_clear"))
    home.mono.advance(1)
    home.settle()
    hotich = f"Hộ tịch  ·  {vi('proc_count', n=5)}"
    results.scroll_to(home.find(hotich), animate=False)  # scrolled to, as a person would
    home.frames(2)
    home.tap(hotich)
    assert home.core.state.screen == "procedure_list"
    home.shot("procedure-list")
    home.tap("Đăng ký khai tử")
    assert home.core.state.screen == "procedure"
    # Gone before the next frame is drawn, not a frame later: nothing redrew the window then,
    # and the list stayed visible under the procedure with two "Back" buttons.
    assert [s.name for s in home.app.root.manager.children] == ["procedure"]
    home.core.back()
    assert [s.name for s in home.app.root.manager.children] == ["procedure_list"]


def test_a_queue_ticket(home):
    home.tap(vi("btn_ticket"))
    home.shot("queue")
    service = home.core.state.services[0]
    home.tap(service.letter)
    assert home.core.state.screen == "ticket" and home.core.state.ticket.label == "A-001"
    home.shot("ticket")
    home.tap(vi("done"))
    assert home.core.state.screen == "home"


def test_a_priority_ticket(home):
    home.tap(vi("btn_ticket"))
    home.tap(vi("prio_elderly"))
    assert home.core.state.priority == "elderly"
    home.shot("queue-priority")
    home.tap(home.core.state.services[0].letter)
    ticket = home.core.state.ticket
    assert home.core.state.screen == "ticket" and ticket.label.startswith("A-")
    assert vi("ticket_priority", reason=tr("prio_elderly", "vi")) in home.texts()
    home.shot("ticket-priority")
    home.tap(vi("done"))
    assert home.core.state.priority is None  # the next citizen starts without one


def test_lunch_break_says_when_tickets_resume(home, backend):
    noon = backend.clock.now.replace(hour=12, minute=0)
    home.tap(vi("btn_ticket"))  # choosing a service when the lunch break begins
    before, backend.clock.now = backend.clock.now, noon
    try:
        home.core.check_ticketing()
        home.settle()
        assert not home.core.state.ticket_available
        assert "Lấy số lại lúc 13:30" in home.texts()
        home.tap("⌂  " + vi("home"))
        assert vi("btn_ticket") not in home.texts()  # said before anyone taps
        assert "Lấy số lại lúc 13:30" in home.texts()
        home.shot("home-lunch")
    finally:
        backend.clock.now = before
        home.core.check_ticketing()
        home.settle()
    assert home.core.state.ticket_available


def test_idle_warns_with_a_countdown_and_a_touch_stays(home, backend):
    from kivy.core.window import Window

    home.core.scanned(backend.cases["new"]["qr"])
    home.settle()
    home.mono.advance(36)  # 9 s left of 45
    home.settle()
    assert vi("idle_warning", s=9) in home.texts()
    home.shot("idle-warning")
    home.touch(Window.width / 2, 30)  # anywhere: the footer
    assert home.core.state.idle_left is None and vi("idle_warning", s=9) not in home.texts()
    assert home.core.state.screen == "status"


def test_out_of_paper_hides_the_ticket_button(home):
    printer = home.core.hardware.printer.virtual
    printer.faults.paper_out = True
    try:
        home.mono.advance(31)  # the next printer check
        home.settle()
        assert not home.core.state.ticket_available
        assert vi("btn_ticket") not in home.texts()
        home.shot("home-no-paper")
    finally:
        printer.load_paper()
        home.mono.advance(31)
        home.settle()
    assert home.core.state.ticket_available


def test_an_unreachable_server_is_said_and_retried(home, backend):
    from tests.kiosk_app.conftest import free_port

    home.core.client.base_url = f"http://127.0.0.1:{free_port()}"
    try:
        home.core.scanned(backend.cases["new"]["qr"])
        home.settle()
        assert home.core.state.offline is not None
        home.shot("offline")
    finally:
        home.core.client.base_url = backend.url
    home.mono.advance(3)
    home.settle()
    assert home.core.state.screen == "status" and home.core.state.offline is None


def test_admin_gesture_pin_and_self_test(home):
    from kivy.core.window import Window

    for _ in range(5):
        home.touch(20, 20)  # bottom-left corner (Kivy counts y from the bottom)
    assert home.core.state.screen == "pin"
    type_keys(home, PIN[:2])
    home.shot("pin")
    type_keys(home, PIN[2:])
    home.tap("OK")
    assert home.core.state.screen == "admin"
    home.tap(vi("admin_selftest"))
    assert [r for _n, r, _d in home.core.state.admin.tests][:2] == ["test_pass", "test_pass"]
    home.shot("admin")
    home.tap(vi("admin_close"))
    assert home.core.state.screen == "home" and Window.width > 0


def test_locked_down_against_close_and_keys(home):
    from kivy.base import EventLoop
    from kivy.core.window import Window

    assert Window.dispatch("on_request_close") is True  # Alt-F4, the window manager's close
    for key, modifiers in ((27, []), (282, []), (285, ["alt"]), (9, ["alt"])):  # Esc F1 Alt-F4
        assert Window.dispatch("on_keyboard", key, 0, None, modifiers) is True
    home.frames(2)
    assert EventLoop.status != "stopped" and not home.core._closed
    assert home.core.state.screen == "home"


def test_an_ungrabbed_keyboard_wedge_scanner_still_works(home, backend):
    from kivy.core.window import Window

    for char in backend.cases["new"]["qr"]:
        Window.dispatch("on_keyboard", ord(char), 0, char, [])
    Window.dispatch("on_keyboard", 13, 0, None, [])
    home.settle()
    assert home.core.state.screen == "status" and home.core.state.case.verified


def test_idle_clears_the_screens_of_personal_data(home, backend):
    home.core.scanned(backend.cases["new"]["qr"])
    home.settle()
    assert MASKED in home.texts()
    home.mono.advance(46)
    home.settle()
    assert home.core.state.screen == "home"
    status = home.app.root.screens["status"]
    written = [getattr(w, "text", "") for w in status.walk()]
    assert not any(MASKED in t or backend.cases["new"]["code"] in t for t in written)


def test_a_printed_receipt_held_to_the_camera_opens_its_status_screen(home, backend):
    from bench import receipt_photos as rp
    from bench.scan_to_status import photo_of, printed_receipt, receipt_document

    case = backend.cases["returned"]
    photo = photo_of(printed_receipt(receipt_document(case)), rp.Shot(angle=15), seed=1)
    camera = home.core.hardware.camera
    home.tap("▶  " + vi("btn_scan"))
    camera.show([photo])
    try:
        for _ in range(500):  # the camera and decoder threads work at their own pace
            home.core.inbox.run_next(0.01)
            home.frames(1)
            if home.core.state.screen == "status" and not home.core.busy:
                break
    finally:
        camera.show([home.photo])
    home.settle()
    assert home.core.state.case.code == case["code"] and MASKED in home.texts()
    # A returned case proved by its receipt: the rating is offered unless an earlier check
    # already rated it (one rating per case).
    case = home.core.state.case
    assert case.verified and home.core.state.rating_offered is not case.rated


def test_a_small_window_gets_a_smaller_layout():
    from kiosk_app.screens.theme import Sizes, sizes_for

    assert sizes_for(1920, 1080).title == 54 and sizes_for(1080, 1920) == Sizes(portrait=True)
    small = sizes_for(1280, 720)
    assert not small.portrait and small.title == 36 and small.button_h == 77


def test_every_word_fits_its_button_on_the_journeys_screens(home):
    """Run at the profile's size and again in a 1280x800 window (../test_screens.py): the
    letter keys once had 16 px of room for a 27 px letter there."""
    cut = home.cut_words()
    home.tap(vi("btn_type"))
    cut += home.cut_words()
    home.tap(vi("key_letters"))
    cut += home.cut_words()
    home.core.reset()
    home.settle()
    home.tap(vi("btn_procedures"))
    cut += home.cut_words()
    assert not cut, "\n".join(cut)
