"""The kiosk without a screen: the same core (heartbeat, devices, settings) with no Kivy window.

    python -m kiosk_app --headless

For a unit that has no display to draw on: the image built with `--reduced` (no graphical
stack) runs the kiosk unit this way, which is how the QEMU boot test sees a unit start and
enrol. Under systemd (Type=notify) it says READY once the backend has answered its first
heartbeat with this unit's own token (started and enrolled: there is no first frame to wait
for), and pings the watchdog from its own loop, so a hung loop is restarted as the app is.
"""

from __future__ import annotations

import signal
import threading
import time

from drivers.sdnotify import Notifier, watchdog_interval
from kiosk_app.config import KioskConfig


def run(config: KioskConfig, notifier: Notifier | None = None,
        stop: threading.Event | None = None, tick: float = 0.1) -> str:
    """Pump the core until stopped (SIGTERM or `stop`); "restart" when the admin asked."""
    from kiosk_app.core import Kiosk
    from kiosk_app.devices import Hardware

    notifier = notifier or Notifier()
    stop = stop or _stop_on_sigterm()
    core = Kiosk(config, hardware=Hardware.from_config(config)).start()
    ready, next_ping, every = False, 0.0, watchdog_interval()
    try:
        while not stop.is_set() and not core.restart_requested:
            core.pump()
            if not ready and core.last_heartbeat:
                beat = f"{core.last_heartbeat:%H:%M:%S}"
                ready = notifier.ready(f"headless; heartbeat answered {beat}")
                if ready:
                    print(f"motcua-kiosk: READY (headless), backend {config.backend_url} "
                          "answered the heartbeat", flush=True)
            if time.monotonic() >= next_ping:
                notifier.watchdog()
                next_ping = time.monotonic() + every
            stop.wait(tick)
    finally:
        notifier.stopping()
        core.close()
    return "restart" if core.restart_requested else "stopped"


def _stop_on_sigterm() -> threading.Event:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return stop
