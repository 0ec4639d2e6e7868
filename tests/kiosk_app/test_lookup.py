"""Scan or type a code, see the case; ratings; idle clearing; an unreachable backend."""

import dataclasses
import threading
import types

import pytest

from backend.app import create_app
from drivers.scanners import FakeScanner
from kiosk_app.devices import Hardware
from tests.kiosk_app.conftest import MASKED, CountingClient, LiveServer, run_until, settle


def on_status(kiosk):
    return lambda: kiosk.state.screen == "status" and not kiosk.busy


def test_scanned_qr_shows_the_verified_case_with_masked_name_and_history(kiosk, new_case):
    kiosk.scanned(new_case["qr"])
    assert kiosk.state.busy.en == "Looking up your case…"  # said at once, answer comes later
    run_until(kiosk, on_status(kiosk))
    case = kiosk.state.case
    assert case.code == new_case["code"] and case.verified and case.applicant == MASKED
    assert [e.what.vi for e in case.timeline] == ["Tiếp nhận hồ sơ"]
    assert case.label.vi == "Được tiếp nhận" and kiosk.state.busy is None


def test_the_compact_code128_alone_also_proves_the_receipt(kiosk, new_case):
    kiosk.scanned(new_case["compact"])
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.code == new_case["code"] and kiosk.state.case.applicant == MASKED


def test_a_usb_scanner_read_goes_straight_to_the_status_screen(make_kiosk, new_case, tmp_path):
    scanner = FakeScanner()
    kiosk = make_kiosk(hardware=Hardware(scanners=[scanner]))
    assert scanner.scan(new_case["qr"], "QRCode")  # on the scanner's side
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.verified


def test_a_typed_code_shows_the_coarse_status_without_the_name(kiosk, new_case):
    kiosk.open_typing()
    assert kiosk.state.entry.text == "000.00.06.H56-"
    for key in new_case["code"].split("-", 1)[1].replace("-", ""):
        kiosk.press_key(key)
    assert kiosk.state.entry.check.ok and kiosk.state.entry.text == new_case["code"]
    kiosk.submit_code()
    run_until(kiosk, on_status(kiosk))
    case = kiosk.state.case
    assert not case.verified and case.applicant is None and case.timeline == ()
    assert not kiosk.state.rating_offered


def test_a_malformed_code_is_explained_and_never_sent(make_kiosk, server):
    kiosk = make_kiosk()
    kiosk.client = CountingClient(server.address)
    kiosk.open_typing()
    for key in "2613":
        kiosk.press_key(key)
    assert kiosk.state.entry.check.message.en == "Month '13' does not exist (01 to 12)"
    kiosk.submit_code()
    settle(kiosk)
    assert kiosk.state.notice.vi.startswith("Tháng '13'") and kiosk.state.screen == "type"
    assert kiosk.client.lookups == []
    kiosk.client.session.close()


def test_unknown_case_and_foreign_barcodes_get_clear_messages(kiosk):
    kiosk.scanned("000.00.06.H56-261123-0999/12345678")
    run_until(kiosk, lambda: kiosk.state.notice is not None)
    assert "Không tìm thấy hồ sơ" in kiosk.state.notice.vi
    assert "No case with code" in kiosk.state.notice.en and kiosk.state.screen == "home"
    kiosk.scanned("8934567890123")  # a product's EAN, held up by mistake
    assert kiosk.state.notice.vi.startswith("Mã vừa quét không phải mã biên nhận")
    assert kiosk.state.notice.en.startswith("The code scanned is not a case receipt")
    kiosk.scanned("99261123000712345678")  # well-formed digits of no agency of this site
    run_until(kiosk, lambda: kiosk.state.notice and "agency" in kiosk.state.notice.en)


def test_rating_after_a_returned_case_once_per_case(kiosk, returned_case):
    kiosk.scanned(returned_case["qr"])
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.returned and kiosk.state.rating_offered
    kiosk.rate("very_satisfied")
    run_until(kiosk, lambda: kiosk.state.rating_done is not None)
    assert kiosk.state.rating_done.en == "Thank you for your rating!"
    assert not kiosk.state.rating_offered
    kiosk.go_home()
    kiosk.scanned(returned_case["qr"])
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.rated and not kiosk.state.rating_offered  # never asked twice
    kiosk.rate("unsatisfied")  # ignored: nothing was offered
    assert kiosk.state.busy is None and kiosk.state.rating_done is None


