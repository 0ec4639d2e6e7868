"""What the serial drivers (modem, scanner) share about their pyserial ports."""

from __future__ import annotations

import contextlib
from typing import Any

import serial


def cancel_read(port: Any) -> None:
    """Wake a read blocked on `port` at once, so a stop need not wait out the read's timeout
    (pyserial's ports can; a test's stand-in may not, and None is no port)."""
    cancel = getattr(port, "cancel_read", None)
    if cancel is not None:
        with contextlib.suppress(serial.SerialException, OSError):
            cancel()
