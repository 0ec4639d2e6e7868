"""Fixtures shared by the driver tests."""

import threading

import pytest


class QuietPort:
    """A serial port on a silent line whose read blocks until cancelled, as pyserial's
    `cancel_read` ends one: a driver's stop must not depend on the read's timeout."""

    in_waiting = 0

    def __init__(self, *args, **kwargs):
        self.cancelled = threading.Event()

    def read(self, size):
        self.cancelled.wait()
        return b""

    def cancel_read(self):
        self.cancelled.set()

    def close(self):
        pass


@pytest.fixture
def quiet_port():
    """An opener (as `serial.serial_for_url`) of a `QuietPort`."""
    return QuietPort
