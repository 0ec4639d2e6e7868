
import pytest

from drivers.displays.epson_pole import EpsonPoleDisplay
from drivers.displays.fake import FakeLedBoard, FakePoleDisplay
from drivers.displays.led_counter import LedCounterDisplay


@pytest.fixture
def board():
    with FakeLedBoard(address=3) as fake:
        yield fake


@pytest.fixture
def led(board):
    # Short timeout: the simulator answers in well under a millisecond.
    with LedCounterDisplay(board.port_name, counter=3, timeout=0.1) as display:
        yield display


@pytest.fixture
def pole_device():
    with FakePoleDisplay() as fake:
        yield fake


@pytest.fixture
def pole(pole_device):
    with EpsonPoleDisplay(pole_device.port_name, counter=3) as display:
        yield display
