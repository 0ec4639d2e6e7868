"""The live camera picture on the scanning screen.

Frames come from the camera scanner's one-frame mailbox without waiting (`Hardware.latest_frame`),
so the decoder and the camera thread are never slowed by drawing, and drawing never waits for
them. The picture is mirrored, as people expect of a camera facing them.
"""

from __future__ import annotations

import cv2
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.floatlayout import FloatLayout

from kiosk_app.screens.pictures import GuideFrame
from kiosk_app.screens.theme import INK, rgba

PREVIEW_WIDTH = 960  # enough for the screen area; fewer pixels to convert each frame


class CameraView(FloatLayout):
    def __init__(self, hardware, **kw) -> None:
        super().__init__(**kw)
        self.hardware = hardware
        self.seq = 0
        self.texture: Texture | None = None
        self._frame = None  # the last camera frame, to cut again when the area changes shape
        with self.canvas.before:
            Color(*rgba(INK))
            self._bg = Rectangle(pos=self.pos, size=self.size)
            Color(1, 1, 1, 1)
            self._picture = Rectangle(pos=self.pos, size=(0, 0))
        self.add_widget(GuideFrame())
        self.bind(pos=self._layout, size=self._layout)

    def update(self) -> bool:
        """Show the newest frame if there is one; True if the picture changed."""
        self.seq, frame = self.hardware.latest_frame(self.seq)
        if frame is None:
            return False
        self._frame = frame
        self._draw()
        return True

    def _draw(self) -> None:
        part = cover(self._frame, self.width / max(1.0, self.height))
        # Rows of a multiple of 4 bytes: GL reads rows 4-byte aligned by default, and an odd
        # width sheared the picture into diagonal stripes.
        width = max(4, min(PREVIEW_WIDTH, part.shape[1]) // 4 * 4)
        small = cv2.resize(part, (width, round(part.shape[0] * width / part.shape[1])),
                           interpolation=cv2.INTER_AREA)
        small = cv2.flip(small, -1)  # texture rows go bottom-up; -1 also mirrors left-right
        if self.texture is None or self.texture.size != (small.shape[1], small.shape[0]):
            self.texture = Texture.create(size=(small.shape[1], small.shape[0]), colorfmt="bgr")
        self.texture.blit_buffer(small.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        self._picture.texture = self.texture
        self._place()

    def _layout(self, *_: object) -> None:
        # A frame cut before the screen was laid out has the wrong shape: cut it again, or it
        # stays stretched until the camera sends a new one (a still receipt may not).
        if self._frame is not None:
            self._draw()
        else:
            self._place()

    def _place(self) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        if self.texture is None:
            self._picture.size = (0, 0)
            return
        self._picture.pos, self._picture.size = self.pos, self.size


def cover(frame, aspect: float):
    """The centre of `frame` with the screen area's shape: the picture fills it, no black bars
    (the decoder still reads the whole frame; people aim for the middle anyway)."""
    h, w = frame.shape[:2]
    if w / h > aspect:
        keep = max(1, round(h * aspect))
        return frame[:, (w - keep) // 2:(w - keep) // 2 + keep]
    keep = max(1, round(w / aspect))
    return frame[(h - keep) // 2:(h - keep) // 2 + keep]
