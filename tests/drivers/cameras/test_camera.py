"""Capture thread, newest-frame handoff, duplicate suppression, reconnect, fakes, OpenCV."""

import threading
import time

import cv2
import numpy as np
import pytest

from drivers.cameras.base import CameraError, CameraScanner, EndOfStream, LatestFrame
from drivers.cameras.decoder import CODE128, QR, Decoded
from drivers.cameras.fake import FakeCamera
from drivers.cameras.opencv_camera import OpenCVCamera
from tests.drivers.waiting import wait_until


def stamped(n: int) -> np.ndarray:
    """A tiny frame that says which frame it is, a picture of its own (not skipped as still)."""
    frame = np.random.default_rng(n).integers(0, 256, (4, 4, 3), np.uint8)
    frame[0, 0, 0] = n % 256
    return frame


class ScriptedDecoder:
    """Decodes by looking up the frame's stamp; optionally slow, to be outpaced by the camera."""

    def __init__(self, script=None, delay=0.0):
        self.script, self.delay, self.seen = script or {}, delay, []

    def decode(self, frame):
        self.seen.append(int(frame[0, 0, 0]))
        time.sleep(self.delay)
        return self.script.get(int(frame[0, 0, 0]), [])


# --- the one-frame mailbox -----------------------------------------------------------------

def test_latest_frame_keeps_only_the_newest():
    box = LatestFrame()
    for n in range(5):
        box.put(stamped(n))
    seq, frame = box.wait_newer(0, timeout=0)
    assert seq == 5 and frame[0, 0, 0] == 4
    assert box.wait_newer(seq, timeout=0.01) == (5, None)


def test_latest_frame_wakes_a_waiter_on_put_and_on_close():
    box = LatestFrame()
    threading.Timer(0.05, box.put, [stamped(9)]).start()
    assert box.wait_newer(0, timeout=2)[1][0, 0, 0] == 9
    threading.Timer(0.05, box.close).start()
    started = time.monotonic()
    assert box.wait_newer(1, timeout=2) == (1, None)
    assert time.monotonic() - started < 1


# --- the fake camera -----------------------------------------------------------------------

def test_fake_plays_at_its_frame_rate_and_loops():
    cam = FakeCamera([stamped(1), stamped(2)], fps=100)
    with cam:
        started = time.monotonic()
        got = [int(cam.read()[0, 0, 0]) for _ in range(11)]
        elapsed = time.monotonic() - started
    assert got == [1, 2] * 5 + [1]
    assert 0.09 <= elapsed < 1.0  # 10 intervals of 10 ms


def test_fake_plays_once_then_ends():
    cam = FakeCamera([stamped(1)], fps=None, loop=False)
    with cam:
        assert cam.read()[0, 0, 0] == 1
        with pytest.raises(EndOfStream):
            cam.read()


def test_fake_plays_a_folder_of_images(tmp_path, receipt_frame):
    cv2.imwrite(str(tmp_path / "b.png"), receipt_frame)
    cv2.imwrite(str(tmp_path / "a.jpg"), receipt_frame[:, ::-1])
    (tmp_path / "notes.txt").write_text("not a frame")
    cam = FakeCamera(tmp_path, fps=None, loop=False)
    with cam:
        frames = [cam.read(), cam.read()]
    assert np.array_equal(frames[1], receipt_frame)  # name order, PNG is lossless
    assert frames[0].shape == receipt_frame.shape


def test_fake_unplug_and_replug():
    cam = FakeCamera([stamped(1)], fps=None)
    cam.open()
    cam.unplug()
    assert cam.read() is None
    with pytest.raises(CameraError):
        cam.open()
    cam.replug()
    cam.open()
    assert cam.read() is not None
    cam.close()


def test_fake_refuses_an_empty_source(tmp_path):
    with pytest.raises(ValueError, match="nothing to play"):
        FakeCamera(tmp_path)


# --- video files, through the fake and through OpenCV ----------------------------------------

@pytest.fixture(scope="module")
def clip(tmp_path_factory, receipt_frame, empty_frame):
    """A 12-frame MJPG clip: 4 empty frames, 8 with the receipt."""
    path = tmp_path_factory.mktemp("video") / "kiosk.avi"
    h, w = receipt_frame.shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, (w, h))
    assert out.isOpened()
    for frame in [empty_frame] * 4 + [receipt_frame] * 8:
        out.write(frame)
    out.release()
    return path


def test_fake_plays_a_video_file_once_or_looping(clip):
    once = FakeCamera(clip, fps=None, loop=False)
    with once:
        count = 0
        with pytest.raises(EndOfStream):
            while once.read() is not None:
                count += 1
    assert count == 12
    looping = FakeCamera(clip, fps=None)
    with looping:
        assert all(looping.read() is not None for _ in range(30))


