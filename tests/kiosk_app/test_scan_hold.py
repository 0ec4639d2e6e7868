"""A receipt held up for as long as a person holds it: one lookup, one status screen.

Everything real: the case is received on a uvicorn server on loopback, its receipt printed by
the virtual printer and photographed as a hand holds it (a little movement between frames),
played by the fake camera at 15 fps in real time into the camera scanner and the kiosk core.
The server counts the lookups it received itself (a middleware in front of the app), so what
is counted is what went over the wire, not what the kiosk meant to send.
"""

import time

import numpy as np
import pytest

from backend.app import create_app
from bench import receipt_photos as rp
from bench.scan_to_status import photo_of, printed_receipt, receipt_document
from drivers.cameras import FakeCamera
from drivers.scanners import DeviceMatch, EvdevWedgeScanner, SerialScanner
from drivers.scanners.fake import FakeInputDevice, FakeSerialScanner
from kiosk_app.devices import Hardware
from tests.backend.api.helpers import intake, pick_procedure
from tests.kiosk_app.conftest import LiveServer, free_port, run_until

FPS = 15
LEFT = 4.0  # out of view for longer than the camera's 3 s duplicate window


class RequestLog:
    """ASGI middleware noting the path of every HTTP request the server received."""

    def __init__(self, app) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)

    def lookups(self) -> list[str]:
        return [p for p in self.paths if p.startswith("/api/v1/lookup/")]


def counting_server(store, clock, port: int) -> LiveServer:
    log = RequestLog(create_app(store.path, clock=clock))
    live = LiveServer(log, port).start()
    live.log = log
    return live


@pytest.fixture
def server(store, clock):
    """The kiosk fixtures' server, counting what it receives."""
    live = counting_server(store, clock, free_port())
    yield live
    live.stop()