def test_a_case_rated_at_the_counter_is_not_offered_again(kiosk, server, clerk, returned_case):
    clerk.rate(returned_case["code"], "satisfied", channel="counter")
    coarse = server.client().lookup(returned_case["code"])
    assert "rated" not in coarse  # whether a case was rated is for the receipt's holder only
    assert server.client().lookup(returned_case["code"], returned_case["token"])["rated"] is True
    kiosk.scanned(returned_case["qr"])
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.returned and kiosk.state.case.rated
    assert not kiosk.state.rating_offered


def test_a_rating_that_lost_a_race_says_so(kiosk, clerk, returned_case):
    kiosk.scanned(returned_case["qr"])
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.rating_offered
    clerk.rate(returned_case["code"], "satisfied", channel="counter")  # meanwhile, at the counter
    kiosk.rate("unsatisfied")
    run_until(kiosk, lambda: kiosk.state.rating_done is not None)
    assert "already been rated" in kiosk.state.rating_done.en


def test_no_rating_for_open_cases_typed_codes_or_when_switched_off(kiosk, new_case,
                                                                   returned_case):
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, on_status(kiosk))
    assert not kiosk.state.rating_offered
    kiosk.rate("satisfied")  # ignored: nothing was offered
    assert kiosk.state.busy is None
    kiosk.go_home()
    kiosk.lookup(returned_case["code"], scanned=False)
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.returned and not kiosk.state.rating_offered


def holds(obj, needle: str, seen=None, depth=0) -> bool:
    """Does anything reachable from `obj` (attributes, containers, closures) contain `needle`?"""
    seen = set() if seen is None else seen
    if isinstance(obj, str):
        return needle in obj
    if id(obj) in seen or depth > 8 or isinstance(obj, type | types.ModuleType):
        return False
    seen.add(id(obj))
    if isinstance(obj, dict):
        children = [*obj.keys(), *obj.values()]
    elif isinstance(obj, list | tuple | set | frozenset):
        children = list(obj)
    elif isinstance(obj, types.FunctionType | types.MethodType):
        func = getattr(obj, "__func__", obj)
        children = [getattr(obj, "__self__", None),
                    *(c.cell_contents for c in func.__closure__ or () if _filled(c))]
    elif dataclasses.is_dataclass(obj):
        children = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
    else:
        children = list(getattr(obj, "__dict__", {}).values())
    return any(holds(child, needle, seen, depth + 1) for child in children)


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def test_idle_clears_the_screen_and_memory_of_personal_data(make_kiosk, new_case, mono):
    scanner = FakeScanner(clock=mono)  # its duplicate window runs on the kiosk's time
    kiosk = make_kiosk(hardware=Hardware(scanners=[scanner]))
    assert scanner.scan(new_case["qr"])
    run_until(kiosk, on_status(kiosk))
    kiosk.toggle_language()
    mono.advance(44)
    kiosk.pump()
    assert kiosk.state.screen == "status"
    for secret in (MASKED, new_case["code"], new_case["token"]):
        assert holds(kiosk, secret)
    mono.advance(2)  # 46 s without a touch (default 45 s)
    kiosk.pump()
    assert kiosk.state.screen == "home" and kiosk.state.case is None and kiosk.state.lang == "vi"
    for secret in (MASKED, new_case["code"], new_case["token"]):
        assert not holds(kiosk, secret), secret
    assert scanner.scan(new_case["qr"])  # 46 s out of view: the next scan is not "a duplicate"
    run_until(kiosk, on_status(kiosk))


def test_typing_and_notices_also_time_out_and_touch_keeps_them(kiosk, mono):
    kiosk.open_typing()
    kiosk.press_key("2")
    mono.advance(40)
    kiosk.touch()
    mono.advance(40)
    kiosk.pump()
    assert kiosk.state.screen == "type"
    mono.advance(6)
    kiosk.pump()
    assert kiosk.state.screen == "home" and kiosk.state.entry.text == "000.00.06.H56-"


class SlowClient(CountingClient):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.release = threading.Event()

    def lookup(self, code, token=None):
        self.release.wait(5)
        return super().lookup(code, token)


def test_an_answer_arriving_after_the_citizen_left_is_dropped(make_kiosk, server, new_case):
    kiosk = make_kiosk()
    kiosk.client = SlowClient(server.address)
    kiosk.scanned(new_case["qr"])
    kiosk.go_home()  # Home works while the lookup is still out
    kiosk.client.release.set()
    settle(kiosk)
    assert kiosk.client.lookups and kiosk.state.screen == "home" and kiosk.state.case is None
    assert not holds(kiosk.state, MASKED)
    kiosk.client.session.close()