def test_opencv_camera_reads_a_video_file_then_ends(clip):
    cam = OpenCVCamera(str(clip))
    with cam:
        frames = []
        with pytest.raises(EndOfStream):
            while True:
                frames.append(cam.read())
    assert len(frames) == 12 and frames[0].shape == (720, 1280, 3)


def test_opencv_camera_that_is_not_there():
    with pytest.raises(CameraError):
        OpenCVCamera("/dev/video-motcua-missing").open()
    assert OpenCVCamera(3).read() is None  # never opened


def test_camera_scanner_on_opencv_reads_the_receipt_and_stops_at_the_end(clip, payload):
    scans = []
    scanner = CameraScanner(OpenCVCamera(str(clip)), scans.append).start()
    assert wait_until(lambda: not scanner.running, timeout=10)
    scanner.stop()
    assert [(s.text, s.symbology) for s in scans] == [(payload.qr, QR)]
    assert scans[0].source == f"camera:{clip}"


# --- the camera as a scanner ---------------------------------------------------------------

def test_a_receipt_held_up_is_reported_once(receipt_frame, empty_frame, payload):
    scans = []
    # Held up for up to 2 s: long enough that a decoder slowed by a loaded machine still sees
    # the same picture again; no recheck meanwhile, so every repeat is skipped. Ten repeats
    # skipped after the read end the test (the receipt's last frames add nothing).
    cam = FakeCamera([empty_frame] * 3 + [receipt_frame] * 120, fps=60, loop=False)
    with CameraScanner(cam, scans.append, recheck=60) as scanner:
        assert wait_until(lambda: scans, timeout=10)
        before = scanner.stats["skipped"]
        assert wait_until(lambda: scanner.stats["skipped"] >= before + 10
                          or not scanner.running, timeout=10)
    assert [s.text for s in scans] == [payload.qr]
    # the same picture again is not decoded again: the lobby once, the receipt once
    assert scanner.stats["decoded"] <= 2 and scanner.stats["skipped"] > before


def test_frames_are_never_queued_behind_a_slow_decoder():
    frames = [stamped(n) for n in range(100)]
    decoder = ScriptedDecoder(delay=0.05)
    cam = FakeCamera(frames, fps=400, loop=False)
    with CameraScanner(cam, decoder=decoder) as scanner:
        assert wait_until(lambda: not scanner.running, timeout=10)
    assert len(decoder.seen) < 20  # ~0.25 s of capture at 20 decodes/s
    assert decoder.seen == sorted(decoder.seen)  # always forward, skipping stale frames
    assert max(np.diff(decoder.seen)) > 5


def test_symbols_of_one_receipt_are_one_scan():
    qr = Decoded(QR, "000.00.06.H56-261123-0007/48213907")
    bars = Decoded(CODE128, "01261123000748213907")
    # frame 1: both symbols; frame 2: Code 128 only (QR in glare); frame 3: another receipt
    script = {1: [bars, qr], 2: [bars], 3: [Decoded(CODE128, "02261124000112345678")]}
    cam = FakeCamera([stamped(1), stamped(2), stamped(3)], fps=20, loop=False)
    scans = []
    with CameraScanner(cam, scans.append, decoder=ScriptedDecoder(script)) as scanner:
        assert wait_until(lambda: not scanner.running, timeout=5)
    assert [(s.symbology, s.text) for s in scans] == [
        (QR, qr.text), (CODE128, "02261124000112345678")]


def test_unplugged_camera_is_reopened(payload, receipt_frame, empty_frame):
    scans = []
    cam = FakeCamera([empty_frame], fps=100)
    scanner = CameraScanner(cam, scans.append, retry_interval=0.02, dedupe_window=0.0)
    with scanner:
        assert wait_until(lambda: scanner.connected)
        cam.unplug()
        assert wait_until(lambda: not scanner.connected)
        # The loss itself, or (when this poll comes after the 20 ms retry) the reopen it refused.
        assert scanner.last_error in {"no frame from camera", "fake: not plugged in",
                                      "cannot open: fake: not plugged in"}
        cam.show([receipt_frame])
        cam.replug()
        assert wait_until(lambda: scans, timeout=5)
        assert scanner.connected
    assert scans[0].text == payload.qr


def test_a_failing_decoder_does_not_stop_the_scanner(empty_frame, receipt_frame, caplog):
    class Broken:
        def decode(self, frame):
            raise ValueError("odd frame")

    cam = FakeCamera([empty_frame, receipt_frame], fps=200)  # a changing scene: each decoded
    with CameraScanner(cam, decoder=Broken()) as scanner:
        assert wait_until(lambda: scanner.stats["errors"] > 3)
        assert scanner.running
    assert caplog.text.count("decoding failed") == 1


