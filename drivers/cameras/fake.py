"""A camera that plays image files, in-memory frames or a video file, for tests and demos.

    FakeCamera("photos/")                      # every image in the folder, in name order
    FakeCamera(["a.jpg", frame_array], fps=5)  # a playlist
    FakeCamera("clip.avi", loop=False)         # a video file, once

Frames come at `fps` (None: as fast as they are read), looping or once. `unplug()` makes reads
fail and `open()` refuse, as a pulled USB cable does, until `replug()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from drivers.cameras.base import Camera, CameraError, EndOfStream

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}
Item = str | Path | np.ndarray


class FakeCamera(Camera):
    def __init__(self, source: str | Path | Sequence[Item], *, fps: float | None = 15.0,
                 loop: bool = True, name: str = "fake") -> None:
        self.fps = fps
        self.loop = loop
        self.name = name
        self.plugged = True
        self.frames_served = 0
        self.opened = threading.Event()
        self._swap = threading.Lock()  # show() comes from another thread than read()
        self._video, self._items = _playlist(source)
        self._cap: cv2.VideoCapture | None = None
        self._pos = 0
        self._due = 0.0

    # --- Camera ---------------------------------------------------------------------------

    def open(self) -> None:
        if not self.plugged:
            raise CameraError(f"{self.name}: chưa cắm camera", f"{self.name}: not plugged in")
        self.close()
        if self._video is not None:
            self._cap = cv2.VideoCapture(str(self._video))
            if not self._cap.isOpened():
                raise CameraError(f"Không mở được video {self._video}",
                                  f"cannot open video {self._video}")
        self._pos, self._due = 0, time.monotonic()
        self.opened.set()

    def read(self) -> np.ndarray | None:
        if not self.plugged:
            return None
        self._pace()
        with self._swap:
            frame = self._next_frame()
        self.frames_served += 1
        return frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self.opened.clear()

    def show(self, source: str | Path | Sequence[Item]) -> None:
        """Play something else from now on, e.g. a receipt held up after an empty lobby."""
        video, items = _playlist(source)
        with self._swap:
            self._video, self._items, self._pos = video, items, 0

    # --- faults ---------------------------------------------------------------------------

    def unplug(self) -> None:
        self.plugged = False

    def replug(self) -> None:
        self.plugged = True

    # --- playing --------------------------------------------------------------------------

    def _pace(self) -> None:
        if not self.fps:
            return
        now = time.monotonic()
        if self._due > now:
            time.sleep(self._due - now)
        # Fell behind (a slow reader): restart the schedule rather than burst to catch up.
        self._due = max(self._due, now) + 1.0 / self.fps

    def _next_frame(self) -> np.ndarray:
        if self._video is not None:
            return self._next_video_frame()
        if self._pos >= len(self._items):
            if not self.loop:
                raise EndOfStream(self.name)
            self._pos = 0
        item = self._items[self._pos]
        self._pos += 1
        return item if isinstance(item, np.ndarray) else _imread(Path(item))

    def _next_video_frame(self) -> np.ndarray:
        if self._cap is None:
            raise CameraError(f"{self.name}: đọc trước khi mở", f"{self.name}: read before open")
        ok, frame = self._cap.read()
        if not ok and self.loop and self._pos:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._pos = 0
            ok, frame = self._cap.read()
        if not ok:
            raise EndOfStream(self.name)
        self._pos += 1
        return frame


def _playlist(source: str | Path | Sequence[Item]) -> tuple[Path | None, list[Item]]:
    """(video file, None) or (None, images and frames) to play."""
    video, items = None, []
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            items = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            items = [path]
        else:
            video = path
    else:
        items = list(source)
    if video is None and not items:
        raise ValueError(f"nothing to play in {source!r}")
    return video, items


def _imread(path: Path) -> np.ndarray:
    frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if frame is None:
        raise CameraError(f"Không đọc được ảnh {path}", f"cannot read image {path}")
    return frame