@pytest.fixture
def dead_port():
    from tests.kiosk_app.conftest import free_port

    return free_port()


def test_unreachable_backend_retries_by_itself_and_never_freezes(make_kiosk, new_case, dead_port,
                                                                  store, clock, mono):
    kiosk = make_kiosk(url=f"http://127.0.0.1:{dead_port}")
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, lambda: kiosk.state.offline is not None)
    assert kiosk.state.offline.en == "Cannot reach the server. Retrying in 2 s…"
    assert kiosk.state.screen == "home" and kiosk.state.busy is None and not kiosk.state.connected
    mono.advance(1.5)
    kiosk.pump()
    assert kiosk.state.offline.vi == "Mất kết nối máy chủ. Tự động thử lại sau 1 giây…"
    mono.advance(1)
    run_until(kiosk, lambda: kiosk.state.offline and "5 s" in kiosk.state.offline.en)
    live = LiveServer(create_app(store.path, clock=clock), dead_port).start()
    try:
        mono.advance(5)
        run_until(kiosk, on_status(kiosk))
        assert kiosk.state.offline is None and kiosk.state.case.code == new_case["code"]
    finally:
        live.stop()


def test_home_during_a_retry_cancels_it(make_kiosk, new_case, dead_port, mono):
    kiosk = make_kiosk(url=f"http://127.0.0.1:{dead_port}")
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, lambda: kiosk.state.offline is not None)
    kiosk.go_home()
    assert kiosk.state.offline is None and kiosk.timers.left("retry") is None
    assert not holds(kiosk, new_case["token"])


def test_idle_counts_down_its_last_seconds_and_a_touch_stays(kiosk, new_case, mono):
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, on_status(kiosk))
    mono.advance(34)
    kiosk.pump()
    assert kiosk.state.idle_left is None  # 11 s left: no warning yet
    mono.advance(1.5)
    kiosk.pump()
    assert kiosk.state.idle_left == 10
    mono.advance(5)
    kiosk.pump()
    assert kiosk.state.idle_left == 5 and kiosk.state.screen == "status"
    kiosk.touch()
    kiosk.pump()
    assert kiosk.state.idle_left is None and kiosk.state.screen == "status"
    mono.advance(45)
    kiosk.pump()
    assert kiosk.state.screen == "home" and kiosk.state.idle_left is None
    mono.advance(60)
    kiosk.pump()
    assert kiosk.state.idle_left is None  # nothing to clear on the home screen: no warning


def test_look_up_another_case_the_way_this_one_was_looked_up(kiosk, new_case):
    kiosk.open_typing()
    for key in new_case["code"].split("-", 1)[1].replace("-", ""):
        kiosk.press_key(key)
    kiosk.submit_code()
    run_until(kiosk, on_status(kiosk))
    kiosk.open_another()
    assert kiosk.state.screen == "type" and kiosk.state.entry.text == "000.00.06.H56-"
    kiosk.go_home()
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, on_status(kiosk))
    kiosk.open_another()
    assert kiosk.state.screen == "scan"


def test_a_scanned_receipt_whose_token_does_not_prove_it_shows_no_case(kiosk, new_case):
    """The camera's Code 128 has one check symbol: a reading with wrong digits can pass it (bench
    seed 340610 #395 read the token's digits wrong). A real receipt's token always proves its
    code, so a scan that does not is a misreading: the citizen is asked to hold still."""
    compact = new_case["compact"]
    wrong = compact[:12] + f"{(int(compact[12:]) + 1) % 10**8:08d}"
    kiosk.scanned(wrong)
    run_until(kiosk, lambda: kiosk.state.notice is not None and not kiosk.busy)
    assert kiosk.state.screen != "status" and kiosk.state.case is None
    assert kiosk.state.notice.key == "misread_scan"
    assert kiosk.state.notice.vi.startswith("Chưa đọc rõ biên nhận")
    kiosk.scanned(compact)  # the next frame reads it right
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.verified and kiosk.state.case.applicant == MASKED


def test_a_typed_code_without_its_token_still_shows_the_public_status(kiosk, new_case):
    kiosk.lookup(new_case["code"], scanned=False)
    run_until(kiosk, on_status(kiosk))
    assert kiosk.state.case.code == new_case["code"] and not kiosk.state.case.verified
