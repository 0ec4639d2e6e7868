"""Counter fixtures: the backend's live server and clock, a station with simulated devices.

The backend fixtures come from tests/backend/conftest.py (a template database copied per test,
a uvicorn server on a free loopback port, a settable clock); the station reads the same clock,
so times on receipts and in the outbox are the server's times.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlparse

import pytest

from backend.app import create_app
from backend.client import Client
from counter_app.config import StationConfig
from counter_app.core import CounterStation
from counter_app.devices import CounterDisplay, Devices, PrinterPort, RecordingAnnouncer
from drivers.displays import FakeQueueDisplay
from drivers.printers import EscposPrinter, PrinterProfile, VirtualPrinter
from tests.backend import conftest as backend
from tests.backend.conftest import PASSWORD, LiveServer, free_port

# The backend's fixtures, used by name: a template database copied per test, a settable
# clock, a live server on loopback.
template_db, store, clock, server = (backend.template_db, backend.store, backend.clock,
                                     backend.server)
__all__ = ["PASSWORD", "LiveServer", "free_port"]

APPLICANT = {"name": "Nguyễn Văn Hùng", "id_number": "079203001234", "phone": "0912345678",
             "address": "12 Lê Lợi, phường Tân Ninh"}


def make_devices(paper: int = 80, encoding: str = "tcvn3", out_dir=None) -> Devices:
    # A text-mode printer stands for a model known to have the code page and native symbols.
    native = encoding != "raster"
    profile = PrinterProfile.for_paper(paper, text_encoding=encoding, native_barcode=native,
                                       native_qr=native)
    virtual = VirtualPrinter.from_profile(profile, out_dir=out_dir)
    printer = PrinterPort(EscposPrinter(virtual.connection(), profile), virtual)
    return Devices(printer, CounterDisplay(FakeQueueDisplay(1), 1), RecordingAnnouncer())


def make_config(tmp_path, url: str, **changes) -> StationConfig:
    # A generous timeout: a password change hashes twice (argon2), slow on a loaded machine.
    # A stopped server refuses the connection at once, so offline tests do not wait for it.
    return StationConfig(backend_url=url, data_dir=str(tmp_path / "counter"), timeout=10.0,
                         **changes)


@pytest.fixture
def config(tmp_path, server):
    return make_config(tmp_path, server.address)


@pytest.fixture
def devices(tmp_path):
    return make_devices(out_dir=tmp_path / "receipts")


@pytest.fixture
def station(config, devices, clock):
    """A station logged in as the demo clerk at counter 1."""
    with CounterStation(config, devices=devices, clock=clock) as the_station:
        the_station.login("clerk", PASSWORD)
        yield the_station


@pytest.fixture
def kiosk(server):
    """A registered kiosk device that issues queue tickets."""
    token = server.client("admin").register_device("kiosk-1", "kiosk")["token"]
    client = Client(server.address, token=token)
    yield client
    client.session.close()


def issue(kiosk: Client, service: str, priority: str | None = None) -> dict:
    return kiosk.ticket_printed(kiosk.reserve_ticket(service, priority)["id"])


def fill(station, code: str = "1.001612", complete: bool = True):
    """An intake form for `code` with the applicant and (all or not all) required papers."""
    form = station.intake.new_form()
    station.intake.choose(form, code)
    form.applicant.update(APPLICANT)
    required = [d["id"] for d in form.procedure["documents"] if d["required"]]
    for doc_id in required if complete else required[1:]:
        station.intake.tick(form, doc_id, 2)
    return form


def resolve(server, code: str) -> None:
    """Play a case of 1.001612 (MOTCUA, KT officer, KT leader, MOTCUA) to 'resolved', each
    step moved by its own owner."""
    clerk, officer = server.client("clerk"), server.client("officer.kt")
    clerk.action(code, "transfer")
    officer.action(code, "transfer")
    server.client("leader.kt").action(code, "resolve")


@contextlib.contextmanager
def restarted(server, store, clock):
    """The same database served again on the same port, as after a reboot of the server."""
    port = urlparse(server.address).port
    again = LiveServer(create_app(store.path, clock=clock), port).start(lazily=True)
    try:
        yield again
    finally:
        again.stop()
