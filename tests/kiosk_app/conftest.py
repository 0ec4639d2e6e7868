"""Kiosk fixtures: the real backend on loopback (from the backend tests), cases in known states,
a registered device, the virtual printer and a fake scanner, and a kiosk core wired to them.

The core runs on the test's thread: `run_until()` pumps it (as the Kivy clock would) until a
condition holds. Time for idle and retries comes from a `Monotonic` the test moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from backend.client import Client
from kiosk_app.config import KioskConfig
from kiosk_app.core import Kiosk
from kiosk_app.devices import Hardware, make_printer
from tests.backend import conftest as backend
from tests.backend.api.helpers import APPLICANT, intake, pick_procedure
from tests.backend.conftest import PASSWORD, LiveServer, free_port

# The backend's fixtures, shared as they are: a template database, a copy per test, a settable
# clock and a real uvicorn server on a free loopback port.
template_db, store = backend.template_db, backend.store
clock, server = backend.clock, backend.server
admin, clerk = backend.admin, backend.clerk
__all__ = ["PASSWORD", "LiveServer", "free_port"]

MASKED = "Nguyễn V** H***"  # APPLICANT["name"] through backend.domain.privacy.mask_name
assert APPLICANT["name"] == "Nguyễn Văn Hùng"


class Monotonic:
    """The kiosk's idle/retry clock; tests advance it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def run_until(kiosk: Kiosk, condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Pump the kiosk like the app's frame clock until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while True:
        kiosk.pump()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; screen={kiosk.state.screen} "
                                 f"notice={kiosk.state.notice} busy={kiosk.state.busy}")
        kiosk.inbox.run_next(0.01)


def settle(kiosk: Kiosk, timeout: float = 5.0) -> None:
    """Pump until nothing is in flight."""
    run_until(kiosk, lambda: not kiosk.busy, timeout)


@pytest.fixture
def device_token(admin):
    return admin.register_device("kiosk-1", "kiosk", "lobby")["token"]


@pytest.fixture
def mono():
    return Monotonic()


@pytest.fixture
def make_kiosk(server, tmp_path, mono, device_token):
    """kiosk(**config) -> a started Kiosk with a virtual printer and no camera by default."""
    made: list[Kiosk] = []

    def make(*, hardware: Hardware | None = None, registered: bool = True, url: str | None = None,
             **config) -> Kiosk:
        values = {"backend_url": url or server.address, "device_name": "kiosk-1",
                  "data_dir": tmp_path / "kiosk", "agency_code": "000.00.06.H56",
                  "retry_delays": (2.0, 5.0), "token": device_token if registered else None}
        cfg = KioskConfig.from_dict({**values, **config})
        if hardware is None:
            hardware = Hardware(make_printer(f"virtual:{tmp_path / 'tickets'}"))
        kiosk = Kiosk(cfg, hardware=hardware, clock=mono)
        made.append(kiosk)
        kiosk.start()
        settle(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


@pytest.fixture
def kiosk(make_kiosk):
    return make_kiosk()


# --- cases in known states -----------------------------------------------------------------


@pytest.fixture
def new_case(clerk):
    """A case just received at the one-stop desk (intake answer: code, token, qr, compact)."""
    return intake(clerk, pick_procedure(clerk, unit="KT"))


@pytest.fixture
def returned_case(server, clerk):
    """A case walked through its workflow and handed back: the one a citizen may rate."""
    proc = pick_procedure(clerk, unit="KT")
    case = intake(clerk, proc)
    step = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
    clerk.action(case["code"], "transfer", to_step=step)
    server.client("officer.kt").action(case["code"], "transfer")
    server.client("leader.kt").action(case["code"], "resolve")
    clerk.action(case["code"], "return", channel="counter")
    return case


class CountingClient(Client):
    """A client that counts lookups, to prove what was never sent."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.lookups: list[str] = []

    def lookup(self, code: str, token: str | None = None) -> dict:
        self.lookups.append(code)
        return super().lookup(code, token)
