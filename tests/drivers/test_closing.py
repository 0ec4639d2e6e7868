"""`with device:` closes the device when the block ends, however it ends (drivers/closing.py)."""

import os

import pytest

from drivers.closing import Closing
from drivers.displays import FakePoleDisplay
from drivers.modems import MemorySmsModem


def test_a_with_block_closes_a_simulated_device_even_when_the_block_fails():
    with pytest.raises(RuntimeError, match="dropped"), FakePoleDisplay() as pole:
        assert os.path.exists(pole.port_name)
        raise RuntimeError("dropped")
    assert not os.path.exists(pole.port_name) and not pole.peer.plugged


def test_entering_gives_the_object_itself():
    modem = MemorySmsModem()
    with modem as entered:
        assert entered is modem


def test_a_class_without_its_own_close_says_so():
    with pytest.raises(NotImplementedError), Closing():
        pass
