"""Cameras: OpenCV capture, a fake that plays files, and the receipt decoder. See base.py.

Names load on first use, so importing the package does not pull in OpenCV or zxing-cpp.
"""

from drivers.lazy import lazy_attributes

_LAZY = {
    "Camera": "base", "CameraError": "base", "CameraScanner": "base", "EndOfStream": "base",
    "LatestFrame": "base", "OpenCVCamera": "opencv_camera", "FakeCamera": "fake",
    "Decoded": "decoder", "Decoder": "decoder",
}
__all__ = list(_LAZY)


__getattr__ = lazy_attributes(__name__, _LAZY)
