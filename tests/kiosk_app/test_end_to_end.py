"""End to end: a receipt printed by the virtual printer for a real case, photographed as a
citizen holds it, played by the fake camera, read by the decoder, shown by the kiosk.

The receipt is the one the counter prints for the intake answer (counter_app/receipts.py: the
QR of `qr`, CODE/TOKEN, at its foot, the Code 128 of `compact`, 20 digits, at its top); the
citizen holds up the QR, or the Code 128 where the QR is torn off; the photo model is
bench/receipt_photos.py's (tilt, bend, glare, JPEG, clutter).
"""

import numpy as np
import pytest

from bench import receipt_photos as rp
from bench.scan_to_status import photo_of, printed_receipt, receipt_document
from drivers.cameras import FakeCamera
from drivers.printers import Document
from drivers.printers.document import QR
from kiosk_app.devices import Hardware
from tests.kiosk_app.conftest import MASKED, run_until
from tests.waiting import wait_until

SHOTS = {
    "straight": rp.Shot(angle=0, px_per_mm=8.0),
    "tilted-and-bent": rp.Shot(angle=-24, px_per_mm=9.0, bend=1 / 600, jpeg=70, noise=2),
    "glare-low-light": rp.Shot(angle=14, px_per_mm=8.0, glare=150, dark=0.5, noise=3),
}


def held_up(kiosk_maker, photo: np.ndarray):
    """A kiosk whose camera sees the empty lobby, then the receipt."""
    empty = rp.clutter(np.random.default_rng(5))
    camera = FakeCamera([empty], fps=15)
    kiosk = kiosk_maker(hardware=Hardware(camera=camera))
    camera.show([empty, photo])
    return kiosk


@pytest.mark.parametrize("shot", list(SHOTS), ids=str)
def test_printed_receipt_to_camera_to_status(make_kiosk, new_case, tmp_path, shot):
    receipt = printed_receipt(receipt_document(new_case), tmp_path / "receipts")
    assert list((tmp_path / "receipts").glob("*.png"))  # the virtual printer's PNG
    photo = photo_of(receipt, SHOTS[shot], seed=7)
    kiosk = held_up(make_kiosk, photo)
    run_until(kiosk, lambda: kiosk.state.screen == "status" and not kiosk.busy, timeout=10)
    case = kiosk.state.case
    assert case.code == new_case["code"] and case.verified and case.applicant == MASKED
    # The camera's thread counts the read just after handing it over, and the kiosk may show
    # the status before that thread runs again (failed once at load 10).
    scanner = kiosk.hardware.camera_scanner
    assert wait_until(lambda: scanner.stats["read"] >= 1), scanner.stats


def test_the_code128_alone_maps_back_to_the_case(make_kiosk, new_case):
    """A receipt whose QR code is torn off: the 20 digits of the Code 128 still find it."""
    doc = receipt_document(new_case)
    without_qr = Document([b for b in doc if not isinstance(b, QR)])
    photo = photo_of(printed_receipt(without_qr), rp.Shot(angle=20, px_per_mm=9.0), seed=3)
    kiosk = held_up(make_kiosk, photo)
    run_until(kiosk, lambda: kiosk.state.screen == "status" and not kiosk.busy, timeout=10)
    assert kiosk.state.case.code == new_case["code"] and kiosk.state.case.applicant == MASKED
