"""Cameras through OpenCV's VideoCapture: USB (UVC) webcams, Pi cameras exposed as V4L2, RTSP
streams, GStreamer pipelines and video files.
"""

from __future__ import annotations

import logging
import os

import cv2
import numpy as np

from drivers.cameras.base import Camera, CameraError, EndOfStream

log = logging.getLogger(__name__)


class OpenCVCamera(Camera):
    """`source` is a device index (0), a device path (/dev/video0), a URL or a video file.

    For devices the requested format is set before the size: many UVC webcams deliver 1280×720
    at 30 fps only as MJPG (raw YUYV tops out at 5–10 fps at that size over USB 2). A buffer of
    one frame keeps what the decoder sees as fresh as the camera allows. A video file plays
    once, as fast as it is read, then ends the stream.
    """

    def __init__(self, source: int | str = 0, *, width: int = 1280, height: int = 720,
                 fps: float = 30.0, fourcc: str | None = "MJPG", api: int | None = None) -> None:
        self.source = source
        self.size = (width, height)
        self.fps = fps
        self.fourcc = fourcc
        self.api = api
        self.name = str(source)
        self.is_file = isinstance(source, str) and os.path.isfile(source)
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        self.close()
        cap = cv2.VideoCapture(self.source, self._api())
        if not cap.isOpened():
            cap.release()
            raise CameraError(f"Không mở được camera {self.source!r}",
                              f"cannot open camera {self.source!r}")
        if not self.is_file:
            self._configure(cap)
        self._cap = cap

    def _api(self) -> int:
        if self.api is not None:
            return self.api
        device = isinstance(self.source, int) or str(self.source).startswith("/dev/video")
        return cv2.CAP_V4L2 if device and os.name == "posix" else cv2.CAP_ANY

    def _configure(self, cap: cv2.VideoCapture) -> None:
        if self.fourcc:
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*self.fourcc))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        cap.set(cv2.CAP_PROP_FPS, self.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        got = (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT),
               cap.get(cv2.CAP_PROP_FPS))
        log.info("camera %s: %dx%d at %.0f fps", self.name, *got)

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, frame = self._cap.read()
        if ok:
            return frame
        if self.is_file:
            raise EndOfStream(self.name)
        return None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
