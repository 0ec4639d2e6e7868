"""The counter's Kivy application: a status bar that is always there, tabs, one screen each.

The status bar answers at a glance what the regulations make the clerk responsible for: who is
logged in, whether the station is online (and the outbox waiting), and the printer's state.
Every action goes through `act()`, which shows a failure's Vietnamese and English text in the
message line instead of letting it escape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from counter_app.core import CounterStation, StationStatus
from counter_app.screens.theme import (
    BG,
    HEADER,
    LEVELS,
    PANEL,
    PRIMARY,
    SMALL,
    register_fonts,
    rgba,
)
from counter_app.screens.widgets import FlatButton, MsgText, Text, paint
from counter_app.strings import tr
from counter_app.texts import Msg, as_msg
from drivers.sdnotify import LoopWatch

TABS = [("queue", tr("tab_queue")), ("intake", tr("tab_intake")), ("receipt", tr("tab_receipt")),
        ("returns", tr("tab_returns"))]


class StatusBar(BoxLayout):
    def __init__(self, app: CounterApp) -> None:
        super().__init__(size_hint_y=None, height=44, padding=[12, 4], spacing=12)
        paint(self, HEADER)
        self.app = app
        config = app.station.config
        # The place and the two buttons take the width their words need; the three state
        # texts share the rest, so nothing is cut at 1024 px and nothing floats at 1920.
        self.place = fitted(Text(f"MỘT CỬA · QUẦY {config.counter}", bold=True,
                                 colour="#FFFFFF", grow=False, size=SMALL))
        self.user = Text("", colour="#FFFFFF", grow=False, size_hint_x=0.2, size=SMALL,
                         shorten=True, shorten_from="right")
        self.link = Text("", colour="#FFFFFF", bold=True, grow=False, size_hint_x=0.4,
                         size=SMALL)
        self.printer = Text("", colour="#FFFFFF", grow=False, size_hint_x=0.4, size=SMALL)
        self.switch = FlatButton("", self.toggle_offline, colour="#7B1419", size=SMALL,
                                 size_hint_x=None, width=150, height=34)
        self.logout = FlatButton(tr("logout"), app.logout, colour="#7B1419", size=SMALL,
                                 size_hint_x=None, width=110, height=34)
        for widget in (self.place, self.user, self.link, self.printer, self.switch,
                       self.logout):
            self.add_widget(widget)

    def update(self, status: StationStatus) -> None:
        self.user.text = (status.user or {}).get("full_name", "") or tr("not_logged_in")
        waiting = f" · {tr('outbox_waiting', n=status.outbox_pending)}" \
            if status.outbox_pending else ""
        if status.attention:  # refused by the server or landed twice: the clerk must look
            waiting += f" · {tr('attention', n=status.attention)}"
        self.link.text = tr("online" if status.online else "offline") + waiting
        self.printer.text = tr("printer_line", state=status.printer.msg.vi) + (
            tr("open_jobs", n=status.open_jobs) if status.open_jobs else "")
        self.printer.color = rgba("#FFFFFF" if status.printer.level == "ok" else "#FFD54F")
        self.switch.text = tr("go_online") if status.manual_offline else tr("go_offline")
        self.logout.opacity = self.switch.opacity = 1 if status.user else 0
        self.logout.disabled = self.switch.disabled = not status.user

    def toggle_offline(self) -> None:
        station = self.app.station
        self.app.act(station.set_offline, not station.link.manual_offline)
        self.app.refresh_status()


def fitted(label: Text) -> Text:
    """A one-line label exactly as wide as its text."""
    label.size_hint_x = None
    label.bind(texture_size=lambda widget, size: setattr(widget, "width", size[0] + 4))
    label.unbind(width=label._wrap)
    label.text_size = (None, None)
    return label


class Banner(BoxLayout):
    """The offline banner: impossible to miss, gone when the station is back online. As tall
    as its text, which wraps to two or three lines on a narrow screen."""

    def __init__(self) -> None:
        super().__init__(size_hint_y=None, height=0, padding=[12, 6])
        paint(self, LEVELS["warning"])
        self.label = Text("", colour="#FFFFFF", bold=True)
        self.label.bind(height=lambda *_: self._fit())
        self.add_widget(self.label)

    def show(self, msg: Msg | None) -> None:
        self.label.text = f"{msg.vi}  /  {msg.en}" if msg else ""
        self.opacity = 1 if msg else 0
        self._fit()

    def _fit(self) -> None:
        self.height = self.label.height + 12 if self.label.text else 0


class Tabs(BoxLayout):
    def __init__(self, app: CounterApp) -> None:
        super().__init__(size_hint_y=None, height=46, padding=[12, 6, 12, 0], spacing=6)
        self.buttons = {}
        for name, title in TABS:
            button = FlatButton(title, lambda n=name: app.go(n), colour=PANEL, ink=PRIMARY)
            self.buttons[name] = button
            self.add_widget(button)

    def select(self, current: str) -> None:
        for name, button in self.buttons.items():
            chosen = name == current
            button.background_color = rgba(PRIMARY if chosen else PANEL)
            button.color = rgba("#FFFFFF" if chosen else PRIMARY)


class CounterApp(App):
    title = tr("window_title")

    def __init__(self, station: CounterStation, *, status_every: float = 1.0,
                 **kw: Any) -> None:
        super().__init__(**kw)
        self.station = station
        self.status_every = status_every

    def build(self) -> BoxLayout:
        from counter_app.screens import intake as intake_screen
        from counter_app.screens import login, queue, receipt, returns

        register_fonts()
        Window.clearcolor = rgba(BG)
        root = BoxLayout(orientation="vertical")
        self.status_bar, self.banner, self.tabs = StatusBar(self), Banner(), Tabs(self)
        self.screens = ScreenManager(transition=NoTransition())
        for screen in (login.LoginScreen(self), login.PasswordScreen(self),
                       queue.QueueScreen(self), intake_screen.IntakeScreen(self),
                       receipt.ReceiptScreen(self), returns.ReturnScreen(self)):
            self.screens.add_widget(screen)
        self.message = MsgText(size=SMALL, grow=False, size_hint_y=None, height=44,
                               padding=[12, 0])
        paint(self.message, PANEL)
        for widget in (self.status_bar, self.banner, self.tabs, self.screens, self.message):
            root.add_widget(widget)
        self.go("login")
        Clock.schedule_interval(self.refresh_status, self.status_every)
        self.watch = LoopWatch()
        self.watch.attach(Window, Clock, stop=self.stop)
        return root

    # -- navigation and messages -----------------------------------------------------------
    def go(self, name: str) -> None:
        self.screens.current = name
        self.tabs.select(name)
        working = name not in ("login", "password")
        self.tabs.height, self.tabs.opacity = (46, 1) if working else (0, 0)
        self.tabs.disabled = not working
        self.screens.get_screen(name).refresh()
        self.refresh_status()

    def say(self, msg: Msg | None) -> None:
        self.message.show(msg)

    def act(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one core action; a failure becomes the message line, never a crash."""
        try:
            return fn(*args, **kwargs)
        except Exception as error:  # every core error carries vi/en; anything else is shown too
            self.say(as_msg(error))
            return None

    def refresh_status(self, *_: object) -> None:
        """Cheap (local state only): the worker thread does the network checks."""
        status = self.station.status()
        self.status_bar.update(status)
        self.banner.show(status.banner)
        notice = self.station.take_notice()
        if notice is not None:
            self.say(notice)

    def on_scan(self, text: str) -> None:
        """A serial scanner read a receipt (called on the main thread): look the case up."""
        if self.station.session.ready:
            self.go("returns")
            self.screens.get_screen("returns").scan(text)

    def logout(self) -> None:
        self.act(self.station.logout)
        self.go("login")

    def on_stop(self) -> None:
        self.watch.stopping()
        self.station.close()

