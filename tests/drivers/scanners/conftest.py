
import pytest


@pytest.fixture
def collected():
    """A callback that records scans, for `on_scan=`."""

    class Collector(list):
        def __call__(self, scan):
            self.append(scan)

    return Collector()
