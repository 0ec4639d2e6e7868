import time
from collections.abc import Callable

import pytest


def wait_until(condition: Callable[[], object], timeout: float = 3.0) -> bool:
    """Poll a condition a driver thread will make true; False if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


@pytest.fixture
def collected():
    """A callback that records scans, for `on_scan=`."""

    class Collector(list):
        def __call__(self, scan):
            self.append(scan)

    return Collector()
