"""Drive the counter's Kivy app through one scenario and save a screenshot (a subprocess).

    python -m tests.counter_app.ui_driver SCENARIO OUT.png BACKEND_URL DATA_DIR

Each screenshot runs in its own process so it gets its own Kivy window and KIVY_HOME (both are
process-wide in Kivy). The app is built without entering its run loop; frames are advanced with
`EventLoop.idle()` (Clock.tick() plus the drawing of a frame - a bare Clock.tick() draws nothing
and the screenshot comes out black). The station's clock is frozen at the server's test time,
so dates on screen and on receipts never change.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from backend.client import Client
from backend.domain.calendar import VN_TZ

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)  # the backend fixture's clock
PASSWORD = "Matkhau123"
SIZE = (1280, 800)


def make_app(url: str, data: Path):
    from kivy.config import Config

    Config.set("graphics", "width", str(SIZE[0]))
    Config.set("graphics", "height", str(SIZE[1]))
    from counter_app.core import CounterStation
    from counter_app.screens.app import CounterApp
    from tests.counter_app.conftest import make_config, make_devices

    devices = make_devices(out_dir=data / "receipts")
    station = CounterStation(make_config(data, url), devices=devices, clock=lambda: NOW)
    app = CounterApp(station, status_every=3600)
    return app, station


def frames(count: int = 4) -> None:
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


def login(app, username: str = "clerk") -> None:
    screen = app.screens.get_screen("login")
    screen.username.value, screen.password.value = username, PASSWORD
    screen.submit()


def fill_intake(app, query: str = "ho kinh doanh", code: str = "1.001612") -> None:
    app.go("intake")
    screen = app.screens.get_screen("intake")
    screen.query.value = query
    screen.search()
    screen.choose(code)
    values = {"name": "Nguyễn Thị Ánh Tuyết", "id_number": "079203001234",
              "phone": "0912345678", "address": "12 Lê Lợi, phường Tân Ninh"}
    for name, value in values.items():
        screen.fields[name].value = value
    for row in list(screen.documents.children)[::-1][:3]:
        row.children[-1].active = True  # the tick box is the row's first widget


def resolve(url: str, code: str) -> None:
    clerk, officer, leader = Client(url), Client(url), Client(url)
    clerk.login("clerk", PASSWORD)
    officer.login("officer.kt", PASSWORD)
    leader.login("leader.kt", PASSWORD)
    clerk.action(code, "transfer")
    officer.action(code, "transfer")
    leader.action(code, "resolve")


def scenario_login(app, station, url) -> None:
    app.screens.get_screen("login").username.value = "cl.motcua"


def scenario_password(app, station, url) -> None:
    login(app, "newbie")


def scenario_queue(app, station, url) -> None:
    login(app)
    app.screens.get_screen("queue").queue_call("call_next")()


def scenario_intake(app, station, url) -> None:
    login(app)
    fill_intake(app)
    app.screens.get_screen("intake").fields["phone"].value = "09123"  # a mistake to show
    app.screens.get_screen("intake").confirm()


def scenario_receipt(app, station, url) -> None:
    login(app)
    fill_intake(app)
    app.screens.get_screen("intake").confirm()


def scenario_paper_out(app, station, url) -> None:
    login(app)
    station.devices.printer.virtual.faults.paper_out = True
    fill_intake(app)
    app.screens.get_screen("intake").confirm()


def scenario_offline(app, station, url) -> None:
    login(app)
    app.status_bar.toggle_offline()
    fill_intake(app)
    app.screens.get_screen("intake").confirm()


def scenario_returns(app, station, url) -> None:
    login(app)
    fill_intake(app)
    app.screens.get_screen("intake").confirm()
    case = station.printing.recent(1)[0].payload
    resolve(url, case["code"])
    app.go("returns")
    app.screens.get_screen("returns").scan(case["compact"])
    app.screens.get_screen("returns").hand_over()


def main(scenario: str, out: str, url: str, data: str) -> None:
    app, station = make_app(url, Path(data))
    from kivy.core.window import Window

    app.root = app.build()
    Window.add_widget(app.root)
    frames(2)
    globals()[f"scenario_{scenario}"](app, station, url)
    app.refresh_status()
    frames(6)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    written = Window.screenshot(name=out)  # Kivy appends a counter: name0001.png
    os.replace(written, out)
    station.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
