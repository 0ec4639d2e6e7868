"""Drive the counter's Kivy app through one scenario and save a screenshot (a subprocess).

    python -m tests.counter_app.ui_driver SCENARIO OUT.png BACKEND_URL DATA_DIR [WxH]

A scenario may return what it saw (a dict); it is written beside the screenshot as OUT.json
for the test to check. The window size is the station's own `--size` setting (1280x800
unless given), applied the way `python -m counter_app` applies it.

Each screenshot runs in its own process so it gets its own Kivy window and KIVY_HOME (both are
process-wide in Kivy). The app is built without entering its run loop; frames are advanced with
`EventLoop.idle()` (Clock.tick() plus the drawing of a frame - a bare Clock.tick() draws nothing
and the screenshot comes out black). The station's clock is frozen at the server's test time,
so dates on screen and on receipts never change.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from backend.client import Client
from backend.domain.calendar import VN_TZ

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)  # the backend fixture's clock
PASSWORD = "Matkhau123"
SIZE = "1280x800"


def make_app(url: str, data: Path, size: str):
    from counter_app.__main__ import set_window
    from tests.counter_app.conftest import make_config, make_devices

    config = make_config(data, url, window="window", size=size)
    set_window(config)
    from counter_app.core import CounterStation
    from counter_app.screens.app import CounterApp

    devices = make_devices(out_dir=data / "receipts")
    station = CounterStation(config, devices=devices, clock=lambda: NOW)
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


def fill_intake(app, query: str = "ho kinh doanh", code: str = "1.001612",
                ticks: tuple[int, ...] = (0, 1, 2)) -> None:
    app.go("intake")
    screen = app.screens.get_screen("intake")
    screen.query.value = query
    screen.search()
    screen.choose(code)
    values = {"name": "Nguyễn Thị Ánh Tuyết", "id_number": "079203001234",
              "phone": "0912345678", "address": "12 Lê Lợi, phường Tân Ninh"}
    for name, value in values.items():
        screen.fields[name].value = value
    rows = list(screen.rows.values())
    for index in ticks:
        rows[index].box.dispatch("on_release")  # as the clerk's click on the box


def wedge(text: str) -> None:
    """A USB barcode scanner: the code's keys, then Enter, into whatever has the focus."""
    from kivy.core.window import Window

    for char in text:
        Window.dispatch("on_key_down", ord(char), 0, char, [])
        Window.dispatch("on_textinput", char)
        Window.dispatch("on_key_up", ord(char), 0)
    Window.dispatch("on_key_down", 13, 40, None, [])
    Window.dispatch("on_key_up", 13, 40)


def form_state(app, station) -> dict:
    screen = app.screens.get_screen("intake")
    return {"applicant": {k: f.value for k, f in screen.fields.items()},
            "ticked": dict(screen.form.documents),
            "rows": [row.active for row in screen.rows.values()],
            "jobs": [job.kind for job in station.printing.recent()],
            "screen": app.screens.current}


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


def scenario_queue_priority(app, station, url) -> dict:
    """An elderly citizen at the desk is served at once; a disabled one gets a number."""
    login(app)
    screen = app.screens.get_screen("queue")
    screen.groups["elderly"]._do_press()  # the clerk's click on the group
    screen.serve_priority.dispatch("on_release")
    served = {"current": dict(station.queue.current or {}), "said": app.message.text}
    screen.groups["disabled"]._do_press()
    screen.print_priority.dispatch("on_release")
    frames(2)
    return {**served, "printed": app.message.text, "detail": screen.detail.text,
            "tickets": len(station.devices.printer.virtual.receipts),
            "groups": [b.state for b in screen.groups.values()]}


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


def scenario_intake_consent(app, station, url) -> dict:
    """The SMS box starts unticked; ticked, the case is sent with the citizen's consent, and
    the next citizen's form starts unticked again."""
    login(app)
    fill_intake(app)
    screen = app.screens.get_screen("intake")
    before = screen.form.notify_sms
    frames(2)
    label = screen.consent_label
    shown = {"text": label.text, "fits": label.texture_size[1] <= label.parent.height}
    screen.consent.dispatch("on_release")  # the clerk's click on the box
    frames(2)
    ticked = {"form": screen.form.notify_sms, "box": screen.consent.text}
    screen.confirm()
    frames(2)
    case = station.printing.recent(1)[0].payload
    return {"before": before, "label": shown, "ticked": ticked, "code": case["code"],
            "after": {"form": screen.form.notify_sms, "box": screen.consent.text}}


