"""Polling for what another thread (a simulator, a driver, a server) will make true.

The suite's one way to wait: poll with a deadline, never a fixed sleep, so a loaded machine
only makes a test slower, not red.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], object], timeout: float = 3.0,
               interval: float = 0.005) -> bool:
    """True as soon as `condition()` is; False if it never is within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
