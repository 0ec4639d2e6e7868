"""Cameras as frame sources, and the camera as a receipt scanner.

`CameraScanner` is a `Scanner` (drivers/scanners/base.py) built from two threads:

- capture: reads frames as fast as the camera delivers them and keeps only the newest. Draining
  the camera continuously is what keeps the picture current: a capture device buffers frames,
  and a decoder that read them in order would fall further and further behind the citizen.
- decode: waits for a frame newer than the last one it looked at, decodes it, reports reads.
  Frames that arrive while it is busy are simply replaced (never queued), so it decodes only
  as many frames as it keeps up with. A frame that looks like the last decoded one (compared
  on a tiny thumbnail, ~0.1 ms) is not decoded again, except once every `recheck` seconds:
  an empty lobby costs a decode a second instead of one per frame, and a receipt held still
  keeps counting as seen without being decoded.

A camera that fails (unplugged, driver hiccup) is closed and reopened every `retry_interval`
seconds; a finite source (a fake playing a file once) ends the scanner instead.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from drivers.message import BilingualError
from drivers.scanners.base import DuplicateFilter, ScanEvent, Scanner

log = logging.getLogger(__name__)


class CameraError(BilingualError, OSError):
    """The camera cannot be opened or stopped delivering frames."""

    key = "camera_error"


class EndOfStream(Exception):
    """A finite source (a file played once) has no more frames."""


class Camera(ABC):
    """A source of BGR frames (numpy uint8, height × width × 3)."""

    name = "camera"

    @abstractmethod
    def open(self) -> None:
        """Start the device; raises CameraError if it is not there."""

    @abstractmethod
    def read(self) -> np.ndarray | None:
        """Block until the next frame; None if the device failed, EndOfStream at the end."""

    @abstractmethod
    def close(self) -> None:
        """Release the device; safe to call twice."""

    def __enter__(self) -> Camera:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


STILL_LEVEL = 12  # a thumbnail cell that changed by more than this (of 255) has changed…
STILL_SHARE = 0.005  # …and a frame with more than this share of changed cells is a new scene
THUMB_SIZE = (64, 36)  # cells of about 20 × 20 pixels of a 1280 × 720 frame


def thumbnail(frame: np.ndarray) -> np.ndarray:
    """A 64 × 36 gray summary of a frame; averaging each cell evens out sensor noise."""
    step = max(1, frame.shape[0] // 180)  # sample first: resizing the whole frame costs 10×
    green = frame[::step, ::step] if frame.ndim == 2 else frame[::step, ::step, 1]
    return cv2.resize(np.ascontiguousarray(green), THUMB_SIZE, interpolation=cv2.INTER_AREA)


def looks_alike(a: np.ndarray, b: np.ndarray) -> bool:
    """True if hardly any cell of two thumbnails differs: the same scene, give or take noise."""
    changed = np.count_nonzero(cv2.absdiff(a, b) > STILL_LEVEL)
    return changed <= STILL_SHARE * a.size


class LatestFrame:
    """A one-frame mailbox: `put` replaces, `wait_newer` blocks until something newer arrives."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: np.ndarray | None = None
        self._seq = 0
        self._closed = False

    @property
    def seq(self) -> int:
        return self._seq

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, frame: np.ndarray) -> None:
        with self._cond:
            self._frame, self._seq = frame, self._seq + 1
            self._cond.notify_all()

    def close(self) -> None:
        """No more frames: wake every waiter."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_newer(self, seq: int, timeout: float | None = None) -> tuple[int, np.ndarray | None]:
        """(sequence number, frame) once newer than `seq`; (seq, None) on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > seq or self._closed, timeout)
            if self._seq > seq:
                return self._seq, self._frame
            return seq, None


