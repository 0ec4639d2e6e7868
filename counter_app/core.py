"""The counter station without a screen: what the Kivy UI (and the tests) drive.

    station = CounterStation(load_config(), devices=open_devices(config))
    station.login("cl.motcua", "…")            # may require station.change_password(…)
    station.queue.call_next()                   # LED board, voice twice, hall display
    form = station.intake.new_form(); station.intake.choose(form, "1.013225"); …
    outcome = station.intake.confirm(form)      # receipt printed; offline: kept in the outbox
    station.returns.scan(text); station.returns.hand_over(code); station.returns.rate(code, …)
    station.tick()                               # one background round (the worker's job)

Everything that talks to the backend goes through one `Link`, so the station knows at all
times whether it is online, and the outbox is sent as soon as it is again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backend.client import ApiError, Client
from backend.domain.calendar import VN_TZ
from counter_app.catalogue import Catalogue
from counter_app.config import StationConfig
from counter_app.devices import Devices, PrinterState, open_devices
from counter_app.intake import IntakeDesk
from counter_app.link import Link
from counter_app.localstore import LocalStore, remember_agency
from counter_app.offline import Leases, Outbox, Syncer, SyncReport
from counter_app.printing import PrintJob, PrintQueue
from counter_app.queue_panel import QueuePanel
from counter_app.returns import ReturnDesk
from counter_app.session import Session
from counter_app.strings import msg
from counter_app.texts import Msg, OfflineError
from drivers.closing import Closing


def synced_notice(count: int) -> Msg:
    return msg("synced", "ok", n=count)


def vn_now() -> datetime:
    return datetime.now(VN_TZ)


@dataclass(frozen=True)
class StationStatus:
    """Everything the always-visible status bar shows."""

    online: bool
    manual_offline: bool
    banner: Msg | None
    user: dict | None
    printer: PrinterState
    open_jobs: int
    outbox_pending: int
    attention: int
    numbers_left: int


class CounterStation(Closing):
    def __init__(self, config: StationConfig, *, client: Client | None = None,
                 devices: Devices | None = None, store: LocalStore | None = None,
                 clock: Callable[[], datetime] = vn_now) -> None:
        self.config, self.clock = config, clock
        self.client = client or Client(config.backend_url, timeout=config.timeout)
        self.store = store or LocalStore(config.data_path / "counter.sqlite")
        self.devices = devices or open_devices(config)
        self.link = Link(self.client)
        self.session = Session(self.link, self.store, clock)
        self.printing = PrintQueue(self.store, self.devices.printer, config, clock)
        self.outbox = Outbox(self.store)
        self.leases = Leases(self.store, self.link, config, clock)
        self.syncer = Syncer(self.outbox, self.link, config, clock)
        self.catalogue = Catalogue(self.store, self.link, clock)
        self.queue = QueuePanel(self.link, self.devices, config.counter)
        self.intake = IntakeDesk(link=self.link, store=self.store, session=self.session,
                                 catalogue=self.catalogue, printing=self.printing,
                                 leases=self.leases, outbox=self.outbox, station=config,
                                 clock=clock)
        self.returns = ReturnDesk(self.link, self.store, self.outbox, self.session,
                                  self.devices, clock, counter=config.counter)
        self._worker: Worker | None = None
        self._notice_lock = threading.Lock()
        self._notices: list[Msg] = []
        self._synced = 0  # entries sent since the outbox was last empty

    # -- the clerk -------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict:
        user = self.session.login(username, password)
        if self.session.ready:
            self.prepare()
        return user

    def change_password(self, old: str, new: str, again: str | None = None) -> None:
        self.session.change_password(old, new, again)
        self.prepare()

    def logout(self) -> None:
        self.session.logout()

    def prepare(self) -> None:
        """Online with a working session: numbers for offline use, the catalogue, the outbox."""
        if not (self.session.ready and self.link.online):
            return
        with contextlib.suppress(OfflineError):
            self.session.resume_online()
            self.leases.top_up()
            self.catalogue.refresh()
            self._learn_agency()
            self.sync_now()
        self.printing.warm(self.store.get("agency"), self.session.full_name)

    def _learn_agency(self) -> None:
        """The agency's name for receipts printed offline: from any case the server shows."""
        for case in self.link.call(self.client.cases, limit=1):
            remember_agency(self.store, case)

    # -- the background round ----------------------------------------------------------------
    def tick(self) -> SyncReport | None:
        """Check the backend every round (online too: an idle station must notice a dead
        server); back online, send the outbox first; online, keep numbers leased."""
        report = None
        was_online = self.link.online
        if self.link.probe():
            if not was_online:
                with contextlib.suppress(ApiError):  # e.g. a password changed meanwhile
                    self.prepare()  # back: the outbox goes first thing
                report = SyncReport(left=len(self.outbox.pending()))
            elif self.session.ready:
                report = self._maintain()
        self.devices.printer.refresh()
        return report

    def _maintain(self) -> SyncReport | None:
        try:
            self.session.resume_online()
            report = self.sync_now()
            self.leases.top_up()
            return report
        except (OfflineError, ApiError):
            return None  # offline again, or a session the clerk must renew by logging in

    def sync_now(self) -> SyncReport:
        """Send the outbox; once it is empty, leave the clerk a notice of how many went."""
        report = self.syncer.run()
        with self._notice_lock:
            self._synced += report.sent
            if report.left == 0 and self._synced:
                self._notices.append(synced_notice(self._synced))
                self._synced = 0
        return report

    def take_notice(self) -> Msg | None:
        """The oldest notice the background left for the clerk (the UI shows it once)."""
        with self._notice_lock:
            return self._notices.pop(0) if self._notices else None

    def set_offline(self, offline: bool) -> None:
        """The clerk's manual switch."""
        self.link.set_manual_offline(offline)
        if not offline:
            self.prepare()

    # -- printing ---------------------------------------------------------------------------
    def reprint_case(self, code: str) -> PrintJob:
        """Reprint a receipt: from this station's own job, else from the server's case."""
        job = self.printing.latest_for(code)
        if job is not None:
            return self.printing.reprint(job.id)
        from counter_app.intake import receipt_payload

        case = self.link.call(self.client.case, code)
        return self.printing.submit("receipt", receipt_payload(case))

    def status(self) -> StationStatus:
        return StationStatus(
            online=self.link.online, manual_offline=self.link.manual_offline,
            banner=self.link.banner, user=self.session.user,
            printer=self.devices.printer.state, open_jobs=len(self.printing.open_jobs()),
            outbox_pending=len(self.outbox.pending()),
            attention=len(self.outbox.needs_attention()),
            numbers_left=self.leases.remaining(self.clock().date()))

    # -- life cycle ---------------------------------------------------------------------------
    def start(self, interval: float | None = None) -> CounterStation:
        if self._worker is None:
            self._worker = Worker(self, interval or self.config.probe_interval).start()
        return self

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        self.devices.close()
        self.link.close()
        self.store.close()
        self.client.session.close()


class Worker:
    """Runs `station.tick()` every few seconds on its own thread until stopped."""

    def __init__(self, station: CounterStation, interval: float) -> None:
        self.station, self.interval = station, interval
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="counter-worker", daemon=True)
        self.errors: list[str] = []

    def start(self) -> Worker:
        self.thread.start()
        return self

    def _loop(self) -> None:
        # The first round at once: a station started while the server is down says so now,
        # not an interval later.
        while True:
            try:
                self.station.tick()
            except Exception as error:  # keep the worker alive; the status bar shows the rest
                self.errors.append(repr(error))
            if self.stopping.wait(self.interval):
                return

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)