def held_in_hand(case: dict, seed: int = 7) -> list[np.ndarray]:
    """One second of frames of the receipt held up: three poses, a third of a second each."""
    receipt = printed_receipt(receipt_document(case))
    poses = [rp.Shot(angle=a, px_per_mm=8.0 + d, noise=2) for a, d in ((4, 0), (9, 0.5),
                                                                       (2, 1.0))]
    return [frame for shot in poses for frame in [photo_of(receipt, shot, seed)] * (FPS // 3)]


@pytest.fixture(scope="module")
def lobby():
    return [rp.clutter(np.random.default_rng(5))]


def pump_for(kiosk, seconds: float, every: tuple[float, object] | None = None) -> None:
    """Run the kiosk as the app's frame clock does for `seconds` of real time; `every`:
    (period, fn) calls fn that often meanwhile (a scanner re-sending its code)."""
    started = time.monotonic()
    due = started
    while (now := time.monotonic()) - started < seconds:
        if every is not None and now >= due:
            every[1]()
            due = now + every[0]
        kiosk.pump()
        kiosk.inbox.run_next(0.02)


def on_status_of(kiosk, case):
    return lambda: (kiosk.state.screen == "status" and not kiosk.busy
                    and kiosk.state.case.code == case["code"])


def camera_kiosk(make_kiosk, lobby, **config):
    camera = FakeCamera(lobby, fps=FPS)
    return camera, make_kiosk(hardware=Hardware(camera=camera), **config)


def test_a_receipt_held_up_for_30_s_is_looked_up_once(make_kiosk, server, new_case, lobby):
    camera, kiosk = camera_kiosk(make_kiosk, lobby)
    camera.show(held_in_hand(new_case))
    served = camera.frames_served
    pump_for(kiosk, 30.0)
    assert len(server.log.lookups()) == 1, server.log.lookups()
    assert on_status_of(kiosk, new_case)() and kiosk.state.case.verified
    assert kiosk.state.notice is None and kiosk.state.busy is None
    stats = kiosk.hardware.camera_scanner.stats
    assert camera.frames_served - served >= 25 * FPS  # 30 s of frames, give or take a slow box
    assert stats["read"] == 1 and stats["decoded"] >= 20  # seen all along, reported once


def test_closed_status_with_the_receipt_still_held_stays_closed(make_kiosk, server, new_case,
                                                                 clerk, lobby, mono):
    camera, kiosk = camera_kiosk(make_kiosk, lobby)
    camera.show(held_in_hand(new_case))
    run_until(kiosk, on_status_of(kiosk, new_case), timeout=10)
    mono.advance(46)  # nobody touched the screen: the idle reset closes it…
    kiosk.pump()
    assert kiosk.state.screen == "home" and kiosk.state.case is None
    pump_for(kiosk, LEFT)  # …and the receipt still lying in view does not open it again
    assert kiosk.state.screen == "home" and len(server.log.lookups()) == 1

    camera.show(lobby)  # taken away, then shown again: the citizen wants to see it again
    pump_for(kiosk, LEFT)
    camera.show(held_in_hand(new_case))
    run_until(kiosk, on_status_of(kiosk, new_case), timeout=10)
    assert len(server.log.lookups()) == 2

    kiosk.back()  # closed by hand, receipt still held
    pump_for(kiosk, LEFT)
    assert kiosk.state.screen == "home" and len(server.log.lookups()) == 2

    other = intake(clerk, pick_procedure(clerk, unit="KT"))  # the next citizen's receipt
    camera.show(held_in_hand(other, seed=8))
    shown = time.monotonic()
    run_until(kiosk, on_status_of(kiosk, other), timeout=10)
    assert time.monotonic() - shown < 3  # at once, not after a quiet period
    assert len(server.log.lookups()) == 3


def test_a_lookup_that_failed_is_looked_up_again_while_still_held(make_kiosk, server, new_case,
                                                                   store, clock, lobby):
    port = free_port()  # the kiosk's server is away at first
    camera, kiosk = camera_kiosk(make_kiosk, lobby, url=f"http://127.0.0.1:{port}")
    camera.show(held_in_hand(new_case))
    run_until(kiosk, lambda: kiosk.state.offline is not None, timeout=10)
    kiosk.go_home()  # the citizen gives up on the retry; the receipt stays in front
    back = counting_server(store, clock, port)
    try:
        run_until(kiosk, on_status_of(kiosk, new_case), timeout=10)
        pump_for(kiosk, LEFT)
        assert len(back.log.lookups()) == 1  # read again once, not once per frame
    finally:
        back.stop()


def serial_scanner():
    """A serial scanner on a pty: (driver, send a code, unplug)."""
    device = FakeSerialScanner("CR")
    return SerialScanner(device.port_name), device.scan, device.close


def usb_scanner():
    """A USB keyboard-wedge scanner typing its codes as evdev key events."""
    device = FakeInputDevice()
    driver = EvdevWedgeScanner(DeviceMatch(vid=0x0C2E, pid=0x0B61), finder=lambda _m: device)
    return driver, device.type, device.close


@pytest.mark.parametrize("plugged", [serial_scanner, usb_scanner], ids=["serial", "usb"])
def test_a_scanner_resending_the_same_code_is_one_lookup(make_kiosk, server, new_case, plugged):
    scanner, send, unplug = plugged()
    try:
        kiosk = make_kiosk(hardware=Hardware(scanners=[scanner]))
        run_until(kiosk, lambda: scanner.connected)

        def resend():
            send(new_case["qr"])

        pump_for(kiosk, 6.0, every=(0.25, resend))  # a presentation scanner, receipt held
        assert on_status_of(kiosk, new_case)() and len(server.log.lookups()) == 1
        kiosk.go_home()
        pump_for(kiosk, 3.0, every=(0.25, resend))  # closed while still held: stays closed
        assert kiosk.state.screen == "home" and len(server.log.lookups()) == 1
        pump_for(kiosk, 3.0)  # taken away (the scanners' window is 2 s), then held again
        pump_for(kiosk, 1.0, every=(0.25, resend))
        run_until(kiosk, on_status_of(kiosk, new_case))
        assert len(server.log.lookups()) == 2
    finally:
        scanner.stop()  # before its device goes: no thread left reading a closed descriptor
        unplug()


def test_a_wedge_scanner_typing_into_the_window_resending_is_one_lookup(kiosk, server,
                                                                        new_case):
    """The scanner's keys reach the window when its device could not be grabbed."""

    def resend():
        kiosk.wedge_scanned(new_case["qr"])

    pump_for(kiosk, 4.0, every=(0.25, resend))
    assert on_status_of(kiosk, new_case)() and len(server.log.lookups()) == 1
    kiosk.go_home()
    pump_for(kiosk, 3.0, every=(0.25, resend))
    assert kiosk.state.screen == "home" and len(server.log.lookups()) == 1
