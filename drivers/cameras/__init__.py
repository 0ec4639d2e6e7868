"""Cameras: OpenCV capture, a fake that plays files, and the receipt decoder. See base.py.

Names load on first use, so importing the package does not pull in OpenCV or zxing-cpp.
"""

from importlib import import_module

_LAZY = {
    "Camera": "base", "CameraError": "base", "CameraScanner": "base", "EndOfStream": "base",
    "LatestFrame": "base", "OpenCVCamera": "opencv_camera", "FakeCamera": "fake",
    "Decoded": "decoder", "Decoder": "decoder",
}
__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"drivers.cameras.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'drivers.cameras' has no attribute {name!r}")
