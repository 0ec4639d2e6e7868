import pytest

from bench import receipt_photos as rp


@pytest.fixture(scope="session")
def payload():
    return rp.make_payload(7)


@pytest.fixture(scope="session")
def receipt_frame(payload):
    """One well-lit, slightly tilted photo of a receipt (BGR 1280×720)."""
    return rp.receipt_photo(payload, rp.Shot(angle=8, px_per_mm=9.0), seed=11)


@pytest.fixture(scope="session")
def empty_frame():
    return rp.clutter(__import__("numpy").random.default_rng(3))