class CameraScanner(Scanner):
    """Reads receipt codes from a camera: capture thread + decode thread, newest frame only.

    `decoder` is anything with `decode(frame) -> list[Decoded]` (drivers/cameras/decoder.py);
    the default is the strategy bench/decode.py chose. Reads of one frame are reported once,
    the QR code before the Code 128, and count together against duplicates.
    `skip_still=False` decodes every frame it can (the benchmark's baseline).
    """

    def __init__(self, camera: Camera, on_scan: Callable[[ScanEvent], None] | None = None, *,
                 decoder: Any = None, dedupe_window: float = 3.0,
                 retry_interval: float = 2.0, skip_still: bool = True, recheck: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(on_scan, dedupe_window=dedupe_window, clock=clock)
        if decoder is None:
            from drivers.cameras.decoder import Decoder

            decoder = Decoder()
        self.camera = camera
        self.decoder = decoder
        self.retry_interval = retry_interval
        self.skip_still = skip_still
        self.recheck = recheck
        self.frames = LatestFrame()
        self.stats = {"captured": 0, "decoded": 0, "skipped": 0, "read": 0, "errors": 0}
        self._last_thumb: np.ndarray | None = None  # of the last frame decoded
        self._decoded_at = 0.0
        self._code_in_view = False  # the last frame decoded held a code
        # "Out of view for `dedupe_window` seconds" must mean that long spent looking at frames
        # without the receipt: a camera that delivered nothing, or a decoder starved of CPU by
        # the UI, has not seen the receipt leave. One pause counts as half the window at most.
        self._looked = 0.0
        self._last_look: float | None = None
        self.dedupe = DuplicateFilter(dedupe_window, lambda: self._looked)
        self.source = f"camera:{camera.name}"
        self._capture: threading.Thread | None = None

    def start(self) -> CameraScanner:
        if not self.running:
            self.frames = LatestFrame()  # a stopped scanner's mailbox is closed
            self._last_thumb = self._last_look = None
        super().start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self.frames.close()
        super().stop(timeout)
        if self._capture is not None:
            self._capture.join(timeout)
            self._capture = None

    # --- decode thread (the Scanner thread) -------------------------------------------------

    def _run(self) -> None:
        self._capture = threading.Thread(target=self._capture_loop, name=f"{self!r} capture",
                                         daemon=True)
        self._capture.start()
        seq = 0
        while not self._stopping.is_set():
            seq, frame = self.frames.wait_newer(seq, timeout=0.5)
            if frame is not None:
                self._look_at(frame)
            elif self.frames.closed:
                return  # the source ended (or stop() was called)

    def _look_at(self, frame: np.ndarray) -> None:
        self._count_looking()
        if not self.skip_still:
            self._decode(frame)
            return
        thumb = thumbnail(frame)
        if self._still(thumb):
            self.stats["skipped"] += 1
            if self._code_in_view:  # the receipt is still held up: not a new sighting
                self.dedupe.still_seen()
            return
        self._last_thumb, self._decoded_at = thumb, self.clock()
        self._decode(frame)

    def _count_looking(self) -> None:
        now = self.clock()
        if self._last_look is not None:
            self._looked += min(now - self._last_look, self.dedupe.window / 2)
        self._last_look = now

    def _still(self, thumb: np.ndarray) -> bool:
        last = self._last_thumb
        return (last is not None and last.shape == thumb.shape
                and self.clock() - self._decoded_at < self.recheck and looks_alike(thumb, last))

    def _decode(self, frame: np.ndarray) -> None:
        self._code_in_view = False
        try:
            found = self.decoder.decode(frame)
        except Exception:  # one odd frame must not end the kiosk's scanning
            self.stats["errors"] += 1
            if self.stats["errors"] % 100 == 1:  # first, then every 100th: no log flood
                log.exception("%r: decoding failed (%d so far)", self, self.stats["errors"])
            return
        self.stats["decoded"] += 1
        if not found:
            return
        self._code_in_view = True
        found = sorted(found, key=lambda d: d.format != "QRCode")  # the QR carries the full code
        if self._emit(found[0].text, found[0].format, *(d.text for d in found[1:])):
            self.stats["read"] += 1

    # --- capture thread ---------------------------------------------------------------------

    def _capture_loop(self) -> None:
        try:
            while not self._stopping.is_set():
                if self._open_camera():
                    self._pump_frames()
                self.camera.close()
                if not self._stopping.is_set():
                    self._sleep(self.retry_interval)
        except EndOfStream:
            log.info("%r: end of stream", self)
        except Exception as exc:  # a driver bug: say so rather than die silently
            log.exception("%r: capture crashed", self)
            self._set_connected(False, f"capture crashed: {exc!r}")
        finally:
            self.camera.close()
            self.frames.close()

    def _open_camera(self) -> bool:
        try:
            self.camera.open()
        except CameraError as exc:
            self._set_connected(False, f"cannot open: {exc.en}")  # last_error is for the log
            return False
        self._set_connected(True)
        return True

    def _pump_frames(self) -> None:
        while not self._stopping.is_set():
            try:
                frame = self.camera.read()  # EndOfStream propagates: nothing left to reopen
            except CameraError as exc:
                self._set_connected(False, exc.en)
                return
            if frame is None:
                self._set_connected(False, "no frame from camera")
                return
            self.frames.put(frame)
            self.stats["captured"] += 1

