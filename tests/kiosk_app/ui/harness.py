"""Drive the real Kivy app without its run loop: frames, real touches, screenshots, references.

`UI` builds the kiosk app exactly as `python -m kiosk_app` does (configure_kivy, make_app),
but advances it frame by frame (`EventLoop.idle()`: the clock, input, and a drawn frame), taps
widgets with real touch events, and compares `Window.screenshot()` with stored references.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image

from backend.app import create_app
from backend.client import Client
from backend.domain.calendar import VN_TZ
from backend.store import site
from backend.store.db import Store
from kiosk_app.admin import hash_pin
from kiosk_app.config import KioskConfig
from tests.backend.api.helpers import intake, pick_procedure
from tests.backend.conftest import PASSWORD, Clock, LiveServer, free_port
from tests.kiosk_app.conftest import Monotonic

__all__ = ["PIN", "UI", "VN_TZ", "Backend", "compare"]
PIN = "2468"
TOLERANCE, MAX_SHARE = 8, 0.001  # per channel (of 255); share of pixels allowed to differ
REFERENCES = Path(__file__).resolve().parent.parent / "screenshots"


class Backend:
    """The real server on loopback with a new, a returned and a late (apologised) case."""

    def __init__(self, path: Path) -> None:
        self.store = Store(path)
        site.set_setting(self.store, "lookup_rate_per_minute", "100000")  # many scans here
        self.clock = Clock(datetime(2026, 11, 9, 9, 0, tzinfo=VN_TZ))
        self.live = LiveServer(create_app(path, clock=self.clock), free_port()).start()
        self.url = self.live.url
        self.cases = self._cases()
        admin = self.client("admin")
        self.token = admin.register_device("kiosk-sanh-1", "kiosk", "lobby")["token"]
        admin.session.close()

    def client(self, user: str) -> Client:
        return self.live.client(user)

    def _cases(self) -> dict[str, dict]:
        clerk = self.client("clerk")
        proc = pick_procedure(clerk, unit="KT")
        step = next(i for i, s in enumerate(proc["workflow"]) if s["unit"] == "KT")
        late = intake(clerk, proc)  # two weeks ago, apologised, still not done
        clerk.action(late["code"], "transfer", to_step=step)
        self.client("leader.kt").action(late["code"], "apologize", note="Cần xác minh thêm",
                                     new_due_at=datetime(2026, 11, 17, 17, 0, tzinfo=VN_TZ))
        self.clock.now = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)  # a Monday morning
        clerk.login("clerk", PASSWORD)
        returned = intake(clerk, proc)
        clerk.action(returned["code"], "transfer", to_step=step)
        self.client("officer.kt").action(returned["code"], "transfer")
        self.client("leader.kt").action(returned["code"], "resolve")
        clerk.action(returned["code"], "return", channel="counter")
        new = intake(clerk, proc)
        return {"late": late, "returned": returned, "new": new}

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.stop()
        self.store.close()


class UI:
    """The kiosk app in this process's one window."""

    def __init__(self, backend: Backend, orientation: str, out: Path, now: datetime) -> None:
        from kiosk_app.app import configure_kivy

        self.out, self.orientation = out, orientation
        config = KioskConfig.from_dict({
            # Shown on the admin screen: a fixed name, so screenshots do not depend on the port.
            "backend_url": "http://motcua.local:8000", "device_name": "kiosk-sanh-1",
            "station": f"rpi-kiosk-{orientation}", "orientation": orientation,
            "fullscreen": False, "agency_code": "000.00.06.H56",
            # a technician's or the demo's smaller window (MOTCUA_UI_WINDOW=1280x800)
            **({"window": os.environ["MOTCUA_UI_WINDOW"]} if "MOTCUA_UI_WINDOW" in os.environ
               else {}),
            "printer": f"virtual:{out / 'tickets'}", "data_dir": out / "data",
            "pin_hash": hash_pin(PIN, iterations=1000)})
        configure_kivy(config)
        from kivy.config import Config

        Config.set("graphics", "maxfps", "0")  # frames are advanced by hand: no waiting at 30 fps
        self.mono = Monotonic()
        self.core = self._core(config, backend, now)
        self.app = self._app()

    def _core(self, config: KioskConfig, backend: Backend, now: datetime):
        from bench import receipt_photos as rp
        from drivers.cameras import FakeCamera
        from kiosk_app.core import Kiosk, KioskClient
        from kiosk_app.devices import Hardware, make_printer

        # A receipt printed without codes: a lifelike picture that never triggers a lookup.
        self.photo = rp.receipt_photo(None, rp.Shot(angle=-8, px_per_mm=5.5), seed=3)
        hardware = Hardware(make_printer(config.printer), FakeCamera([self.photo], fps=5))
        client = KioskClient(backend.url, token=backend.token)
        return Kiosk(config, client=client, hardware=hardware, clock=self.mono,
                     now=lambda: now).start()

    def _app(self):
        from kiosk_app.app import make_app

        app = make_app(self.core)
        app._run_prepare()  # build and show the root without entering the run loop
        self.frames(3)
        return app

    # --- time and input -------------------------------------------------------------------

    def frames(self, n: int = 1) -> None:
        from kivy.base import EventLoop

        for _ in range(n):
            EventLoop.idle()

    def settle(self, timeout: float = 10.0) -> None:
        """Frames until no request is in flight, then two more so the result is drawn."""
        deadline = time.monotonic() + timeout
        self.frames(1)
        while self.core.busy:
            if time.monotonic() > deadline:
                raise AssertionError("the kiosk stayed busy")
            self.core.inbox.run_next(0.01)
            self.frames(1)
        self.frames(2)

    def widgets(self):
        from kivy.core.window import Window

        return list(Window.children[0].walk()) if Window.children else []

    def find(self, text: str):
        """The visible button whose text is `text` (only the current screen is in the tree)."""
        for widget in self.widgets():
            if getattr(widget, "text", None) != text:
                continue
            button = widget
            while button is not None and not hasattr(button, "action"):
                button = button.parent  # words inside a card (the rating faces)
            if button is not None and button.opacity > 0 and not button.disabled:
                return button
        raise LookupError(f"no button {text!r} on {self.core.state.screen}")

    def tap(self, text: str) -> None:
        widget = self.find(text)
        self.touch(*widget.to_window(*widget.center))

    def touch(self, x: float, y: float) -> None:
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(1)
        touch.touch_up()
        self.settle()

    def cut_words(self) -> list[str]:
        """Words of the visible buttons and texts wider than the room their label gives them:
        Kivy draws such a word clipped at both sides."""
        from kivy.core.text import Label as CoreLabel

        cut = []
        for widget in self.widgets():
            room = (getattr(widget, "text_size", None) or (None,))[0]
            text = getattr(widget, "text", "")
            if not room or not text or widget.opacity == 0 or getattr(widget, "markup", False):
                continue
            for word in text.split():
                probe = CoreLabel(text=word, font_name=widget.font_name,
                                  font_size=widget.font_size, bold=widget.bold)
                if probe.get_extents(word)[0] > room + 1:
                    cut.append(f"{word!r} ({room:.0f} px) on {self.core.state.screen}")
        return cut

    def texts(self) -> str:
        """Everything written on the current screen, frame included, as one string."""
        return "\n".join(str(getattr(w, "text", "")) for w in self.widgets()
                         if getattr(w, "text", None) and w.opacity > 0)

    # --- screenshots ------------------------------------------------------------------------

    def shot(self, name: str) -> Path:
        """Screenshot after a drawn frame; compared with its reference (or stored as it)."""
        from kivy.core.window import Window

        self.settle()
        taken = Path(Window.screenshot(name=str(self.out / f"{name}.png")))
        reference = REFERENCES / self.orientation / f"{name}.png"
        if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1":
            reference.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(taken, reference)
            return taken
        ok, why = compare(taken, reference)
        assert ok, f"{name}: {why} (taken: {taken}; MOTCUA_UPDATE_SCREENSHOTS=1 refreshes)"
        return taken

    def close(self) -> None:
        self.core.close()


def compare(taken: Path, reference: Path) -> tuple[bool, str]:
    if not reference.exists():
        return False, f"no reference {reference}"
    a = np.asarray(Image.open(taken).convert("RGB"), dtype=np.int16)
    b = np.asarray(Image.open(reference).convert("RGB"), dtype=np.int16)
    if a.shape != b.shape:
        return False, f"size {a.shape[:2]} != reference {b.shape[:2]}"
    differ = (np.abs(a - b) > TOLERANCE).any(axis=2)
    share = float(differ.mean())
    if share > MAX_SHARE:
        diff = taken.with_name(taken.stem + "-diff.png")
        Image.fromarray((differ * 255).astype(np.uint8)).save(diff)
        return False, f"{share:.2%} of pixels differ (diff: {diff})"
    return True, ""
