
import pytest

from drivers.modems.at_modem import AtModem
from drivers.modems.fake import FakeModem


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
