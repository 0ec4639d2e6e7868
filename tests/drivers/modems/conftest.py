import time
from collections.abc import Callable

import pytest

from drivers.modems.at_modem import AtModem
from drivers.modems.fake import FakeModem


def wait_until(condition: Callable[[], object], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return bool(condition())


@pytest.fixture
def fake():
    with FakeModem() as modem:
        yield modem


def make_modem(fake, on_message=None, **kw):
    """Short timeouts: the simulator answers within a millisecond."""
    kw = {"timeout": 0.5, "register_timeout": 0.3, "send_timeout": 1.0, **kw}
    return AtModem(fake.port_name, on_message, **kw)


class Inbox(list):
    def __call__(self, message):
        self.append(message)


@pytest.fixture
def inbox():
    return Inbox()


@pytest.fixture
def modem(fake, inbox):
    with make_modem(fake, inbox) as opened:
        yield opened