def test_stop_is_clean_and_restart_works(empty_frame):
    cam = FakeCamera([empty_frame], fps=30)
    scanner = CameraScanner(cam)
    before = threading.active_count()
    for _ in range(2):
        decoded = scanner.stats["decoded"]
        scanner.start()
        assert wait_until(lambda d=decoded: scanner.stats["decoded"] > d)
        scanner.stop()
        assert not scanner.running
        assert not cam.opened.is_set()
    assert threading.active_count() == before


# --- decoding only what changed ------------------------------------------------------------

def noisy(frame: np.ndarray, n: int = 4, sigma: float = 4.0) -> list[np.ndarray]:
    """`n` shots of one scene with sensor noise: no two frames are equal, none is new."""
    rng = np.random.default_rng(1)
    shots = (frame + rng.normal(0, sigma, frame.shape).astype(np.float32) for _ in range(n))
    return [np.clip(s, 0, 255).astype(np.uint8) for s in shots]


@pytest.fixture(scope="module")
def lobby(empty_frame):
    return noisy(empty_frame)


@pytest.fixture(scope="module")
def held(receipt_frame):
    return noisy(receipt_frame)


def test_an_empty_lobby_is_decoded_about_once_a_second_not_every_frame(lobby):
    # Counted against the clock the test saw, so a loaded machine slows it but cannot fail it.
    still = CameraScanner(FakeCamera(lobby, fps=30))
    with still:
        start = time.monotonic()
        assert wait_until(lambda: still.stats["skipped"] >= 20, timeout=30)
        seconds = time.monotonic() - start
        stats = dict(still.stats)
    assert stats["decoded"] <= seconds + 2  # once, then once a second
    every = CameraScanner(FakeCamera(lobby, fps=30), skip_still=False)
    with every:
        assert wait_until(lambda: every.stats["decoded"] >= 10, timeout=30)
    assert every.stats["skipped"] == 0  # the old way: every frame it can take


def test_a_receipt_coming_into_a_still_scene_is_read_at_once(lobby, held, payload):
    scans = []
    cam = FakeCamera(lobby, fps=60)
    with CameraScanner(cam, scans.append, recheck=60) as scanner:  # no rechecks: change only
        assert wait_until(lambda: scanner.stats["skipped"] >= 5)
        cam.show(held)
        assert wait_until(lambda: scans, timeout=2)
    assert [s.text for s in scans] == [payload.qr]
    assert scanner.stats["decoded"] == 2  # the lobby once, the receipt once


def test_a_receipt_held_still_is_one_scan_until_it_leaves_the_view(lobby, held, payload):
    scans = []
    cam = FakeCamera(held, fps=30)
    # Rechecks (every 1 s) further apart than the window (0.5 s): only the still frames in
    # between keep the receipt counted as seen.
    scanner = CameraScanner(cam, scans.append, dedupe_window=0.5, recheck=1.0)
    with scanner:
        assert wait_until(lambda: scanner.stats["decoded"] >= 3, timeout=10)
        assert [s.text for s in scans] == [payload.qr]
        cam.show(lobby)
        time.sleep(1.0)  # out of view for longer than the window
        cam.show(held)
        assert wait_until(lambda: len(scans) == 2, timeout=3)
    assert scanner.stats["skipped"] > scanner.stats["decoded"]


def test_a_camera_that_stopped_delivering_has_not_seen_the_receipt_leave(lobby, held, payload):
    scans = []
    cam = FakeCamera(held, fps=30)
    scanner = CameraScanner(cam, scans.append, dedupe_window=0.5, retry_interval=0.05)
    with scanner:
        assert wait_until(lambda: scans)
        cam.unplug()  # no frames for three windows: a cable pulled, or a decoder starved
        assert wait_until(lambda: not scanner.connected)
        time.sleep(1.5)
        looked = scanner.stats["decoded"] + scanner.stats["skipped"]
        cam.replug()  # the receipt is still there
        assert wait_until(lambda: scanner.stats["decoded"] + scanner.stats["skipped"]
                          > looked + 20, timeout=5)
        assert len(scans) == 1
        cam.show(lobby)  # really gone for longer than the window, then back
        assert wait_until(lambda: scanner.stats["skipped"] > looked + 50, timeout=5)
        cam.show(held)
        assert wait_until(lambda: len(scans) == 2, timeout=3)
    assert [s.text for s in scans] == [payload.qr] * 2