def scenario_intake_incomplete(app, station, url) -> dict:
    """The required paper (the first) left unticked: the clerk is asked, nothing printed."""
    login(app)
    fill_intake(app, ticks=(1,))
    screen = app.screens.get_screen("intake")
    screen.confirm()
    return {**form_state(app, station), "dialog": screen.dialog.missing,
            "open": screen.dialog.parent is not None}


def scenario_intake_back(app, station, url) -> dict:
    scenario_intake_incomplete(app, station, url)
    app.screens.get_screen("intake").dialog.back_button.dispatch("on_release")
    frames(2)
    return {**form_state(app, station),
            "open": app.screens.get_screen("intake").dialog.parent is not None}


def scenario_intake_supplement(app, station, url) -> dict:
    scenario_intake_incomplete(app, station, url)
    app.screens.get_screen("intake").dialog.supplement_button.dispatch("on_release")
    frames(2)
    app.go("intake")  # the clerk looks back at the form
    return form_state(app, station)


def scenario_returns_wedge(app, station, url) -> dict:
    """Open the Returns tab and scan at once: the keys must land in the scan field."""
    login(app)
    fill_intake(app)
    app.screens.get_screen("intake").confirm()
    case = station.printing.recent(1)[0].payload
    resolve(url, case["code"])
    app.tabs.buttons["returns"].dispatch("on_release")  # the clerk clicks the tab
    frames(2)
    wedge(case["compact"])
    frames(2)
    screen = app.screens.get_screen("returns")
    first = screen.view.code if screen.view else None
    screen.hand_over_button.dispatch("on_release")  # a click elsewhere; the next scan still lands
    frames(2)
    wedge(case["qr"])
    frames(2)
    return {"code": case["code"], "first": first,
            "second": screen.view.code if screen.view else None,
            "field": screen.scan_field.value}


def scenario_synced(app, station, url) -> dict:
    """A case taken offline; back online by hand, the outbox goes and the clerk is told."""
    login(app)
    app.status_bar.toggle_offline()
    fill_intake(app)
    app.screens.get_screen("intake").confirm()
    waiting = app.status_bar.link.text
    app.status_bar.toggle_offline()
    return {"waiting": waiting, "said": app.message.text, "link": app.status_bar.link.text}


def scenario_returns(app, station, url) -> dict:
    """Scan a resolved case's receipt and hand the result over: what the panel says before
    and after."""
    login(app)
    fill_intake(app)
    app.screens.get_screen("intake").confirm()
    case = station.printing.recent(1)[0].payload
    resolve(url, case["code"])
    app.go("returns")
    screen = app.screens.get_screen("returns")
    screen.scan(case["compact"])
    frames(2)
    before = panel_state(screen)
    screen.hand_over()
    frames(2)
    return {"before": before, "after": panel_state(screen)}


def panel_state(screen) -> dict:
    return {"details": screen.details.text, "state": screen.state.text,
            "can_hand_over": not screen.hand_over_button.disabled,
            "rating_asked": screen.ask.opacity == 1 and not screen.rating.disabled}


def save_frame(window, out: str) -> None:
    """The drawn frame as a PNG. Read as RGBA: Kivy's own screenshot reads RGB rows that GL
    pads to 4 bytes, which shears the picture when the width is not a multiple of 4 (1366)."""
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    width, height = window.size
    pixels = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
    frame = Image.frombytes("RGBA", (width, height), pixels)
    frame.transpose(Image.Transpose.FLIP_TOP_BOTTOM).convert("RGB").save(out)


def main(scenario: str, out: str, url: str, data: str, size: str = SIZE) -> None:
    app, station = make_app(url, Path(data), size)
    from kivy.core.window import Window

    app.root = app.build()
    Window.add_widget(app.root)
    frames(2)
    report = globals()[f"scenario_{scenario}"](app, station, url) or {}
    app.refresh_status()
    frames(6)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    save_frame(Window, out)
    Path(out).with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False))
    station.close()


if __name__ == "__main__":
    main(*sys.argv[1:6])
